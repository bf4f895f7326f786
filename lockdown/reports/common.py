"""Helpers every renderer shares, so the formats agree on counts, order and wording.

Renderers read only the fields named here: a finding's own fields, a rule's metadata,
and the reader report's known keys. Nothing else (resource properties in particular)
ever reaches a report, which is what keeps secrets out of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lockdown.findings import CheckResult, Finding, Rule, sort_key

#: The keys of a reader report entry, in the order every format shows them.
READER_KEYS = ("store", "store_name", "principal", "via", "via_urn", "allowed", "stack")

#: SARIF ``security-severity`` scores (GitHub code scanning's 0-10 scale) per severity.
#: GitHub ranks over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "7.5", "medium": "5.5", "low": "3.0"}


def sorted_findings(result: CheckResult) -> list[Finding]:
    """Findings in report order; merged multi-stack results are not sorted as a whole."""
    return sorted(result.findings, key=sort_key)


def summary(result: CheckResult) -> dict[str, int]:
    """The four counts DESIGN.md's json ``summary`` holds, computed once for every format."""
    return {
        "resources": result.resources,
        "findings": len(result.findings),
        "blocking": len(result.blocking),
        "waived": len(result.waived),
    }


def summary_line(result: CheckResult) -> str:
    """``N resources, N findings, N blocking, N waived`` (``1 resource``, ``1 finding``)."""
    counts = summary(result)
    nouns = {"resources": "resource", "findings": "finding"}
    return ", ".join(
        f"{value} {nouns[name] if value == 1 and name in nouns else name}" for name, value in counts.items()
    )


def status(finding: Finding) -> str:
    """``blocking``, ``waived``, ``baseline`` (recorded by ``--baseline``) or ``advisory``."""
    if finding.waiver is not None:
        return "waived"
    if finding.baselined:
        return "baseline"
    return "blocking" if finding.blocking else "advisory"


def one_line(value: Any) -> str:
    """A value as a single line of text (messages and reasons may carry newlines)."""
    return " ".join(str(value).split())


def waiver_text(waiver: dict[str, Any] | None) -> str:
    """``reason (TICKET, owner O, approved by A, B, until YYYY-MM-DD)``; empty for an unwaived finding."""
    if not waiver:
        return ""
    reason = one_line(waiver.get("reason", ""))
    approvers = ", ".join(one_line(name) for name in waiver.get("approvers") or [])
    details = [
        one_line(waiver.get("ticket") or ""),
        f"owner {one_line(waiver['owner'])}" if waiver.get("owner") else "",
        f"approved by {approvers}" if approvers else "",
        f"until {waiver['expires']}" if waiver.get("expires") else "",
    ]
    shown = ", ".join(part for part in details if part)
    return f"{reason} ({shown})" if shown else reason


def multi_stack(result: CheckResult) -> bool:
    """Whether findings or readers come from more than one stack, so labels must name it."""
    stacks = {finding.stack for finding in result.findings} | {entry.get("stack") for entry in result.readers}
    return len(stacks - {None}) > 1


def resource_label(finding: Finding, with_stack: bool = False) -> str:
    """A resource as people know it: logical name and type (and stack when it matters)."""
    label = f"{finding.name} ({finding.type})" if finding.type else finding.name
    return f"{finding.stack}/{label}" if with_stack and finding.stack else label


def unique_rules(result: CheckResult) -> list[Rule]:
    """Every rule once, by id (merged results may repeat them), in id order."""
    seen: dict[str, Rule] = {}
    for rule in result.rules:
        seen.setdefault(rule.id, rule)
    return [seen[key] for key in sorted(seen)]


def reader_rows(result: CheckResult) -> list[dict[str, Any]]:
    """The reader report reduced to its known keys, ordered by store, then not-allowed first.

    Entries come from Rego; only the documented keys are kept so nothing a rule happens to
    attach (a policy document, a property) is ever rendered.
    """
    rows = []
    for entry in result.readers:
        row: dict[str, Any] = {key: entry.get(key) for key in READER_KEYS}
        row["allowed"] = entry.get("allowed") is True
        rows.append(row)
    return sorted(rows, key=_reader_sort_key)


def _reader_sort_key(row: dict[str, Any]) -> tuple:
    return (
        str(row["stack"] or ""),
        str(row["store_name"] or ""),
        str(row["store"] or ""),
        row["allowed"],
        str(row["principal"] or ""),
        str(row["via"] or ""),
        str(row["via_urn"] or ""),
    )


def readers_by_store(rows: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Reader rows grouped per store (and stack): ``[(first row, rows)]`` in report order."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["stack"], row["store"]), []).append(row)
    return [(members[0], members) for members in groups.values()]


def store_label(row: dict[str, Any], with_stack: bool = False) -> str:
    """A store's display name: its logical name, else its URN."""
    label = one_line(row.get("store_name") or row.get("store") or "?")
    return f"{row['stack']}/{label}" if with_stack and row.get("stack") else label


def reader_path(row: dict[str, Any]) -> str:
    """How a principal reaches a store: the path kind and the resource that grants it."""
    via = one_line(row.get("via") or "")
    via_urn = one_line(row.get("via_urn") or "")
    if via and via_urn:
        return f"{via} ({_urn_name(via_urn)})"
    return via or via_urn


def _urn_name(urn: str) -> str:
    """The logical name at the end of a URN (the full URN when it is not one)."""
    parts = urn.split("::")
    return parts[-1] if len(parts) >= 4 else urn


def allowed_text(allowed: bool) -> str:
    return "yes" if allowed else "NO"


#: The heading every format puts above ``settings_lines``.
SETTINGS_HEADING = "Settings that widen access or weaken a rule (review them):"


def settings_lines(result: CheckResult) -> list[str]:
    """One line per setting that widens access or weakens a rule, the same text in every format."""
    with_source = len({entry.get("source") for entry in result.settings}) > 1
    lines = []
    for entry in result.settings:
        where = f" [{entry.get('source')}]" if with_source else ""
        lines.append(f"{entry['setting']}: {one_line(entry['value'])}: {entry['effect']}{where}")
    return list(dict.fromkeys(lines))
