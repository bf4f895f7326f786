"""Policy documents compared statement by statement, not as strings.

AWS rewrites what it stores (an account id becomes a ``:root`` ARN, a one-element list a
string, keys are reordered), so two equal policies are rarely equal strings. Each statement
is normalized to a canonical form; the comparison reports the statements only one side has.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

_ACCOUNT = re.compile(r"^\d{12}$")
_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")


@dataclass(frozen=True)
class StatementDiff:
    """Statements present only in the desired document, and only in the live one."""

    removed: tuple[dict[str, Any], ...]
    added: tuple[dict[str, Any], ...]

    @property
    def equal(self) -> bool:
        return not self.removed and not self.added


def parse(document: Any) -> dict[str, Any] | None:
    """A policy document as a dict, or ``None`` when it is not one."""
    if isinstance(document, dict):
        return document
    if not isinstance(document, str) or not document.strip():
        return None
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The normalized statements of a document (Statement may be one object or a list)."""
    found = document.get("Statement", [])
    if isinstance(found, dict):
        found = [found]
    return [normalize_statement(item) for item in found if isinstance(item, dict)]


def normalize_statement(statement: dict[str, Any]) -> dict[str, Any]:
    """A canonical statement: lists sorted, actions lower-cased, principals in one form, no Sid."""
    result: dict[str, Any] = {"Effect": statement.get("Effect", "")}
    for key in _LIST_KEYS:
        if key in statement:
            values = _as_list(statement[key])
            result[key] = sorted({v.lower() if "Action" in key else v for v in values})
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            result[key] = _principal(statement[key])
    if statement.get("Condition"):
        result["Condition"] = {
            operator: {name.lower(): sorted(set(_as_list(value))) for name, value in (block or {}).items()}
            for operator, block in sorted(statement["Condition"].items())
        }
    return result


def compare(desired: Any, live: Any) -> StatementDiff | None:
    """Statement-level difference, or ``None`` when either side is not a parsable document."""
    left, right = parse(desired), parse(live)
    if left is None or right is None:
        return None
    want = Counter(_key(item) for item in statements(left))
    have = Counter(_key(item) for item in statements(right))
    removed = tuple(json.loads(key) for key in sorted((want - have).elements()))
    added = tuple(json.loads(key) for key in sorted((have - want).elements()))
    return StatementDiff(removed=removed, added=added)


def _key(statement: dict[str, Any]) -> str:
    return json.dumps(statement, sort_keys=True)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def _principal(value: Any) -> dict[str, list[str]]:
    """``"*"`` and ``{"AWS": "*"}`` stay distinct kinds; account ids become ``:root`` ARNs as AWS stores them."""
    if not isinstance(value, dict):
        return {"*": sorted(set(_as_list(value)))}
    normalized = {}
    for kind, members in sorted(value.items()):
        items = {_account_arn(m) if kind == "AWS" else m for m in _as_list(members)}
        normalized[kind] = sorted(items)
    return normalized


def _account_arn(member: str) -> str:
    return f"arn:aws:iam::{member}:root" if _ACCOUNT.match(member) else member
