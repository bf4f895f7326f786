"""Drift against moto: a deployed stack, its state export, then changes made out of band."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import drift_stack as stack
import pytest

from lockdown.drift.command import run_drift

POLICIES = Path(__file__).parent / "policies"


def drift_json(
    moto: str, tmp_path: Path, state: dict[str, Any] | None = None, **extra: Any
) -> tuple[int, dict[str, Any]]:
    """Run ``lockdown drift --format json`` against moto and return (exit code, report)."""
    state_file = tmp_path / "state.json"
    if state is not None:
        state_file.write_text(json.dumps(state))
    output = tmp_path / "report.json"
    options = {"state": state_file, "regions": [stack.REGION], "endpoint_url": moto, "policies": POLICIES}
    options |= {"fmt": "json", "output": output, "max_attempts": 2, "workers": 4}
    code = run_drift(**(options | extra))
    return code, json.loads(output.read_text())


def by_class(report: dict[str, Any], drift: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["type"], item["identity"]): item for item in report["drift"] if item["class"] == drift}


@pytest.fixture
def deployed(moto: str) -> dict[str, Any]:
    return stack.deploy(moto)


def test_freshly_deployed_stack_is_in_sync(moto: str, deployed: dict[str, Any], tmp_path: Path) -> None:
    code, report = drift_json(moto, tmp_path, deployed)
    not_in_sync = [item for item in report["drift"] if item["class"] != "in-sync" and item["matters"]]
    assert not_in_sync == []
    assert report["summary"]["complete"] is True
    assert report["findings"] == []
    in_sync = by_class(report, "in-sync")
    assert ("aws:s3/bucketPolicy:BucketPolicy", stack.RAW) in in_sync
    assert ("aws:cloudtrail/trail:Trail", stack.TRAIL) in in_sync
    assert ("aws:iam/rolePolicy:RolePolicy", f"{stack.READER}:read-raw") in in_sync
    readers = {(entry["store_name"], entry["principal"]) for entry in report["readers"]}
    assert readers == {(stack.RAW, stack.READER_ARN)}
    assert code == 0


def test_public_bucket_policy_attached_by_hand_is_changed_statement_by_statement(moto, deployed, tmp_path) -> None:
    stack.attach_public_read(moto, [*reversed(stack.raw_policy()["Statement"])])  # reordered too: not drift

    code, report = drift_json(moto, tmp_path, deployed)

    item = by_class(report, "changed")[("aws:s3/bucketPolicy:BucketPolicy", stack.RAW)]
    [difference] = item["differences"]
    assert difference["property"] == "policy"
    assert difference["statements"]["removed"] == []
    assert difference["statements"]["added"] == [
        {"Action": ["s3:getobject"], "Effect": "Allow", "Principal": {"*": ["*"]}, "Resource": [f"{stack.RAW_ARN}/*"]}
    ]
    assert json.loads(difference["desired"]) == stack.raw_policy()
    assert (
        item["urn"]
        == f"urn:pulumi:{stack.STACK}::{stack.PROJECT}::aws:s3/bucketPolicy:BucketPolicy::{stack.RAW}-policy"
    )
    [finding] = report["findings"]
    assert (finding["rule"], finding["urn"], finding["store"]) == ("LD-TEST-001", item["urn"], f"s3://{stack.RAW}")
    assert code == 1


def test_public_access_block_switched_off_is_changed(moto, deployed, tmp_path) -> None:
    stack.switch_off_public_access_block(moto)

    code, report = drift_json(moto, tmp_path, deployed)

    item = by_class(report, "changed")[("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", stack.RAW)]
    sides = {d["property"]: (d["desired"], d["live"]) for d in item["differences"]}
    assert sides == {
        key: (True, False)
        for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    }
    assert {f["rule"] for f in report["findings"]} == {"LD-TEST-002"}
    assert code == 1


def test_role_that_reads_everything_is_unmanaged_and_a_reader(moto, deployed, tmp_path) -> None:
    stack.add_role_reading_everything(moto, {"AWS": f"arn:aws:iam::{stack.ACCOUNT}:root"})

    code, report = drift_json(moto, tmp_path, deployed)

    unmanaged = by_class(report, "unmanaged")
    role = unmanaged[("aws:iam/role:Role", "analytics-everything")]
    grant = unmanaged[("aws:iam/rolePolicy:RolePolicy", "analytics-everything:all")]
    assert role["matters"] and grant["matters"]
    arn = f"arn:aws:iam::{stack.ACCOUNT}:role/analytics-everything"
    raw_readers = {e["principal"]: e["allowed"] for e in report["readers"] if e["store_name"] == stack.RAW}
    assert raw_readers[arn] is False
    assert code == 1


def test_trail_data_events_dropped_is_changed(moto, deployed, tmp_path) -> None:
    stack.drop_data_events(moto)

    code, report = drift_json(moto, tmp_path, deployed)

    item = by_class(report, "changed")[("aws:cloudtrail/trail:Trail", stack.TRAIL)]
    [difference] = item["differences"]
    assert difference["property"] == "eventSelectors"
    assert difference["desired"][0]["dataResources"] == [{"type": "AWS::S3::Object", "values": [f"{stack.RAW_ARN}/"]}]
    assert difference["live"][0]["dataResources"] == []
    assert code == 1


def test_policy_attached_to_a_managed_role_by_hand_is_unmanaged_and_matters(moto, deployed, tmp_path) -> None:
    iam = stack.client(moto, "iam")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="list-all", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=stack.READER, PolicyArn=arn)

    code, report = drift_json(moto, tmp_path, deployed)

    attachment = by_class(report, "unmanaged")[
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{stack.READER}:{arn}")
    ]
    assert attachment["matters"] is True
    assert code == 1


def test_deleted_log_group_is_missing_and_unrelated_resources_do_not_matter(moto, deployed, tmp_path) -> None:
    logs = stack.client(moto, "logs")
    logs.delete_log_group(logGroupName=stack.LOG_GROUP)
    logs.create_log_group(logGroupName="/someone/else")

    code, report = drift_json(moto, tmp_path, deployed)

    assert ("aws:cloudwatch/logGroup:LogGroup", stack.LOG_GROUP) in by_class(report, "missing")
    other = by_class(report, "unmanaged")[("aws:cloudwatch/logGroup:LogGroup", "/someone/else")]
    assert other["matters"] is False
    assert report["summary"]["driftThatMatters"] == 1
    assert code == 1


def test_retention_and_rotation_changes_show_desired_and_live_side_by_side(moto, deployed, tmp_path) -> None:
    stack.client(moto, "logs").put_retention_policy(logGroupName=stack.LOG_GROUP, retentionInDays=3653)
    kms = stack.client(moto, "kms")
    key_id = next(r["id"] for r in deployed["deployment"]["resources"] if r["type"] == "aws:kms/key:Key")
    kms.disable_key_rotation(KeyId=key_id)

    code, report = drift_json(moto, tmp_path, deployed)

    changed = by_class(report, "changed")
    log_group = changed[("aws:cloudwatch/logGroup:LogGroup", stack.LOG_GROUP)]["differences"]
    assert [(d["property"], d["desired"], d["live"]) for d in log_group] == [("retentionInDays", 30, 3653)]
    key = changed[("aws:kms/key:Key", key_id)]["differences"]
    assert [(d["property"], d["desired"], d["live"]) for d in key] == [("enableKeyRotation", True, False)]
    assert code == 1


def test_drift_command_writes_the_html_report_atomically_and_exits_1(moto, deployed, tmp_path) -> None:
    from click.testing import CliRunner

    from lockdown.drift.command import drift_command

    stack.attach_public_read(moto)
    (tmp_path / "state.json").write_text(json.dumps(deployed))
    output = tmp_path / "drift.html"
    arguments = ["--state", str(tmp_path / "state.json"), "--region", stack.REGION, "--endpoint-url", moto]
    arguments += ["--policies", str(POLICIES), "--format", "html", "--output", str(output), "--workers", "2"]

    result = CliRunner().invoke(drift_command, arguments)

    assert result.exit_code == 1, result.output
    page = output.read_text()
    assert page.startswith("<!DOCTYPE html>") and "LD-TEST-001" in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".drift.html")] == []
