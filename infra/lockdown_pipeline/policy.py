"""Policy statement builders shared by the components.

Documents are plain dicts whose leaves may be Pulumi Outputs; ``document()`` renders them
with ``Output.json_dumps`` so ARNs of resources created in the same stack are resolved and
the policy depends on those resources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

#: Object reads and listings. The perimeter must cover all of them: s3:GetObject* includes
#: GetObjectVersion, GetObjectAttributes, GetObjectTorrent...; s3:ListBucket* includes
#: ListBucketVersions and ListBucketMultipartUploads.
S3_READ_ACTIONS = ["s3:GetObject*", "s3:ListBucket*", "s3:ListMultipartUploadParts", "s3:RestoreObject"]

#: What a key administrator may do. Deliberately not kms:* nor kms:Create*: no Decrypt,
#: Encrypt, GenerateDataKey*, ReEncrypt* or CreateGrant, so administering a key never gives
#: access to the data it protects. (PutKeyPolicy could be used to change that; every change
#: goes through this program, the policy gate and the audit trail.)
KEY_ADMIN_ACTIONS = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:ListAliases",
    "kms:PutKeyPolicy",
    "kms:EnableKey",
    "kms:DisableKey",
    "kms:EnableKeyRotation",
    "kms:RotateKeyOnDemand",
    "kms:UpdateKeyDescription",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
]


def document(*statements: Any) -> pulumi.Output[str]:
    """A policy document (JSON string) from statements that may contain Outputs."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def object_arns(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket_arn, "/*")


def deny_insecure_transport(bucket_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Deny every request that is not over TLS, whoever makes it."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, object_arns(bucket_arn)],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def deny_reads_outside(bucket_arn: pulumi.Input[str], readers: Sequence[pulumi.Input[str]]) -> dict[str, Any]:
    """The perimeter: deny every object read and listing to any principal not named in ``readers``.

    Identity policies elsewhere in the account (AmazonS3ReadOnlyAccess, ReadOnlyAccess, an admin
    role) can grant reads without touching this bucket; an explicit Deny in the bucket policy wins
    over all of them. The exemption is an exact ArnNotEquals on aws:PrincipalArn (no wildcards),
    so it cannot match more than the listed roles; service principals carry no PrincipalArn and
    are therefore denied reads too.
    """
    return {
        "Sid": "DenyReadsOutsideAllowlist",
        "Effect": "Deny",
        "Principal": "*",
        "Action": S3_READ_ACTIONS,
        "Resource": [bucket_arn, object_arns(bucket_arn)],
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": list(readers)}},
    }


def allow_reads(bucket_arn: pulumi.Input[str], readers: Sequence[pulumi.Input[str]]) -> dict[str, Any]:
    """The only Allow for reads in a data bucket policy: the named readers, nothing broader."""
    return {
        "Sid": "AllowNamedReaders",
        "Effect": "Allow",
        "Principal": {"AWS": list(readers)},
        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
        "Resource": [bucket_arn, object_arns(bucket_arn)],
    }


def key_admins(administrators: Sequence[str]) -> dict[str, Any]:
    return {
        "Sid": "KeyAdministrators",
        "Effect": "Allow",
        "Principal": {"AWS": list(administrators)},
        "Action": KEY_ADMIN_ACTIONS,
        "Resource": "*",
    }


def key_use_via_s3(
    sid: str,
    principals: Sequence[pulumi.Input[str]],
    actions: Sequence[str],
    region: str,
    bucket_arns: Sequence[pulumi.Input[str]],
) -> dict[str, Any]:
    """Let named roles use a key only through S3, only for objects of the named buckets.

    S3 passes the bucket ARN as encryption context when a Bucket Key is in use, and the object
    ARN otherwise (objects written before the bucket key, or by a request that opts out), so the
    context condition accepts exactly those two forms for these buckets and nothing else.
    """
    contexts: list[pulumi.Input[str]] = []
    for arn in bucket_arns:
        contexts += [arn, object_arns(arn)]
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)},
        "Action": list(actions),
        "Resource": "*",
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": contexts},
        },
    }


def use_keys_via_s3(
    sid: str, actions: Sequence[str], key_arns: Sequence[pulumi.Input[str]], region: str
) -> dict[str, Any]:
    """An identity-policy statement: use these keys, but only through S3 (never a direct Decrypt)."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": list(key_arns),
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    }


def service_trust(service: str, account_id: str, source_arn: str | None = None) -> pulumi.Output[str]:
    """A trust policy for an AWS service, confined to this account (and one resource) against confused deputies."""
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": condition,
                }
            ],
        }
    )


def role_trust(principal_arns: Sequence[str]) -> pulumi.Output[str]:
    """A trust policy naming exactly the roles that may assume this one (never an account root)."""
    for arn in principal_arns:
        if arn.endswith(":root") or "*" in arn or ":role/" not in arn:
            raise ValueError(f"trust policies name roles, not accounts or patterns: {arn}")
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principal_arns)},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
