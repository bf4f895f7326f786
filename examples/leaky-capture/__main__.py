"""The incident, reproduced (pulumi-aws v7). Lockdown must fail this program.

What went wrong, one resource at a time:

1. The bucket holding screen transcripts and keystrokes (classified restricted) has a
   bucket policy that lets every principal in the AWS Organization read it: the
   principal is ``*``, narrowed only by ``aws:PrincipalOrgID``.
2. The KMS key that encrypts it delegates to the account root and also allows ``*``
   to decrypt under ``kms:CallerAccount``: anyone in the account may decrypt.
3. The audit trail records no S3 data events (nobody can tell who read what) and its
   log group keeps logs forever, unencrypted.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
team = config.get("team") or "capture"
org_id = pulumi.Config("lockdown").require("organizationId")

caller = aws.get_caller_identity()
partition = aws.get_partition()
tags = {"team": team, "data-classification": "restricted"}

key = aws.kms.Key(
    "capture-key",
    description="Encrypts captured keystrokes and screen transcripts",
    enable_key_rotation=False,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "RootDelegation",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition.partition}:iam::{caller.account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "AnyoneInTheAccountMayDecrypt",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": caller.account_id}},
                },
            ],
        }
    ),
    tags=tags,
)

transcripts = aws.s3.Bucket("capture-transcripts", force_destroy=True, tags=tags)

aws.s3.BucketServerSideEncryptionConfiguration(
    "capture-transcripts-sse",
    bucket=transcripts.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }
        }
    ],
)

org_read = aws.iam.get_policy_document_output(
    statements=[
        {
            "sid": "OrganizationMayRead",
            "principals": [{"type": "AWS", "identifiers": ["*"]}],
            "actions": ["s3:GetObject", "s3:ListBucket"],
            "resources": [transcripts.arn, transcripts.arn.apply(lambda arn: f"{arn}/*")],
            "conditions": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": [org_id]}],
        }
    ]
)

aws.s3.BucketPolicy("capture-transcripts-policy", bucket=transcripts.id, policy=org_read.json)

audit_logs = aws.s3.Bucket("capture-audit-logs", tags={**tags, "purpose": "audit"})

audit_group = aws.cloudwatch.LogGroup("capture-audit", tags=tags)  # no retention, no KMS key

aws.cloudtrail.Trail(
    "capture-trail",
    s3_bucket_name=audit_logs.id,
    cloud_watch_logs_group_arn=audit_group.arn.apply(lambda arn: f"{arn}:*"),
    include_global_service_events=False,
    is_multi_region_trail=False,
    enable_log_file_validation=False,
    # No event selectors: reads of the transcripts bucket are never recorded.
    tags=tags,
)

pulumi.export("transcripts_bucket", transcripts.bucket)
pulumi.export("key_arn", key.arn)
