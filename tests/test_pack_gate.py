"""The gate stops an exposure at the resource that grants it, before that resource exists.

The pack is driven over gRPC as the Pulumi engine drives it (``tests.test_pack_support``):
one pack process per deployment, ``ConfigureStack``, then ``Analyze`` for every resource
in registration order, then ``AnalyzeStack``, which during an update comes after every
resource was created. A violation reported only there would be reported too late.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockdown.engine.policyset import load_policy_set
from lockdown.loaders.preview import load_preview
from lockdown.loaders.state import load_state
from lockdown.model import LoadedStack, Resource, make_urn
from tests.test_pack import PROVIDER, repository_check, stack_config_strings
from tests.test_pack_support import REPO, Diagnostic, Pack, launch

RULES = {rule.id: rule for rule in load_policy_set(REPO / "policies").rules}
ORG = "o-a1b2c3d4e5"
ACCOUNT = "111122223333"


@pytest.fixture(scope="module")
def leaky() -> LoadedStack:
    from lockdown.loaders.program import load_program

    return load_program(REPO / "examples" / "leaky-capture", "demo")


def replay(pack: Pack, loaded: LoadedStack, *, dry_run: bool) -> list[Diagnostic]:
    """One deployment: ``ConfigureStack``, ``Analyze`` per resource in registration order, ``AnalyzeStack``."""
    config = stack_config_strings(loaded)
    pack.configure_stack(config, dry_run=dry_run, stack=loaded.stack or "dev")
    return pack.run(loaded.resources)


def finding_text(diagnostic: Diagnostic) -> str:
    """The finding in a diagnostic: the line after the policy's description."""
    return diagnostic.message.split("\n")[1]


@pytest.mark.parametrize("dry_run", [False, True], ids=["update", "preview"])
def test_leaky_capture_exposures_are_mandatory_at_the_granting_resources_analyze(
    leaky: LoadedStack, dry_run: bool
) -> None:
    """Every critical exposure `lockdown check` reports blocks the Analyze call of the resource granting it.

    The planner's records have every value known (the document built from ``bucket.arn``
    included), so the preview decides as the update does.
    """
    critical = [
        (row[0], row[1], row[2]) for row in repository_check(leaky) if row[3] and RULES[row[0]].severity == "critical"
    ]
    assert {rule for rule, _urn, _message in critical} >= {"LD-S3-001", "LD-KMS-001"}
    names = {resource.urn: resource.name for resource in leaky.resources}
    with launch(policies=REPO / "policies", stack="demo", stack_config=stack_config_strings(leaky)) as pack:
        found = replay(pack, leaky, dry_run=dry_run)
    mandatory = {(d.policy.upper(), d.urn, finding_text(d), d.call) for d in found if d.enforcement == "mandatory"}
    for rule, urn, message in critical:
        assert (rule, urn, message, f"Analyze {names[urn]}") in mandatory, (rule, urn, message)
        assert not any(d.call == "AnalyzeStack" and finding_text(d) == message for d in found), "reported twice"
    policy_urn = next(r.urn for r in leaky.resources if r.name == "capture-transcripts-policy")
    assert ("LD-S3-001", policy_urn) in {(rule, urn) for rule, urn, _message in critical}


def bucket_policy(principal: object, condition: dict | None = None, bucket: str = "capture-raw") -> Resource:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    if condition:
        statement["Condition"] = condition
    type_ = "aws:s3/bucketPolicy:BucketPolicy"
    return Resource(
        urn=make_urn("dev", "lockdown", type_, f"{bucket}-policy"),
        type=type_,
        name=f"{bucket}-policy",
        properties={"bucket": bucket, "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})},
        source="program",
        provider=PROVIDER,
    )


def bucket(name: str, classification: str) -> Resource:
    type_ = "aws:s3/bucket:Bucket"
    return Resource(
        urn=make_urn("dev", "lockdown", type_, name),
        type=type_,
        name=name,
        properties={"bucket": name, "arn": f"arn:aws:s3:::{name}", "tags": {"data-classification": classification}},
        source="program",
        provider=PROVIDER,
        id=name,
    )


GATE_SETTINGS = {
    "lockdown:accountIds": json.dumps([ACCOUNT]),
    "lockdown:organizationId": ORG,
    "lockdown:allowedReaders": json.dumps([f"arn:aws:iam::{ACCOUNT}:role/reader"]),
}

BROAD_GRANTS = {
    "anyone": ("*", None),
    "organization": ("*", {"StringEquals": {"aws:PrincipalOrgID": ORG}}),
    "account root": ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, None),
    "another account": ({"AWS": "arn:aws:iam::999988887777:root"}, None),
}


@pytest.fixture(scope="module")
def gate_pack() -> Pack:
    with launch(policies=REPO / "policies", stack_config=GATE_SETTINGS) as pack:
        yield pack


