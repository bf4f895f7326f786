"""A small capture stack, "deployed" into moto the way Pulumi would create it, and its state export.

``deploy(endpoint)`` creates the resources with boto3 and returns the ``pulumi stack export``
document (version 3) a deployment of the same program would leave behind: every resource with
its type, URN, physical id, inputs and outputs in pulumi-aws v7 camelCase.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
REGION = "eu-west-1"
STACK, PROJECT = "prod", "lockdown"
RAW, LOGS = "lockdown-capture-raw", "lockdown-access-logs"
RAW_ARN, LOGS_ARN = f"arn:aws:s3:::{RAW}", f"arn:aws:s3:::{LOGS}"
READER = "capture-reader"
READER_ARN = f"arn:aws:iam::{ACCOUNT}:role/{READER}"
DELIVERY = "firehose-delivery"
TRAIL = "lockdown-audit"
LOG_GROUP = "/lockdown/capture"
STREAM = "capture-stream"
DATABASE = "capture"


@functools.cache
def _session() -> Any:
    return boto3.session.Session()


@functools.cache
def client(endpoint: str, service: str) -> Any:
    """A client for the emulator (cached: building clients is the slow part of seeding)."""
    config = Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 2})
    return _session().client(service, region_name=REGION, endpoint_url=endpoint, config=config)


def raw_policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [RAW_ARN, f"{RAW_ARN}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "Reader",
                "Effect": "Allow",
                "Principal": {"AWS": READER_ARN},
                "Action": ["s3:GetObject"],
                "Resource": f"{RAW_ARN}/*",
            },
        ],
    }


# ---------------------------------------------------------------- out-of-band changes
# What someone changes by hand at 2 a.m.; shared by the drift tests and the report screenshot.

PUBLIC_READ = {"Sid": "Oops", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{RAW_ARN}/*"}
PAB_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
EVERYTHING_ROLE = "analytics-everything"


def attach_public_read(endpoint: str, statements: list[dict[str, Any]] | None = None) -> None:
    """The raw bucket's policy plus a statement letting anyone read its objects."""
    policy = raw_policy()
    policy["Statement"] = [*(policy["Statement"] if statements is None else statements), PUBLIC_READ]
    client(endpoint, "s3").put_bucket_policy(Bucket=RAW, Policy=json.dumps(policy))


def switch_off_public_access_block(endpoint: str) -> None:
    client(endpoint, "s3").put_public_access_block(
        Bucket=RAW, PublicAccessBlockConfiguration=dict.fromkeys(PAB_FLAGS, False)
    )


