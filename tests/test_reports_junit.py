"""The JUnit report: one test case per rule and resource, parsed back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lockdown.findings import CheckResult
from lockdown.reports import RenderOptions
from lockdown.reports.junit import render
from tests.test_reports_common import RULES, empty_result, finding, mixed_result


def parse(result: CheckResult, readers: bool = False) -> ET.Element:
    text = render(result, RenderOptions(readers=readers))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def cases(root: ET.Element) -> list[ET.Element]:
    return root.findall("./testsuite/testcase")


def outcome(case: ET.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def test_one_case_per_rule_and_resource() -> None:
    root = parse(mixed_result())
    got = [(case.get("classname"), case.get("name").rsplit("::", 1)[-1], outcome(case)) for case in cases(root)]
    assert got == [
        ("LD-KMS-001", "capture-key", "skipped"),
        ("LD-LOG-001", "all resources", "passed"),
        ("LD-S3-001", "raw-events-policy", "failure"),
        ("LD-S3-001", "legacy-export-policy", "skipped"),
        ("LD-S3-002", "raw-events-policy", "failure"),
        ("LD-S3-002", "transcripts-policy", "failure"),
    ]
    assert all(case.get("name").startswith("urn:pulumi:") for case in cases(root) if outcome(case) != "passed")


def test_counts_in_suite_attributes_match_the_cases() -> None:
    root = parse(mixed_result(errors=["rule LD-X: eval failed", "second"]))
    suite = root.find("testsuite")
    assert suite is not None
    found = cases(root)
    expected = {
        "tests": len(found),
        "failures": sum(outcome(case) == "failure" for case in found),
        "errors": sum(outcome(case) == "error" for case in found),
        "skipped": sum(outcome(case) == "skipped" for case in found),
    }
    assert expected == {"tests": 8, "failures": 3, "errors": 2, "skipped": 2}
    for element in (root, suite):
        assert {key: int(element.get(key)) for key in expected} == expected


def test_failure_type_is_severity_and_message_is_the_finding_message() -> None:
    root = parse(mixed_result())
    failure = cases(root)[2].find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message") == "raw-events-policy lets * read s3:GetObject"
    assert "remediation: Fix LD-S3-001 by doing the right thing." in failure.text
    assert "enforcement: mandatory, blocking" in failure.text


def test_waived_finding_is_skipped_with_its_reason() -> None:
    (skipped,) = [case.find("skipped") for case in cases(parse(mixed_result())) if "legacy" in case.get("name")]
    assert skipped.get("message") == "waived: Accepted by security review SEC-42 (until 2027-01-31)"


def test_advisory_findings_are_skipped_with_their_message_not_failures() -> None:
    (case,) = [case for case in cases(parse(mixed_result())) if case.get("classname") == "LD-KMS-001"]
    skipped = case.find("skipped")
    assert skipped is not None and case.find("failure") is None
    assert skipped.get("message") == "advisory, not blocking: capture-key violates LD-KMS-001"
    assert "enforcement: advisory, not blocking" in skipped.text and "remediation: Fix LD-KMS-001" in skipped.text


def test_a_run_with_advisory_findings_only_has_zero_failures() -> None:
    advisory = next(r for r in RULES if r.enforcement == "advisory")
    result = empty_result()
    result.findings = [finding(advisory, "key-a"), finding(advisory, "key-b")]
    assert result.exit_code == 0
    root = parse(result)
    assert root.get("failures") == "0" and root.find("testsuite").get("failures") == "0"
    assert root.get("skipped") == "2" and not root.findall(".//failure")


def test_case_names_are_unique_when_a_rule_finds_one_resource_twice() -> None:
    blocking = next(r for r in RULES if r.enforcement == "mandatory")
    result = empty_result()
    result.findings = [
        finding(blocking, "bucket", message="first problem"),
        finding(blocking, "bucket", message="second problem"),
        finding(blocking, "other"),
    ]
    found = cases(parse(result))
    keys = [(case.get("classname"), case.get("name")) for case in found]
    assert len(keys) == len(set(keys))
    (twice,) = [case for case in found if case.get("name").endswith("::bucket")]
    failure = twice.find("failure")
    assert failure.get("message") == "first problem (and 1 more)"
    assert "message: first problem" in failure.text and "message: second problem" in failure.text


def test_errors_are_error_cases() -> None:
    root = parse(mixed_result(errors=["policies/a.rego:3: syntax error"]))
    (case,) = [case for case in cases(root) if outcome(case) == "error"]
    assert case.get("classname") == "lockdown.errors"
    assert case.find("error").get("message") == "policies/a.rego:3: syntax error"


def test_empty_result_has_one_passing_case_per_rule() -> None:
    root = parse(empty_result())
    assert [(case.get("classname"), outcome(case)) for case in cases(root)] == [
        (rule.id, "passed") for rule in sorted(RULES, key=lambda r: r.id)
    ]
    assert root.get("failures") == "0" and root.get("errors") == "0"


def test_warnings_and_readers_in_system_out() -> None:
    out = parse(mixed_result(), readers=True).find("./testsuite/system-out")
    assert out is not None
    assert "warning: aws:s3/bucketPolicy:BucketPolicy raw-events-policy: policy is unknown" in out.text
    assert "prod/raw-events: * via bucket policy (raw-events-policy) (allowed: NO)" in out.text
    plain = parse(mixed_result()).find("./testsuite/system-out")
    assert plain is not None and "readers" not in plain.text
    assert parse(empty_result()).find("./testsuite/system-out") is None


def test_special_and_illegal_characters_still_parse() -> None:
    result = empty_result()
    message = "a <b> & \"c\" 'd' ]]> é ✓\x00\x1b[31m\nnext line"
    result.findings = [finding(RULES[0], "odd<&>", message=message)]
    failure = parse(result).find(".//failure")
    assert failure is not None
    assert failure.get("message").startswith("a <b> & \"c\" 'd' ]]> é ✓\ufffd\ufffd[31m")
    assert "next line" in failure.get("message")
