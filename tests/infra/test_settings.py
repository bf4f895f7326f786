"""The program refuses stack settings that would make the stack disagree with its own allowlist."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from lockdown_pipeline import policy  # importable through tests/infra/conftest.py
from lockdown_pipeline.classification import REQUIRED_TAGS, Classification
from lockdown_pipeline.settings import PipelineSettings, SettingsError

ACCT = "111111111111"


def make(**changes: Any) -> PipelineSettings:
    base = PipelineSettings(
        stack="dev",
        account_id=ACCT,
        region="eu-west-1",
        name_prefix="lockdown",
        owner="ml-platform",
        allowed_readers=(
            f"arn:aws:iam::{ACCT}:role/dev-training",
            f"arn:aws:iam::{ACCT}:role/dev-privacy-auditor",
            f"arn:aws:iam::{ACCT}:role/privacy-office",
        ),
        key_administrators=(f"arn:aws:iam::{ACCT}:role/platform-admin",),
        max_retention_days=30,
        max_log_retention_days=365,
        raw_retention_days=7,
        curated_retention_days=14,
        audit_retention_days=29,
        log_retention_days=90,
        processor_log_retention_days=7,
        auditor_trusted_principals=(f"arn:aws:iam::{ACCT}:role/privacy-office",),
        capture_agent_principals=(f"arn:aws:iam::{ACCT}:role/broker",),
        data_lake_admins=(f"arn:aws:iam::{ACCT}:role/platform-admin",),
        vpc_cidr="10.40.0.0/16",
        availability_zones=("eu-west-1a", "eu-west-1b"),
    )
    return dataclasses.replace(base, **changes)


def test_valid_settings_pass_and_derive_concrete_names() -> None:
    s = make()
    s.validate()
    assert s.training_role_arn == f"arn:aws:iam::{ACCT}:role/dev-training"
    assert s.raw_bucket == f"lockdown-dev-raw-captures-{ACCT}-eu-west-1"
    assert len(s.raw_bucket) <= 63
    assert s.trail_arn == f"arn:aws:cloudtrail:eu-west-1:{ACCT}:trail/lockdown-dev-audit"
    assert s.private_subnet_cidrs() == ["10.40.0.0/20", "10.40.16.0/20"]
    assert s.glue_database == "lockdown_dev_curated"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"allowed_readers": (f"arn:aws:iam::{ACCT}:role/dev-training",)}, "dev-privacy-auditor"),
        ({"allowed_readers": ()}, "allowedReaders must list"),
        ({"account_id": "12345"}, "accountId"),
        ({"key_administrators": ()}, "keyAdministrators"),
        ({"auditor_trusted_principals": ()}, "auditorTrustedPrincipals"),
        ({"auditor_trusted_principals": (f"arn:aws:iam::{ACCT}:role/someone",)}, "must also be listed"),
        ({"raw_retention_days": 30}, "rawRetentionDays"),
        ({"curated_retention_days": 45}, "curatedRetentionDays"),
        ({"log_retention_days": 400, "max_log_retention_days": 365}, "logRetentionDays"),
        ({"processor_log_retention_days": 10}, "not a retention CloudWatch Logs accepts"),
        ({"availability_zones": ("eu-west-1a",)}, "availabilityZones"),
        ({"firehose_buffer_mib": 256}, "firehoseBufferMiB"),
    ],
)
def test_unsafe_or_inconsistent_settings_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        make(**changes).validate()


def test_classification_renders_the_five_tags_and_protects_them() -> None:
    c = Classification("restricted", "ml-platform", "model-training", 7)
    tags = c.tags({"cost-center": "42"})
    assert set(REQUIRED_TAGS) <= set(tags) and tags["retention-days"] == "7" and tags["cost-center"] == "42"
    with pytest.raises(ValueError, match="cannot be overridden"):
        c.tags({"data-classification": "public"})
    with pytest.raises(ValueError, match="unknown data classification"):
        Classification("secret", "o", "p", 1)
    with pytest.raises(ValueError, match="positive"):
        Classification("restricted", "o", "p", 0)


@pytest.mark.parametrize("principal", [f"arn:aws:iam::{ACCT}:root", "*", f"arn:aws:iam::{ACCT}:role/*", ACCT])
def test_trust_policies_refuse_accounts_and_patterns(principal: str) -> None:
    with pytest.raises(ValueError, match="trust policies name roles"):
        policy.role_trust([principal])
