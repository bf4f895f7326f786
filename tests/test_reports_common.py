"""Shared builders for the report tests, and the behaviour every format must share.

Results are built by hand (``Rule`` and ``Finding`` objects), never by running the engine,
so these tests pin down the renderers alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lockdown.engine.metadata import Rule
from lockdown.findings import CheckResult, Finding
from lockdown.reports import FORMATS, RenderOptions, render
from lockdown.reports.common import reader_rows, summary, summary_line

STACK = "prod"
PROJECT = "capture"
#: A value that must never appear in any report, whatever the format.
SECRET = "AKIA-SUPER-SECRET-VALUE-0123456789"


def urn(type_: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def rule(rule_id: str, *, severity: str = "critical", enforcement: str = "mandatory", **extra: Any) -> Rule:
    slug = rule_id.lower().replace("-", "_")
    values = {
        "id": rule_id,
        "package": f"lockdown.rules.s3.{slug}",
        "path": f"policies/rules/s3/{slug}.rego",
        "title": f"Title of {rule_id}",
        "description": f"Description of {rule_id}: what is wrong and why it matters.",
        "severity": severity,
        "enforcement": enforcement,
        "scope": "resource",
        "remediation": f"Fix {rule_id} by doing the right thing.",
        "frameworks": ("CIS AWS Foundations 2.1.4", "GDPR Art. 32"),
    }
    values.update(extra)
    return Rule(**values)


def finding(
    of: Rule,
    name: str,
    *,
    type_: str = "aws:s3/bucketPolicy:BucketPolicy",
    message: str | None = None,
    waiver: dict[str, Any] | None = None,
    stack: str | None = STACK,
) -> Finding:
    return Finding(
        rule=of.id,
        title=of.title,
        severity=of.severity,
        enforcement=of.enforcement,
        blocking=of.enforcement == "mandatory" and waiver is None,
        urn=urn(type_, name, stack or STACK),
        type=type_,
        name=name,
        message=message or f"{name} violates {of.id}",
        remediation=of.remediation,
        frameworks=of.frameworks,
        waiver=waiver,
        stack=stack,
    )


def waiver(rule_id: str, reason: str = "Accepted by security review SEC-42") -> dict[str, Any]:
    return {
        "rule": rule_id,
        "resource": "*legacy*",
        "reason": reason,
        "owner": "data-platform",
        "ticket": "SEC-42",
        "approvers": ["alice", "bob"],
        "expires": "2027-01-31",
    }


def reader(
    store: str, principal: str, *, allowed: bool, via: str = "bucket policy", stack: str = STACK
) -> dict[str, Any]:
    return {
        "store": urn("aws:s3/bucket:Bucket", store, stack),
        "store_name": store,
        "principal": principal,
        "via": via,
        "via_urn": urn("aws:s3/bucketPolicy:BucketPolicy", f"{store}-policy", stack),
        "allowed": allowed,
        "stack": stack,
    }


RULES = (
    rule("LD-S3-001"),
    rule("LD-S3-002", severity="high"),
    rule("LD-KMS-001", severity="medium", enforcement="advisory"),
    rule("LD-LOG-001", severity="low"),
)


def mixed_result(**extra: Any) -> CheckResult:
    """Blocking, advisory and waived findings on three resources, with warnings and readers."""
    s3_1, s3_2, kms_1, _ = RULES
    findings = [
        finding(kms_1, "capture-key", type_="aws:kms/key:Key"),
        finding(s3_1, "raw-events-policy", message="raw-events-policy lets * read s3:GetObject"),
        finding(s3_2, "raw-events-policy"),
        finding(s3_1, "legacy-export-policy", waiver=waiver("LD-S3-001")),
        finding(s3_2, "transcripts-policy", message="principal arn:aws:iam::999999999999:root can read"),
    ]
    values: dict[str, Any] = {
        "rules": RULES,
        "resources": 7,
        "findings": findings,
        "readers": [
            reader("raw-events", "arn:aws:iam::111111111111:role/analytics", allowed=True),
            reader("raw-events", "*", allowed=False),
            reader("transcripts", "arn:aws:iam::999999999999:root", allowed=False, via="KMS key policy"),
        ],
        "warnings": ["aws:s3/bucketPolicy:BucketPolicy raw-events-policy: policy is unknown at plan time"],
        "errors": [],
        "sources": ["preview.json"],
    }
    values.update(extra)
    return CheckResult(**values)


def empty_result(resources: int = 5) -> CheckResult:
    return CheckResult(rules=RULES, resources=resources, sources=["preview.json"])


ALL_FORMATS = sorted(FORMATS)


def test_summary_counts_blocking_and_waived() -> None:
    result = mixed_result()
    assert summary(result) == {"resources": 7, "findings": 5, "blocking": 3, "waived": 1}
    assert summary_line(result) == "7 resources, 5 findings, 3 blocking, 1 waived"
    one = empty_result(resources=1)
    one.findings = [finding(RULES[0], "b")]
    assert summary_line(one) == "1 resource, 1 finding, 1 blocking, 0 waived"


def test_reader_rows_keep_only_known_keys_and_put_not_allowed_first() -> None:
    leaky = dict(reader("raw-events", "arn:aws:iam::111111111111:role/a", allowed=True), policy=SECRET)
    result = empty_result()
    result.readers = [leaky, reader("raw-events", "*", allowed=False)]
    rows = reader_rows(result)
    assert [row["principal"] for row in rows] == ["*", "arn:aws:iam::111111111111:role/a"]
    assert all(list(row) == ["store", "store_name", "principal", "via", "via_urn", "allowed", "stack"] for row in rows)


def test_reader_rows_treat_anything_but_true_as_not_allowed() -> None:
    result = empty_result()
    result.readers = [dict(reader("s", "p", allowed=True), allowed="yes")]
    assert reader_rows(result)[0]["allowed"] is False


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_renders_empty_mixed_and_error_results(fmt: str) -> None:
    for result in (empty_result(), empty_result(resources=0), mixed_result(), mixed_result(errors=["engine died"])):
        for readers in (False, True):
            text = render(result, fmt, RenderOptions(readers=readers))
            assert isinstance(text, str) and text.endswith("\n")


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_no_format_renders_anything_outside_findings_rules_and_readers(fmt: str) -> None:
    """Extra keys on a reader entry (where a secret could hide) never reach any report."""
    result = mixed_result()
    result.readers = [dict(entry, properties={"password": SECRET}, document=SECRET) for entry in result.readers]
    text = render(result, fmt, RenderOptions(readers=True))
    assert SECRET not in text
    assert "password" not in text


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_shows_the_reader_report_only_when_asked(fmt: str) -> None:
    result = mixed_result()
    principal = "arn:aws:iam::111111111111:role/analytics"
    assert principal in render(result, fmt, RenderOptions(readers=True))
    assert principal not in render(result, fmt, RenderOptions(readers=False))


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_is_deterministic_and_independent_of_finding_order(fmt: str) -> None:
    first = mixed_result()
    second = mixed_result()
    second.findings.reverse()
    second.readers.reverse()
    options = RenderOptions(readers=True)
    assert render(first, fmt, options) == render(second, fmt, options)


def test_json_helper_round_trip_of_mixed_result_is_valid_json() -> None:
    assert json.loads(render(mixed_result(), "json"))["summary"]["blocking"] == 3
