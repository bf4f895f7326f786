"""Lockdown's settings: what the rules read as ``data.lockdown.config``.

Settings come from the stack's Pulumi config under the ``lockdown:`` namespace (the
pull request check and the gate read the same values), overridden key by key by a
``--settings`` YAML file. A missing setting takes its strictest meaning: no
allowlist means nobody is an allowed reader, an untagged store is ``restricted``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from lockdown.documents import load_yaml, read_text
from lockdown.errors import LockdownError
from lockdown.values import dates_as_text

NAMESPACE = "lockdown"

#: Every setting, with its strictest default. Keys are camelCase as in Pulumi config.
DEFAULTS: dict[str, Any] = {
    # Principal ARNs (roles, users) allowed to read restricted data.
    "allowedReaders": [],
    # Principal ARNs allowed to administer (not use) customer managed keys.
    "keyAdministrators": [],
    # The organization's own AWS account ids; any other account is external.
    "accountIds": [],
    # The AWS Organizations id (o-...), used to recognize organization-wide grants.
    "organizationId": "",
    # The tag that classifies a data store, and the value an untagged store gets.
    "classificationTag": "data-classification",
    "defaultClassification": "restricted",
    # Classifications whose stores must be readable by allowed readers only.
    "protectedClassifications": ["restricted", "confidential"],
    # Upper bound on how long restricted data (objects) may be kept, in days.
    "maxRetentionDays": 30,
    # Upper bound on CloudWatch log retention for logs of restricted data, in days.
    "maxLogRetentionDays": 365,
    # Waivers: [{rule, resource (URN or glob), reason, owner, ticket, approver, expires}] (lockdown.waivers).
    "waivers": [],
}

CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"]
_PRINCIPAL_ARN = {
    "type": "string",
    "pattern": r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:(iam|sts)::[0-9]{12}:"
    r"(root|(role|user|group|assumed-role|federated-user)/[A-Za-z0-9+=,.@_/-]+)$",
}
#: No maximum here: retention over the hard ceiling is a finding of its own (LD-SET-003).
_DAYS = {"type": "integer", "minimum": 1}

#: The settings as a JSON Schema (published as docs/schemas/settings.schema.json). Every value is
#: checked against it, whether it comes from a ``--settings`` file, the stack's ``lockdown:``
#: config or the policy pack's config: ARNs are ARNs, numbers are numbers, unknown keys are errors.
#: Each property's ``description`` says what is expected; errors quote it.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/lockdown/lockdown/docs/schemas/settings.schema.json",
    "title": "Lockdown settings (--settings FILE, or lockdown: keys of the stack config)",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "allowedReaders": {
            "description": "a list of IAM principal ARNs (arn:aws:iam::<12-digit account>:role/NAME)",
            "type": "array",
            "items": _PRINCIPAL_ARN,
            "uniqueItems": True,
        },
        "keyAdministrators": {
            "description": "a list of IAM principal ARNs (arn:aws:iam::<12-digit account>:role/NAME)",
            "type": "array",
            "items": _PRINCIPAL_ARN,
            "uniqueItems": True,
        },
        "accountIds": {
            "description": "a list of quoted 12-digit AWS account ids",
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "uniqueItems": True,
        },
        "organizationId": {
            "description": "an AWS Organizations id (o-<10 to 32 lowercase letters or digits>) or empty",
            "type": "string",
            "pattern": "^(o-[a-z0-9]{10,32})?$",
        },
        "classificationTag": {
            "description": "a tag key (1 to 128 characters)",
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
        },
        "defaultClassification": {"description": f"one of {', '.join(CLASSIFICATIONS)}", "enum": CLASSIFICATIONS},
        "protectedClassifications": {
            "description": f"a list of classifications ({', '.join(CLASSIFICATIONS)})",
            "type": "array",
            "items": {"enum": CLASSIFICATIONS},
            "uniqueItems": True,
        },
        "maxRetentionDays": {"description": "a whole number of days, at least 1", **_DAYS},
        "maxLogRetentionDays": {"description": "a whole number of days, at least 1", **_DAYS},
        # The waiver rules (reason, expiry, what a waiver may match) are lockdown/waivers.py's.
        "waivers": {"description": "a list of waiver objects", "type": "array", "items": {"type": "object"}},
    },
}

_LIST_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, list)}
_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int)}


_VALIDATOR = Draft202012Validator(SCHEMA)


def from_pulumi_config(config: dict[str, Any]) -> dict[str, Any]:
    """The ``lockdown:`` keys of a flat Pulumi config, without the namespace.

    Pulumi stores structured values either as objects or as JSON strings (what
    ``pulumi config set --path`` and ``preview --json`` produce); both are accepted.
    """
    found: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        if namespace == NAMESPACE and name:
            found[name] = _from_config_string(name, _decode(value, f"Pulumi config {key}"))
    return found


def _from_config_string(name: str, value: Any) -> Any:
    """Pulumi config is strings: ``"30"`` is the number 30, a lone ARN a one-item list."""
    if name in _INT_KEYS and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if name in _LIST_KEYS and isinstance(value, str) and value:
        return [value]
    return value


def load_settings_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--settings`` YAML file (the same keys, without the namespace)."""
    path = Path(path)
    loaded = load_yaml(read_text(path, "settings file"), str(path), "settings file")
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise LockdownError(f"{path}: settings file must be a YAML mapping of setting names to values")
    return {_strip_namespace(k): v for k, v in loaded.items()}


