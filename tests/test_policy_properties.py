"""Property test: a bucket policy statement is flagged exactly when it widens the reader set.

Hypothesis builds statements from the forms issue 5 names (every Principal form, NotPrincipal,
narrowing and non-narrowing conditions, wildcard actions, NotAction, Allow/Deny, resources of
this and other buckets) and checks the real Rego rule LD-S3-001 against a small, independent
Python oracle of IAM semantics. Each example runs in one of several worlds (issue 12): a plain
bucket name or a dotted one, in the aws, aws-us-gov or aws-cn partition; resource patterns are
written with placeholders {B} (the bucket) and {P} (the world's partition).
"""

from __future__ import annotations

import fnmatch
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

os.environ.pop("RUST_BACKTRACE", None)
import regorus

POLICIES = Path(__file__).resolve().parent.parent / "policies"
OWN = "111111111111"
FOREIGN = "222222222222"
READER = f"arn:aws:iam::{OWN}:role/reader"
ANALYST = f"arn:aws:iam::{OWN}:role/analyst"
BUCKET = "data-bucket"
# (bucket name, partition) pairs every statement is judged in.
WORLDS = [
    ("data-bucket", "aws"),
    ("keystrokes.corp.example", "aws"),
    ("keystrokes.corp.example", "aws-us-gov"),
    ("data-bucket", "aws-cn"),
]
CONFIG = {"allowedReaders": [READER], "accountIds": [OWN], "organizationId": "o-abc123"}

# Every S3 action matching s3:GetObject* or s3:ListBucket* (the library's read set).
OBJECT_READS = [
    "s3:getobject", "s3:getobjectacl", "s3:getobjectattributes", "s3:getobjectlegalhold",
    "s3:getobjectretention", "s3:getobjecttagging", "s3:getobjecttorrent", "s3:getobjectversion",
    "s3:getobjectversionacl", "s3:getobjectversionattributes", "s3:getobjectversionforreplication",
    "s3:getobjectversiontagging", "s3:getobjectversiontorrent",
]  # fmt: skip
LIST_READS = ["s3:listbucket", "s3:listbucketmultipartuploads", "s3:listbucketversions"]

PRINCIPALS: dict[str, Any] = {
    "star": "*",
    "aws_star": {"AWS": "*"},
    "star_in_list": {"AWS": [READER, "*"]},
    "reader": {"AWS": READER},
    "reader_session": {"AWS": f"arn:aws:sts::{OWN}:assumed-role/reader/s1"},
    "analyst": {"AWS": ANALYST},
    "own_account_id": {"AWS": OWN},
    "own_root": {"AWS": f"arn:aws:iam::{OWN}:root"},
    "foreign_account": {"AWS": FOREIGN},
    "foreign_role": {"AWS": f"arn:aws:iam::{FOREIGN}:role/reader"},
    "service": {"Service": "logging.s3.amazonaws.com"},
    "not_principal_reader": None,  # NotPrincipal {"AWS": READER}
}
ACTIONS = [
    "s3:GetObject", "s3:Get*", "s3:*Object", "s3:*", "*", "S3:GETOBJECT", "s3:GetObjectVersion",
    "s3:ListBucket", "s3:ListBucket*", "s3:List*", "s3:PutObject", "s3:DeleteObject", "kms:Decrypt",
]  # fmt: skip
RESOURCES = [
    "arn:{P}:s3:::{B}/*", "arn:{P}:s3:::{B}", "*", "arn:{P}:s3:::other-bucket/*",
    "arn:{P}:s3:::data-*/*", "arn:{P}:s3:::{B}/private/*", "arn:aws:s3:::{B}/*", "arn:*:s3:::{B}/*",
    "arn:{P}:s3:::*.example/*", "arn:{P}:s3:::keystrokes*", "arn:{P}:s3:::*", "arn:aws-us-gov:s3:::{B}",
]  # fmt: skip
CONDITIONS: dict[str, tuple[str, str, Any]] = {
    "vpce": ("StringEquals", "aws:SourceVpce", "vpce-1234"),
    "source_ip": ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
    "tls": ("Bool", "aws:SecureTransport", "true"),
    "org": ("StringEquals", "aws:PrincipalOrgID", "o-abc123"),
    "pin_reader": ("ArnEquals", "aws:PrincipalArn", [READER]),
    "pin_reader_if_exists": ("StringEqualsIfExists", "aws:PrincipalArn", READER),
    "account_pattern": ("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{OWN}:*"),
    "source_account": ("StringEquals", "aws:SourceAccount", OWN),
}


