"""Audit logging: every read of the data is recorded, and the record is itself restricted.

A multi-region CloudTrail trail with log file validation, encrypted with the audit key,
delivered to an encrypted CloudWatch Logs group, recording S3 data events (reads and writes)
for every restricted bucket. Its bucket, its log group and the audit key are readable by the
privacy auditor only.

The trail's own bucket is deliberately not in its data events: each delivered log file would
be a PutObject data event, which would be delivered as a log file, which would be an event...
A feedback loop that only costs money. Access to it is still recorded, by S3 server access
logging into the access-log bucket, which the trail does cover. (That chain, trail file ->
access-log record -> data event -> trail file, settles into a small constant trickle: both
services batch their deliveries, so it never grows.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from lockdown_pipeline import policy
from lockdown_pipeline.classification import Classification
from lockdown_pipeline.settings import PipelineSettings
from lockdown_pipeline.storage import DataKey, DataKeyArgs, SecureBucket, SecureBucketArgs


@dataclass
class AuditArgs:
    settings: PipelineSettings
    auditor_role: aws.iam.Role
    #: Every restricted bucket except the trail's own: each gets read and write data events.
    restricted_bucket_arns: Sequence[pulumi.Input[str]]
    access_log_bucket: pulumi.Input[str]


class Audit(pulumi.ComponentResource):
    """The audit key (trail and all log groups), trail bucket, trail log group and the trail."""

    key: DataKey
    bucket: SecureBucket
    log_group: aws.cloudwatch.LogGroup
    trail: aws.cloudtrail.Trail

    def __init__(self, name: str, args: AuditArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:Audit", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        auditor = args.auditor_role.arn
        audit_class = Classification("restricted", s.owner, "privacy-audit", s.audit_retention_days)

        self.key = DataKey(
            "audit-key",
            DataKeyArgs(
                description=f"{s.stack}: audit trail and the pipeline's log groups",
                classification=audit_class,
                administrators=s.key_administrators,
                alias=s.resource_name("audit"),
                user_statements=_audit_key_statements(s, auditor),
                depends_on=[args.auditor_role],
            ),
            opts=child,
        )

        self.bucket = SecureBucket(
            "audit-trail",
            SecureBucketArgs(
                bucket_name=s.trail_bucket,
                classification=audit_class,
                readers=[auditor],
                kms_key_arn=self.key.arn,
                access_log_bucket=args.access_log_bucket,
                extra_statements=_trail_delivery_statements(s),
                depends_on=[args.auditor_role],
            ),
            opts=child,
        )

        self.log_group = aws.cloudwatch.LogGroup(
            "trail-log-group",
            name=s.trail_log_group,
            kms_key_id=self.key.arn,
            retention_in_days=s.log_retention_days,
            tags=audit_class.with_retention(s.log_retention_days).tags(),
            opts=child,
        )
        log_role = aws.iam.Role(
            "trail-logs-role",
            name=s.role_name("trail-logs"),
            description="CloudTrail delivery to its CloudWatch Logs group (write only)",
            assume_role_policy=policy.service_trust("cloudtrail.amazonaws.com", s.account_id, s.trail_arn),
            tags={"owner": s.owner, "purpose": "privacy-audit"},
            opts=child,
        )
        log_role_policy = aws.iam.RolePolicy(
            "trail-logs-write",
            role=log_role.id,
            name="write-trail-log-group",
            policy=policy.document(
                {
                    "Sid": "DeliverTrailEvents",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [pulumi.Output.concat(self.log_group.arn, ":log-stream:*")],
                }
            ),
            opts=child,
        )

        self.trail = aws.cloudtrail.Trail(
            "trail",
            name=s.trail_name,
            s3_bucket_name=self.bucket.name,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=self.key.arn,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=log_role.arn,
            event_selectors=[
                aws.cloudtrail.TrailEventSelectorArgs(
                    read_write_type="All",
                    include_management_events=True,
                    data_resources=[
                        aws.cloudtrail.TrailEventSelectorDataResourceArgs(
                            type="AWS::S3::Object",
                            values=[pulumi.Output.concat(arn, "/") for arn in args.restricted_bucket_arns],
                        )
                    ],
                )
            ],
            tags=audit_class.tags(),
            # CloudTrail checks at creation that it can write to the bucket and the log group.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.bucket.bucket_policy, log_role_policy]),
        )

        aws.iam.RolePolicy(
            "auditor-reads-audit",
            role=args.auditor_role.id,
            name="read-audit-trail-and-logs",
            policy=policy.document(
                {
                    "Sid": "ReadTrailBucket",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                    "Resource": [self.bucket.arn, policy.object_arns(self.bucket.arn)],
                },
                policy.use_keys_via_s3("DecryptAuditThroughS3", ["kms:Decrypt"], [self.key.arn], s.region),
                {
                    "Sid": "ReadPipelineLogGroups",
                    "Effect": "Allow",
                    "Action": ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
                    "Resource": [s.log_group_arn(g) + ":*" for g in s.log_group_names],
                },
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "trailArn": self.trail.arn,
                "trailBucket": self.bucket.name,
                "auditKeyArn": self.key.arn,
                "trailLogGroup": self.log_group.name,
            }
        )


def _audit_key_statements(s: PipelineSettings, auditor: pulumi.Input[str]) -> list[dict[str, Any]]:
    """Who may use the audit key, each under the conditions AWS documents for it."""
    return [
        {
            # CloudTrail encrypts log files for this trail only (aws:SourceArn against confused
            # deputies; the encryption context names the trail).
            "Sid": "CloudTrailEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": s.trail_arn},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": s.trail_arn},
            },
        },
        {
            "Sid": "CloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": s.trail_arn}},
        },
        {
            # CloudWatch Logs encrypts and decrypts the pipeline's log groups, and only those:
            # the encryption context names each log group ARN.
            "Sid": "CloudWatchLogsForPipelineLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{s.region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [s.log_group_arn(g) for g in s.log_group_names]}
            },
        },
        {
            # The privacy auditor reads trail log files, through S3 only. (Log group reads need no
            # key permission: CloudWatch Logs decrypts for callers allowed logs:GetLogEvents.)
            "Sid": "AuditorDecryptTrailViaS3",
            "Effect": "Allow",
            "Principal": {"AWS": [auditor]},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{s.region}.amazonaws.com"}},
        },
    ]


def _trail_delivery_statements(s: PipelineSettings) -> list[dict[str, Any]]:
    """CloudTrail may check the bucket ACL and write log files, for this trail only."""
    bucket_arn = f"arn:aws:s3:::{s.trail_bucket}"
    return [
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": s.trail_arn}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/AWSLogs/{s.account_id}/*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": s.trail_arn, "s3:x-amz-acl": "bucket-owner-full-control"},
            },
        },
    ]
