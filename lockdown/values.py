"""Property values in Pulumi's encodings, turned into the one encoding the rules see.

Pulumi writes the same property values in several encodings (preview JSON, stack
export, the engine's gRPC wire format, the mock runtime). Every source (the preview,
state and analyzer loaders, and the offline planner) hands its raw property bag to
``normalize_properties``, so a resource gets the same record, and so the same verdict,
whichever source it came from:

- a value not known at plan time stays the string ``UNKNOWN`` and its path is
  listed (``policy``, ``tags.owner``,
  ``rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId``);
- a secret (a ``SECRET_SIG_VALUE`` envelope holding ``value``, ``plaintext`` or
  ``ciphertext``, a secret output value, or the ``"[secret]"`` the CLI prints)
  becomes ``REDACTED``: its plaintext is never kept, so it can never reach a report;
- an output value envelope is its value (``UNKNOWN`` when it has none), a resource
  reference is the resource's id (its URN when it has none), an asset or archive is
  its fields without the signature;
- ``__defaults`` bookkeeping keys (added by bridged providers) are dropped.

Paths use dots between keys and ``[i]`` for list items; a key that would make
the path ambiguous (empty, or holding ``.``, ``[``, ``]`` or ``"``) is written
as ``["key"]`` in JSON quoting, e.g. ``tags["kubernetes.io/role"]``.

This module sits below the loaders and the planner (it imports only ``lockdown.model``)
so that neither keeps a copy of its own: two copies drift apart, and then the same
resource gets a different record from a different source.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import TYPE_CHECKING, Any

from lockdown.model import (
    ARCHIVE_SIG,
    ASSET_SIG,
    OUTPUT_SIG,
    REDACTED,
    RESOURCE_SIG,
    SECRET_SIG_KEY,
    SECRET_SIG_VALUE,
    UNKNOWN,
)

if TYPE_CHECKING:  # protobuf is only needed by the callers that hold a Struct
    from google.protobuf import struct_pb2

#: Key that bridged providers add to every object of a preview or state to list defaulted inputs.
DEFAULTS_KEY = "__defaults"
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

_PLAIN_KEY = re.compile(r'^[^.\[\]"]+$')


def normalize_properties(value: Any) -> tuple[dict[str, Any], list[str]]:
    """Normalize a raw property bag; return it with the paths of its unknown values.

    A missing bag (``None``) is empty. Anything but an object raises ``TypeError``;
    callers turn that into a ``LockdownError`` naming the file and resource.
    """
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        raise TypeError(f"properties must be an object, got {type(value).__name__}")
    unknowns: list[str] = []
    return _walk_object(value, None, unknowns), unknowns


def unknown_paths(value: Any) -> list[str]:
    """The paths of every unknown in a value, written exactly as ``normalize_properties`` lists them."""
    unknowns: list[str] = []
    _walk(value, None, unknowns)
    return unknowns


def merge_inputs_outputs(inputs: Any, outputs: Any) -> dict[str, Any]:
    """Merge raw inputs and outputs: outputs win where they are known, inputs fill the gaps.

    Works on raw (not yet normalized) values so that one normalization pass follows.
    An output that is missing, ``null`` or unknown yields to a known input (a preview's
    planned outputs are often unknown where the input is already known); objects are
    merged key by key; secret and other signed envelopes are leaves. An output that is
    unknown and was never an input is dropped, also when there are no inputs at all.
    """
    if not isinstance(inputs, dict) or not inputs:
        return _merge_objects({}, outputs) if isinstance(outputs, dict) else {}
    if not isinstance(outputs, dict) or not outputs:
        return inputs
    return _merge_objects(inputs, outputs)


def path_join(prefix: str, key: str) -> str:
    """The path of ``key`` inside the object at ``prefix``."""
    part = key if _PLAIN_KEY.match(key) else f"[{json.dumps(key)}]"
    if not prefix:
        return part
    return f"{prefix}{part}" if part.startswith("[") else f"{prefix}.{part}"


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf ``Struct`` (the engine's wire format) as plain Python values, envelopes kept.

    Unlike ``json_format.MessageToDict`` a whole number stays an ``int`` (the wire has
    only doubles; ``30.0`` would print differently from the ``30`` a preview file holds)
    as long as a double holds it exactly, and legacy typed unknown sentinels become the
    one ``UNKNOWN`` string.
    """
    return {key: _struct_value(value) for key, value in struct.fields.items()}


