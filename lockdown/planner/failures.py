"""How every runtime reports a program's failure, so the loader shows them alike."""

from __future__ import annotations

from typing import Any


def missing_config(key: str, traceback: str) -> dict[str, Any]:
    """A required config key the stack does not set: named, with the flag that sets it."""
    short = key.split(":", 1)[1] if ":" in key else key
    return {
        "message": f"missing required config {key} (set it in the stack file or pass --config {short}=VALUE)",
        "traceback": traceback,
        "kind": "config",
        "key": key,
    }
