"""The pipeline's settings, read once from the stack's Pulumi config.

Every name and ARN the pipeline uses is derived here from config (account id, region,
stack, name prefix), never looked up at run time: policies then carry concrete ARNs,
the same program plans offline (``lockdown check``) exactly as it deploys, and the
allowlist in ``lockdown:allowedReaders`` can be checked against the roles this program
creates before anything is built.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi

PROJECT_NAMESPACE = "lockdown-pipeline"
LOCKDOWN_NAMESPACE = "lockdown"

_ACCOUNT_ID = re.compile(r"^\d{12}$")
#: The retention values CloudWatch Logs accepts (anything else fails at deploy time).
LOG_RETENTION_VALUES = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)


class SettingsError(ValueError):
    """A stack config value the pipeline cannot be built from (one-line message naming the key)."""


@dataclass(frozen=True)
class PipelineSettings:
    """Everything the components need from config, validated."""

    stack: str
    account_id: str
    region: str
    name_prefix: str
    owner: str
    # lockdown: namespace (shared with the policies, so the program and the check agree)
    allowed_readers: tuple[str, ...]
    key_administrators: tuple[str, ...]
    max_retention_days: int
    max_log_retention_days: int
    # lockdown-pipeline: namespace
    raw_retention_days: int
    curated_retention_days: int
    audit_retention_days: int
    log_retention_days: int
    processor_log_retention_days: int
    auditor_trusted_principals: tuple[str, ...]
    capture_agent_principals: tuple[str, ...]
    data_lake_admins: tuple[str, ...]
    vpc_cidr: str
    availability_zones: tuple[str, ...]
    firehose_buffer_mib: int = 64
    firehose_buffer_seconds: int = 300
    processor_memory_mib: int = 256
    processor_timeout_seconds: int = 60
    curated_prefix: str = "datasets/"
    extra_tags: dict[str, str] = field(default_factory=dict)

    # ---- names -------------------------------------------------------------------------
    def resource_name(self, part: str) -> str:
        """Physical name of a regional, account-scoped resource: ``<prefix>-<stack>-<part>``."""
        return f"{self.name_prefix}-{self.stack}-{part}"

    def bucket_name(self, part: str) -> str:
        """Bucket names are global: the account id and region make them unique and predictable."""
        return f"{self.name_prefix}-{self.stack}-{part}-{self.account_id}-{self.region}"

    def role_name(self, part: str) -> str:
        """Role names are ``<stack>-<part>``, as the stack's allowlist spells them."""
        return f"{self.stack}-{part}"

    def role_arn(self, part: str) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name(part)}"

    @property
    def training_role_arn(self) -> str:
        return self.role_arn("training")

    @property
    def auditor_role_arn(self) -> str:
        return self.role_arn("privacy-auditor")

    @property
    def direct_readers(self) -> list[str]:
        """Allowlisted principals that read curated data themselves.

        Principals listed only because they may assume the auditor role read through that role,
        so they get no direct grant and no perimeter exemption of their own.
        """
        return [p for p in self.allowed_readers if p not in self.auditor_trusted_principals]

    @property
    def raw_bucket(self) -> str:
        return self.bucket_name("raw-captures")

    @property
    def curated_bucket(self) -> str:
        return self.bucket_name("curated")

    @property
    def artifacts_bucket(self) -> str:
        return self.bucket_name("model-artifacts")

    @property
    def access_log_bucket(self) -> str:
        return self.bucket_name("access-logs")

    @property
    def trail_bucket(self) -> str:
        return self.bucket_name("audit-trail")

    @property
    def trail_name(self) -> str:
        return self.resource_name("audit")

    @property
    def trail_arn(self) -> str:
        return f"arn:aws:cloudtrail:{self.region}:{self.account_id}:trail/{self.trail_name}"

    @property
    def stream_name(self) -> str:
        return self.resource_name("captures")

    @property
    def stream_arn(self) -> str:
        return f"arn:aws:firehose:{self.region}:{self.account_id}:deliverystream/{self.stream_name}"

    @property
    def processor_name(self) -> str:
        return self.resource_name("capture-processor")

    @property
    def processor_log_group(self) -> str:
        # Lambda writes to /aws/lambda/<function>; creating the group ourselves lets us
        # encrypt it and bound its retention before the first invocation creates it unencrypted.
        return f"/aws/lambda/{self.processor_name}"

    @property
    def firehose_log_group(self) -> str:
        return f"/aws/kinesisfirehose/{self.stream_name}"

    @property
    def trail_log_group(self) -> str:
        return f"/aws/cloudtrail/{self.trail_name}"

    def log_group_arn(self, name: str) -> str:
        return f"arn:aws:logs:{self.region}:{self.account_id}:log-group:{name}"

    @property
    def log_group_names(self) -> tuple[str, ...]:
        """Every log group of the pipeline (all encrypted with the audit key)."""
        return (self.processor_log_group, self.firehose_log_group, self.trail_log_group)

    @property
    def glue_database(self) -> str:
        # Glue database names: lower case, digits and underscores only.
        return re.sub(r"[^a-z0-9_]", "_", f"{self.name_prefix}_{self.stack}_curated".lower())

    def private_subnet_cidrs(self) -> list[str]:
        """One /24-or-smaller private subnet per availability zone, carved from the VPC range."""
        network = ipaddress.ip_network(self.vpc_cidr)
        new_prefix = max(network.prefixlen + 2, min(24, network.prefixlen + 4))
        subnets = list(network.subnets(new_prefix=new_prefix))
        if len(subnets) < len(self.availability_zones):
            raise SettingsError(
                f"lockdown-pipeline:vpcCidr {self.vpc_cidr} is too small for {len(self.availability_zones)} subnets"
            )
        return [str(s) for s in subnets[: len(self.availability_zones)]]

    # ---- validation ----------------------------------------------------------------------
    def validate(self) -> None:
        """Refuse settings that would make the deployed stack disagree with its own allowlist."""
        if not _ACCOUNT_ID.match(self.account_id):
            raise SettingsError(f"lockdown-pipeline:accountId must be a 12-digit account id, got {self.account_id!r}")
        for reader in (self.training_role_arn, self.auditor_role_arn):
            if reader not in self.allowed_readers:
                raise SettingsError(
                    f"lockdown:allowedReaders must list {reader}: the pipeline creates that reader role, "
                    "and the allowlist and the roles must agree"
                )
        if not self.key_administrators:
            raise SettingsError("lockdown:keyAdministrators must name at least one role (include the deploying role)")
        if not self.auditor_trusted_principals:
            raise SettingsError("lockdown-pipeline:auditorTrustedPrincipals must name who may assume the auditor role")
        for principal in self.auditor_trusted_principals:
            # Whoever can assume a reader role is a reader: the allowlist must say so.
            if principal not in self.allowed_readers:
                raise SettingsError(
                    f"lockdown-pipeline:auditorTrustedPrincipals entry {principal} can assume the privacy auditor "
                    "role, so it must also be listed in lockdown:allowedReaders"
                )
        if not self.capture_agent_principals:
            raise SettingsError("lockdown-pipeline:captureAgentPrincipals must name who may assume the writer role")
        for key, days in (
            ("rawRetentionDays", self.raw_retention_days),
            ("curatedRetentionDays", self.curated_retention_days),
            ("auditRetentionDays", self.audit_retention_days),
        ):
            # Objects are kept `days` plus one day as a noncurrent version (see storage.py).
            if days + 1 > self.max_retention_days:
                raise SettingsError(
                    f"lockdown-pipeline:{key} is {days} (+1 day noncurrent), "
                    f"above lockdown:maxRetentionDays {self.max_retention_days}"
                )
        for key, days in (
            ("logRetentionDays", self.log_retention_days),
            ("processorLogRetentionDays", self.processor_log_retention_days),
        ):
            if days > self.max_log_retention_days:
                raise SettingsError(f"lockdown-pipeline:{key} is {days}, above lockdown:maxLogRetentionDays")
            if days not in LOG_RETENTION_VALUES:
                raise SettingsError(f"lockdown-pipeline:{key} is {days}, not a retention CloudWatch Logs accepts")
        if len(self.availability_zones) < 2:
            raise SettingsError("lockdown-pipeline:availabilityZones must list at least two zones")
        if self.firehose_buffer_mib > 128:
            # Keeps every delivery a single PutObject: the delivery role then never needs kms:Decrypt
            # (only a multipart upload reads the data key back).
            raise SettingsError("lockdown-pipeline:firehoseBufferMiB must be at most 128")


