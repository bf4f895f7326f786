"""``lockdown merge``: fold per-account JSON drift reports into one report.

Large estates are scanned one account per CI job (``lockdown drift --format json``); the
merge concatenates their scopes, drift, findings, readers and unread lists and recomputes the
summary, so the merged exit code is 2 if any account's scan was incomplete.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lockdown import __version__
from lockdown.drift.report import summarize
from lockdown.errors import LockdownError

LIST_KEYS = ("scope", "drift", "findings", "readers", "incomplete", "warnings", "errors")


def load_report(path: str | Path) -> dict[str, Any]:
    """One ``lockdown drift --format json`` report, checked enough to merge safely."""
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
    for key in LIST_KEYS:
        if not isinstance(data.get(key, []), list):
            raise LockdownError(f"{path}: drift report field {key!r} must be a list")
    return data


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
    merged["summary"] = summarize(merged)
    return merged


def merge_files(paths: list[str | Path]) -> dict[str, Any]:
    return merge_reports([load_report(path) for path in paths])
