"""What ``lockdown check`` adds around ``findings.check`` for waivers files and baselines.

The waivers file is read once per run (its waivers apply to every stack); whether each
waiver in force matched a finding is judged over the whole run, so a waiver for one of
several stacks is not refused for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lockdown import waivers
from lockdown.baseline import read_baseline, write_baseline
from lockdown.engine.metadata import Rule
from lockdown.errors import LockdownError
from lockdown.findings import CheckResult

__all__ = ["Run", "file_waivers", "read_baseline", "refuse_unmatched_waivers", "write_baseline"]


@dataclass
class Run:
    """The waivers file and baseline of one run, and the date it judges expiry on."""

    waivers: waivers.WaiverSet | None = None
    baseline: frozenset[tuple[str, str]] = frozenset()
    today: date = field(default_factory=lambda: waivers.today())

    def options(self, waivers_origin: str) -> dict[str, Any]:
        """Keyword arguments for ``findings.check``."""
        return {
            "today": self.today,
            "waivers": self.waivers,
            "waivers_origin": waivers_origin,
            "baseline": self.baseline,
        }


def file_waivers(path: str | None, rules: Iterable[Rule]) -> waivers.WaiverSet | None:
    """The waivers of ``--waivers FILE``, or of ``./waivers.yaml`` when it exists."""
    if path is None:
        if not Path(waivers.DEFAULT_FILE).is_file():
            return None
        path = waivers.DEFAULT_FILE
    return waivers.load_waivers(waivers.read_waivers_file(path), waivers.today(), rules, origin=path)


def refuse_unmatched_waivers(result: CheckResult) -> None:
    """A waiver that matched nothing is an error, unless the run could not evaluate everything."""
    unmatched = result.unmatched_waivers()
    if unmatched and not result.errors:
        more = f" (and {len(unmatched) - 1} more)" if len(unmatched) > 1 else ""
        raise LockdownError(unmatched[0] + more)


def waivers_to_list(waivers_file: str | None, settings_file: str | None, rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """Every waiver of the waivers file and of ``--settings``, validated, with its days left and status."""
    from lockdown.settings import load_settings_file, resolve

    on = waivers.today()
    found = [file_waivers(waivers_file, rules)]
    if settings_file:
        entries = resolve({}, load_settings_file(settings_file), origin=settings_file)["waivers"]
        found.append(waivers.load_waivers(entries, on, rules, origin=settings_file))
    listed = []
    for group in found:
        for waiver in [*group.active, *group.expired] if group else []:
            days = waiver.days_left(on)
            state = "expired" if not days else "expires soon" if days <= waivers.WARN_DAYS else "in force"
            listed.append({**waiver.to_json(), "origin": waiver.origin, "days_left": days, "status": state})
    return sorted(listed, key=lambda entry: (entry["days_left"], entry["origin"]))


def render_waiver_list(listed: list[dict[str, Any]]) -> str:
    """A plain table, soonest to expire first."""
    if not listed:
        return "no waivers"
    columns = ("status", "days_left", "expires", "rule", "resource", "owner", "ticket", "approvers", "origin")
    rows = [[", ".join(v) if isinstance(v, list) else str(v) for v in (entry[c] for c in columns)] for entry in listed]
    head = [column.replace("_", " ") for column in columns]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(columns))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in [head, *rows]
    )
