"""Storage: a KMS key per data tier and the buckets that hold captures and curated data.

Reusable pieces:

- ``DataKey``: a customer managed key with rotation on and a key policy that names its
  administrators and its users. No statement gives ``kms:Decrypt`` (or ``kms:*``) to the
  account root or to ``*``: the default "Enable IAM User Permissions" root statement would let
  any identity policy in the account decrypt, which is exactly the company-wide read this
  pipeline exists to prevent.
- ``SecureBucket``: public access block fully on, ``BucketOwnerEnforced`` (ACLs off), default
  encryption, versioning, server access logging, a lifecycle that expires objects after the
  store's retention, and a bucket policy that denies non-TLS access and denies every read to
  any principal not on its readers list.
- ``Storage``: the pipeline's raw and curated tiers plus the access-log bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from lockdown_pipeline import policy
from lockdown_pipeline.classification import Classification
from lockdown_pipeline.settings import PipelineSettings

#: Noncurrent versions (what a delete or overwrite leaves behind in a versioned bucket) are
#: removed one day after they stop being current, so versioning protects against mistakes
#: without keeping data past its retention.
NONCURRENT_DAYS = 1


@dataclass
class DataKeyArgs:
    description: str
    classification: Classification
    administrators: Sequence[str]
    #: Statements granting use of the key (principals named, conditions as AWS requires).
    user_statements: Sequence[dict[str, Any]]
    alias: str
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class DataKey(pulumi.ComponentResource):
    """A customer managed KMS key for one data tier."""

    key: aws.kms.Key
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: DataKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:DataKey", name, None, opts)
        if not args.administrators:
            raise ValueError(f"{name}: a key needs at least one named administrator")
        self.key = aws.kms.Key(
            name,
            description=args.description,
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            # Keep KMS's lockout check on: the deploying role must be among the administrators.
            bypass_policy_lockout_safety_check=False,
            policy=policy.document(policy.key_admins(args.administrators), *args.user_statements),
            tags=args.classification.tags(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn})


@dataclass
class SecureBucketArgs:
    bucket_name: str
    classification: Classification
    #: Principal ARNs exempt from the read perimeter (and the only ones the policy allows to read).
    readers: Sequence[pulumi.Input[str]]
    #: The tier's KMS key. None means SSE-S3 and is accepted only for the access-log target.
    kms_key_arn: pulumi.Input[str] | None
    #: Bucket receiving this bucket's server access logs; None only for the access-log target.
    access_log_bucket: pulumi.Input[str] | None
    extra_statements: Sequence[dict[str, Any]] = field(default_factory=list)
    is_access_log_target: bool = False
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class SecureBucket(pulumi.ComponentResource):
    """An S3 bucket for restricted data with every safe setting on."""

    bucket: aws.s3.Bucket
    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    bucket_policy: aws.s3.BucketPolicy

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:SecureBucket", name, None, opts)
        _check_bucket_args(name, args)
        child = pulumi.ResourceOptions(parent=self)
        days = args.classification.retention_days
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            # Never delete a bucket that still holds objects: retention is the lifecycle's job.
            force_destroy=False,
            tags=args.classification.tags(),
            opts=child,
        )
        bucket_id = self.bucket.id
        self.arn = self.bucket.arn
        self.name = self.bucket.bucket

        access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        # BucketOwnerEnforced disables ACLs entirely: access is decided by policies alone.
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[_encryption_rule(args.kms_key_arn)],
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                f"{name}-access-logging",
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=f"{args.bucket_name}/",
                opts=child,
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-after-retention",
                    status="Enabled",
                    # An empty prefix: the rule covers every object in the bucket.
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=NONCURRENT_DAYS
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                )
            ],
            opts=child,
        )
        statements = [
            policy.deny_insecure_transport(self.arn),
            policy.deny_reads_outside(self.arn, args.readers),
            policy.allow_reads(self.arn, args.readers),
            *args.extra_statements,
        ]
        # The policy comes after the public access block (so a public statement could never be
        # accepted) and after the roles it names exist (S3 rejects unknown principals).
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            policy=policy.document(*statements),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access_block, ownership, *args.depends_on]),
        )
        self.register_outputs({"arn": self.arn, "name": self.name})


def _check_bucket_args(name: str, args: SecureBucketArgs) -> None:
    if not args.readers:
        raise ValueError(f"{name}: a restricted bucket needs at least one named reader")
    if args.kms_key_arn is None and not args.is_access_log_target:
        raise ValueError(f"{name}: only the access-log target bucket may use SSE-S3; give it the tier's KMS key")
    if args.access_log_bucket is None and not args.is_access_log_target:
        raise ValueError(f"{name}: every data bucket logs its access to the access-log bucket")


def _encryption_rule(kms_key_arn: pulumi.Input[str] | None) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
    if kms_key_arn is None:
        # S3 server access logging cannot deliver to a bucket whose default encryption is
        # SSE-KMS (the logging service has no way to use a customer key), so the access-log
        # target uses SSE-S3; its policy still restricts reads to the privacy auditor.
        return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256"
            ),
        )
    # A bucket key cuts KMS calls (and cost) by up to 99%; the key policies pin the encryption
    # context to this bucket's ARN (and its objects'), so the key serves no other bucket.
    return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
        apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn
        ),
        bucket_key_enabled=True,
    )


@dataclass
class StorageArgs:
    settings: PipelineSettings
    auditor_role: aws.iam.Role
    training_role: aws.iam.Role
    delivery_role: aws.iam.Role


class Storage(pulumi.ComponentResource):
    """Raw and curated tiers (key + bucket each) and the access-log bucket."""

    raw_key: DataKey
    curated_key: DataKey
    raw: SecureBucket
    curated: SecureBucket
    access_logs: SecureBucket

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:Storage", name, None, opts)
        s = args.settings
        auditor = args.auditor_role.arn
        roles = [args.auditor_role, args.training_role, args.delivery_role]
        child = pulumi.ResourceOptions(parent=self)
        raw_arn = f"arn:aws:s3:::{s.raw_bucket}"
        curated_arns = [f"arn:aws:s3:::{s.curated_bucket}", f"arn:aws:s3:::{s.artifacts_bucket}"]
        captures = Classification("restricted", s.owner, "model-training", s.raw_retention_days)

        self.access_logs = SecureBucket(
            "access-logs",
            SecureBucketArgs(
                bucket_name=s.access_log_bucket,
                classification=captures.with_retention(s.audit_retention_days).with_purpose("privacy-audit"),
                readers=[auditor],
                kms_key_arn=None,
                access_log_bucket=None,
                is_access_log_target=True,
                extra_statements=[_log_delivery_statement(s)],
                depends_on=roles,
            ),
            opts=child,
        )

        self.raw_key = DataKey(
            "raw-key",
            DataKeyArgs(
                description=f"{s.stack}: raw captures (Firehose stream and raw bucket)",
                classification=captures,
                administrators=s.key_administrators,
                alias=s.resource_name("raw-captures"),
                user_statements=[
                    # Only the privacy auditor may decrypt raw captures, and only through S3.
                    policy.key_use_via_s3("RawReadersDecryptViaS3", [auditor], ["kms:Decrypt"], s.region, [raw_arn]),
                    # Firehose's delivery role encrypts new objects; no Decrypt: buffers are at most
                    # 128 MiB, delivered with single PutObject calls that never read the data key back.
                    policy.key_use_via_s3(
                        "DeliveryEncryptViaS3", [args.delivery_role.arn], ["kms:GenerateDataKey"], s.region, [raw_arn]
                    ),
                    _firehose_stream_grant(s),
                ],
                depends_on=roles,
            ),
            opts=child,
        )
        self.curated_key = DataKey(
            "curated-key",
            DataKeyArgs(
                description=f"{s.stack}: curated training data and model artifacts",
                classification=captures.with_retention(s.curated_retention_days),
                administrators=s.key_administrators,
                alias=s.resource_name("curated"),
                user_statements=[
                    # The stack's allowlist (training role, privacy auditor) may decrypt curated data; see
                    # PipelineSettings.direct_readers.
                    policy.key_use_via_s3(
                        "AllowedReadersDecryptViaS3", s.direct_readers, ["kms:Decrypt"], s.region, curated_arns
                    ),
                    # The training role writes model artifacts (artifact bucket only).
                    policy.key_use_via_s3(
                        "TrainingEncryptArtifactsViaS3",
                        [args.training_role.arn],
                        ["kms:GenerateDataKey"],
                        s.region,
                        curated_arns[1:],
                    ),
                ],
                depends_on=roles,
            ),
            opts=child,
        )

        self.raw = SecureBucket(
            "raw-captures",
            SecureBucketArgs(
                bucket_name=s.raw_bucket,
                classification=captures,
                # Raw captures: the privacy auditor only. The training role reads curated data only.
                readers=[auditor],
                kms_key_arn=self.raw_key.arn,
                access_log_bucket=self.access_logs.name,
                depends_on=roles,
            ),
            opts=child,
        )
        self.curated = SecureBucket(
            "curated",
            SecureBucketArgs(
                bucket_name=s.curated_bucket,
                classification=captures.with_retention(s.curated_retention_days),
                readers=s.direct_readers,
                kms_key_arn=self.curated_key.arn,
                access_log_bucket=self.access_logs.name,
                depends_on=roles,
            ),
            opts=child,
        )

        aws.iam.RolePolicy(
            "auditor-reads-storage",
            role=args.auditor_role.id,
            name="read-storage",
            policy=policy.document(
                {
                    "Sid": "ReadCapturesAndAccessLogs",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
                    "Resource": [
                        b
                        for bucket in (self.raw, self.curated, self.access_logs)
                        for b in (bucket.arn, policy.object_arns(bucket.arn))
                    ],
                },
                policy.use_keys_via_s3(
                    "DecryptThroughS3", ["kms:Decrypt"], [self.raw_key.arn, self.curated_key.arn], s.region
                ),
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            "delivery-writes-raw",
            role=args.delivery_role.id,
            name="write-raw-captures",
            policy=policy.document(
                {
                    # Write-only: no GetObject, no ListBucket. GetBucketLocation is bucket metadata.
                    "Sid": "WriteRawCaptures",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketLocation"],
                    "Resource": [self.raw.arn, policy.object_arns(self.raw.arn)],
                },
                policy.use_keys_via_s3("EncryptThroughS3", ["kms:GenerateDataKey"], [self.raw_key.arn], s.region),
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "rawBucket": self.raw.name,
                "curatedBucket": self.curated.name,
                "accessLogBucket": self.access_logs.name,
                "rawKeyArn": self.raw_key.arn,
                "curatedKeyArn": self.curated_key.arn,
            }
        )


def _log_delivery_statement(s: PipelineSettings) -> dict[str, Any]:
    """S3 server access log delivery into the log bucket, only from this account's pipeline buckets."""
    sources = [f"arn:aws:s3:::{b}" for b in (s.raw_bucket, s.curated_bucket, s.artifacts_bucket, s.trail_bucket)]
    return {
        "Sid": "S3ServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{s.access_log_bucket}/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": sources},
            "StringEquals": {"aws:SourceAccount": s.account_id},
        },
    }


def _firehose_stream_grant(s: PipelineSettings) -> dict[str, Any]:
    """Server-side encryption of the Firehose stream with this key.

    Firehose encrypts the stream through a KMS grant that it creates, with the credentials of
    whoever creates the stream (the deploying role, one of the key administrators). The grant can
    be created only through Firehose (kms:ViaService) and only for an AWS resource
    (kms:GrantIsForAWSResource), so administrators cannot use CreateGrant to give themselves
    Decrypt.
    """
    return {
        "Sid": "FirehoseStreamEncryptionGrant",
        "Effect": "Allow",
        "Principal": {"AWS": list(s.key_administrators)},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"kms:ViaService": f"firehose.{s.region}.amazonaws.com"},
            "Bool": {"kms:GrantIsForAWSResource": "true"},
        },
    }
