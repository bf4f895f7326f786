"""Secrets never reach a drift report: a secret desired value is listed as unverified, never compared.

Comparing "[secret]" with the live plaintext would report a difference and print the live
value, that is the secret itself, in every format.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import drift_stack as stack
import pytest

from lockdown.drift.command import run_drift
from lockdown.drift.diff import compare
from lockdown.drift.render import RENDERERS
from lockdown.model import REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE

POLICIES = Path(__file__).parent / "policies"
PLAINTEXT = "s3cr3t-value-7f3a"
LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup"


def secret(plaintext: str) -> dict[str, str]:
    """A secret as ``pulumi stack export`` writes it (encrypted; the loader redacts it)."""
    return {SECRET_SIG_KEY: SECRET_SIG_VALUE, "ciphertext": "v1:AAAA:" + plaintext.encode().hex()}


def with_secret_owner_tag(state: dict[str, Any]) -> dict[str, Any]:
    """The deployed state with the log group's ``owner`` tag declared as a secret."""
    state = copy.deepcopy(state)
    for resource in state["deployment"]["resources"]:
        if resource["type"] == LOG_GROUP_TYPE:
            for side in ("inputs", "outputs"):
                resource[side]["tags"] = dict(resource[side]["tags"], owner=secret("desired-owner"))
    return state


def test_secret_desired_property_with_a_different_live_value_never_shows_the_live_value(
    moto: str, tmp_path: Path
) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(with_secret_owner_tag(stack.deploy(moto))))
    logs = stack.client(moto, "logs")
    logs.tag_log_group(logGroupName=stack.LOG_GROUP, tags={"owner": PLAINTEXT})
    options = {"state": state_file, "regions": [stack.REGION], "endpoint_url": moto, "policies": POLICIES}
    options |= {"max_attempts": 2, "workers": 4}
    json_file = tmp_path / "report.json"
    run_drift(**options, fmt="json", output=json_file)
    report = json.loads(json_file.read_text())
    item = next(item for item in report["drift"] if item["type"] == LOG_GROUP_TYPE)
    assert item["class"] == "in-sync" and item["differences"] == []
    assert "tags" in item["unverified"]
    texts = {"json": json_file.read_text()}
    for fmt in ("markdown", "html"):
        run_drift(**options, fmt=fmt, output=tmp_path / f"report.{fmt}")
        texts[fmt] = (tmp_path / f"report.{fmt}").read_text()
    for fmt, text in texts.items():
        assert PLAINTEXT not in text, f"{fmt} report shows the live value of a secret property"


@pytest.mark.parametrize(
    ("type_", "desired", "live", "path"),
    [
        (LOG_GROUP_TYPE, {"tags": {"owner": REDACTED}}, {"tags": {"owner": PLAINTEXT}}, "tags"),
        (
            "aws:s3/bucketPolicy:BucketPolicy",
            {"policy": REDACTED},
            {"policy": json.dumps({"Sid": PLAINTEXT})},
            "policy",
        ),
        (
            "aws:s3/bucketPolicy:BucketPolicy",
            {"policy": json.dumps({"Statement": [{"Sid": REDACTED}]})},
            {"policy": json.dumps({"Statement": [{"Sid": PLAINTEXT}]})},
            "policy",
        ),
        ("aws:kms/key:Key", {"enableKeyRotation": REDACTED}, {"enableKeyRotation": PLAINTEXT}, "enableKeyRotation"),
        ("aws:s3/bucketAcl:BucketAcl", {"acl": REDACTED}, {"acl": "public-read"}, "grants"),
        (
            "aws:s3/bucketAcl:BucketAcl",
            {"accessControlPolicy": {"grants": REDACTED}},
            {"accessControlPolicy": {"grants": [{"grantee": {"id": PLAINTEXT}, "permission": "READ"}]}},
            "grants",
        ),
        (
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            {
                "rules": [
                    {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": REDACTED}}
                ]
            },
            {
                "rules": [
                    {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": PLAINTEXT}}
                ]
            },
            "encryption",
        ),
        (
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            {"rules": REDACTED},
            {"rules": [{"id": PLAINTEXT, "status": "Enabled"}]},
            "lifecycle",
        ),
        (
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            {"rule": REDACTED},
            {"rule": {"objectOwnership": PLAINTEXT}},
            "rule.objectOwnership",
        ),
        (
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            {"serverSideEncryption": REDACTED},
            {"serverSideEncryption": {"enabled": True, "keyArn": PLAINTEXT}},
            "firehoseEncryption",
        ),
    ],
)
def test_secret_desired_values_are_listed_as_unverified_not_compared(
    type_: str, desired: dict[str, Any], live: dict[str, Any], path: str
) -> None:
    differences, unverified = compare(type_, desired, live)
    assert path in unverified
    assert all(difference.property != path for difference in differences)
    assert PLAINTEXT not in json.dumps([difference.to_json() for difference in differences])


def test_a_secret_property_renders_as_unverified_in_markdown() -> None:
    item = {
        "class": "changed",
        "type": LOG_GROUP_TYPE,
        "identity": "/capture",
        "urn": "urn:x",
        "name": "logs",
        "store": "logs:/capture",
        "matters": True,
        "differences": [],
        "unverified": ["tags"],
        "note": "",
        "account": "1",
    }
    report = {"scope": [], "drift": [item], "findings": [], "readers": [], "incomplete": [], "warnings": []}
    from lockdown.drift.report import summarize

    report["summary"] = summarize(report)
    assert "not compared, unknown at plan time or secret" in RENDERERS["markdown"](report)
