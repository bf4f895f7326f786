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

import yaml

from lockdown.errors import LockdownError, yaml_problem
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

_LIST_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, list)}
_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int)}


def from_pulumi_config(config: dict[str, Any]) -> dict[str, Any]:
    """The ``lockdown:`` keys of a flat Pulumi config, without the namespace.

    Pulumi stores structured values either as objects or as JSON strings (what
    ``pulumi config set --path`` and ``preview --json`` produce); both are accepted.
    """
    found: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        if namespace == NAMESPACE and name:
            found[name] = _decode(value, f"Pulumi config {key}")
    return found


def load_settings_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--settings`` YAML file (the same keys, without the namespace)."""
    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LockdownError(f"{path}: cannot read settings file: {err.strerror}") from err
    except yaml.YAMLError as err:
        raise LockdownError(f"{path}: settings file is not valid YAML: {yaml_problem(err)}") from err
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
    if value is None:
        return DEFAULTS[key]
    if key in _LIST_KEYS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise LockdownError(f"{origin}: setting {key!r} must be a list")
        if key == "accountIds":
            return [_account_id(item, origin) for item in value]
        if key == "waivers":  # validated by lockdown.waivers; YAML dates become ISO text the rules can read
            return dates_as_text(value)
        return [str(item) for item in value]
    if key in _INT_KEYS:
        try:
            number = int(value)
        except (TypeError, ValueError) as err:
            raise LockdownError(f"{origin}: setting {key!r} must be a whole number of days, got {value!r}") from err
        if number <= 0:
            raise LockdownError(f"{origin}: setting {key!r} must be positive, got {number}")
        return number
    if not isinstance(value, str):
        raise LockdownError(f"{origin}: setting {key!r} must be a string")
    return value


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


def _account_id(item: Any, origin: str) -> str:
    """An AWS account id: exactly twelve digits, given as a string.

    An unquoted id in YAML is read as a number (and one with a leading zero as octal), which
    would silently name another account, so numbers are refused rather than converted.
    """
    if not isinstance(item, str):
        raise LockdownError(
            f"{origin}: setting 'accountIds' must list quoted strings, got {item!r} (quote account ids)"
        )
    if not (len(item) == 12 and item.isdigit()):
        raise LockdownError(f"{origin}: setting 'accountIds' has {item!r}, which is not a 12-digit AWS account id")
    return item
