"""Loader for ``pulumi stack export`` files (deployment schema version 3, or 4 with features).

``pulumi stack export`` always writes ``{"version": N, "deployment": {...}}``
(``apitype.UntypedDeployment``); the engine writes version 4 instead of 3 as soon as
the stack uses a feature that needs it (the top-level ``features`` list), with the
same resource shape. A bare deployment object is not something the CLI writes, and
a backend checkpoint (``{"version": 3, "checkpoint": ...}``) is not an export: both
are rejected with a hint. Each resource (``apitype.ResourceV3``) becomes one record:
``inputs`` merged with ``outputs`` (outputs win where known), secrets redacted.
Providers and components stay in the graph; ``Resource.evaluated`` tells them apart.
Resources marked ``delete`` (old copies of replaced resources, waiting for deletion)
are left out, and with pending operations they make the stack ``incomplete``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lockdown.documents import read_bytes
from lockdown.errors import LockdownError
from lockdown.loaders.position import locate
from lockdown.model import ROOT_STACK_TYPE, UNKNOWN, LoadedStack, Resource, Source
from lockdown.values import merge_inputs_outputs, normalize_properties

#: Deployment schema versions whose resources this loader reads (``apitype.DeploymentV3``).
SUPPORTED_VERSIONS = (3, 4)
_COMMANDS = {"stack export": "`pulumi stack export`", "preview": "`pulumi preview --json`"}


def load_state(path: str | Path) -> LoadedStack:
    """Read a ``pulumi stack export`` file into records (``source="state"``)."""
    path = Path(path)
    document = read_json_file(path, "stack export")
    deployment = _deployment_of(document, path)
    raw_resources = deployment.get("resources")
    if raw_resources is None:
        raw_resources = []
    if not isinstance(raw_resources, list):
        raise LockdownError(f"{path}: deployment.resources must be a list, got {type(raw_resources).__name__}")
    resources: list[Resource] = []
    seen: dict[str, Any] = {}
    positions: dict[str, Any] = {}
    pending_delete = 0
    for index, raw in enumerate(raw_resources):
        where = f"deployment.resources[{index}]"
        if isinstance(raw, dict) and raw.get("delete") is True:
            pending_delete += 1
            continue
        resource = resource_from_v3(raw, "state", path, where)
        if resource.urn in seen:
            check_duplicate(seen[resource.urn], raw, resource.urn, path, where)
            continue
        seen[resource.urn] = raw
        resources.append(resource)
        positions[resource.urn] = raw.get("sourcePosition")
    stack, project = stack_and_project(resources)
    return LoadedStack(
        resources=resources,
        source="state",
        stack=stack,
        project=project,
        config={},
        incomplete=_left_out(deployment, pending_delete),
        file=locate(resources, positions, project, path),
    )


def read_json_file(path: Path, what: str) -> Any:
    """Parse a JSON file, turning every way it can be unreadable into a one-line error."""
    data = read_bytes(path, f"{what} file")
    if not data.strip():
        raise LockdownError(f"{path}: {what} file is empty")
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except UnicodeDecodeError as err:
        raise LockdownError(f"{path}: {what} file is not UTF-8 text (is it JSON?)") from err
    except json.JSONDecodeError as err:
        raise LockdownError(f"{path}: {_json_problem(err, what)}") from err
    except RecursionError as err:
        raise LockdownError(f"{path}: {what} file is nested too deeply to check") from err
    except ValueError as err:  # NaN or Infinity
        raise LockdownError(f"{path}: {what} file is not valid JSON: {err}") from err


def _refuse_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON: Python accepts them, and NaN compares as within every limit."""
    raise ValueError(f"{name} is not a JSON number")


def _json_problem(err: json.JSONDecodeError, what: str) -> str:
    """Tell a truncated file and a file that is not JSON at all apart from a plain syntax error."""
    if err.pos >= len(err.doc.rstrip()) or err.msg.startswith("Unterminated string"):
        return f"{what} file is truncated: the JSON stops before it is complete (line {err.lineno})"
    if err.pos == len(err.doc) - len(err.doc.lstrip()):
        return f"{what} file is not JSON (expected the output of {_COMMANDS.get(what, what)})"
    return f"{what} file is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"


