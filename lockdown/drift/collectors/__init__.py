"""Collectors: one module per AWS service, each turning live AWS into ``Resource`` records.

A collector module exposes ``SERVICE``, ``TYPES`` (the pulumi-aws v7 type tokens it can
produce) and ``tasks(ctx) -> list[Task]``. Adding a service is one module added to
``COLLECTORS``.
"""

from __future__ import annotations

from types import ModuleType

from lockdown.drift.collectors import cloudtrail, firehose, glue, iam, kms, lakeformation, logs, s3, sagemaker

COLLECTORS: tuple[ModuleType, ...] = (s3, iam, kms, cloudtrail, logs, firehose, sagemaker, glue, lakeformation)

#: Every type token a live scan can produce.
LIVE_TYPES: frozenset[str] = frozenset(t for module in COLLECTORS for t in module.TYPES)

__all__ = ["COLLECTORS", "LIVE_TYPES"]
