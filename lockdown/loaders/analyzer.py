"""Loader for the CrossGuard wire format: what the Pulumi engine sends a policy pack.

The engine calls the pack's ``Analyze`` with one resource's inputs (``AnalyzeRequest``)
before it creates or updates it, and ``AnalyzeStack`` with every resource
(``AnalyzerResource``: outputs, parent, dependencies) at the end. Properties arrive as
a protobuf ``Struct`` with camelCase keys, secrets in their signed envelope and, during
preview, unknown values as the engine's sentinel string.

The raw request is read here rather than ``pulumi_policy``'s ``args.props``: that
library unwraps secrets into plaintext before a policy sees them, and a record must
never hold a secret. Values go through the same ``normalize_properties`` as every
other loader, so a resource gets the same record here as in ``lockdown check``.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

from lockdown.errors import LockdownError
from lockdown.loaders.normalize import normalize_properties
from lockdown.model import UNKNOWN, Resource

#: Older engines sent a typed sentinel for unknowns that are not strings; all mean "unknown".
LEGACY_UNKNOWNS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf ``Struct`` as plain Python values.

    Unlike ``json_format.MessageToDict`` a whole number stays an ``int`` (the wire has
    only doubles; ``30.0`` would print differently from the ``30`` a preview file holds),
    and legacy typed unknown sentinels become the one ``UNKNOWN`` string.
    """
    return {key: _value(value) for key, value in struct.fields.items()}


def _value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        text = value.string_value
        return UNKNOWN if text in LEGACY_UNKNOWNS else text
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_dict(value.struct_value)
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    return None


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
