"""Pulumi program: the reference capture, storage and training pipeline (see docs/pipeline.md).

Deploy with the policy gate: ``pulumi up --stack dev --policy-pack policies/pack``.
Check offline first: ``lockdown check --stack dev``.
"""

from lockdown_pipeline import build_pipeline

build_pipeline()
