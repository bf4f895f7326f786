"""The realistic stack shape for the benchmarks: many complete environments (issue 12).

Each environment is what a team deploys for one capture pipeline: a data bucket, a replica
bucket and an audit bucket (each with its public access block, encryption, versioning and
lifecycle, a bucket policy naming its reader), a KMS key, the reader, Firehose, replication
and trail roles whose inline policies name their own buckets and key, a customer managed policy
attached to the reader, a CloudTrail trail of its own whose selectors name its buckets, two log
groups, a Kinesis stream and a Firehose stream into the data bucket, and the replication of
its data bucket into the next environment's replica (a copy between environments). One
environment in ten carries one misconfiguration.

The same resources are written as a ``pulumi preview --json`` document (``preview``) and as
the equivalent ``terraform show -json`` plan (``terraform_plan``), so Lockdown and Checkov
can be compared on the same stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK, PROJECT = "bench", "capture-pipeline"
ACCOUNT = "111122223333"
REGION = "eu-west-1"
ROOT_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_11_0"
PROVIDER_REF = f"{PROVIDER_URN}::{UNKNOWN}"
KEY_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/platform-key-admin"
MISCONFIGURATIONS = ("public-policy", "read-star", "open-key", "no-encryption", "replicate-out")

# Pulumi type token -> Terraform resource type, for the resources an environment uses.
TF_TYPES = {
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws_s3_bucket_server_side_encryption_configuration"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "aws_s3_bucket_versioning",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketLogging:BucketLogging": "aws_s3_bucket_logging",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:kms/key:Key": "aws_kms_key",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:iam/policy:Policy": "aws_iam_policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:kinesis/stream:Stream": "aws_kinesis_stream",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "aws_kinesis_firehose_delivery_stream",
}


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class _Env:
    """The resources of one environment, as (type, name, inputs, outputs, dependencies)."""

    def __init__(self, index: int, environments: int) -> None:
        self.index = index
        self.name = f"env-{index:04d}"
        self.next = f"env-{(index + 1) % environments:04d}"
        self.bad = MISCONFIGURATIONS[(index // 10) % len(MISCONFIGURATIONS)] if index % 10 == 3 else None
        self.resources: list[tuple[str, str, dict[str, Any], dict[str, Any], list[str]]] = []

    def add(self, type_: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any], deps: list[str]) -> str:
        self.resources.append((type_, name, inputs, outputs, deps))
        return urn(type_, name)

    def role_arn(self, role: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:role/{self.name}-{role}"

    def build(self) -> list[tuple[str, str, dict[str, Any], dict[str, Any], list[str]]]:
        n, reader = self.name, self.role_arn("reader")
        key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{self.index:08d}-0000-4000-8000-000000000000"
        key = self.add(
            "aws:kms/key:Key",
            f"{n}-key",
            {"description": f"{n} data key", "enableKeyRotation": True, "policy": self._key_policy(reader)},
            {"arn": key_arn, "id": UNKNOWN, "keyId": UNKNOWN, "enableKeyRotation": True},
            [],
        )
        data = self._bucket("data", reader, key_arn, key, logged=True)
        self._bucket("replica", reader, key_arn, key, logged=True)
        audit = self._bucket("audit", None, key_arn, key, logged=False)
        roles = {
            "reader": ("sagemaker.amazonaws.com", self._reader_statements(key_arn)),
            "firehose": ("firehose.amazonaws.com", self._firehose_statements(key_arn)),
            "replication": ("s3.amazonaws.com", self._replication_statements(key_arn)),
            "trail": ("cloudtrail.amazonaws.com", [self._logs_write(f"/aws/cloudtrail/{n}")]),
        }
        role_urns = {role: self._role(role, service, stmts) for role, (service, stmts) in roles.items()}
        managed_arn = f"arn:aws:iam::{ACCOUNT}:policy/{n}-readonly"
        managed = self.add(
            "aws:iam/policy:Policy",
            f"{n}-readonly",
            {"name": f"{n}-readonly", "policy": _policy([self._s3_read(["data", "replica"])])},
            {"arn": managed_arn, "id": UNKNOWN},
            [],
        )
        self.add(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            f"{n}-reader-readonly",
            {"role": f"{n}-reader", "policyArn": managed_arn},
            {"id": UNKNOWN},
            [role_urns["reader"], managed],
        )
        trail_group = self._log_group(f"/aws/cloudtrail/{n}", key_arn, key)
        self._log_group(f"/aws/firehose/{n}", key_arn, key)
        self.add(
            "aws:cloudtrail/trail:Trail",
            f"{n}-trail",
            {
                "name": f"{n}-trail",
                "s3BucketName": f"{n}-audit",
                "enableLogging": True,
                "isMultiRegionTrail": True,
                "enableLogFileValidation": True,
                "kmsKeyId": key_arn,
                "cloudWatchLogsGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/{n}:*",
                "cloudWatchLogsRoleArn": self.role_arn("trail"),
                "eventSelectors": [
                    {
                        "readWriteType": "All",
                        "includeManagementEvents": True,
                        "dataResources": [
                            {
                                "type": "AWS::S3::Object",
                                "values": [f"arn:aws:s3:::{n}-data/", f"arn:aws:s3:::{n}-replica/"],
                            }
                        ],
                    }
                ],
            },
            {"arn": UNKNOWN, "id": UNKNOWN, "homeRegion": UNKNOWN},
            [audit, trail_group, role_urns["trail"], key],
        )
        stream_arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{n}-events"
        stream = self.add(
            "aws:kinesis/stream:Stream",
            f"{n}-events",
            {"name": f"{n}-events", "encryptionType": "KMS", "kmsKeyId": key_arn, "shardCount": 1},
            {"arn": stream_arn, "id": UNKNOWN},
            [key],
        )
        self.add(
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            f"{n}-delivery",
            {
                "name": f"{n}-delivery",
                "destination": "extended_s3",
                "kinesisSourceConfiguration": {"kinesisStreamArn": stream_arn, "roleArn": self.role_arn("firehose")},
                "extendedS3Configuration": {
                    "bucketArn": f"arn:aws:s3:::{n}-data",
                    "roleArn": self.role_arn("firehose"),
                    "kmsKeyArn": key_arn,
                    "prefix": "events/",
                    "processingConfiguration": {
                        "enabled": True,
                        "processors": [
                            {
                                "type": "Lambda",
                                "parameters": [
                                    {
                                        "parameterName": "LambdaArn",
                                        "parameterValue": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}-redact:1",
                                    }
                                ],
                            }
                        ],
                    },
                },
            },
            {"arn": UNKNOWN, "id": UNKNOWN},
            [stream, data, role_urns["firehose"], key],
        )
        destination = (
            {"bucket": "arn:aws:s3:::partner-archive", "account": "999988887777"}
            if self.bad == "replicate-out"
            else {"bucket": f"arn:aws:s3:::{self.next}-replica", "account": ACCOUNT}
        )
        self.add(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            f"{n}-replication",
            {
                "bucket": UNKNOWN,
                "role": self.role_arn("replication"),
                "rules": [
                    {
                        "id": "to-next-environment",
                        "status": "Enabled",
                        "filter": {},
                        "deleteMarkerReplication": {"status": "Disabled"},
                        "destination": {**destination, "encryptionConfiguration": {"replicaKmsKeyId": key_arn}},
                        "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
                    }
                ],
            },
            {"id": UNKNOWN},
            [data, role_urns["replication"]],
        )
        return self.resources

    # ------------------------------------------------------------ parts

    def _bucket(self, role: str, reader: str | None, key_arn: str, key: str, logged: bool) -> str:
        n = self.name
        bucket = f"{n}-{role}"
        tags = {"data-classification": "restricted", "owner": "data-platform", "environment": n}
        bucket_urn = self.add(
            "aws:s3/bucket:Bucket",
            bucket,
            {"bucket": bucket, "forceDestroy": False, "tags": tags},
            {"arn": UNKNOWN, "bucket": bucket, "id": UNKNOWN, "region": REGION, "tags": tags, "tagsAll": tags},
            [],
        )
        on = {"bucket": UNKNOWN}
        pab = dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)
        self.add(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{bucket}-pab", {**on, **pab}, {}, [bucket_urn]
        )
        if not (self.bad == "no-encryption" and role == "data"):
            sse = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}
            rules = [{"applyServerSideEncryptionByDefault": sse, "bucketKeyEnabled": True}]
            self.add(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"{bucket}-sse",
                {**on, "rules": rules},
                {},
                [bucket_urn, key],
            )
        self.add(
            "aws:s3/bucketVersioning:BucketVersioning",
            f"{bucket}-versioning",
            {**on, "versioningConfiguration": {"status": "Enabled"}},
            {},
            [bucket_urn],
        )
        self.add(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            f"{bucket}-lifecycle",
            {**on, "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 30}}]},
            {},
            [bucket_urn],
        )
        if logged:
            self.add(
                "aws:s3/bucketLogging:BucketLogging",
                f"{bucket}-logging",
                {**on, "targetBucket": f"{n}-audit", "targetPrefix": f"s3/{bucket}/"},
                {},
                [bucket_urn],
            )
        arns = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
        if reader is None:
            grant = {
                "Sid": "TrailWrites",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": arns[1],
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
            readers = [self.role_arn("reader")]
        else:
            principal: Any = "*" if self.bad == "public-policy" and role == "data" else {"AWS": reader}
            grant = {
                "Sid": "Reader",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:GetObject",
                "Resource": arns[1],
            }
            readers = [reader, self.role_arn("replication")]
        statements = [
            grant,
            {
                "Sid": "Perimeter",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:GetObject*", "s3:ListBucket*"],
                "Resource": arns,
                "Condition": {
                    "ArnNotEquals": {"aws:PrincipalArn": readers},
                    "Bool": {"aws:PrincipalIsAWSService": "false"},
                },
            },
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": arns,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ]
        if self.bad == "public-policy" and role == "data":
            statements = [grant, statements[2]]
        self.add(
            "aws:s3/bucketPolicy:BucketPolicy",
            f"{bucket}-policy",
            {**on, "policy": _policy(statements)},
            {},
            [bucket_urn],
        )
        return bucket_urn

    def _key_policy(self, reader: str) -> str:
        principal: Any = "*" if self.bad == "open-key" else {"AWS": reader}
        return _policy(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": KEY_ADMIN},
                    "Action": ["kms:Describe*", "kms:Put*"],
                    "Resource": "*",
                },
                {"Effect": "Allow", "Principal": principal, "Action": ["kms:Decrypt"], "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Service": ["firehose.amazonaws.com", "s3.amazonaws.com", "cloudtrail.amazonaws.com"]
                    },
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                },
            ]
        )

    def _s3_read(self, buckets: list[str]) -> dict[str, Any]:
        if self.bad == "read-star":
            return {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
        resources = [f"arn:aws:s3:::{self.name}-{b}{suffix}" for b in buckets for suffix in ("", "/*")]
        return {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": resources}

    def _reader_statements(self, key_arn: str) -> list[dict[str, Any]]:
        return [self._s3_read(["data", "replica"]), {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}]

    def _firehose_statements(self, key_arn: str) -> list[dict[str, Any]]:
        n = self.name
        return [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{n}-data", f"arn:aws:s3:::{n}-data/*"],
            },
            {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Encrypt"], "Resource": key_arn},
            {
                "Effect": "Allow",
                "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"],
                "Resource": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{n}-events",
            },
            self._logs_write(f"/aws/firehose/{n}"),
        ]

    def _replication_statements(self, key_arn: str) -> list[dict[str, Any]]:
        n, nxt = self.name, self.next
        return [
            {
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:GetObjectVersionForReplication"],
                "Resource": [f"arn:aws:s3:::{n}-data", f"arn:aws:s3:::{n}-data/*"],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
                "Resource": f"arn:aws:s3:::{nxt}-replica/*",
            },
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": key_arn},
        ]

    def _logs_write(self, group: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*",
        }

    def _role(self, role: str, service: str, statements: list[dict[str, Any]]) -> str:
        name = f"{self.name}-{role}"
        trust = _policy(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            ]
        )
        role_urn = self.add(
            "aws:iam/role:Role",
            name,
            {"name": name, "assumeRolePolicy": trust},
            {"arn": self.role_arn(role), "id": UNKNOWN, "name": name, "uniqueId": UNKNOWN},
            [],
        )
        self.add(
            "aws:iam/rolePolicy:RolePolicy",
            f"{name}-inline",
            {"role": name, "name": f"{name}-inline", "policy": _policy(statements)},
            {"id": UNKNOWN},
            [role_urn],
        )
        return role_urn

    def _log_group(self, name: str, key_arn: str, key: str) -> str:
        return self.add(
            "aws:cloudwatch/logGroup:LogGroup",
            name.strip("/").replace("/", "-"),
            {"name": name, "kmsKeyId": key_arn, "retentionInDays": 90},
            {"arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}", "id": UNKNOWN},
            [key],
        )


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def environment_size() -> int:
    """Resources in one environment."""
    return len(_Env(0, 1).build())


def resources(count: int) -> tuple[list[tuple[str, str, dict[str, Any], dict[str, Any], list[str]]], int]:
    """About ``count`` resources (whole environments) and the number of environments."""
    environments = max(1, round(count / environment_size()))
    found = [r for index in range(environments) for r in _Env(index, environments).build()]
    return found, environments


def settings(environments: int) -> dict[str, Any]:
    """The Lockdown settings of the stack: each environment's reader and replication role are
    allowed readers."""
    readers = [
        f"arn:aws:iam::{ACCOUNT}:role/env-{i:04d}-{role}"
        for i in range(environments)
        for role in ("reader", "replication")
    ]
    return {"accountIds": [ACCOUNT], "keyAdministrators": [KEY_ADMIN], "allowedReaders": readers}


# ---------------------------------------------------------------- pulumi preview --json


def stack_steps() -> list[dict[str, Any]]:
    """The preview steps of the stack itself and of its default AWS provider."""
    root = {"urn": ROOT_URN, "custom": False, "type": "pulumi:pulumi:Stack", "inputs": {}, "outputs": {}}
    provider = {
        "urn": PROVIDER_URN,
        "custom": True,
        "type": "pulumi:providers:aws",
        "id": UNKNOWN,
        "inputs": {"region": REGION, "version": "7.11.0"},
        "outputs": {"region": REGION, "version": "7.11.0"},
    }
    return [
        {"op": "create", "urn": ROOT_URN, "newState": root, "detailedDiff": None},
        {"op": "create", "urn": PROVIDER_URN, "newState": provider, "detailedDiff": None},
    ]


def preview(count: int) -> dict[str, Any]:
    """A ``pulumi preview --json`` document of about ``count`` resources."""
    found, environments = resources(count)
    steps = stack_steps()
    for type_, name, inputs, outputs, deps in found:
        state = {
            "urn": urn(type_, name),
            "custom": True,
            "type": type_,
            "parent": ROOT_URN,
            "inputs": {"__defaults": [], **inputs},
            "outputs": {**inputs, **outputs},
            "dependencies": deps,
            "provider": PROVIDER_REF,
        }
        steps.append({"op": "create", "urn": state["urn"], "provider": PROVIDER_REF, "newState": state})
    config = {"aws:region": REGION, **{f"lockdown:{k}": json.dumps(v) for k, v in settings(environments).items()}}
    return {"config": config, "steps": steps, "duration": 1, "changeSummary": {"create": len(steps)}}


# ---------------------------------------------------------------- terraform show -json


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _tf_value(value: Any) -> Any:
    """Pulumi camelCase inputs as Terraform attributes: snake_case keys, nested blocks as lists."""
    if isinstance(value, dict):
        return {_snake(k): ([_tf_value(v)] if isinstance(v, dict) else _tf_value(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_tf_value(v) for v in value]
    return None if value == UNKNOWN else value


def terraform_plan(count: int) -> dict[str, Any]:
    """The same resources as a Terraform plan (``terraform show -json`` of a plan file)."""
    found, _ = resources(count)
    planned, changes = [], []
    for type_, name, inputs, _outputs, _deps in found:
        tf_type = TF_TYPES[type_]
        tf_name = re.sub(r"[^A-Za-z0-9_]", "_", name)
        values = _tf_value(inputs)
        unknown = {k: True for k, v in inputs.items() if v == UNKNOWN}
        address = f"{tf_type}.{tf_name}"
        common = {"address": address, "mode": "managed", "type": tf_type, "name": tf_name}
        common["provider_name"] = "registry.terraform.io/hashicorp/aws"
        planned.append({**common, "schema_version": 0, "values": values, "sensitive_values": {}})
        change = {"actions": ["create"], "before": None, "after": values, "after_unknown": unknown}
        changes.append({**common, "change": change})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": REGION}}}}
        },
    }
