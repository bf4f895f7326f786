"""The SARIF report, validated against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import lockdown
from lockdown.findings import CheckResult
from lockdown.reports import RenderOptions
from lockdown.reports.sarif import fingerprint, render
from tests.test_reports_common import RULES, empty_result, finding, mixed_result, rule

REPO = Path(__file__).resolve().parents[1]
#: The official schema, kept in the repository (origin and licence: tests/schemas/README.md).
SCHEMA_PATH = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.protocols.Validator:
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"SARIF schema not found at {SCHEMA_PATH.resolve()}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def sarif(result: CheckResult, readers: bool = False) -> dict[str, Any]:
    data = json.loads(render(result, RenderOptions(readers=readers)))
    errors = sorted(validator().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return data


def test_schema_validation_catches_a_broken_log() -> None:
    """The validator really validates: a log without a message on a result is rejected."""
    data = json.loads(render(mixed_result(), RenderOptions()))
    del data["runs"][0]["results"][0]["message"]
    assert list(validator().iter_errors(data))


@pytest.mark.parametrize(
    "result",
    [empty_result(), empty_result(resources=0), mixed_result(), mixed_result(errors=["engine: boom"])],
    ids=["empty", "no-resources", "mixed", "errors"],
)
@pytest.mark.parametrize("readers", [False, True])
def test_valid_against_the_official_schema(result: CheckResult, readers: bool) -> None:
    data = sarif(result, readers)
    assert data["version"] == "2.1.0"
    assert len(data["runs"]) == 1


def test_driver_lists_every_rule_with_help_and_properties() -> None:
    driver = sarif(empty_result())["runs"][0]["tool"]["driver"]
    assert driver["name"] == "lockdown" and driver["version"] == lockdown.__version__
    assert driver["informationUri"].startswith("https://")
    assert [item["id"] for item in driver["rules"]] == sorted(r.id for r in RULES)
    kms = next(item for item in driver["rules"] if item["id"] == "LD-KMS-001")
    assert kms["shortDescription"]["text"] == "Title of LD-KMS-001"
    assert kms["fullDescription"]["text"].startswith("Description of LD-KMS-001")
    assert "Fix LD-KMS-001" in kms["help"]["text"] and "GDPR Art. 32" in kms["help"]["text"]
    assert "Fix LD-KMS-001" in kms["help"]["markdown"] and "- CIS AWS Foundations 2.1.4" in kms["help"]["markdown"]
    assert kms["defaultConfiguration"]["level"] == "warning"
    props = kms["properties"]
    assert (props["severity"], props["enforcement"], props["scope"]) == ("medium", "advisory", "resource")
    assert {"CIS AWS Foundations 2.1.4", "GDPR Art. 32"} <= set(props["tags"])
    s3 = next(item for item in driver["rules"] if item["id"] == "LD-S3-001")
    assert s3["defaultConfiguration"]["level"] == "error"


def test_results_point_at_their_rule_and_resource() -> None:
    run = sarif(mixed_result())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 5
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        (location,) = item["locations"][0]["logicalLocations"]
        assert location["kind"] == "resource"
        assert location["fullyQualifiedName"].startswith("urn:pulumi:prod::capture::")
        assert location["fullyQualifiedName"].endswith("::" + location["name"])
    first = run["results"][0]
    assert first["ruleId"] == "LD-S3-001" and first["level"] == "error"
    assert first["message"]["text"] == "raw-events-policy lets * read s3:GetObject"
    advisory = next(item for item in run["results"] if item["ruleId"] == "LD-KMS-001")
    assert advisory["level"] == "warning"


def test_fingerprints_are_stable_and_distinct() -> None:
    run = sarif(mixed_result())["runs"][0]
    prints = [next(iter(item["partialFingerprints"].values())) for item in run["results"]]
    assert len(set(prints)) == len(prints)
    again = sarif(mixed_result())["runs"][0]
    assert prints == [next(iter(item["partialFingerprints"].values())) for item in again["results"]]
    f = mixed_result().findings[1]
    assert fingerprint(f) == fingerprint(f.__class__(**{**f.__dict__, "message": "other wording"}))


def test_waived_findings_are_suppressed_with_the_reason() -> None:
    run = sarif(mixed_result())["runs"][0]
    suppressed = [item for item in run["results"] if "suppressions" in item]
    assert len(suppressed) == 1
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"] == "Accepted by security review SEC-42"
    assert suppressed[0]["properties"]["blocking"] is False


def test_warnings_and_errors_are_notifications_and_errors_fail_the_execution() -> None:
    ok = sarif(mixed_result())["runs"][0]["invocations"][0]
    assert ok["executionSuccessful"] is True
    assert [(n["level"], n["message"]["text"]) for n in ok["toolExecutionNotifications"]] == [
        ("warning", "aws:s3/bucketPolicy:BucketPolicy raw-events-policy: policy is unknown at plan time")
    ]
    failed = sarif(mixed_result(errors=["rule LD-X: eval failed"]))["runs"][0]["invocations"][0]
    assert failed["executionSuccessful"] is False
    assert ("error", "rule LD-X: eval failed") in [
        (n["level"], n["message"]["text"]) for n in failed["toolExecutionNotifications"]
    ]
    assert failed["exitCode"] == 2


def test_readers_in_run_properties() -> None:
    run = sarif(mixed_result(), readers=True)["runs"][0]
    readers = run["properties"]["readers"]
    assert {(r["store_name"], r["principal"], r["allowed"]) for r in readers} == {
        ("raw-events", "arn:aws:iam::111111111111:role/analytics", True),
        ("raw-events", "*", False),
        ("transcripts", "arn:aws:iam::999999999999:root", False),
    }
    assert "readers" not in sarif(mixed_result())["runs"][0]["properties"]


def test_a_finding_of_an_unlisted_rule_still_gets_a_valid_rule_index() -> None:
    result = empty_result()
    stray = rule("LD-IAM-009", severity="high")
    result.findings = [finding(stray, "role")]
    run = sarif(result)["runs"][0]
    (item,) = run["results"]
    assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == "LD-IAM-009"


def test_special_characters_stay_valid() -> None:
    result = empty_result()
    result.findings = [finding(RULES[0], 'b"<&>|\n', message='tab\tnewline\nquote" é ✓ {0} {{x}}')]
    (item,) = sarif(result)["runs"][0]["results"]
    # SARIF reads {0} as a placeholder: literal braces are doubled (SARIF 2.1.0, 3.11.5).
    assert item["message"]["text"] == 'tab\tnewline\nquote" é ✓ {{0}} {{{{x}}}}'


def test_a_finding_with_a_source_file_gets_a_physical_location() -> None:
    result = empty_result()
    base = finding(RULES[0], "bucket")
    result.findings = [replace(base, file="infra\\storage.py", line=42)]
    (item,) = sarif(result)["runs"][0]["results"]
    assert item["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/storage.py"},
        "region": {"startLine": 42},
    }
    assert "physicalLocation" not in sarif(mixed_result())["runs"][0]["results"][0]["locations"][0]
