"""``lockdown merge``: fold per-account JSON drift reports into one report.

Large estates are scanned one account per CI job (``lockdown drift --format json``); the
merge concatenates their scopes, drift, findings, readers and unread lists and recomputes the
summary, so the merged exit code is 2 if any account's scan was incomplete.

Fail closed: an input is checked strictly against a JSON Schema (every list, the summary, the
keys each entry needs) so a truncated or hand-made file cannot merge into a pass, and the
merged exit code is never better than the worst exit code an input's own summary states.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from lockdown import __version__
from lockdown.documents import read_bytes
from lockdown.drift.diff import CLASSES
from lockdown.drift.report import summarize, verdict
from lockdown.errors import LockdownError
from lockdown.findings import SEVERITY_ORDER

LIST_KEYS = ("scope", "drift", "findings", "readers", "incomplete", "warnings", "errors")
#: The keys every entry of a list needs (the summary and the renderers read them).
ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    "scope": ("account", "regions", "stack", "desired", "resources"),
    "drift": ("class", "type", "identity", "urn", "name", "store", "matters", "differences", "unverified", "note"),
    "findings": ("rule", "title", "severity", "blocking", "urn", "type", "name", "message", "remediation", "store"),
    "readers": ("principal", "allowed"),
    "incomplete": ("service", "region", "resource", "error"),
}
#: Values a field must take, where a wrong one would be silently miscounted.
ALLOWED: dict[tuple[str, str], tuple[Any, ...]] = {
    ("drift", "class"): CLASSES,
    ("findings", "severity"): tuple(SEVERITY_ORDER),
}
BOOLEANS = {("drift", "matters"), ("findings", "blocking")}
LISTS = {("scope", "regions"), ("drift", "differences"), ("drift", "unverified")}


def load_report(path: str | Path) -> dict[str, Any]:
    """One ``lockdown drift --format json`` report, checked strictly before it is merged."""
    path = Path(path)
    raw = read_bytes(path, "drift report")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:  # not JSON, not UTF-8, or nested too deeply
        raise LockdownError(f"{path}: not a JSON drift report: {' '.join(str(err).split())[:200]}") from err
    if not isinstance(data, dict) or data.get("kind") != "drift":
        raise LockdownError(
            f'{path}: not a lockdown drift report (expected "kind": "drift"; use lockdown drift --format json)'
        )
    problem = report_problem(data)
    if problem:
        raise LockdownError(f"{path}: incomplete or invalid drift report: {problem}")
    return data


def _entry_schema(key: str) -> dict[str, Any]:
    if key not in ENTRY_KEYS:
        return {"type": "string"}
    properties: dict[str, Any] = {}
    for name in ENTRY_KEYS[key]:
        if (key, name) in ALLOWED:
            properties[name] = {"enum": list(ALLOWED[(key, name)])}
        elif (key, name) in BOOLEANS:
            properties[name] = {"type": "boolean"}
        elif (key, name) in LISTS:
            properties[name] = {"type": "array"}
    return {"type": "object", "required": list(ENTRY_KEYS[key]), "properties": properties}


#: What ``lockdown merge`` accepts, as a JSON Schema built from the tables above (published as
#: docs/schemas/drift-report.schema.json): every list, the keys each entry needs, the values
#: a field must take, and the summary's verdict.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/lockdown/lockdown/docs/schemas/drift-report.schema.json",
    "title": "lockdown drift --format json report, as lockdown merge accepts it",
    "type": "object",
    "required": ["kind", *LIST_KEYS, "summary"],
    "properties": {
        "kind": {"const": "drift"},
        **{key: {"type": "array", "items": _entry_schema(key)} for key in LIST_KEYS},
        "scope": {"type": "array", "items": _entry_schema("scope"), "minItems": 1},
        "summary": {
            "type": "object",
            "required": ["exitCode", "complete"],
            "properties": {"exitCode": {"enum": [0, 1, 2]}, "complete": {"type": "boolean"}},
        },
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)
_ORDER = {key: index for index, key in enumerate([*LIST_KEYS, "summary"])}


def report_problem(data: dict[str, Any]) -> str | None:
    """What makes a report unfit to merge, in a few words, or ``None`` when it is fit.

    The schema decides; this only words its first error (lists in ``LIST_KEYS`` order, then
    the summary) the way a person fixing the file reads it.
    """
    errors = list(_VALIDATOR.iter_errors(data))
    if not errors:
        return None
    return min((_worded(error) for error in errors), key=lambda pair: pair[0])[1]


def _worded(error: ValidationError) -> tuple[tuple[int, int, list[Any]], str]:
    path = list(error.absolute_path)
    if not path and error.validator == "required":
        missing = next(key for key in error.validator_value if key not in error.instance)
        return (_ORDER.get(missing, -1), 0, []), f"missing field {missing!r}"
    key, rest = path[0], path[1:]
    rank = (_ORDER.get(key, -1), 1, rest)
    if key == "summary":
        if not rest and error.validator == "type":
            return rank, "field 'summary' must be an object"
        field = rest[0] if rest else next(k for k in error.validator_value if k not in error.instance)
        value = error.instance if rest else None
        expected = "0, 1 or 2" if field == "exitCode" else "true or false"
        return rank, f"summary.{field} is {value!r} (expected {expected})"
    if not rest:
        if error.validator == "minItems":
            return rank, f"field {key!r} is empty (the report covers no account)"
        return rank, f"field {key!r} must be a list"
    where = f"{key}[{rest[0]}]"
    if len(rest) == 1:
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            return rank, f"{where} lacks {', '.join(map(repr, missing))}"
        return rank, f"{where} must be {'an object' if key in ENTRY_KEYS else 'a string'}"
    name = rest[1]
    if error.validator == "enum":
        return rank, f"{where} has {name} {error.instance!r} (expected one of {', '.join(error.validator_value)})"
    expected = "true or false" if error.validator_value == "boolean" else "a list"
    return rank, f"{where} has {name} {error.instance!r} (expected {expected})"


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report covering every input; the summary is recomputed, never added up."""
    if not reports:
        raise LockdownError("merge: give at least one drift report")
    merged: dict[str, Any] = {
        "tool": {"name": "lockdown", "version": __version__},
        "kind": "drift",
        "generatedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for key in LIST_KEYS:
        merged[key] = [item for report in reports for item in report.get(key, [])]
    accounts = [scope.get("account") for scope in merged["scope"]]
    duplicates = sorted({a for a in accounts if accounts.count(a) > 1 and a is not None})
    if duplicates:
        merged["warnings"].append(f"account(s) {', '.join(map(str, duplicates))} appear in more than one report")
    merged["summary"] = _keep_the_worst(summarize(merged), reports, merged["warnings"])
    return merged


def _keep_the_worst(summary: dict[str, Any], reports: list[dict[str, Any]], warnings: list[str]) -> dict[str, Any]:
    """The merged verdict is never better than an input's own: incomplete stays incomplete, 2 stays 2."""
    stated = [report.get("summary") or {} for report in reports]
    worst = max((int(entry.get("exitCode", 2)) for entry in stated), default=0)
    complete = summary["complete"] and all(entry.get("complete") is True for entry in stated)
    exit_code = max(summary["exitCode"], worst, 0 if complete else 2)
    if exit_code != summary["exitCode"] or complete != summary["complete"]:
        warnings.append(
            f"an input report's own summary states a worse verdict than its lists show (exit {worst}, "
            f"complete {str(complete).lower()}); the merged report keeps it (exit {exit_code})"
        )
    return summary | {"complete": complete, "exitCode": exit_code, "verdict": verdict(exit_code)}


def merge_files(paths: list[str | Path]) -> dict[str, Any]:
    """Load and check every file first, then merge: one bad file fails the whole merge."""
    return merge_reports([load_report(path) for path in paths])