def resolve(
    pulumi_config: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    origin: str = "settings",
    config_origin: str | None = None,
) -> dict[str, Any]:
    """Merge defaults, the stack's ``lockdown:`` config and overrides into ``data.lockdown.config``.

    ``origin`` names where the overrides came from and ``config_origin`` the stack config, so
    an error names the file that holds the bad value.
    """
    overrides = overrides or {}
    merged = dict(DEFAULTS)
    merged.update(from_pulumi_config(pulumi_config))
    merged.update(overrides)

    def where(key: str) -> str:
        return origin if key in overrides or config_origin is None else config_origin

    unknown = sorted(set(merged) - set(DEFAULTS))
    if unknown:
        known = ", ".join(sorted(DEFAULTS))
        raise LockdownError(f"{where(unknown[0])}: unknown Lockdown setting {unknown[0]!r} (known: {known})")
    return {key: _validated(key, value, where(key)) for key, value in merged.items()}


def _validated(key: str, value: Any, origin: str) -> Any:
    """The value if the schema accepts it; the first problem as one line naming the file otherwise."""
    if value is None:
        return DEFAULTS[key]
    if key == "waivers":  # validated by lockdown.waivers; YAML dates become ISO text the rules can read
        value = dates_as_text(value)
    errors = sorted(_VALIDATOR.iter_errors({key: value}), key=lambda e: list(e.absolute_path))
    if not errors:
        return value
    error = errors[0]
    expected = SCHEMA["properties"][key]["description"]
    bad = error.instance
    hint = (
        " (quote account ids: unquoted, YAML reads them as numbers)"
        if key == "accountIds" and isinstance(bad, int)
        else ""
    )
    if isinstance(bad, str) and len(bad) > 80:
        bad = bad[:80] + "..."
    raise LockdownError(f"{origin}: setting {key!r} must be {expected}, got {bad!r}{hint}")


def _decode(value: Any, where: str) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError as err:
            raise LockdownError(f"{where}: value looks like JSON but does not parse: {err.msg}") from err
    return value


def _strip_namespace(key: Any) -> str:
    key = str(key)
    return key.split(":", 1)[1] if key.startswith(f"{NAMESPACE}:") else key


def widening(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Every resolved setting that widens access or weakens a rule, for the top of every report.

    A reviewer of a pull request must see these whatever the format: a settings change can
    switch protection off without touching a resource.
    """
    notes: list[dict[str, Any]] = []

    def note(key: str, value: Any, effect: str) -> None:
        notes.append({"setting": key, "value": value, "effect": effect})

    for key, effect in (
        ("allowedReaders", "may read protected data"),
        ("keyAdministrators", "may administer the customer managed keys"),
        ("accountIds", "counted as the organization's own account"),
    ):
        for value in settings.get(key) or []:
            note(key, value, effect)
    if settings.get("organizationId"):
        note("organizationId", settings["organizationId"], "its member accounts are counted as the organization's")
    for key in ("classificationTag", "defaultClassification"):
        if settings.get(key) != DEFAULTS[key]:
            note(key, settings.get(key), f"weakens classification (default {DEFAULTS[key]!r})")
    dropped = sorted(set(DEFAULTS["protectedClassifications"]) - set(settings.get("protectedClassifications") or []))
    if dropped:
        note("protectedClassifications", settings.get("protectedClassifications"), f"no longer protects {dropped}")
    for key in ("maxRetentionDays", "maxLogRetentionDays"):
        if (settings.get(key) or 0) > DEFAULTS[key]:
            note(key, settings[key], f"longer than the default {DEFAULTS[key]} days")
    for waiver in settings.get("waivers") or []:
        if isinstance(waiver, dict):
            shown = {k: str(waiver.get(k)) for k in ("rule", "resource", "expires") if k in waiver}
            note("waivers", shown, "a finding it matches does not block")
    return notes
