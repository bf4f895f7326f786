"""Access: the identities that key and bucket policies name.

KMS and S3 reject a policy whose ``Principal`` names a role that does not exist yet, so
every role a key or bucket policy names is created here, first, with its trust policy only.
Each component then attaches the permissions for its own resources (``aws.iam.RolePolicy``)
where those resources are defined: a reader's rights are visible next to the data.

The reader roles get explicit names, ``<stack>-training`` and ``<stack>-privacy-auditor``,
so their ARNs are exactly the ones listed in ``lockdown:allowedReaders``
(``PipelineSettings.validate`` refuses a stack where they disagree).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lockdown_pipeline import policy
from lockdown_pipeline.settings import PipelineSettings


@dataclass
class AccessArgs:
    settings: PipelineSettings
    #: Tags for the roles (owner, purpose); roles hold no data, so no classification.
    tags: dict[str, str]


class Access(pulumi.ComponentResource):
    """The allowlisted reader roles and the capture delivery role."""

    training_role: aws.iam.Role
    auditor_role: aws.iam.Role
    delivery_role: aws.iam.Role

    def __init__(self, name: str, args: AccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:Access", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)

        # SageMaker assumes the training role only for training jobs of this account:
        # aws:SourceAccount and aws:SourceArn stop another account's job (confused deputy).
        self.training_role = aws.iam.Role(
            "training-role",
            name=s.role_name("training"),
            description="SageMaker execution role: reads curated data only, decrypts with the curated key only",
            assume_role_policy=policy.service_trust(
                "sagemaker.amazonaws.com",
                s.account_id,
                f"arn:aws:sagemaker:{s.region}:{s.account_id}:training-job/*",
            ),
            max_session_duration=3600,
            tags={**args.tags, "purpose": "model-training"},
            opts=child,
        )

        # Only the named privacy-office roles may assume the auditor role; never an account root,
        # which would let every identity with sts:AssumeRole in the account become an auditor.
        self.auditor_role = aws.iam.Role(
            "privacy-auditor-role",
            name=s.role_name("privacy-auditor"),
            description="Privacy auditor: the only reader of raw captures, audit trail and logs",
            assume_role_policy=policy.role_trust(list(s.auditor_trusted_principals)),
            max_session_duration=3600,
            tags={**args.tags, "purpose": "privacy-audit"},
            opts=child,
        )

        # Firehose writes to the raw bucket with this role; it is named in the raw key's policy
        # (GenerateDataKey only) and so must exist before the key. It can never read.
        self.delivery_role = aws.iam.Role(
            "capture-delivery-role",
            name=s.role_name("capture-delivery"),
            description="Firehose delivery: writes redacted captures to the raw bucket, cannot read them",
            assume_role_policy=policy.service_trust("firehose.amazonaws.com", s.account_id, s.stream_arn),
            tags={**args.tags, "purpose": "capture"},
            opts=child,
        )

        self.register_outputs(
            {
                "trainingRoleArn": self.training_role.arn,
                "auditorRoleArn": self.auditor_role.arn,
                "deliveryRoleArn": self.delivery_role.arn,
            }
        )
