"""Synthesized outputs: each service's real ARN format, Pulumi's auto-names, determinism."""

from __future__ import annotations

import re

from lockdown.model import REDACTED, UNKNOWN
from lockdown.planner.outputs import Context, synthesize

CTX = Context(account="111122223333", region="eu-west-1")


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{type_}::{name}"


def plan(type_: str, name: str, inputs: dict | None = None, ctx: Context = CTX) -> tuple[str, dict]:
    return synthesize(type_, name, inputs or {}, urn(type_, name), ctx)


def test_auto_names_have_a_seven_hex_suffix_and_are_deterministic() -> None:
    ident, out = plan("aws:s3/bucket:Bucket", "raw")
    assert re.fullmatch(r"raw-[0-9a-f]{7}", out["bucket"]) and ident == out["bucket"]
    assert plan("aws:s3/bucket:Bucket", "raw") == (ident, out)
    assert plan("aws:s3/bucket:Bucket", "other")[0] != ident


def test_given_names_and_prefixes() -> None:
    assert plan("aws:s3/bucket:Bucket", "raw", {"bucket": "exact"})[1]["arn"] == "arn:aws:s3:::exact"
    name = plan("aws:s3/bucket:Bucket", "raw", {"bucketPrefix": "pre-"})[1]["bucket"]
    assert name.startswith("pre-") and len(name) == len("pre-") + 26


def test_arn_formats_per_service() -> None:
    a = "111122223333"
    assert plan("aws:iam/role:Role", "r", {"name": "r", "path": "/svc/"})[1]["arn"] == f"arn:aws:iam::{a}:role/svc/r"
    key_id, key = plan("aws:kms/key:Key", "k")
    assert key["arn"] == f"arn:aws:kms:eu-west-1:{a}:key/{key_id}"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}", key_id)
    assert f"arn:aws:iam::{a}:root" in key["policy"]  # AWS's default key policy when none is given
    assert (
        plan("aws:cloudwatch/logGroup:LogGroup", "g", {"name": "g"})[1]["arn"]
        == f"arn:aws:logs:eu-west-1:{a}:log-group:g"
    )
    fn = plan("aws:lambda/function:Function", "f", {"name": "f"})[1]
    assert fn["arn"] == f"arn:aws:lambda:eu-west-1:{a}:function:f"
    assert fn["invokeArn"] == (
        f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:{a}:function:f/invocations"
    )
    assert plan("aws:ecr/repository:Repository", "e", {"name": "e"})[1]["repositoryUrl"] == (
        f"{a}.dkr.ecr.eu-west-1.amazonaws.com/e"
    )
    queue_id, queue = plan("aws:sqs/queue:Queue", "q", {"name": "q"})
    assert queue_id == f"https://sqs.eu-west-1.amazonaws.com/{a}/q" and queue["arn"] == f"arn:aws:sqs:eu-west-1:{a}:q"
    assert plan("aws:sns/topic:Topic", "t", {"name": "t"})[0] == f"arn:aws:sns:eu-west-1:{a}:t"
    assert plan("aws:kinesis/stream:Stream", "s", {"name": "s"})[1]["arn"] == f"arn:aws:kinesis:eu-west-1:{a}:stream/s"
    assert re.fullmatch(
        rf"arn:aws:secretsmanager:eu-west-1:{a}:secret:s-[A-Z]{{6}}",
        plan("aws:secretsmanager/secret:Secret", "s", {"name": "s"})[0],
    )
    bucket = plan("aws:s3/bucket:Bucket", "b", {"bucket": "b"})[1]
    assert bucket["bucketDomainName"] == "b.s3.amazonaws.com"
    assert bucket["bucketRegionalDomainName"] == "b.s3.eu-west-1.amazonaws.com"
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", plan("aws:ec2/vpc:Vpc", "v")[0])


def test_bucket_sub_resources_are_identified_by_their_bucket() -> None:
    assert plan("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "b", "policy": "{}"}) == ("b", {})
    assert plan("aws:s3/bucketVersioningV2:BucketVersioningV2", "v", {"bucket": "b"})[0] == "b"


def test_generic_types_get_outputs_only_their_class_has() -> None:
    _, attachment = plan("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", {"role": "r", "policyArn": "x"})
    assert "arn" not in attachment
    _, parameter = plan("aws:ssm/parameter:Parameter", "p", {"name": "/app/x"})
    assert parameter["arn"].startswith("arn:aws:ssm:eu-west-1:111122223333:")


def test_unknown_or_secret_names_make_derived_outputs_opaque() -> None:
    assert plan("aws:s3/bucket:Bucket", "b", {"bucket": UNKNOWN})[1]["arn"] == UNKNOWN
    assert plan("aws:iam/role:Role", "r", {"name": REDACTED})[1]["arn"] == REDACTED


def test_tags_all_merges_provider_default_tags() -> None:
    ctx = Context(account="1", region="us-east-1", default_tags={"owner": "platform", "env": "dev"})
    _, out = plan("aws:s3/bucket:Bucket", "b", {"tags": {"env": "prod"}}, ctx)
    assert out["tagsAll"] == {"owner": "platform", "env": "prod"}
    assert "tagsAll" not in plan("aws:s3/bucket:Bucket", "b")[1]