def add_role_reading_everything(endpoint: str, trusted: dict[str, str]) -> None:
    """A role ``trusted`` may assume, with an inline policy allowing s3:* on everything."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": trusted, "Action": "sts:AssumeRole"}],
    }
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam = client(endpoint, "iam")
    iam.create_role(RoleName=EVERYTHING_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=EVERYTHING_ROLE, PolicyName="all", PolicyDocument=json.dumps(everything))


def drop_data_events(endpoint: str) -> None:
    selectors = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]
    client(endpoint, "cloudtrail").put_event_selectors(TrailName=TRAIL, EventSelectors=selectors)


def logs_policy() -> dict[str, Any]:
    """Lets S3 server access logging and CloudTrail write into the log bucket."""
    logging_service = {"Service": "logging.s3.amazonaws.com"}
    trail_service = {"Service": "cloudtrail.amazonaws.com"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Principal": logging_service,
                "Action": ["s3:PutObject"],
                "Resource": f"{LOGS_ARN}/*",
            },
            {
                "Sid": "Trail",
                "Effect": "Allow",
                "Principal": trail_service,
                "Action": "s3:PutObject",
                "Resource": f"{LOGS_ARN}/*",
            },
            {
                "Sid": "TrailAcl",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": LOGS_ARN,
            },
        ],
    }


def _trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


class State:
    """Collects resources as ``pulumi stack export`` lists them."""

    def __init__(self) -> None:
        self.provider = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_51_1"
        self.resources: list[dict[str, Any]] = [
            {
                "urn": f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}",
                "custom": False,
                "type": "pulumi:pulumi:Stack",
            },
            {
                "urn": self.provider,
                "custom": True,
                "id": "2b1c6a4e-4a4c-4f0e-9a55-0f1b7c3e0d11",
                "type": "pulumi:providers:aws",
                "inputs": {"region": REGION},
                "outputs": {"region": REGION},
            },
        ]

    def add(
        self, type_: str, name: str, id_: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None
    ) -> str:
        urn = f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"
        self.resources.append(
            {
                "urn": urn,
                "custom": True,
                "id": id_,
                "type": type_,
                "inputs": inputs,
                "outputs": {**inputs, **(outputs or {}), "id": id_},
                "parent": self.resources[0]["urn"],
                "provider": f"{self.provider}::2b1c6a4e-4a4c-4f0e-9a55-0f1b7c3e0d11",
                "dependencies": [],
            }
        )
        return urn

    def export(self) -> dict[str, Any]:
        return {
            "version": 3,
            "deployment": {
                "manifest": {"time": "2026-11-28T02:00:00Z", "magic": "0" * 64, "version": "v3.172.0"},
                "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:AAAA"}},
                "resources": self.resources,
            },
        }


def deploy(endpoint: str) -> dict[str, Any]:
    """Create the stack in moto and return its state export."""
    state = State()
    _buckets(endpoint, state)
    key_id = _key(endpoint, state)
    _encryption(endpoint, state, key_id)
    _roles(endpoint, state)
    _trail(endpoint, state)
    _logs(endpoint, state, key_id)
    _firehose(endpoint, state)
    _glue(endpoint, state)
    return state.export()


def _buckets(endpoint: str, state: State) -> None:
    s3 = client(endpoint, "s3")
    for name, arn, classification in ((RAW, RAW_ARN, "restricted"), (LOGS, LOGS_ARN, "internal")):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        tags = {"data-classification": classification}
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        state.add(
            "aws:s3/bucket:Bucket",
            name,
            name,
            {"bucket": name, "tags": tags},
            {"arn": arn, "region": REGION, "tagsAll": tags},
        )
        pab = {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        }
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration={k[0].upper() + k[1:]: v for k, v in pab.items()}
        )
        state.add(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-pab", name, {"bucket": name, **pab}
        )
        s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
        state.add(
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            f"{name}-ownership",
            name,
            {"bucket": name, "rule": {"objectOwnership": "BucketOwnerEnforced"}},
        )
    s3.put_bucket_policy(Bucket=LOGS, Policy=json.dumps(logs_policy()))
    state.add(
        "aws:s3/bucketPolicy:BucketPolicy",
        f"{LOGS}-policy",
        LOGS,
        {"bucket": LOGS, "policy": json.dumps(logs_policy())},
    )
    s3.put_bucket_versioning(Bucket=RAW, VersioningConfiguration={"Status": "Enabled"})
    state.add(
        "aws:s3/bucketVersioning:BucketVersioning",
        f"{RAW}-versioning",
        RAW,
        {"bucket": RAW, "versioningConfiguration": {"status": "Enabled"}},
    )
    s3.put_bucket_logging(
        Bucket=RAW, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": LOGS, "TargetPrefix": "raw/"}}
    )
    state.add(
        "aws:s3/bucketLogging:BucketLogging",
        f"{RAW}-logging",
        RAW,
        {"bucket": RAW, "targetBucket": LOGS, "targetPrefix": "raw/"},
    )
    rule = {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
    s3.put_bucket_lifecycle_configuration(Bucket=RAW, LifecycleConfiguration={"Rules": [rule]})
    lifecycle = [{"id": "expire", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": 30}}]
    state.add(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        f"{RAW}-lifecycle",
        RAW,
        {"bucket": RAW, "rules": lifecycle},
    )
    s3.put_bucket_policy(Bucket=RAW, Policy=json.dumps(raw_policy()))
    state.add(
        "aws:s3/bucketPolicy:BucketPolicy", f"{RAW}-policy", RAW, {"bucket": RAW, "policy": json.dumps(raw_policy())}
    )


def _key(endpoint: str, state: State) -> str:
    kms = client(endpoint, "kms")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Admin",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "Reader",
                "Effect": "Allow",
                "Principal": {"AWS": READER_ARN},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ],
    }
    key = kms.create_key(
        Policy=json.dumps(policy),
        Description="capture data key",
        Tags=[{"TagKey": "data-classification", "TagValue": "restricted"}],
    )
    key_id, arn = key["KeyMetadata"]["KeyId"], key["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key_id)
    inputs = {
        "description": "capture data key",
        "policy": json.dumps(policy),
        "enableKeyRotation": True,
        "tags": {"data-classification": "restricted"},
    }
    state.add("aws:kms/key:Key", "capture-key", key_id, inputs, {"arn": arn, "keyId": key_id, "isEnabled": True})
    kms.create_alias(AliasName="alias/lockdown-capture", TargetKeyId=key_id)
    state.add(
        "aws:kms/alias:Alias",
        "capture-key-alias",
        "alias/lockdown-capture",
        {"name": "alias/lockdown-capture", "targetKeyId": key_id},
    )
    return key_id


def _encryption(endpoint: str, state: State, key_id: str) -> None:
    s3 = client(endpoint, "s3")
    for name, rule in (
        (RAW, {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}),
        (LOGS, {"SSEAlgorithm": "AES256"}),
    ):
        s3.put_bucket_encryption(
            Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]}
        )
        applied = {
            "sseAlgorithm": rule["SSEAlgorithm"],
            **({"kmsMasterKeyId": key_id} if "KMSMasterKeyID" in rule else {}),
        }
        state.add(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            f"{name}-sse",
            name,
            {"bucket": name, "rules": [{"applyServerSideEncryptionByDefault": applied}]},
        )


def _roles(endpoint: str, state: State) -> None:
    iam = client(endpoint, "iam")
    read = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{RAW_ARN}/*"}],
    }
    write = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{RAW_ARN}/*"}],
    }
    for role, service, policy_name, policy in (
        (READER, "ec2.amazonaws.com", "read-raw", read),
        (DELIVERY, "firehose.amazonaws.com", "write-raw", write),
    ):
        arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(_trust(service)))["Role"]["Arn"]
        state.add(
            "aws:iam/role:Role",
            role,
            role,
            {"name": role, "assumeRolePolicy": json.dumps(_trust(service))},
            {"arn": arn},
        )
        iam.put_role_policy(RoleName=role, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
        state.add(
            "aws:iam/rolePolicy:RolePolicy",
            f"{role}-{policy_name}",
            f"{role}:{policy_name}",
            {"role": role, "name": policy_name, "policy": json.dumps(policy)},
        )


def _trail(endpoint: str, state: State) -> None:
    trail = client(endpoint, "cloudtrail")
    created = trail.create_trail(Name=TRAIL, S3BucketName=LOGS, IsMultiRegionTrail=True, EnableLogFileValidation=True)
    trail.start_logging(Name=TRAIL)
    selectors = [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": [f"{RAW_ARN}/"]}],
        }
    ]
    trail.put_event_selectors(TrailName=TRAIL, EventSelectors=selectors)
    inputs = {
        "name": TRAIL,
        "s3BucketName": LOGS,
        "isMultiRegionTrail": True,
        "includeGlobalServiceEvents": True,
        "enableLogFileValidation": True,
        "enableLogging": True,
        "eventSelectors": [
            {
                "readWriteType": "All",
                "includeManagementEvents": True,
                "dataResources": [{"type": "AWS::S3::Object", "values": [f"{RAW_ARN}/"]}],
            }
        ],
    }
    state.add("aws:cloudtrail/trail:Trail", TRAIL, created["TrailARN"], inputs, {"arn": created["TrailARN"]})


def _logs(endpoint: str, state: State, key_id: str) -> None:
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName=LOG_GROUP, tags={"data-classification": "restricted"})
    logs.put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=30)
    inputs = {"name": LOG_GROUP, "retentionInDays": 30, "tags": {"data-classification": "restricted"}}
    state.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "capture-logs",
        LOG_GROUP,
        inputs,
        {"arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}"},
    )


def _firehose(endpoint: str, state: State) -> None:
    firehose = client(endpoint, "firehose")
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{DELIVERY}"
    firehose.create_delivery_stream(
        DeliveryStreamName=STREAM,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": role_arn, "BucketARN": RAW_ARN, "Prefix": "capture/"},
    )
    inputs = {
        "name": STREAM,
        "destination": "extended_s3",
        "extendedS3Configuration": {"bucketArn": RAW_ARN, "roleArn": role_arn, "prefix": "capture/"},
    }
    state.add(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        STREAM,
        f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{STREAM}",
        inputs,
    )


def _glue(endpoint: str, state: State) -> None:
    client(endpoint, "glue").create_database(DatabaseInput={"Name": DATABASE, "Description": "captured interactions"})
    state.add(
        "aws:glue/catalogDatabase:CatalogDatabase",
        DATABASE,
        f"{ACCOUNT}:{DATABASE}",
        {"name": DATABASE, "catalogId": ACCOUNT},
    )
