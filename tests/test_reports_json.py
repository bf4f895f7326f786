"""The json report: exactly DESIGN.md's object, in a stable order."""

from __future__ import annotations

import json

import jsonschema

import lockdown
from lockdown.findings import sort_key
from lockdown.reports import RenderOptions
from lockdown.reports.json_report import render
from tests.test_reports_common import RULES, empty_result, finding, mixed_result

FINDING_KEYS = [
    "rule", "title", "severity", "enforcement", "blocking", "urn", "type", "name", "message", "remediation",
    "waiver", "frameworks", "stack", "baselined",
]  # fmt: skip


def test_top_level_matches_the_design_schema() -> None:
    data = json.loads(render(mixed_result(), RenderOptions()))
    assert list(data) == ["tool", "summary", "settings", "policies", "findings", "errors", "warnings"]
    assert data["tool"] == {"name": "lockdown", "version": lockdown.__version__}
    assert data["summary"] == {"resources": 7, "findings": 5, "blocking": 3, "waived": 1}
    assert list(data["summary"]) == ["resources", "findings", "blocking", "waived"]
    assert data["errors"] == []
    assert data["warnings"] == ["aws:s3/bucketPolicy:BucketPolicy raw-events-policy: policy is unknown at plan time"]


def test_findings_have_the_design_keys_in_order_and_sort_key_order() -> None:
    result = mixed_result()
    data = json.loads(render(result, RenderOptions()))
    assert all(list(item) == FINDING_KEYS for item in data["findings"])
    expected = sorted(result.findings, key=sort_key)
    assert [(item["rule"], item["urn"]) for item in data["findings"]] == [(f.rule, f.urn) for f in expected]
    first = data["findings"][0]
    assert first == {
        "rule": "LD-S3-001",
        "title": "Title of LD-S3-001",
        "severity": "critical",
        "enforcement": "mandatory",
        "blocking": True,
        "urn": "urn:pulumi:prod::capture::aws:s3/bucketPolicy:BucketPolicy::raw-events-policy",
        "type": "aws:s3/bucketPolicy:BucketPolicy",
        "name": "raw-events-policy",
        "message": "raw-events-policy lets * read s3:GetObject",
        "remediation": "Fix LD-S3-001 by doing the right thing.",
        "waiver": None,
        "frameworks": ["CIS AWS Foundations 2.1.4", "GDPR Art. 32"],
        "stack": "prod",
        "baselined": False,
    }


def test_waived_finding_carries_its_waiver_and_is_not_blocking() -> None:
    data = json.loads(render(mixed_result(), RenderOptions()))
    waived = [item for item in data["findings"] if item["waiver"] is not None]
    assert len(waived) == 1
    assert waived[0]["blocking"] is False
    assert waived[0]["waiver"] == {
        "rule": "LD-S3-001",
        "resource": "*legacy*",
        "reason": "Accepted by security review SEC-42",
        "owner": "data-platform",
        "ticket": "SEC-42",
        "approvers": ["alice", "bob"],
        "expires": "2027-01-31",
    }


def test_readers_key_only_with_the_option() -> None:
    result = mixed_result()
    assert "readers" not in json.loads(render(result, RenderOptions()))
    data = json.loads(render(result, RenderOptions(readers=True)))
    assert list(data)[-1] == "readers"
    assert data["readers"][0] == {
        "store": "urn:pulumi:prod::capture::aws:s3/bucket:Bucket::raw-events",
        "store_name": "raw-events",
        "principal": "*",
        "via": "bucket policy",
        "via_urn": "urn:pulumi:prod::capture::aws:s3/bucketPolicy:BucketPolicy::raw-events-policy",
        "allowed": False,
        "stack": "prod",
    }
    assert len(data["readers"]) == 3


def test_empty_result() -> None:
    data = json.loads(render(empty_result(), RenderOptions(readers=True)))
    assert data["summary"] == {"resources": 5, "findings": 0, "blocking": 0, "waived": 0}
    assert data["findings"] == [] and data["errors"] == [] and data["warnings"] == [] and data["readers"] == []


def test_errors_are_listed() -> None:
    data = json.loads(render(mixed_result(errors=["a.json: not JSON", "rule LD-X: eval failed"]), RenderOptions()))
    assert data["errors"] == ["a.json: not JSON", "rule LD-X: eval failed"]


def test_special_characters_survive_unchanged() -> None:
    result = empty_result()
    message = 'quote " backslash \\ newline\nunicode é ✓ <tag> & | `tick`'
    result.findings = [finding(RULES[0], "b", message=message)]
    assert json.loads(render(result, RenderOptions()))["findings"][0]["message"] == message


STRING = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
#: DESIGN.md's "--format json" object as a JSON Schema: no key more, no key less.
REPORT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["tool", "summary", "settings", "policies", "findings", "errors", "warnings"],
    "properties": {
        # Settings that widen access or weaken a rule, and the policy manifest (issue 13).
        "settings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["setting", "value", "effect"],
                "properties": {"setting": STRING, "value": {}, "effect": STRING, "source": STRING},
            },
        },
        "policies": {"type": "object"},
        "tool": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "version"],
            "properties": {"name": {"const": "lockdown"}, "version": STRING},
        },
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["resources", "findings", "blocking", "waived"],
            "properties": {key: COUNT for key in ("resources", "findings", "blocking", "waived")},
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": FINDING_KEYS,
                "properties": {
                    **{key: STRING for key in ("rule", "title", "urn", "type", "name", "message", "remediation")},
                    "severity": {"enum": ["critical", "high", "medium", "low"]},
                    "enforcement": {"enum": ["mandatory", "advisory"]},
                    "blocking": {"type": "boolean"},
                    "waiver": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["rule", "resource", "reason", "owner", "ticket", "approvers", "expires"],
                                "properties": {
                                    **{key: STRING for key in ("rule", "resource", "reason", "owner", "ticket")},
                                    "approvers": {"type": "array", "items": STRING, "minItems": 1},
                                    "expires": STRING,
                                },
                            },
                        ]
                    },
                    "frameworks": {"type": "array", "items": STRING},
                    "stack": {"type": ["string", "null"]},
                    "baselined": {"type": "boolean"},
                },
            },
        },
        "errors": {"type": "array", "items": STRING},
        "warnings": {"type": "array", "items": STRING},
        "readers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["store", "store_name", "principal", "via", "via_urn", "allowed", "stack"],
                "properties": {
                    **{key: {"type": ["string", "null"]} for key in ("store", "store_name", "principal", "via")},
                    **{key: {"type": ["string", "null"]} for key in ("via_urn", "stack")},
                    "allowed": {"type": "boolean"},
                },
            },
        },
    },
}


def test_reports_validate_against_the_design_schema() -> None:
    validator = jsonschema.Draft202012Validator(REPORT_SCHEMA)
    leaky = mixed_result(errors=["x"])
    leaky.readers = [dict(entry, extra="dropped") for entry in leaky.readers]
    for result in (empty_result(), mixed_result(), leaky):
        for readers in (False, True):
            validator.validate(json.loads(render(result, RenderOptions(readers=readers))))
