"""``lockdown merge``: fold per-account JSON drift reports into one report.

Large estates are scanned one account per CI job (``lockdown drift --format json``); the
merge concatenates their scopes, drift, findings, readers and unread lists and recomputes the
summary, so the merged exit code is 2 if any account's scan was incomplete.

Fail closed: an input is checked strictly (every list, the summary, the keys each entry needs)
so a truncated or hand-made file cannot merge into a pass, and the merged exit code is never
better than the worst exit code an input's own summary states.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lockdown import __version__
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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LockdownError(f"{path}: cannot read drift report: {err.strerror}") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise LockdownError(f"{path}: not a JSON drift report: {err}") from err
    if not isinstance(data, dict) or data.get("kind") != "drift":
        raise LockdownError(
            f'{path}: not a lockdown drift report (expected "kind": "drift"; use lockdown drift --format json)'
        )
    problem = report_problem(data)
    if problem:
        raise LockdownError(f"{path}: incomplete or invalid drift report: {problem}")
    return data


def report_problem(data: dict[str, Any]) -> str | None:
    """What makes a report unfit to merge, in a few words, or ``None`` when it is fit."""
    for key in LIST_KEYS:
        if key not in data:
            return f"missing field {key!r}"
        if not isinstance(data[key], list):
            return f"field {key!r} must be a list"
        for index, entry in enumerate(data[key]):
            problem = _entry_problem(key, entry)
            if problem:
                return f"{key}[{index}] {problem}"
    if not data["scope"]:
        return "field 'scope' is empty (the report covers no account)"
    return _summary_problem(data.get("summary"))


def _entry_problem(key: str, entry: Any) -> str | None:
    if key not in ENTRY_KEYS:
        return None if isinstance(entry, str) else "must be a string"
    if not isinstance(entry, dict):
        return "must be an object"
    missing = [name for name in ENTRY_KEYS[key] if name not in entry]
    if missing:
        return f"lacks {', '.join(map(repr, missing))}"
    for name in ENTRY_KEYS[key]:
        if (key, name) in ALLOWED and entry[name] not in ALLOWED[(key, name)]:
            return f"has {name} {entry[name]!r} (expected one of {', '.join(ALLOWED[(key, name)])})"
        if (key, name) in BOOLEANS and not isinstance(entry[name], bool):
            return f"has {name} {entry[name]!r} (expected true or false)"
        if (key, name) in LISTS and not isinstance(entry[name], list):
            return f"has {name} {entry[name]!r} (expected a list)"
    return None


def _summary_problem(summary: Any) -> str | None:
    if not isinstance(summary, dict):
        return "missing field 'summary'" if summary is None else "field 'summary' must be an object"
    code, complete = summary.get("exitCode"), summary.get("complete")
    if isinstance(code, bool) or code not in (0, 1, 2):
        return f"summary.exitCode is {code!r} (expected 0, 1 or 2)"
    if not isinstance(complete, bool):
        return f"summary.complete is {complete!r} (expected true or false)"
    return None


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
