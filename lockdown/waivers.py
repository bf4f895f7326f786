"""Waivers: a recorded, expiring, accountable decision to accept one rule's finding on some resources.

A waiver is reviewed like code (``waivers.yaml``, ``--waivers FILE`` or the ``waivers``
setting). It names the rule, the resources (a glob on the URN or the logical name), why,
who owns the fix, the ticket, who approved it and until when. Acceptance must never become
permanent or anonymous by accident, so a waiver is refused when a field is missing, when it
runs more than ``MAX_DAYS`` ahead, when it names a rule that does not exist, or when it waives
a critical rule with fewer than two distinct approvers; one that matches no finding is refused
by the caller (``CheckResult.unmatched_waivers``). A waiver stops applying on its expiry date, and the finding it
covered blocks again with a message saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from lockdown.engine.metadata import Rule
from lockdown.errors import LockdownError, yaml_problem

#: The fields every waiver must give (``approver`` may be a list: ``approvers`` is the same field).
REQUIRED = ("rule", "resource", "reason", "owner", "ticket", "approver", "expires")
#: The longest a waiver may run, in days from today.
MAX_DAYS = 90
#: A waiver expiring within this many days is a warning in every check.
WARN_DAYS = 14
#: Critical rules need this many distinct approvers.
CRITICAL_APPROVERS = 2
#: The waivers file read when ``--waivers`` is not given, if it exists.
DEFAULT_FILE = "waivers.yaml"


@dataclass(frozen=True)
class Waiver:
    rule: str
    resource: str
    reason: str
    expires: date
    owner: str = ""
    ticket: str = ""
    approvers: tuple[str, ...] = ()
    #: Where the waiver was written (``waivers.yaml: waiver 2``), for messages.
    origin: str = ""

    def matches(self, rule_id: str, urn: str, name: str) -> bool:
        return self.rule == rule_id and (fnmatchcase(urn, self.resource) or fnmatchcase(name, self.resource))

    def days_left(self, today: date) -> int:
        """Days until the waiver stops applying (0: it no longer applies)."""
        return max((self.expires - today).days, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "resource": self.resource,
            "reason": self.reason,
            "owner": self.owner,
            "ticket": self.ticket,
            "approvers": list(self.approvers),
            "expires": self.expires.isoformat(),
        }


@dataclass
class WaiverSet:
    """Every waiver of a run: those in force, those that ran out, and the warnings to show."""

    active: list[Waiver]
    expired: list[Waiver]
    warnings: list[str]


def today() -> date:
    """The date waivers are judged on (one function, so tests can freeze it)."""
    return date.today()


def parse_waivers(
    entries: list[Any], on: date, rules: Iterable[Rule] | None = None, origin: str = "settings"
) -> tuple[list[Waiver], list[str]]:
    """The waivers in force on ``on``, and a warning for each that expired or expires soon.

    With ``rules``, a waiver for an unknown rule, or for a critical rule with fewer than two
    distinct approvers, is an error too.
    """
    found = load_waivers(entries, on, rules, origin)
    return found.active, found.warnings


def load_waivers(
    entries: list[Any], on: date, rules: Iterable[Rule] | None = None, origin: str = "settings"
) -> WaiverSet:
    """Validate every entry (any bad one is a ``LockdownError``) and sort them by whether they apply on ``on``."""
    if not isinstance(entries, list):
        raise LockdownError(f"{origin}: waivers must be a list of mappings")
    by_id = {rule.id: rule for rule in rules} if rules is not None else None
    found = WaiverSet(active=[], expired=[], warnings=[])
    for index, entry in enumerate(entries):
        waiver = _parse(entry, f"{origin}: waiver {index + 1}", on, by_id)
        label = f"{waiver.origin} ({waiver.rule} on {waiver.resource}, {waiver.ticket}, owner {waiver.owner})"
        if waiver.expires <= on:
            found.expired.append(waiver)
            found.warnings.append(f"{label} expired on {waiver.expires}: it no longer applies")
        else:
            found.active.append(waiver)
            if waiver.days_left(on) <= WARN_DAYS:
                found.warnings.append(f"{label} expires in {_days(waiver.days_left(on))} ({waiver.expires})")
    return found


def find_waiver(waivers: list[Waiver], rule_id: str, urn: str, name: str) -> Waiver | None:
    return next((waiver for waiver in waivers if waiver.matches(rule_id, urn, name)), None)


def ran_out_note(waiver: Waiver) -> str:
    """What a finding whose waiver expired says, so nobody wonders why it blocks again."""
    return f"[the waiver for this finding ({waiver.ticket}, owner {waiver.owner}) ran out on {waiver.expires}]"


def read_waivers_file(path: str | Path) -> list[Any]:
    """The entries of a waivers file: a YAML mapping with one key, ``waivers``, a list."""
    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LockdownError(f"{path}: cannot read waivers file: {err.strerror}") from err
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise LockdownError(f"{path}: waivers file is not valid YAML: {yaml_problem(err)}") from err
    if loaded is None:
        return []
    if not isinstance(loaded, dict) or set(loaded) - {"waivers"}:
        raise LockdownError(f"{path}: waivers file must be a YAML mapping with one key, 'waivers' (a list)")
    entries = loaded.get("waivers") or []
    if not isinstance(entries, list):
        raise LockdownError(f"{path}: 'waivers' must be a list of mappings")
    return entries


def _parse(entry: Any, where: str, on: date, rules: dict[str, Rule] | None) -> Waiver:
    if not isinstance(entry, dict):
        raise LockdownError(f"{where} must be a mapping with {', '.join(REQUIRED)}")
    entry = dict(entry)
    if "approvers" in entry:
        if "approver" in entry:
            raise LockdownError(f"{where} gives both approver and approvers: give one")
        entry["approver"] = entry.pop("approvers")
    unknown = sorted(str(key) for key in set(entry) - set(REQUIRED))
    if unknown:
        raise LockdownError(f"{where} has unknown field {unknown[0]!r} (fields: {', '.join(REQUIRED)})")
    missing = [key for key in REQUIRED if not _given(entry.get(key))]
    if missing:
        raise LockdownError(f"{where} is missing {', '.join(missing)}")
    text = {key: _text(entry[key], key, where) for key in ("rule", "resource", "reason", "owner", "ticket")}
    waiver = Waiver(
        **text, expires=_date(entry["expires"], where), approvers=_approvers(entry["approver"], where), origin=where
    )
    if (waiver.expires - on).days > MAX_DAYS:
        raise LockdownError(
            f"{where} expires on {waiver.expires}, more than {MAX_DAYS} days ahead: waivers must be renewed "
            f"at least every {MAX_DAYS} days"
        )
    if rules is not None:
        _check_rule(waiver, rules, where)
    return waiver


def _check_rule(waiver: Waiver, rules: dict[str, Rule], where: str) -> None:
    rule = rules.get(waiver.rule)
    if rule is None:
        raise LockdownError(f"{where} names rule {waiver.rule!r}, which does not exist")
    distinct = {approver.casefold() for approver in waiver.approvers}
    if rule.severity == "critical" and len(distinct) < CRITICAL_APPROVERS:
        raise LockdownError(
            f"{where} waives critical rule {rule.id}: it needs {CRITICAL_APPROVERS} distinct approvers, "
            f"has {len(distinct)}"
        )


def _given(value: Any) -> bool:
    if isinstance(value, list):
        return any(_given(item) for item in value)
    return value is not None and bool(str(value).strip())


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise LockdownError(f"{where}: {key} must be text, got {type(value).__name__}")
    return " ".join(value.split())


def _approvers(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_text(item, "approver", where) for item in items if _given(item))


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):  # YAML reads "2027-01-01 10:00:00" as a datetime
        return value.date()
    if isinstance(value, date):  # and an unquoted 2027-01-01 as a date
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as err:
        raise LockdownError(f"{where}: expires must be a date (YYYY-MM-DD), got {value!r}") from err


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"
