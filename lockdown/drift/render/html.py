"""``--format html``: one self-contained page (no network): summary first, details on demand.

The chart of findings by severity and by store is CSS bars, so the page needs no script and
no external resource; everything user-controlled is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

from lockdown.drift.report import stores

SEVERITY_COLORS = {"critical": "#8b0000", "high": "#d9480f", "medium": "#e8a317", "low": "#4a7bd0"}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lockdown.drift.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_pretty"] = lambda value: json.dumps(value, indent=2, sort_keys=True, default=str)
    return env


def render(report: dict[str, Any]) -> str:
    summary = report["summary"]
    by_store = list(summary["findingsByStore"].items())[:15]
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            summary=summary,
            groups=stores(report),
            severity_colors=SEVERITY_COLORS,
            severity_max=max(summary["findingsBySeverity"].values(), default=0) or 1,
            by_store=by_store,
            store_max=max((count for _, count in by_store), default=0) or 1,
        )
    )
