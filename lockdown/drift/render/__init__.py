"""Drift report renderers: one module per format, each ``render(report: dict) -> str``.

Renderers read only the report document (``lockdown.drift.report``), so a merged report of
many accounts renders exactly like a single one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lockdown.drift.render import html, json_format, markdown

RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "markdown": markdown.render,
    "json": json_format.render,
    "html": html.render,
}

__all__ = ["RENDERERS"]