def resource_from_v3(raw: Any, source: Source, path: Path, where: str) -> Resource:
    """One ``apitype.ResourceV3`` object (state resource or preview ``newState``) as a record."""
    if not isinstance(raw, dict):
        raise LockdownError(f"{path}: {where} must be an object, got {type(raw).__name__}")
    urn = raw.get("urn")
    if not isinstance(urn, str) or not urn:
        raise LockdownError(f"{path}: {where} has no urn")
    parts = urn.split("::", 3)
    if not urn.startswith("urn:pulumi:") or len(parts) != 4:
        raise LockdownError(f"{path}: {where} has a malformed urn {urn[:120]!r}")
    type_ = raw.get("type")
    if not isinstance(type_, str) or not type_:
        raise LockdownError(f"{path}: {where} ({urn}) has no type")
    inputs, outputs = raw.get("inputs"), raw.get("outputs")
    for name, bag in (("inputs", inputs), ("outputs", outputs)):
        if bag is not None and not isinstance(bag, dict):
            raise LockdownError(f"{path}: {where} ({urn}): {name} must be an object, got {type(bag).__name__}")
    try:
        properties, unknowns = normalize_properties(merge_inputs_outputs(inputs, outputs))
    except RecursionError as err:
        raise LockdownError(f"{path}: {where} ({urn}): properties are nested too deeply to check") from err
    dependencies = raw.get("dependencies") or []
    if not isinstance(dependencies, list) or not all(isinstance(item, str) for item in dependencies):
        raise LockdownError(f"{path}: {where} ({urn}): dependencies must be a list of URNs")
    custom = raw.get("custom")
    return Resource(
        urn=urn,
        type=type_,
        name=parts[3],
        properties=properties,
        source=source,
        id=_physical_id(raw.get("id")),
        parent=_optional_str(raw.get("parent")),
        dependencies=list(dependencies),
        provider=provider_urn(raw.get("provider")),
        unknowns=unknowns,
        custom=bool(custom) if isinstance(custom, bool) else type_ != ROOT_STACK_TYPE,
    )


def check_duplicate(first: Any, again: Any, urn: str, path: Path, where: str) -> None:
    """A URN twice with different content: which copy is real cannot be known, so neither is trusted."""
    if first != again:
        raise LockdownError(f"{path}: {where}: urn {urn} appears twice with different content")


def provider_urn(reference: Any) -> str | None:
    """The URN part of a provider reference (``<provider urn>::<provider id>``)."""
    if not isinstance(reference, str) or not reference:
        return None
    urn, separator, _provider_id = reference.rpartition("::")
    return urn if separator and urn.count("::") >= 3 else reference


def stack_and_project(resources: list[Resource]) -> tuple[str | None, str | None]:
    """Stack and project names from the first URN (``urn:pulumi:<stack>::<project>::...``)."""
    for resource in resources:
        stack, project = resource.urn[len("urn:pulumi:") :].split("::")[:2]
        return stack, project
    return None, None


def _deployment_of(document: Any, path: Path) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise LockdownError(
            f"{path}: not a `pulumi stack export` file: expected a JSON object, got {type(document).__name__}"
        )
    if "deployment" not in document:
        if "checkpoint" in document:
            hint = "this is a backend checkpoint file; run `pulumi stack export --file F` and check that"
        elif "resources" in document or "manifest" in document:
            hint = "this is a bare deployment, which the CLI never writes; check the output of `pulumi stack export`"
        elif "steps" in document or "changeSummary" in document:
            hint = "this is a `pulumi preview --json` output; use --preview-json"
        else:
            hint = "no 'deployment' key"
        raise LockdownError(f"{path}: not a `pulumi stack export` file: {hint}")
    version = document.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        raise LockdownError(
            f"{path}: unsupported stack export version {version!r} (Lockdown reads versions 3 and 4; "
            "export the stack again with a current Pulumi CLI)"
        )
    deployment = document["deployment"]
    if not isinstance(deployment, dict):
        raise LockdownError(f"{path}: deployment must be an object, got {type(deployment).__name__}")
    return deployment


def _left_out(deployment: dict[str, Any], pending_delete: int) -> list[str]:
    warnings = []
    if pending_delete:
        warnings.append(
            f"{pending_delete} resource(s) in the state are replaced copies waiting for deletion; they were not checked"
        )
    pending = deployment.get("pending_operations") or []
    if isinstance(pending, list) and pending:
        warnings.append(
            f"the state has {len(pending)} pending operation(s) from an interrupted update; "
            "resources they created or deleted may differ from what was checked (run `pulumi refresh`)"
        )
    return warnings


def _physical_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != UNKNOWN else None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
