"""Loader for ``pulumi preview --json`` output (``display.PreviewDigest``).

The digest holds ``config`` (flat ``namespace:key`` strings, secrets blinded),
``steps`` (one per resource operation, each with the resource's planned
``newState`` in the state file's resource shape), ``diagnostics``, ``duration`` and
``changeSummary``. Secrets are already ``"[secret]"`` in a preview; unknown values
are the unknown sentinel.

Which steps describe a resource that exists once the update has run:

- kept: ``same``, ``create``, ``update``, ``replace`` and ``create-replacement`` (the
  new copy), ``read`` and ``read-replacement`` (resources the program reads with
  ``.get``: they exist and other resources may grant access to them), ``import`` and
  ``import-replacement``, ``refresh``;
- skipped: ``delete``, ``delete-replaced``, ``discard``, ``discard-replaced`` and
  ``remove-pending-replace`` (the resource is gone afterwards);
- an op this loader does not know is kept when it carries a ``newState`` (checking
  one resource too many is safe; missing one is not) and reported as a warning.

A URN that appears in more than one kept step (``replace`` and
``create-replacement`` under ``--show-replacement-steps``) yields one record; the
steps must then plan the same state, or which one is real cannot be known (an error).
The CLI leaves unchanged (``same``) resources out of the digest unless
``--show-sames`` is given; when ``changeSummary`` says some were left out, the loaded
stack says so (``incomplete``). A preview whose diagnostics
hold an error did not finish, so its steps are incomplete: that is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lockdown.errors import LockdownError
from lockdown.loaders.position import locate
from lockdown.loaders.state import check_duplicate, read_json_file, resource_from_v3, stack_and_project
from lockdown.model import LoadedStack, Resource

KEPT_OPS = frozenset(
    {
        "same",
        "create",
        "update",
        "replace",
        "create-replacement",
        "read",
        "read-replacement",
        "import",
        "import-replacement",
        "refresh",
    }
)
SKIPPED_OPS = frozenset({"delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"})


def load_preview(path: str | Path) -> LoadedStack:
    """Read a ``pulumi preview --json`` file into records (``source="preview"``)."""
    path = Path(path)
    document = read_json_file(path, "preview")
    steps = _steps_of(document, path)
    _check_diagnostics(document.get("diagnostics"), path)
    by_urn: dict[str, Resource] = {}
    states: dict[str, Any] = {}
    positions: dict[str, Any] = {}
    unknown_ops: set[str] = set()
    same_steps = 0
    for index, step in enumerate(steps):
        op = _op_of(step, index, path)
        if op in SKIPPED_OPS:
            continue
        if op not in KEPT_OPS:
            unknown_ops.add(op)
        same_steps += op == "same"
        new_state = step.get("newState")
        if new_state is None:
            raise LockdownError(f"{path}: steps[{index}] ({op} {step.get('urn', '?')}) has no newState to check")
        resource = resource_from_v3(new_state, "preview", path, f"steps[{index}].newState")
        if resource.urn in states:
            check_duplicate(states[resource.urn], new_state, resource.urn, path, f"steps[{index}].newState")
        states[resource.urn] = new_state
        by_urn[resource.urn] = resource
        positions[resource.urn] = new_state.get("sourcePosition")
    resources = list(by_urn.values())
    stack, project = stack_and_project(resources)
    return LoadedStack(
        resources=resources,
        source="preview",
        stack=stack,
        project=project,
        config=_config_of(document.get("config"), path),
        warnings=_warnings(unknown_ops),
        incomplete=_left_out(document.get("changeSummary"), same_steps),
        file=locate(resources, positions, project, path),
    )


def _steps_of(document: Any, path: Path) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise LockdownError(
            f"{path}: not a `pulumi preview --json` output: expected a JSON object, got {type(document).__name__}"
        )
    if "steps" not in document:
        if "deployment" in document:
            hint = "this is a `pulumi stack export` file; use --state"
        else:
            hint = "no 'steps' key (a real preview always has at least the pulumi:pulumi:Stack step)"
        raise LockdownError(f"{path}: not a `pulumi preview --json` output: {hint}")
    steps = document["steps"]
    if not isinstance(steps, list):
        raise LockdownError(f"{path}: steps must be a list, got {type(steps).__name__}")
    if not steps:
        raise LockdownError(f"{path}: preview has no steps (a real preview always has the pulumi:pulumi:Stack step)")
    return steps


def _op_of(step: Any, index: int, path: Path) -> str:
    if not isinstance(step, dict):
        raise LockdownError(f"{path}: steps[{index}] must be an object, got {type(step).__name__}")
    op = step.get("op")
    if not isinstance(op, str) or not op:
        raise LockdownError(f"{path}: steps[{index}] has no op")
    return op


def _config_of(config: Any, path: Path) -> dict[str, Any]:
    """The preview's config as given: values stay strings (settings decode JSON ones)."""
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise LockdownError(f"{path}: config must be an object of namespace:key to value")
    return dict(config)


def _check_diagnostics(diagnostics: Any, path: Path) -> None:
    """Fail when the preview itself failed: its steps would be incomplete."""
    if not isinstance(diagnostics, list):
        return
    for diagnostic in diagnostics:
        if isinstance(diagnostic, dict) and diagnostic.get("severity") == "error":
            message = " ".join(str(diagnostic.get("message", "")).split())[:200]
            raise LockdownError(f"{path}: the preview failed, so its resources are incomplete: {message}")


def _left_out(change_summary: Any, same_steps: int) -> list[str]:
    if isinstance(change_summary, dict):
        same = change_summary.get("same")
        if isinstance(same, int) and same > same_steps:
            return [
                f"{same - same_steps} unchanged resource(s) are not in this preview and were not checked; "
                "run `pulumi preview --json --show-sames` to check the whole stack"
            ]
    return []


def _warnings(unknown_ops: set[str]) -> list[str]:
    warnings = []
    if unknown_ops:
        ops = ", ".join(sorted(unknown_ops))
        warnings.append(f"steps with unfamiliar operations were checked as planned resources: {ops}")
    return warnings
