"""Progress on stderr for runs a person waits on (a drift scan, a long plan), and only for them.

Progress is drawn with ``rich.progress`` when stderr is a terminal and the report is meant for
people; it is never drawn for machine formats (json, sarif, junit), nor when stderr is a pipe
or a file (CI logs, scripts), so nothing is added to what those read. The display is transient:
it is erased when the run ends, leaving the terminal as the report and errors left it. Colour
follows ``NO_COLOR`` (rich's console honours it: set and not empty means no colour).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

#: Report formats read by programs: progress never accompanies them.
MACHINE_FORMATS = frozenset({"json", "sarif", "junit"})


class Tracker:
    """Where a run reports its progress; this base class draws nothing (no terminal, machine format)."""

    def stage(self, description: str, total: int | None = None) -> None:
        """Start a stage of the run: ``total`` steps if known, else an open-ended wait."""

    def add(self, count: int) -> None:
        """The current stage found ``count`` more steps to do."""

    def advance(self, count: int = 1) -> None:
        """``count`` steps of the current stage are done."""


class _RichTracker(Tracker):
    """One rich task whose description, total and count follow the stages."""

    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task = progress.add_task("", total=None)

    def stage(self, description: str, total: int | None = None) -> None:
        self._progress.update(self._task, description=description, total=total, completed=0)

    def add(self, count: int) -> None:
        total = self._progress.tasks[0].total or 0
        self._progress.update(self._task, total=total + count)

    def advance(self, count: int = 1) -> None:
        self._progress.advance(self._task, count)


def wanted(fmt: str, stream: IO[str] | None = None) -> bool:
    """Whether to draw progress: a report for people, and stderr (or ``stream``) a terminal."""
    stream = stream if stream is not None else sys.stderr
    return fmt not in MACHINE_FORMATS and stream.isatty()


@contextmanager
def progress(enabled: bool) -> Iterator[Tracker]:
    """A tracker that draws on stderr while the block runs when ``enabled``, else one that draws nothing."""
    if not enabled:
        yield Tracker()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    # An open-ended stage (a plan) shows a pulsing bar and no percentage; a counted one (reads) both.
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield _RichTracker(bar)
