"""Shared value walking for every loader: unknowns, secrets, ``__defaults``.

Pulumi writes the same property values in several encodings (preview JSON, stack
export, the engine's gRPC wire format, the mock runtime). Every loader hands its
raw property bag to ``normalize_properties`` so the rules see one encoding:

- a value not known at plan time stays the string ``UNKNOWN`` and its path is
  listed (``policy``, ``tags.owner``,
  ``rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId``);
- a secret (a ``4dabf18193072939515e22adb298388d`` envelope holding ``value``,
  ``plaintext`` or ``ciphertext``, or the ``"[secret]"`` the CLI prints) becomes
  ``REDACTED``: its plaintext is never kept, so it can never reach a report;
- ``__defaults`` bookkeeping keys (added by bridged providers) are dropped.

Paths use dots between keys and ``[i]`` for list items; a key that would make
the path ambiguous (empty, or holding ``.``, ``[``, ``]`` or ``"``) is written
as ``["key"]`` in JSON quoting, e.g. ``tags["kubernetes.io/role"]``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lockdown.model import REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN

#: Signature of an output value envelope (state files written with the ``outputDependencies`` feature).
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
#: Signature of a resource reference (a resource passed as a property value).
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
#: Key that bridged providers add to every object of a preview or state to list defaulted inputs.
DEFAULTS_KEY = "__defaults"

_PLAIN_KEY = re.compile(r'^[^.\[\]"]+$')


def normalize_properties(value: Any) -> tuple[dict[str, Any], list[str]]:
    """Normalize a raw property bag; return it with the paths of its unknown values.

    A missing bag (``None``) is empty. Anything but an object raises ``TypeError``;
    loaders turn that into a ``LockdownError`` naming the file and resource.
    """
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        raise TypeError(f"properties must be an object, got {type(value).__name__}")
    unknowns: list[str] = []
    return _walk_object(value, None, unknowns), unknowns


def merge_inputs_outputs(inputs: Any, outputs: Any) -> dict[str, Any]:
    """Merge raw inputs and outputs: outputs win where they are known, inputs fill the gaps.

    Works on raw (not yet normalized) values so that one normalization pass follows.
    An output that is missing, ``null`` or unknown yields to a known input (a preview's
    planned outputs are often unknown where the input is already known); objects are
    merged key by key; secret and other signed envelopes are leaves.
    """
    if not isinstance(inputs, dict) or not inputs:
        return outputs if isinstance(outputs, dict) else {}
    if not isinstance(outputs, dict) or not outputs:
        return inputs
    return _merge_objects(inputs, outputs)


def path_join(prefix: str, key: str) -> str:
    """The path of ``key`` inside the object at ``prefix``."""
    part = key if _PLAIN_KEY.match(key) else f"[{json.dumps(key)}]"
    if not prefix:
        return part
    return f"{prefix}{part}" if part.startswith("[") else f"{prefix}.{part}"


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
    if sig == OUTPUT_VALUE_SIG:
        if value.get("secret"):
            return REDACTED
        if "value" not in value:
            unknowns.append(_render(path))
            return UNKNOWN
        return _walk(value["value"], path, unknowns)
    if sig == RESOURCE_REFERENCE_SIG:
        # What a provider receives for a custom resource reference: its id (else its URN).
        ref_id = value.get("id")
        if ref_id == UNKNOWN:
            unknowns.append(_render(path))
            return UNKNOWN
        return ref_id if isinstance(ref_id, str) and ref_id else value.get("urn")
    # Assets and archives: kept as data, they hold no policy-relevant secrets.
    return {key: item for key, item in value.items() if key != SECRET_SIG_KEY}
