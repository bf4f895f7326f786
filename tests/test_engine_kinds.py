"""Resource rules' ``kinds``: the gate evaluates only those of an arriving resource, and every
evaluation checks that no rule reports a resource outside its kinds (lockdown.engine.kinds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockdown.engine import load_engine, load_policy_set
from lockdown.engine.embedded import EmbeddedEngine
from lockdown.errors import LockdownError, PolicyError
from lockdown.model import Resource
from tests.policy_fixtures import write_rule

BUCKET, KEY, QUEUE = "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:sqs/queue:Queue"
EXTRA = "aws:kinesis/stream:Stream"
LIBRARY = """package lockdown.lib.types

import rego.v1

kinds := {"aws:s3/bucket:Bucket": "bucket", "aws:kms/key:Key": "kms_key"}
"""
EXTRA_LIBRARY = """package lockdown.lib.services

import rego.v1

extra_kinds := {"aws:kinesis/stream:Stream": "kinesis_stream"}
"""
REPO_POLICIES = Path(__file__).resolve().parents[1] / "policies"


def resource(name: str, type_: str) -> Resource:
    return Resource(urn=f"urn:pulumi:dev::p::{type_}::{name}", type=type_, name=name, properties={}, source="program")


def declare(rule_file: Path, kinds: str) -> None:
    text = rule_file.read_text()
    rule_file.write_text(text.replace("#   scope: resource\n", f"#   scope: resource\n#   kinds: {kinds}\n"))


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A library with two kinds (plus one extra kind) and rules declaring kinds or not."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "types.rego").write_text(LIBRARY)
    (tmp_path / "lib" / "services.rego").write_text(EXTRA_LIBRARY)
    declare(write_rule(tmp_path, package="buckets", rule_id="LD-DEMO-001", bad="bad-bucket"), "[bucket]")
    declare(write_rule(tmp_path, package="keys", rule_id="LD-DEMO-002", bad="bad-key"), "[kms_key]")
    declare(write_rule(tmp_path, package="others", rule_id="LD-DEMO-003", bad="bad-other"), "[unmodelled]")
    declare(write_rule(tmp_path, package="streams", rule_id="LD-DEMO-004", bad="bad-stream"), "[kinesis_stream]")
    write_rule(tmp_path, package="anything", rule_id="LD-DEMO-005", bad="bad-any")
    return tmp_path


def selected(engine: EmbeddedEngine, type_: str) -> list[str]:
    return sorted(rule.id for rule in engine.rules_for(type_))


def test_rules_for_a_type_are_those_of_its_kinds_and_those_without_kinds(policies: Path) -> None:
    engine = load_engine(policies)
    assert selected(engine, BUCKET) == ["LD-DEMO-001", "LD-DEMO-005"]
    assert selected(engine, KEY) == ["LD-DEMO-002", "LD-DEMO-005"]
    # A type the library has no kind for is "unmodelled"; an extra kind's type is that too.
    assert selected(engine, QUEUE) == ["LD-DEMO-003", "LD-DEMO-005"]
    assert selected(engine, EXTRA) == ["LD-DEMO-003", "LD-DEMO-004", "LD-DEMO-005"]


def test_a_finding_within_the_declared_kinds_is_reported(policies: Path) -> None:
    engine = load_engine(policies)
    stack = [resource("bad-bucket", BUCKET), resource("bad-other", QUEUE), resource("bad-any", KEY)]
    found = engine.evaluate(stack, {}).violations
    assert sorted((v.rule.id, v.urn.split("::")[-1]) for v in found) == [
        ("LD-DEMO-001", "bad-bucket"),
        ("LD-DEMO-003", "bad-other"),
        ("LD-DEMO-005", "bad-any"),
    ]


def test_a_finding_outside_the_declared_kinds_fails_the_run(policies: Path) -> None:
    engine = load_engine(policies)
    # LD-DEMO-002 says it reports keys only, yet flags any resource named "bad-key": the gate would
    # skip it for this bucket, so the declaration is wrong and no evaluation may pass on it.
    with pytest.raises(PolicyError, match=r"keys\.rego: rule LD-DEMO-002 reported a resource of type aws:s3/bucket"):
        engine.evaluate([resource("bad-key", BUCKET)], {})


def test_a_kind_the_library_does_not_define_is_a_policy_error(policies: Path) -> None:
    declare(write_rule(policies, package="typo", rule_id="LD-DEMO-006"), "[buckett]")
    engine = load_engine(policies)
    with pytest.raises(PolicyError, match=r"typo\.rego: METADATA kinds names buckett"):
        engine.evaluate([resource("fine", BUCKET)], {})


@pytest.mark.parametrize(
    ("kinds", "message"),
    [("bucket", "must be a non-empty list"), ("[]", "must be a non-empty list"), ("[1]", "must be a non-empty list")],
)
def test_malformed_kinds_are_rejected(policies: Path, kinds: str, message: str) -> None:
    declare(write_rule(policies, package="bad_kinds", rule_id="LD-DEMO-006"), kinds)
    with pytest.raises(LockdownError, match=message):
        load_policy_set(policies)


def test_only_resource_rules_may_declare_kinds(policies: Path) -> None:
    rule_file = write_rule(policies, package="stacky", rule_id="LD-DEMO-006")
    stack_rule = "#   scope: stack\n#   gate: analyze\n#   kinds: [bucket]\n"
    rule_file.write_text(rule_file.read_text().replace("#   scope: resource\n", stack_rule))
    with pytest.raises(LockdownError, match="kinds is only for resource rules"):
        load_policy_set(policies)


def test_every_bundled_resource_rule_declares_kinds_the_library_defines() -> None:
    """So the gate evaluates a handful of resource rules per ``Analyze``, not all of them."""
    engine = load_engine(REPO_POLICIES)
    resource_rules = [rule for rule in engine.rules if rule.scope == "resource"]
    assert resource_rules
    assert [rule.id for rule in resource_rules if not rule.kinds] == []
    engine.kind_table()  # raises on a kind the library does not define
    for_buckets = [rule.id for rule in engine.rules_for(BUCKET) if rule.scope == "resource"]
    assert 0 < len(for_buckets) < len(resource_rules) // 4
