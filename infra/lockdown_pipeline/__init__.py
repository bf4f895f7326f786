"""The reference capture -> storage -> training pipeline, locked down by default.

Each part is a ``ComponentResource`` in its own module, taking a typed args dataclass,
so a platform team can reuse one part without the others. ``build_pipeline`` wires
them together the way ``infra/__main__.py`` deploys them.
"""

from lockdown_pipeline.pipeline import Pipeline, build_pipeline
from lockdown_pipeline.settings import PipelineSettings

__all__ = ["Pipeline", "PipelineSettings", "build_pipeline"]
