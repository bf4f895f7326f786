"""``--format json``: the report document itself, stable key order, one object."""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str) + "\n"
