"""Incomplete scans and least privilege: what could not be read is listed, never called compliant."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import drift_stack as stack
import pytest
from botocore.awsrequest import AWSResponse
from moto_support import post
from test_drift_classes import by_class, drift_json

POLICY_FILE = Path(__file__).resolve().parents[2] / "docs" / "drift-scanner-policy.json"


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any):
        yield self.data


def failing(operation: str, status: int, code: str, attempts: Counter) -> Any:
    """A client hook answering every ``operation`` call with an AWS JSON error (never clears)."""

    def answer(request: Any, **_: Any) -> AWSResponse:
        attempts[operation] += 1
        body = json.dumps({"__type": code, "message": "Rate exceeded"}).encode()
        return AWSResponse(
            request.url, status, {"x-amzn-requestid": "test", "content-type": "application/x-amz-json-1.1"}, _Body(body)
        )

    def hook(client: Any) -> None:
        client.meta.events.register(f"before-send.{client.meta.service_model.service_name}.{operation}", answer)

    return hook


def test_throttling_that_never_clears_makes_the_scan_incomplete(moto, tmp_path) -> None:
    deployed = stack.deploy(moto)
    key_id = next(r["id"] for r in deployed["deployment"]["resources"] if r["type"] == "aws:kms/key:Key")
    attempts: Counter = Counter()

    code, report = drift_json(
        moto, tmp_path, deployed, hooks=(failing("GetKeyPolicy", 400, "ThrottlingException", attempts),)
    )

    assert code == 2
    assert report["summary"]["complete"] is False
    assert [(i["service"], i["region"], i["resource"]) for i in report["incomplete"]] == [
        ("kms", stack.REGION, f"key {key_id} policy")
    ]
    assert report["incomplete"][0]["error"].startswith("ThrottlingException")
    assert attempts["GetKeyPolicy"] == 2  # retried with backoff (2 attempts in all), then given up
    assert by_class(report, "unread")[("aws:kms/key:Key", key_id)]["matters"] is True
    assert ("aws:kms/key:Key", key_id) not in by_class(report, "in-sync")
    # The rest of the account was still read.
    assert ("aws:s3/bucketPolicy:BucketPolicy", stack.RAW) in by_class(report, "in-sync")


def scanner_user(moto: str, document: dict[str, Any]) -> tuple[str, str]:
    """An IAM user holding only ``document``; returns its access key."""
    iam = stack.client(moto, "iam")
    iam.create_user(UserName="lockdown-drift")
    iam.put_user_policy(UserName="lockdown-drift", PolicyName="scanner", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName="lockdown-drift")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


@pytest.fixture
def as_scanner(moto: str, monkeypatch: pytest.MonkeyPatch):
    """Switch moto to enforcing IAM and the process to the scanner user's credentials."""

    def switch(document: dict[str, Any]) -> None:
        access_key, secret = scanner_user(moto, document)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        post(f"{moto}/moto-api/reset-auth", b"0")

    return switch


#: moto 5.2 authorizes a few S3 reads under the API name, not the IAM action AWS uses
#: (GetBucketEncryption, GetBucketOwnershipControls and GetPublicAccessBlock on a bucket as
#: s3:ListBucket; the account's GetPublicAccessBlock as s3:GetPublicAccessBlock). The documented
#: policy has the real actions; the emulator needs these names too.
MOTO_ACTION_NAMES = {
    "Sid": "MotoActionNames",
    "Effect": "Allow",
    "Action": ["s3:ListBucket", "s3:GetPublicAccessBlock"],
    "Resource": "*",
}


def scanner_policy() -> dict[str, Any]:
    document = json.loads(POLICY_FILE.read_text())
    document["Statement"].append(MOTO_ACTION_NAMES)
    return document


def test_documented_policy_is_read_only_and_lists_no_object_keys() -> None:
    actions = {a for s in json.loads(POLICY_FILE.read_text())["Statement"] for a in s["Action"]}
    assert all(a.split(":")[1].startswith(("Get", "List", "Describe")) for a in actions)
    assert "s3:ListBucket" not in actions and "s3:GetObject" not in actions
    assert not any("*" in a for a in actions)


def test_scan_with_the_documented_least_privilege_policy_reads_everything(moto, tmp_path, as_scanner) -> None:
    deployed = stack.deploy(moto)
    as_scanner(scanner_policy())

    code, report = drift_json(moto, tmp_path, deployed)

    assert report["incomplete"] == []
    assert code == 0


def test_access_denied_is_listed_and_exits_2(moto, tmp_path, as_scanner) -> None:
    deployed = stack.deploy(moto)
    document = scanner_policy()
    for statement in document["Statement"]:
        statement["Action"] = [a for a in statement["Action"] if a != "cloudtrail:GetEventSelectors"]
    as_scanner(document)

    code, report = drift_json(moto, tmp_path, deployed)

    assert code == 2
    [item] = report["incomplete"]
    assert (item["service"], item["region"], item["resource"]) == (
        "cloudtrail",
        stack.REGION,
        f"trail {stack.TRAIL} event selectors",
    )
    assert "AccessDenied" in item["error"]
    assert ("aws:cloudtrail/trail:Trail", stack.TRAIL) in by_class(report, "unread")


def test_markdown_report_of_an_incomplete_scan_lists_what_was_not_read(moto, tmp_path) -> None:
    deployed = stack.deploy(moto)
    (tmp_path / "state.json").write_text(json.dumps(deployed))
    attempts: Counter = Counter()
    hooks = (failing("ListDeliveryStreams", 400, "AccessDeniedException", attempts),)
    from lockdown.drift.command import run_drift

    output = tmp_path / "report.md"
    code = run_drift(
        state=tmp_path / "state.json",
        regions=[stack.REGION],
        endpoint_url=moto,
        policies=Path(__file__).parent / "policies",
        fmt="markdown",
        output=output,
        hooks=hooks,
        max_attempts=2,
    )
    text = output.read_text()
    assert code == 2
    assert "## Scan incomplete: not read" in text
    error = "AccessDeniedException: Rate exceeded"
    row = f"| 123456789012 | firehose | {stack.REGION} | delivery streams (listing) | {error} |"
    assert row in text
    assert "**unread**" in text and "capture-stream" in text
    assert attempts["ListDeliveryStreams"] == 1  # access denied is not retried
