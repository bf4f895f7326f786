"""The policy manifest: which rules run, how they are enforced, and a digest of what they read.

A pull request can weaken the check without touching a resource: delete a rule, switch it
to ``advisory``, or edit a helper in ``policies/lib`` that every rule relies on, and
``lockdown test`` still passes. The manifest makes that visible: every report carries it,
``lockdown rules --format manifest`` writes it, and ``lockdown check --expect-policies FILE``
fails (exit 2) when the policies no longer match a manifest pinned in a place the pull
request cannot change (CI configuration on the default branch, a protected path).

Digests are SHA-256 over the module texts by package, not by path, so the same policies
give the same manifest wherever the directory is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from lockdown.documents import read_bytes
from lockdown.engine.policyset import RULES_PREFIX, PolicySet
from lockdown.errors import LockdownError

#: Version of the manifest format (``lockdown rules --format manifest``).
MANIFEST_VERSION = 1


def policy_manifest(policy_set: PolicySet) -> dict[str, Any]:
    """Rule ids with enforcement, severity, scope and digest; one digest for every non-rule module."""
    texts = {module.package: module.text for module in policy_set.production_modules()}
    rules = {
        rule.id: {
            "enforcement": rule.enforcement,
            "severity": rule.severity,
            "scope": rule.scope,
            "digest": _digest([(rule.package, texts.get(rule.package, ""))]),
        }
        for rule in sorted(policy_set.rules, key=lambda rule: rule.id)
    }
    library = _digest(sorted((p, t) for p, t in texts.items() if not p.startswith(RULES_PREFIX)))
    manifest = {"version": MANIFEST_VERSION, "rules": rules, "library": library}
    manifest["digest"] = _digest([("manifest", json.dumps(manifest, sort_keys=True))])
    return manifest


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What changed from the pinned manifest to the policies evaluated, one phrase each."""
    found: list[str] = []
    want, have = expected.get("rules") or {}, actual["rules"]
    found += [f"rule {rule} was removed" for rule in sorted(set(want) - set(have))]
    found += [f"rule {rule} was added" for rule in sorted(set(have) - set(want))]
    for rule in sorted(set(want) & set(have)):
        for key in ("enforcement", "severity", "scope"):
            if want[rule].get(key) != have[rule][key]:
                found.append(f"rule {rule} {key} changed from {want[rule].get(key)} to {have[rule][key]}")
        if want[rule].get("digest") != have[rule]["digest"]:
            found.append(f"rule {rule} was edited")
    if expected.get("library") != actual["library"]:
        found.append("the library (policies/lib, readers) was edited")
    return found


def load_manifest(path: str | Path) -> dict[str, Any]:
    """A manifest file written by ``lockdown rules --format manifest``."""
    try:
        data = json.loads(read_bytes(path, "policy manifest"))
    except (ValueError, RecursionError) as err:
        raise LockdownError(
            f"{path}: policy manifest is not JSON (write it with `lockdown rules --format manifest`)"
        ) from err
    if not (isinstance(data, dict) and data.get("version") == MANIFEST_VERSION and isinstance(data.get("rules"), dict)):
        raise LockdownError(
            f"{path}: not a version {MANIFEST_VERSION} policy manifest (`lockdown rules --format manifest`)"
        )
    if not all(isinstance(entry, dict) for entry in data["rules"].values()):
        raise LockdownError(f"{path}: policy manifest rules must be objects")
    return data


def check_expected(path: str | Path, actual: dict[str, Any]) -> str | None:
    """The one-line error when the policies differ from the manifest pinned in ``path``, else None."""
    changes = differences(load_manifest(path), actual)
    if not changes:
        return None
    return f"{path}: the policies differ from the pinned manifest: {'; '.join(changes)}"


def _digest(parts: list[tuple[str, str]]) -> str:
    hasher = hashlib.sha256()
    for name, text in parts:
        hasher.update(name.encode() + b"\0" + text.encode() + b"\0")
    return f"sha256:{hasher.hexdigest()}"