@lru_cache(maxsize=1)
def engine() -> regorus.Engine:
    """One engine with every policy loaded (regorus engines are bound to their thread)."""
    eng = regorus.Engine()
    for path in sorted(POLICIES.rglob("*.rego")):
        if not path.name.endswith("_test.rego"):
            eng.add_policy_from_file(str(path))
    eng.add_data({"lockdown": {"config": CONFIG}})
    return eng


def render(value: Any, world: tuple[str, str]) -> Any:
    """The statements with the world's bucket name and partition put in."""
    bucket, partition = world
    return json.loads(json.dumps(value).replace("{B}", bucket).replace("{P}", partition))


def flagged(statements: list[dict[str, Any]], world: tuple[str, str] = (BUCKET, "aws")) -> bool:
    """Run LD-S3-001 on a restricted bucket carrying these statements."""
    name, partition = world
    statements = render(statements, world)
    bucket = {
        "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::data",
        "type": "aws:s3/bucket:Bucket",
        "name": "data",
        "id": name,
        "properties": {
            "bucket": name,
            "arn": f"arn:{partition}:s3:::{name}",
            "tags": {"data-classification": "restricted"},
        },
        "dependencies": [],
        "unknowns": [],
    }
    policy = {
        "urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::data-policy",
        "type": "aws:s3/bucketPolicy:BucketPolicy",
        "name": "data-policy",
        "properties": {"bucket": name, "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})},
        "dependencies": [],
        "unknowns": [],
    }
    eng = engine()
    eng.set_input({"resources": [bucket, policy]})
    found = json.loads(eng.eval_rule_as_json("data.lockdown.rules.s3.bucket_policy_broad_read.deny"))
    return len(found) > 0


# ---------------------------------------------------------------------------
# The oracle: plain IAM semantics, written independently of the Rego library.


def _granted(stmt: dict[str, Any], candidates: list[str]) -> set[str]:
    def hit(action: str, patterns: list[str]) -> bool:
        return any(fnmatch.fnmatchcase(action, p.lower()) for p in patterns)

    if "NotAction" in stmt:
        return {a for a in candidates if not hit(a, _as_list(stmt["NotAction"]))}
    return {a for a in candidates if hit(a, _as_list(stmt["Action"]))}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _reads(stmt: dict[str, Any], world: tuple[str, str]) -> bool:
    bucket_arn = "arn:{P}:s3:::{B}".replace("{P}", world[1]).replace("{B}", world[0])
    resources = _as_list(render(stmt["Resource"], world))
    some_object = any(fnmatch.fnmatchcase(f"{bucket_arn}/{key}", r) for r in resources for key in _keys(r))
    the_bucket = any(fnmatch.fnmatchcase(bucket_arn, r) for r in resources)
    return bool((some_object and _granted(stmt, OBJECT_READS)) or (the_bucket and _granted(stmt, LIST_READS)))


def _keys(pattern: str) -> set[str]:
    """Object keys that some object the pattern matches must look like, if there is one: every
    suffix of the pattern with `*` matching nothing and `?` one letter (a `*` may also absorb
    the end of the bucket ARN: "arn:aws:s3:::*.example/*" matches "other/.example/x")."""
    return {"x"} | {pattern[i:].replace("*", "").replace("?", "x") or "x" for i in range(len(pattern))}


def widens(stmt: dict[str, Any], world: tuple[str, str] = (BUCKET, "aws")) -> bool:
    """True when the statement lets someone beyond READER read the bucket (fnmatch's `*` and
    `?` cross every character, as IAM's do)."""
    if stmt["Effect"] != "Allow" or not _reads(stmt, world):
        return False
    conditions = stmt.get("Condition", {})
    pins = [
        v
        for op, keys in conditions.items()
        if op in ("ArnEquals", "ArnLike")
        for k, v in keys.items()
        if k == "aws:PrincipalArn"
    ]
    pinned = [p for v in pins for p in _as_list(v)]
    service_scoped = conditions.get("StringEquals", {}).get("aws:SourceAccount") == OWN
    if "NotPrincipal" in stmt:
        audience = ["*"]
    else:
        principal = stmt["Principal"]
        audience = ["*"] if principal == "*" else [p for ids in principal.values() for p in _as_list(ids)]
        audience = [
            ("service" if "Service" in principal and a in _as_list(principal.get("Service", [])) else a)
            for a in audience
        ]
    broad = {"*", OWN, f"arn:aws:iam::{OWN}:root", FOREIGN}
    readers = set()
    for who in audience:
        if pinned:
            if who in broad:
                readers.update(pinned)
            elif who != "service" and any(fnmatch.fnmatchcase(who, p) for p in pinned):
                readers.add(who)
        elif who == "service":
            if not service_scoped:
                readers.add(who)
        else:
            readers.add(who)
    allowed = {READER, f"arn:aws:sts::{OWN}:assumed-role/reader/s1"}
    return bool(readers - allowed)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    """One bucket policy statement built from the forms above."""
    stmt: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    form = draw(st.sampled_from(sorted(PRINCIPALS)))
    if form == "not_principal_reader":
        stmt["NotPrincipal"] = {"AWS": READER}
    else:
        stmt["Principal"] = PRINCIPALS[form]
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True))
    stmt["NotAction" if draw(st.booleans()) and len(actions) == 1 else "Action"] = (
        actions[0] if len(actions) == 1 else actions
    )
    stmt["Resource"] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True))
    chosen = draw(st.lists(st.sampled_from(sorted(CONDITIONS)), max_size=2, unique=True))
    condition: dict[str, dict[str, Any]] = {}
    for name in chosen:
        op, key, value = CONDITIONS[name]
        condition.setdefault(op, {})[key] = value
    if condition:
        stmt["Condition"] = condition
    return stmt


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WORLDS), statements())
def test_statement_is_flagged_exactly_when_it_widens_the_reader_set(
    world: tuple[str, str], stmt: dict[str, Any]
) -> None:
    assert flagged([stmt], world) == widens(stmt, world), json.dumps([world, stmt])


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WORLDS), statements(), statements())
def test_a_deny_never_hides_a_broad_allow(
    world: tuple[str, str], first: dict[str, Any], second: dict[str, Any]
) -> None:
    assert flagged([first, second], world) == (widens(first, world) or widens(second, world)), json.dumps(
        [world, first, second]
    )


def test_oracle_agrees_on_known_cases() -> None:
    """The oracle itself, on the incident and on the locked-down grant."""
    base = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    assert widens({**base, "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}})
    assert widens({**base, "Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})
    assert not widens({**base, "Principal": {"AWS": READER}})
    assert not widens({**base, "Principal": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": [READER]}}})


def test_dotted_and_partitioned_buckets_are_judged_like_plain_ones() -> None:
    """A public read of "*" or of the bucket's own ARN is flagged in every world; the same grant
    to the allowed reader, or to another partition's bucket of that name, is not."""
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    reader = {"Effect": "Allow", "Principal": {"AWS": READER}, "Action": "s3:GetObject"}
    for world in WORLDS:
        assert flagged([{**public, "Resource": "*"}], world), world
        assert flagged([{**public, "Resource": "arn:{P}:s3:::{B}/*"}], world), world
        assert not flagged([{**reader, "Resource": "arn:{P}:s3:::{B}/*"}], world), world
        other = "aws-cn" if world[1] != "aws-cn" else "aws"
        assert not flagged([{**public, "Resource": f"arn:{other}:s3:::{{B}}/*"}], world), world
