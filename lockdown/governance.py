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
