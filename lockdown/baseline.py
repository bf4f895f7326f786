"""Baselines: the findings a legacy stack already has, so only new ones block.

A team adopting Lockdown records today's findings once (``--write-baseline FILE``) and
checks later changes against it (``--baseline FILE``): a finding in the baseline is
advisory, a new one blocks. A finding's identity is its resource's URN and its rule id,
never a line number or an order, so adding, removing or editing other resources leaves
the baseline valid. A waived finding is not recorded: when its waiver runs out it must
block, not hide in the baseline.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from lockdown.atomic import write_atomic
from lockdown.errors import LockdownError
from lockdown.findings import CheckResult

#: The format marker and version of a baseline file.
FORMAT = "lockdown-baseline/1"


def render_baseline(result: CheckResult, today: date) -> str:
    """The baseline document for a run's unwaived findings, in a stable order."""
    entries = sorted(
        {(finding.urn, finding.rule): finding for finding in result.findings if finding.waiver is None}.items()
    )
    document = {
        "format": FORMAT,
        "created": today.isoformat(),
        "findings": [
            {"urn": urn, "rule": rule, "severity": finding.severity, "stack": finding.stack}
            for (urn, rule), finding in entries
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def write_baseline(path: str | Path, result: CheckResult, today: date) -> None:
    """Record the run's findings; a run that could not check everything records nothing."""
    if result.errors:
        raise LockdownError(f"{path}: baseline not written: the check could not be completed")
    write_atomic(path, render_baseline(result, today))


def read_baseline(path: str | Path) -> frozenset[tuple[str, str]]:
    """The (URN, rule id) pairs a baseline file records."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LockdownError(f"{path}: cannot read baseline: {err.strerror}") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise LockdownError(f"{path}: baseline is not valid JSON: {err}") from err
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise LockdownError(f'{path}: not a Lockdown baseline (expected "format": "{FORMAT}")')
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise LockdownError(f"{path}: baseline 'findings' must be a list")
    return frozenset(_identity(entry, path, index) for index, entry in enumerate(findings))


def _identity(entry: Any, path: Path, index: int) -> tuple[str, str]:
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(key), str) and entry[key] for key in ("urn", "rule")
    ):
        raise LockdownError(f"{path}: baseline finding {index + 1} must have a urn and a rule")
    return entry["urn"], entry["rule"]