def _str_list(config: pulumi.Config, key: str, namespace: str) -> tuple[str, ...]:
    value = config.get_object(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{namespace}:{key} must be a list of strings")
    return tuple(value)


def _int(config: pulumi.Config, key: str, namespace: str, default: int | None = None) -> int:
    try:
        value = config.get_int(key)
    except Exception as err:  # pulumi raises ConfigTypeError with a long message
        raise SettingsError(f"{namespace}:{key} must be a whole number") from err
    if value is None:
        if default is None:
            raise SettingsError(f"missing required config {namespace}:{key}")
        return default
    if value <= 0:
        raise SettingsError(f"{namespace}:{key} must be positive, got {value}")
    return value


def _require(config: pulumi.Config, key: str, namespace: str) -> str:
    value = config.get(key)
    if not value:
        raise SettingsError(f"missing required config {namespace}:{key}")
    return value


def load_settings() -> PipelineSettings:
    """Read and validate the current stack's config."""
    project = pulumi.Config(PROJECT_NAMESPACE)
    lockdown = pulumi.Config(LOCKDOWN_NAMESPACE)
    aws = pulumi.Config("aws")
    p, lk = PROJECT_NAMESPACE, LOCKDOWN_NAMESPACE
    tags: Any = project.get_object("extraTags") or {}
    if not isinstance(tags, dict):
        raise SettingsError("lockdown-pipeline:extraTags must be a mapping")
    settings = PipelineSettings(
        stack=pulumi.get_stack(),
        account_id=str(_require(project, "accountId", p)),
        region=_require(aws, "region", "aws"),
        name_prefix=project.get("namePrefix") or "lockdown",
        owner=_require(project, "owner", p),
        allowed_readers=_str_list(lockdown, "allowedReaders", lk),
        key_administrators=_str_list(lockdown, "keyAdministrators", lk),
        max_retention_days=_int(lockdown, "maxRetentionDays", lk, 30),
        max_log_retention_days=_int(lockdown, "maxLogRetentionDays", lk, 365),
        raw_retention_days=_int(project, "rawRetentionDays", p),
        curated_retention_days=_int(project, "curatedRetentionDays", p),
        audit_retention_days=_int(project, "auditRetentionDays", p),
        log_retention_days=_int(project, "logRetentionDays", p),
        processor_log_retention_days=_int(project, "processorLogRetentionDays", p, 14),
        auditor_trusted_principals=_str_list(project, "auditorTrustedPrincipals", p),
        capture_agent_principals=_str_list(project, "captureAgentPrincipals", p),
        data_lake_admins=_str_list(project, "dataLakeAdmins", p),
        vpc_cidr=project.get("vpcCidr") or "10.42.0.0/16",
        availability_zones=_str_list(project, "availabilityZones", p),
        firehose_buffer_mib=_int(project, "firehoseBufferMiB", p, 64),
        firehose_buffer_seconds=_int(project, "firehoseBufferSeconds", p, 300),
        processor_memory_mib=_int(project, "processorMemoryMiB", p, 256),
        processor_timeout_seconds=_int(project, "processorTimeoutSeconds", p, 60),
        extra_tags={str(k): str(v) for k, v in tags.items()},
    )
    settings.validate()
    return settings