def decode_json_string(value: Any) -> Any:
    """A string holding a JSON object or array, decoded; anything else as it is.

    Pulumi config values and provider inputs (``defaultTags``, ``allowedAccountIds``)
    travel JSON-encoded; records and settings hold them as objects.
    """
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _struct_value(value: struct_pb2.Value) -> Any:
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
        return [_struct_value(item) for item in value.list_value.values]
    return None


def _merge_objects(inputs: dict[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
    # An output that is unknown and was never an input is a computed attribute the provider
    # fills in at apply time (a new v7 bucket's ``policy`` and ``acl`` mirror the separate
    # BucketPolicy/BucketAcl resources): it is not a value the program set, so it is dropped
    # rather than reported as an undecidable setting. Unknown *inputs* stay unknown.
    merged = {key: value for key, value in outputs.items() if value != UNKNOWN or key in inputs}
    for key, input_value in inputs.items():
        if key not in merged:
            merged[key] = input_value
            continue
        output_value = merged[key]
        if _is_plain_object(output_value) and _is_plain_object(input_value):
            merged[key] = _merge_objects(input_value, output_value)
        elif (output_value is None or output_value == UNKNOWN) and input_value is not None:
            merged[key] = input_value
    return merged


def _is_plain_object(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG_KEY not in value


#: A path while walking: ``None`` at the root, else ``(parent, key or index)``. It is only
#: rendered to a string when an unknown is found, which keeps the common case cheap.
_Path = tuple[Any, str | int] | None


def _render(path: _Path) -> str:
    parts: list[str | int] = []
    while path is not None:
        path, part = path
        parts.append(part)
    text = ""
    for part in reversed(parts):
        text = f"{text}[{part}]" if isinstance(part, int) else path_join(text, part)
    return text


def _walk(value: Any, path: _Path, unknowns: list[str]) -> Any:
    if isinstance(value, str):
        if value == UNKNOWN:
            unknowns.append(_render(path))
        return value
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return _signed(value, path, unknowns)
        return _walk_object(value, path, unknowns)
    if isinstance(value, list):
        return [_walk(item, (path, index), unknowns) for index, item in enumerate(value)]
    return value


def _walk_object(value: dict[str, Any], path: _Path, unknowns: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        # Known scalars (most values) are copied as they are.
        if isinstance(item, dict | list) or item == UNKNOWN:
            if key != DEFAULTS_KEY:
                result[key] = _walk(item, (path, key), unknowns)
        else:
            result[key] = item
    return result


def _signed(value: dict[str, Any], path: _Path, unknowns: list[str]) -> Any:
    """A value in a signed envelope: secret, output value, resource reference, asset or archive."""
    sig = value.get(SECRET_SIG_KEY)
    if sig == SECRET_SIG_VALUE:
        return REDACTED
    if sig == OUTPUT_SIG:
        if value.get("secret"):
            return REDACTED
        if "value" not in value:
            unknowns.append(_render(path))
            return UNKNOWN
        return _walk(value["value"], path, unknowns)
    if sig == RESOURCE_SIG:
        # What a provider receives for a custom resource reference: its id (else its URN).
        ref_id = value.get("id")
        if ref_id == UNKNOWN:
            unknowns.append(_render(path))
            return UNKNOWN
        return ref_id if isinstance(ref_id, str) and ref_id else value.get("urn")
    if sig not in (ASSET_SIG, ARCHIVE_SIG):
        # A signature this version does not know: fail closed, its meaning cannot be checked.
        unknowns.append(_render(path))
        return UNKNOWN
    # Assets and archives are kept as data (an archive's ``assets`` may hold more envelopes).
    return _walk_object({key: item for key, item in value.items() if key != SECRET_SIG_KEY}, path, unknowns)


def dates_as_text(value: Any) -> Any:
    """``value`` with YAML dates and timestamps as ISO date text, recursively.

    YAML reads an unquoted ``2027-01-15`` as a date, which JSON cannot hold; the Pulumi CLI
    keeps such config values as text, and so do the planner and the settings.
    """
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
