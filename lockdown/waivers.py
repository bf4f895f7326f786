"""Waivers: a recorded, expiring decision to accept one rule's finding on some resources.

A waiver lives in the settings (``waivers:``) so it is reviewed like code. It must say
which rule, which resources (a glob on the URN or the logical name), why, and until
when; an expired waiver stops applying and is reported, so acceptance never becomes
permanent by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from typing import Any

from lockdown.errors import LockdownError


@dataclass(frozen=True)
class Waiver:
    rule: str
    resource: str
    reason: str
    expires: date

    def matches(self, rule_id: str, urn: str, name: str) -> bool:
        return self.rule == rule_id and (fnmatchcase(urn, self.resource) or fnmatchcase(name, self.resource))

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "resource": self.resource,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }


def parse_waivers(entries: list[Any], today: date) -> tuple[list[Waiver], list[str]]:
    """The waivers still in force, and a warning for each expired one."""
    active: list[Waiver] = []
    warnings: list[str] = []
    for index, entry in enumerate(entries):
        waiver = _parse(entry, index)
        if waiver.expires < today:
            warnings.append(f"waiver {index + 1} for {waiver.rule} on {waiver.resource} expired on {waiver.expires}")
        else:
            active.append(waiver)
    return active, warnings


def find_waiver(waivers: list[Waiver], rule_id: str, urn: str, name: str) -> Waiver | None:
    return next((waiver for waiver in waivers if waiver.matches(rule_id, urn, name)), None)


def _parse(entry: Any, index: int) -> Waiver:
    where = f"settings: waiver {index + 1}"
    if not isinstance(entry, dict):
        raise LockdownError(f"{where} must be a mapping with rule, resource, reason and expires")
    missing = [key for key in ("rule", "resource", "reason", "expires") if not str(entry.get(key) or "").strip()]
    if missing:
        raise LockdownError(f"{where} is missing {', '.join(missing)}")
    expires = entry["expires"]
    if isinstance(expires, datetime):  # YAML reads "2027-01-01 10:00:00" as a datetime
        expires = expires.date()
    if not isinstance(expires, date):
        try:
            expires = date.fromisoformat(str(expires))
        except ValueError as err:
            raise LockdownError(f"{where}: expires must be a date (YYYY-MM-DD), got {expires!r}") from err
    return Waiver(
        rule=str(entry["rule"]), resource=str(entry["resource"]), reason=str(entry["reason"]), expires=expires
    )
