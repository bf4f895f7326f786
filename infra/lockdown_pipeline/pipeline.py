"""Wiring: the order in which the parts are built, and what each hands to the next.

Identities first (key and bucket policies may only name roles that exist), then the
storage tiers, the training network and artifact store, the audit trail over every
restricted bucket, and finally the capture stream that writes into the raw tier.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from lockdown_pipeline.access import Access, AccessArgs
from lockdown_pipeline.audit import Audit, AuditArgs
from lockdown_pipeline.capture import Capture, CaptureArgs
from lockdown_pipeline.settings import PipelineSettings, load_settings
from lockdown_pipeline.storage import Storage, StorageArgs
from lockdown_pipeline.training import Training, TrainingArgs


@dataclass
class Pipeline:
    settings: PipelineSettings
    access: Access
    storage: Storage
    training: Training
    audit: Audit
    capture: Capture


def build_pipeline(settings: PipelineSettings | None = None) -> Pipeline:
    """Create every component of the pipeline for the current stack."""
    s = settings or load_settings()
    access = Access("access", AccessArgs(settings=s, tags={"owner": s.owner, **s.extra_tags}))
    storage = Storage(
        "storage",
        StorageArgs(
            settings=s,
            auditor_role=access.auditor_role,
            training_role=access.training_role,
            delivery_role=access.delivery_role,
        ),
    )
    training = Training(
        "training",
        TrainingArgs(
            settings=s,
            training_role=access.training_role,
            auditor_role=access.auditor_role,
            curated_bucket=storage.curated,
            curated_key=storage.curated_key,
            access_log_bucket=storage.access_logs.name,
        ),
    )
    audit = Audit(
        "audit",
        AuditArgs(
            settings=s,
            auditor_role=access.auditor_role,
            # Every restricted bucket except the trail's own destination (see audit.py).
            restricted_bucket_arns=[
                storage.raw.arn,
                storage.curated.arn,
                training.artifacts.arn,
                storage.access_logs.arn,
            ],
            access_log_bucket=storage.access_logs.name,
        ),
    )
    capture = Capture(
        "capture",
        CaptureArgs(
            settings=s,
            delivery_role=access.delivery_role,
            raw_bucket=storage.raw,
            raw_key=storage.raw_key,
            log_key_arn=audit.key.arn,
            vpc_id=training.vpc.id,
            subnet_ids=[subnet.id for subnet in training.subnets],
        ),
    )
    pulumi.export("rawBucket", storage.raw.name)
    pulumi.export("curatedBucket", storage.curated.name)
    pulumi.export("artifactBucket", training.artifacts.name)
    pulumi.export("captureStream", capture.stream.name)
    pulumi.export("writerRoleArn", capture.writer_role.arn)
    pulumi.export("trainingRoleArn", access.training_role.arn)
    pulumi.export("auditorRoleArn", access.auditor_role.arn)
    pulumi.export("trailArn", audit.trail.arn)
    return Pipeline(s, access, storage, training, audit, capture)
