"""Loader for the CrossGuard wire format: what the Pulumi engine sends a policy pack.

The engine calls the pack's ``Analyze`` with one resource's inputs (``AnalyzeRequest``)
before it creates or updates it, and ``AnalyzeStack`` with every resource
(``AnalyzerResource``: outputs, parent, dependencies) at the end. Properties arrive as
a protobuf ``Struct`` with camelCase keys, secrets in their signed envelope and, during
preview, unknown values as the engine's sentinel string.

The raw request is read here rather than ``pulumi_policy``'s ``args.props``: that
library unwraps secrets into plaintext before a policy sees them, and a record must
never hold a secret. Values go through the same ``lockdown.values.normalize_properties`` as
every other source, so a resource gets the same record here as in ``lockdown check``.
"""

from __future__ import annotations

from typing import Any

from lockdown.errors import LockdownError
from lockdown.model import ROOT_STACK_TYPE, UNKNOWN, Resource
from lockdown.values import normalize_properties, struct_to_dict

__all__ = ["resource_from_analyze", "resources_from_stack", "struct_to_dict"]


def resource_from_analyze(request: Any) -> Resource:
    """An ``AnalyzeRequest`` (one resource's inputs, before the engine acts on it) as a record."""
    return _record(
        urn=request.urn,
        type_=request.type,
        name=request.name,
        raw=struct_to_dict(request.properties),
        parent=request.options.parent or None,
        dependencies=[],
        provider=request.provider.urn if request.HasField("provider") else None,
    )


def resources_from_stack(request: Any) -> list[Resource]:
    """An ``AnalyzeStackRequest`` (every resource with its outputs and graph edges) as records."""
    return [
        _record(
            urn=item.urn,
            type_=item.type,
            name=item.name,
            raw=struct_to_dict(item.properties),
            parent=item.parent or None,
            dependencies=list(item.dependencies),
            provider=item.provider.urn if item.HasField("provider") else None,
        )
        for item in request.resources
    ]


def _record(
    *,
    urn: str,
    type_: str,
    name: str,
    raw: dict[str, Any],
    parent: str | None,
    dependencies: list[str],
    provider: str | None,
) -> Resource:
    if not urn or not type_:
        raise LockdownError(f"analyzer request: resource {urn or name or '?'} has no urn or type")
    try:
        properties, unknowns = normalize_properties(raw)
    except TypeError as err:
        raise LockdownError(f"analyzer request: {urn}: {err}") from err
    physical_id = properties.get("id")
    return Resource(
        urn=urn,
        type=type_,
        name=name or urn.rsplit("::", 1)[-1],
        properties=properties,
        source="analyzer",
        id=physical_id if isinstance(physical_id, str) and physical_id and physical_id != UNKNOWN else None,
        parent=parent,
        dependencies=dependencies,
        provider=provider,
        unknowns=unknowns,
        # The wire format has no custom flag: a resource with a provider is custom, the
        # root stack and components (no provider reference) are not.
        custom=type_.startswith("pulumi:providers:") or (provider is not None and type_ != ROOT_STACK_TYPE),
    )