@pytest.mark.parametrize("grant", list(BROAD_GRANTS))
def test_lone_bucket_policy_granting_broadly_is_mandatory_at_analyze(gate_pack: Pack, grant: str) -> None:
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    found = gate_pack.analyze(bucket_policy(*BROAD_GRANTS[grant]))
    blocking = [d for d in found if d.enforcement == "mandatory" and d.policy == "ld-s3-001"]
    assert len(blocking) == 1, found
    assert "bucket 'capture-raw' was not seen in this deployment; judged as restricted" in blocking[0].message


@pytest.mark.parametrize("grant", list(BROAD_GRANTS))
def test_bucket_policy_on_a_bucket_seen_tagged_public_passes(gate_pack: Pack, grant: str) -> None:
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    assert [d.policy for d in gate_pack.analyze(bucket("capture-raw", "public"))] == []
    assert [d.policy for d in gate_pack.analyze(bucket_policy(*BROAD_GRANTS[grant]))] == []


def test_bucket_seen_tagged_restricted_blocks_with_its_classification(gate_pack: Pack) -> None:
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    gate_pack.analyze(bucket("capture-raw", "restricted"))
    found = gate_pack.analyze(bucket_policy(*BROAD_GRANTS["organization"]))
    assert [(d.policy, d.enforcement) for d in found] == [("ld-s3-001", "mandatory")]
    assert "bucket 'capture-raw' (restricted): bucket policy lets organization" in found[0].message


def test_a_new_deployment_forgets_what_the_last_one_saw(gate_pack: Pack) -> None:
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    gate_pack.analyze(bucket("capture-raw", "public"))
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    found = gate_pack.analyze(bucket_policy("*"))
    assert [(d.policy, d.enforcement) for d in found] == [("ld-s3-001", "mandatory")]


def test_bucket_policy_whose_bucket_is_unknown_is_undecided_in_preview_and_blocks_in_the_update(
    gate_pack: Pack,
) -> None:
    from lockdown.model import UNKNOWN

    policy = bucket_policy("*")
    unknown_bucket = Resource(**{**policy.__dict__, "properties": {**policy.properties, "bucket": UNKNOWN}})
    unknown_bucket.unknowns = ["bucket"]
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=True)
    preview = gate_pack.analyze(unknown_bucket)
    assert [(d.policy, d.enforcement) for d in preview] == [("ld-s3-001", "advisory")]
    assert "[undecided during preview]" in preview[0].message
    assert "its bucket is not known at plan time; judged as restricted" in preview[0].message
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    assert [(d.policy, d.enforcement) for d in gate_pack.analyze(unknown_bucket)] == [("ld-s3-001", "mandatory")]


def role(name: str, trusted_account: str) -> Resource:
    type_ = "aws:iam/role:Role"
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{trusted_account}:root"},
        "Action": "sts:AssumeRole",
    }
    return Resource(
        urn=make_urn("dev", "lockdown", type_, name),
        type=type_,
        name=name,
        properties={
            "name": name,
            "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
        },
        source="program",
        provider=PROVIDER,
    )


