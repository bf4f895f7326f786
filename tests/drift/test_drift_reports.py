"""Reports, merge, policy comparison and the commands' error paths (no AWS needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lockdown.drift import policydoc
from lockdown.drift.command import drift_command, merge_command, run_merge
from lockdown.drift.diff import CHANGED, MISSING, UNMANAGED, Difference, DriftItem, compare
from lockdown.drift.merge import merge_reports
from lockdown.drift.render import RENDERERS
from lockdown.drift.report import build_report
from lockdown.errors import LockdownError
from lockdown.findings import CheckResult, Finding
from lockdown.model import UNKNOWN, Resource

URN = "urn:pulumi:prod::lockdown::aws:s3/bucketPolicy:BucketPolicy::raw-policy"


def sample_report(account: str = "111111111111", incomplete: bool = False, hostile: str = "raw") -> dict[str, Any]:
    live = [
        Resource(
            urn=URN,
            type="aws:s3/bucketPolicy:BucketPolicy",
            name="raw-policy",
            properties={"bucket": hostile},
            source="live",
        )
    ]
    public = {
        "Effect": "Allow",
        "Principal": {"*": ["*"]},
        "Action": ["s3:getobject"],
        "Resource": ["arn:aws:s3:::raw/*"],
    }
    items = [
        DriftItem(
            CHANGED,
            "aws:s3/bucketPolicy:BucketPolicy",
            hostile,
            URN,
            "raw-policy",
            f"s3://{hostile}",
            differences=[Difference("policy", "{}", "{}", [], [public])],
        ),
        DriftItem(MISSING, "aws:cloudwatch/logGroup:LogGroup", "/capture", "urn:x", "logs", "logs:/capture"),
        DriftItem(UNMANAGED, "aws:iam/role:Role", "everything", "urn:y", "live:everything", "iam"),
    ]
    finding = Finding(
        rule="LD-S3-001",
        title="Public bucket policy",
        severity="critical",
        enforcement="mandatory",
        blocking=True,
        urn=URN,
        type="aws:s3/bucketPolicy:BucketPolicy",
        name="raw-policy",
        message=f"bucket {hostile} is public",
        remediation="Remove the statement.",
    )
    check = CheckResult(
        rules=(),
        findings=[finding],
        readers=[{"store": URN, "store_name": hostile, "principal": "arn:r", "allowed": False}],
    )
    from lockdown.drift.collectors.base import Incomplete

    unread = (
        [Incomplete("kms", "eu-west-1", "key k policy", "ThrottlingException: Rate exceeded")] if incomplete else []
    )
    return build_report(
        items=items,
        check=check,
        live=live,
        incomplete=unread,
        account_id=account,
        regions=("eu-west-1",),
        stack="prod",
        project="lockdown",
        desired_source="state s.json",
    )


def test_summary_counts_and_exit_codes() -> None:
    report = sample_report()
    summary = report["summary"]
    assert summary["drift"]["changed"] == 1 and summary["drift"]["missing"] == 1
    assert summary["findingsBySeverity"]["critical"] == 1
    assert summary["findingsByStore"] == {"s3://raw": 1}
    assert summary["exitCode"] == 1
    assert sample_report(incomplete=True)["summary"]["exitCode"] == 2


def test_html_is_one_self_contained_page_summary_first_details_on_demand() -> None:
    html = RENDERERS["html"](sample_report(hostile="<script>alert(1)</script>", incomplete=True))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "http://" not in html and "https://" not in html
    assert html.index('id="summary"') < html.index('id="incomplete"') < html.index('id="stores"')
    assert 'id="chart-severity"' in html and 'id="chart-store"' in html
    assert "<details" in html and "ThrottlingException" in html


def test_markdown_starts_with_the_verdict_and_groups_by_store() -> None:
    text = RENDERERS["markdown"](sample_report())
    assert text.startswith("# Lockdown drift report\n\n**Drift or blocking findings need attention.** (exit 1)")
    assert "## s3://raw" in text and "added: `" in text and "| critical (blocking) | LD-S3-001 |" in text


def test_merge_recomputes_the_summary_and_keeps_incomplete_accounts_failing(tmp_path: Path) -> None:
    first, second = sample_report("111111111111"), sample_report("222222222222", incomplete=True)
    merged = merge_reports([first, second])
    assert merged["summary"]["accounts"] == 2
    assert merged["summary"]["drift"]["changed"] == 2
    assert merged["summary"]["exitCode"] == 2
    assert {item["account"] for item in merged["incomplete"]} == {"222222222222"}
    paths = []
    for index, report in enumerate((first, second)):
        paths.append(tmp_path / f"{index}.json")
        paths[-1].write_text(RENDERERS["json"](report))
    assert run_merge(paths, "html", tmp_path / "merged.html") == 2
    assert "222222222222" in (tmp_path / "merged.html").read_text()


def test_merge_rejects_what_is_not_a_drift_report(tmp_path: Path) -> None:
    bad = tmp_path / "check.json"
    bad.write_text(json.dumps({"tool": {"name": "lockdown"}, "findings": []}))
    with pytest.raises(LockdownError, match="not a lockdown drift report"):
        run_merge([bad])
    result = CliRunner().invoke(merge_command, [str(bad), "--format", "json"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "check.json" in result.output


def test_drift_with_an_unreadable_state_file_exits_2_before_any_aws_call(tmp_path: Path) -> None:
    result = CliRunner().invoke(drift_command, ["--state", str(tmp_path / "nope.json"), "--region", "eu-west-1"])
    assert result.exit_code == 2
    assert "nope.json" in result.output and result.output.strip().count("\n") == 0


def test_policy_documents_compare_statement_by_statement() -> None:
    desired = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "a"}
        ]
    }
    live = {
        "Version": "2012-10-17",
        "Statement": {
            "Sid": "x",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
            "Action": ["S3:getobject"],
            "Resource": ["a"],
        },
    }
    assert policydoc.compare(json.dumps(desired), json.dumps(live)).equal
    live["Statement"] = [live["Statement"], {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]
    result = policydoc.compare(json.dumps(desired), json.dumps(live))
    assert result.removed == () and result.added[0]["Principal"] == {"*": ["*"]}
    assert policydoc.compare("not json", "{}") is None


def test_unknown_desired_values_are_not_compared_but_listed() -> None:
    differences, unverified = compare("aws:s3/bucketPolicy:BucketPolicy", {"policy": UNKNOWN}, {"policy": "{}"})
    assert differences == [] and unverified == ["policy"]


def test_bucket_settings_aws_gives_every_new_bucket_are_informational_when_undeclared() -> None:
    from lockdown.drift.report import aws_default

    def live(type_: str, **properties: Any) -> Resource:
        return Resource(urn="urn:l", type=type_, name="l", properties={"bucket": "b", **properties}, source="live")

    assert aws_default(
        live("aws:s3/bucketOwnershipControls:BucketOwnershipControls", rule={"objectOwnership": "BucketOwnerEnforced"})
    )
    assert not aws_default(
        live("aws:s3/bucketOwnershipControls:BucketOwnershipControls", rule={"objectOwnership": "ObjectWriter"})
    )
    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    assert aws_default(live(sse, rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]))
    pab = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert aws_default(live(pab, **dict.fromkeys(flags, True)))
    assert not aws_default(live(pab, **dict.fromkeys(flags, True) | {"blockPublicPolicy": False}))
    owner = {"id": "o"}
    private = {
        "owner": owner,
        "grants": [{"grantee": {"type": "CanonicalUser", "id": "o"}, "permission": "FULL_CONTROL"}],
    }
    assert aws_default(live("aws:s3/bucketAcl:BucketAcl", accessControlPolicy=private))
    public = {
        "owner": owner,
        "grants": [
            {
                "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "permission": "READ",
            }
        ],
    }
    assert not aws_default(live("aws:s3/bucketAcl:BucketAcl", accessControlPolicy=public))


def test_v6_tokens_match_their_v7_live_twins_by_physical_identity() -> None:
    from lockdown.drift.desired import canonical_type, identity

    assert canonical_type("aws:s3/bucketV2:BucketV2") == "aws:s3/bucket:Bucket"
    v6 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
    assert (
        canonical_type(v6) == "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    attachment = Resource(
        urn="u",
        type="aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name="a",
        properties={"role": "arn:aws:iam::1:role/path/reader", "policyArn": "arn:p"},
        source="state",
    )
    assert identity(attachment) == "reader:arn:p"
    unknown = Resource(
        urn="u", type="aws:s3/bucketPolicy:BucketPolicy", name="p", properties={"bucket": UNKNOWN}, source="program"
    )
    assert identity(unknown) is None


def test_planned_keys_are_matched_to_live_keys_through_their_alias() -> None:
    from lockdown.drift.diff import IN_SYNC, compute_drift

    def res(type_: str, source: str, **props: Any) -> Resource:
        return Resource(urn=f"urn:{source}:{type_}", type=type_, name=type_, properties=props, source=source)

    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    rules = lambda key: [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}}]  # noqa: E731
    desired = [
        res("aws:kms/key:Key", "program", keyId="planned-1", enableKeyRotation=True),
        res("aws:kms/alias:Alias", "program", name="alias/capture", targetKeyId="planned-1"),
        res(sse, "program", bucket="raw", rules=rules("arn:aws:kms:eu-west-1:1:key/planned-1")),
    ]
    live = [
        res("aws:kms/key:Key", "live", keyId="real-1", enableKeyRotation=True),
        res("aws:kms/alias:Alias", "live", name="alias/capture", targetKeyId="real-1"),
        res(sse, "live", bucket="raw", rules=rules("real-1")),
    ]
    items = compute_drift(desired, live, [])
    assert {(item.type, item.identity): item.drift for item in items} == {
        ("aws:kms/key:Key", "real-1"): IN_SYNC,
        ("aws:kms/alias:Alias", "alias/capture"): IN_SYNC,
        (sse, "raw"): IN_SYNC,
    }
