"""Property test: a bucket policy statement is flagged exactly when it widens the reader set.

Hypothesis builds statements from the forms issue 5 names (every Principal form, NotPrincipal,
narrowing and non-narrowing conditions, wildcard actions, NotAction, Allow/Deny, resources of
this and other buckets) and checks the real Rego rule LD-S3-001 against a small, independent
Python oracle of IAM semantics.
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
    f"arn:aws:s3:::{BUCKET}/*", f"arn:aws:s3:::{BUCKET}", "*", "arn:aws:s3:::other-bucket/*",
    "arn:aws:s3:::data-*/*", f"arn:aws:s3:::{BUCKET}/private/*",
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


def flagged(statements: list[dict[str, Any]]) -> bool:
    """Run LD-S3-001 on a restricted bucket carrying these statements."""
    bucket = {
        "urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::data",
        "type": "aws:s3/bucket:Bucket",
        "name": "data",
        "id": BUCKET,
        "properties": {"bucket": BUCKET, "tags": {"data-classification": "restricted"}},
        "dependencies": [],
        "unknowns": [],
    }
    policy = {
        "urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::data-policy",
        "type": "aws:s3/bucketPolicy:BucketPolicy",
        "name": "data-policy",
        "properties": {"bucket": BUCKET, "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})},
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


def _reads(stmt: dict[str, Any]) -> bool:
    resources = _as_list(stmt["Resource"])
    some_object = any(
        fnmatch.fnmatchcase(f"arn:aws:s3:::{BUCKET}/x", r) or r.startswith(f"arn:aws:s3:::{BUCKET}/") for r in resources
    )
    the_bucket = any(fnmatch.fnmatchcase(f"arn:aws:s3:::{BUCKET}", r) for r in resources)
    return bool((some_object and _granted(stmt, OBJECT_READS)) or (the_bucket and _granted(stmt, LIST_READS)))


def widens(stmt: dict[str, Any]) -> bool:
    """True when the statement lets someone beyond READER read the bucket."""
    if stmt["Effect"] != "Allow" or not _reads(stmt):
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
@given(statements())
def test_statement_is_flagged_exactly_when_it_widens_the_reader_set(stmt: dict[str, Any]) -> None:
    assert flagged([stmt]) == widens(stmt), json.dumps(stmt)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), statements())
def test_a_deny_never_hides_a_broad_allow(first: dict[str, Any], second: dict[str, Any]) -> None:
    assert flagged([first, second]) == (widens(first) or widens(second)), json.dumps([first, second])


def test_oracle_agrees_on_known_cases() -> None:
    """The oracle itself, on the incident and on the locked-down grant."""
    base = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    assert widens({**base, "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}})
    assert widens({**base, "Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})
    assert not widens({**base, "Principal": {"AWS": READER}})
    assert not widens({**base, "Principal": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": [READER]}}})