def role_policy(name: str, role_name: str, action: str, resource: str) -> Resource:
    type_ = "aws:iam/rolePolicy:RolePolicy"
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    return Resource(
        urn=make_urn("dev", "lockdown", type_, name),
        type=type_,
        name=name,
        properties={"role": role_name, "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})},
        source="program",
        provider=PROVIDER,
    )


def test_a_neighbours_violation_is_reported_once_at_the_first_analyze_that_shows_it(gate_pack: Pack) -> None:
    """A role assumable by another account is harmless until a policy lets it read restricted data:
    that policy's Analyze reports LD-IAM-003 on the role (and blocks), later arrivals do not again."""
    gate_pack.configure_stack(GATE_SETTINGS, dry_run=False)
    assert gate_pack.analyze(bucket("capture-raw", "restricted")) == []
    shared = role("shared", "999988887777")
    assert gate_pack.analyze(shared) == []
    found = gate_pack.analyze(role_policy("shared-read", "shared", "s3:GetObject", "arn:aws:s3:::capture-raw/*"))
    assert ("ld-iam-003", shared.urn, "mandatory") in {(d.policy, d.urn, d.enforcement) for d in found}
    later = gate_pack.analyze(role_policy("shared-logs", "shared", "logs:CreateLogGroup", "*"))
    assert "ld-iam-003" not in {d.policy for d in later}


def test_an_undecided_neighbour_violation_is_shown_once_in_preview_and_decided_at_the_stack(gate_pack: Pack) -> None:
    from lockdown.model import UNKNOWN

    gate_pack.configure_stack(GATE_SETTINGS, dry_run=True)
    unknown_trust = role("pending", ACCOUNT)
    unknown_trust = Resource(
        **{**unknown_trust.__dict__, "properties": {**unknown_trust.properties, "assumeRolePolicy": UNKNOWN}}
    )
    unknown_trust.unknowns = ["assumeRolePolicy"]
    deployment = [
        bucket("capture-raw", "restricted"),
        unknown_trust,
        role_policy("pending-read", "pending", "s3:GetObject", "arn:aws:s3:::capture-raw/*"),
        role_policy("pending-list", "pending", "s3:ListBucket", "arn:aws:s3:::capture-raw"),
    ]
    shown = []
    for resource in deployment:
        shown += [(d.policy, d.enforcement) for d in gate_pack.analyze(resource) if d.urn == unknown_trust.urn]
    assert shown == [("ld-iam-003", "advisory")]
    stack = gate_pack.analyze_stack(deployment)
    assert ("ld-iam-003", unknown_trust.urn) in {(d.policy, d.urn) for d in stack}


# -- parity with lockdown check over the repository's fixtures ---------------------------

FIXTURES = sorted(
    [("preview", path) for path in (REPO / "tests" / "fixtures" / "preview").glob("*.json")]
    + [("state", path) for path in (REPO / "tests" / "fixtures" / "state").glob("*.json")],
)


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=[path.name for _kind, path in FIXTURES])
def test_gate_mandatory_diagnostics_equal_check_blocking_findings_on_fixtures(kind: str, path: Path) -> None:
    """Analyze + AnalyzeStack together give the blocking findings, each once, rule by rule.

    A stack export has every value known: it is replayed as an update, and the gate's
    mandatory diagnostics are exactly the check's blocking findings, the rules enforced
    at Analyze all decided there. A preview has unknown values: it is replayed as a
    preview, where a blocking finding resting on one may be undecided instead (and is
    decided again by the update), and nothing blocks that the check does not block.
    """
    loaded = load_preview(path) if kind == "preview" else load_state(path)
    expected = sorted((rule, urn, message) for rule, urn, message, blocking in repository_check(loaded) if blocking)
    config = stack_config_strings(loaded)
    with launch(policies=REPO / "policies", stack=loaded.stack or "dev", stack_config=config) as pack:
        found = replay(pack, loaded, dry_run=kind == "preview")
    mandatory = sorted((d.policy.upper(), d.urn, finding_text(d)) for d in found if d.enforcement == "mandatory")
    if kind == "state":
        assert mandatory == expected
        late = [d for d in found if d.call == "AnalyzeStack" and RULES[d.policy.upper()].gate == "analyze"]
        assert late == [], "a rule enforced at Analyze was decided only after the update"
        return
    undecided = {
        (d.policy.upper(), d.urn, finding_text(d).removeprefix("[undecided during preview] "))
        for d in found
        if finding_text(d).startswith("[undecided during preview] ")
    }
    assert len(mandatory) == len(set(mandatory)), "a violation reported twice"
    assert set(mandatory) <= set(expected)
    assert set(expected) <= set(mandatory) | undecided


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=[path.name for _kind, path in FIXTURES])
def test_rules_mark_every_verdict_resting_on_an_unknown_as_undecided(kind: str, path: Path) -> None:
    """The rules' contract, checked on real stacks: a message that says a value is unknown at plan
    time comes with ``"undecided": true`` and only such messages do (the gate reads the field)."""
    import re

    from lockdown.engine.embedded import EmbeddedEngine
    from lockdown.settings import resolve

    loaded = load_preview(path) if kind == "preview" else load_state(path)
    engine = EmbeddedEngine(load_policy_set(REPO / "policies"))
    for violation in engine.evaluate(loaded.resources, resolve(loaded.config)).violations:
        says_unknown = re.search(r"(unknown|not known) at plan time", violation.message) is not None
        assert violation.undecided == says_unknown, (violation.rule.id, violation.message)


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=[path.name for _kind, path in FIXTURES])
def test_rules_judging_grants_do_not_read_the_control_kinds_the_gate_leaves_out(kind: str, path: Path) -> None:
    """The gate judges grants without the resources of the library's control_kinds: the library's claim, checked."""
    from dataclasses import replace

    from lockdown.engine.embedded import EmbeddedEngine
    from lockdown.gate import control_types
    from lockdown.settings import resolve

    policy_set = load_policy_set(REPO / "policies")
    granting = tuple(rule for rule in policy_set.rules if rule.scope == "stack" and rule.gate == "analyze")
    engine = EmbeddedEngine(replace(policy_set, rules=granting))
    controls = control_types(engine)
    assert "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" in controls
    loaded = load_preview(path) if kind == "preview" else load_state(path)
    settings = resolve(loaded.config)
    everything = engine.evaluate(loaded.resources, settings).violations
    without = engine.evaluate([r for r in loaded.resources if r.type not in controls], settings).violations
    assert sorted(map(repr, everything)) == sorted(map(repr, without))
    assert any(r.type in controls for r in loaded.resources) or kind == "state"
