"""Report renderers: one module per format, each with ``render(result, options) -> str``.

Renderers only read a ``CheckResult``; they never load, plan or evaluate anything.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads FORMATS at start-up; findings load only when rendering
    from lockdown.findings import CheckResult

#: Format name -> module implementing it (imported only when used, to keep start-up fast).
FORMATS = {
    "text": "lockdown.reports.text",
    "json": "lockdown.reports.json_report",
    "sarif": "lockdown.reports.sarif",
    "junit": "lockdown.reports.junit",
    "markdown": "lockdown.reports.markdown",
}


@dataclass(frozen=True)
class RenderOptions:
    """How to render: colour (only on a terminal), the reader report, remediation in the text table.

    ``source_root`` is the repository root SARIF file locations are relative to (default: the
    current directory) and ``rules_doc`` the page whose sections document each rule (SARIF
    ``helpUri``; default: the toolkit's own docs/rules.md at this version).
    """

    color: bool = False
    readers: bool = False
    width: int | None = None
    remediation: bool = False
    source_root: str | None = None
    rules_doc: str | None = None


def render(result: CheckResult, fmt: str, options: RenderOptions | None = None) -> str:
    """Render ``result`` in ``fmt``."""
    module = importlib.import_module(FORMATS[fmt])
    return module.render(result, options or RenderOptions())
