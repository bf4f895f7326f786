"""Policy engines: load the Rego policies once, evaluate them on resource records."""

from __future__ import annotations

from pathlib import Path

from lockdown.engine.evaluation import Engine, Evaluation, Violation
from lockdown.engine.metadata import Rule
from lockdown.engine.policyset import PolicySet, load_policy_set

__all__ = ["Engine", "Evaluation", "PolicySet", "Rule", "Violation", "load_engine", "load_policy_set"]


def load_engine(
    policies_dir: str | Path | None = None, opa_url: str | None = None, *, background_checks: bool = False
) -> Engine:
    """The engine a run uses: embedded regorus by default, an OPA server with ``opa_url``.

    Loading validates every module (syntax, metadata, undefined functions), so a broken
    policy stops the run here with a message naming its file. With ``background_checks``
    the embedded engine's slower checks (undefined functions, every package evaluated) run
    in a forked worker instead, and the first evaluation raises ``PolicyError`` if they fail.
    """
    policy_set = load_policy_set(policies_dir)
    if opa_url:
        from lockdown.engine.opa import OpaEngine

        return OpaEngine(policy_set, opa_url)
    from lockdown.engine.embedded import EmbeddedEngine

    return EmbeddedEngine(policy_set, parallel=True, background_checks=background_checks)
