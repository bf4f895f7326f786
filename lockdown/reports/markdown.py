"""``--format markdown``: a pull request comment a reviewer can act on at a glance.

A verdict line (✅/❌) with the counts, the errors that stopped the check, then blocking
findings in a table; advisory and waived findings are collapsed in ``<details>`` so they
do not bury what blocks. Warnings (what the check could not see) and, with ``--readers``,
who can read each restricted store follow.

Every cell is escaped (Markdown punctuation, ``|`` and newlines) so a message or a
principal cannot break the table, inject a link or HTML, or mention someone. GitHub refuses
comments over 65,536 characters: rows are dropped lowest priority first (readers, waived,
advisory, warnings, then blocking, errors last) and a note says what is missing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from string import Template

from lockdown.findings import CheckResult, Finding
from lockdown.reports import RenderOptions
from lockdown.reports.common import (
    SETTINGS_HEADING,
    allowed_text,
    multi_stack,
    reader_path,
    reader_rows,
    readers_by_store,
    resource_label,
    settings_lines,
    sorted_findings,
    status,
    store_label,
    summary_line,
    waiver_text,
)

#: GitHub's limit on a comment body, in characters.
GITHUB_COMMENT_LIMIT = 65_536
#: Room kept for the truncation notes themselves.
_NOTE_RESERVE = 1_000
#: Longest cell text: one message must not crowd out every other finding.
CELL_LIMIT = 1_000
#: ASCII punctuation that Markdown could interpret in a table cell (backslash first).
_ESCAPED = "\\`*_[]<>|~@&#!"
FINDING_COLUMNS = ("Rule", "Severity", "Resource", "Message", "Remediation")
RESOURCE_COLUMNS = ("Rule", "Severity", "Message", "Remediation")
WAIVER_COLUMNS = ("Rule", "Resource", "Findings", "Reason", "Owner", "Ticket", "Approvers", "Expires")
#: Longest code suggestion, in characters.
SUGGESTION_LIMIT = 1_500
WAIVED_COLUMNS = ("Rule", "Severity", "Resource", "Message", "Waiver")
READER_COLUMNS = ("Principal", "Path", "Allowed?")


@dataclass
class Block:
    """A section: fixed head and tail lines around rows that may be dropped to fit the limit."""

    what: str
    head: list[str]
    rows: list[str]
    tail: list[str] = field(default_factory=list)
    kept: int = 0
    shown: bool = False

    @property
    def omitted(self) -> int:
        return len(self.rows) - self.kept

    def lines(self) -> list[str]:
        body = self.rows[: self.kept]
        if self.omitted:
            body = [*body, "", f"_… and {self.omitted} more not shown (see the note at the top)._"]
        return [*self.head, *body, *self.tail]


def render(result: CheckResult, options: RenderOptions, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The comment body, never longer than ``limit`` characters."""
    header = _header(result)
    display = _blocks(result, options)
    for block in display:
        block.shown, block.kept = True, len(block.rows)
    text = _join(header, display, limit)
    if length(text) <= limit:
        return text
    _fit(header, display, limit)
    text = _join(header, display, limit)
    # _fit keeps a reserve for the notes, so this cut is only a last resort for absurdly small limits.
    while length(text) > limit:
        text = text[: len(text) - (length(text) - limit) - 2].rstrip() + "\n"
    return text


def length(text: str) -> int:
    """Length as GitHub counts it (UTF-16 code units): an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _join(header: list[str], blocks: list[Block], limit: int) -> str:
    lines = [*header, *_truncation_note(blocks, limit)]
    for block in blocks:
        if block.shown:
            lines.extend(block.lines())
    return "\n".join(lines).rstrip("\n") + "\n"


def cell(value: object, limit: int = CELL_LIMIT) -> str:
    """Text safe inside a table cell or list item: escaped, one line, bounded."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    escaped = "".join(f"\\{char}" if char in _ESCAPED else char for char in text)
    return escaped.replace("\n", "<br>")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table_head(columns: tuple[str, ...]) -> list[str]:
    return [_row(list(columns)), _row(["---"] * len(columns))]


def _header(result: CheckResult) -> list[str]:
    settings = [f"- {cell(line)}" for line in settings_lines(result)]
    return ["## " + _verdict(result), "", cell(summary_line(result)), "", *_settings_block(settings)]


def _settings_block(lines: list[str]) -> list[str]:
    """Settings that widen access or weaken a rule: in the header, so never folded or cut away."""
    return [f"**{SETTINGS_HEADING}**", "", *lines, ""] if lines else []


def _verdict(result: CheckResult) -> str:
    if result.errors:
        return f"❌ Lockdown could not complete the check ({_plural(len(result.errors), 'error')})"
    if result.blocking:
        return f"❌ Lockdown: {_plural(len(result.blocking), 'blocking finding')}"
    if result.waived:
        return f"✅ Lockdown: no blocking findings, {_plural(len(result.waived), 'waived finding')} (see below)"
    if result.findings:
        return "✅ Lockdown: no blocking findings"
    if not result.resources:
        return "✅ Lockdown: no resources evaluated, nothing to report"
    return "✅ Lockdown: nothing to report"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _blocks(result: CheckResult, options: RenderOptions) -> list[Block]:
    """Sections in display order: what was accepted comes right under the verdict, never folded away."""
    with_stack = multi_stack(result)
    groups: dict[str, list[Finding]] = {"blocking": [], "advisory": [], "waived": [], "baseline": []}
    for finding in sorted_findings(result):
        groups[status(finding)].append(finding)
    blocks = [_list_block("errors", "### Errors (the check could not be completed)", result.errors)]
    blocks.append(_waivers_block(result))
    if groups["waived"]:
        rows = [_finding_row(finding, with_stack) for finding in _by_resource(groups["waived"])]
        head = ["### Waived findings (not blocking, accepted by the waivers above)", "", *_table_head(WAIVED_COLUMNS)]
        blocks.append(Block("waived findings", head, rows))
    fixes = {rule.id: rule.fix_python for rule in result.rules if rule.fix_python}
    by_resource = [_resource_block(members, with_stack, fixes) for members in _grouped(groups["blocking"])]
    if by_resource:
        by_resource[0].head = ["### Blocking findings, by resource", "", *by_resource[0].head]
    blocks.extend(by_resource)
    blocks.append(_details("advisory findings", _by_resource(groups["advisory"]), with_stack, FINDING_COLUMNS))
    baselined = _by_resource(groups["baseline"])
    blocks.append(_details("existing findings in the baseline", baselined, with_stack, FINDING_COLUMNS))
    blocks.append(_list_block("warnings", "### Warnings (things the check could not see)", result.warnings))
    if options.readers:
        blocks.extend(_reader_blocks(result, with_stack))
    for block in blocks:
        block.tail = [*block.tail, ""]
    return [block for block in blocks if block.rows or block.what == "readers"]


def _by_resource(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: (finding.stack or "", finding.name, finding.urn, finding.rule))


def _grouped(findings: list[Finding]) -> list[list[Finding]]:
    """Findings per resource, resources in the order of their most severe finding."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.stack, finding.urn), []).append(finding)
    return list(groups.values())


def _resource_block(members: list[Finding], with_stack: bool, fixes: dict[str, str]) -> Block:
    """One resource's blocking findings, and what to change in the program where the rule says."""
    first = members[0]
    head = [f"#### {cell(resource_label(first, with_stack))}", "", *_table_head(RESOURCE_COLUMNS)]
    rows = [_row([cell(f.rule), cell(f.severity), cell(f.message), cell(f.remediation)]) for f in members]
    tail: list[str] = []
    for rule_id in dict.fromkeys(finding.rule for finding in members):
        if rule_id in fixes:
            tail.extend(_suggestion(rule_id, fixes[rule_id], first.name))
    return Block("blocking findings", head, rows, tail=tail)


def _suggestion(rule_id: str, template: str, name: str) -> list[str]:
    """A collapsed Pulumi Python snippet: the rule's ``fix_python`` with this resource's name filled in.

    The name is reduced to safe characters and the fence is longer than any backtick run, so
    a hostile logical name cannot end the code block or inject markup.
    """
    safe_name = re.sub(r"[^A-Za-z0-9_.:/-]", "_", name)[:100]
    variable = re.sub(r"\W", "_", safe_name).strip("_").lower() or "resource"
    if variable[0].isdigit():
        variable = f"r_{variable}"
    code = Template(template).safe_substitute(name=safe_name, var=variable)[:SUGGESTION_LIMIT]
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall("`+", code))])
    summary = f"<summary>Suggested change for {html.escape(rule_id)} (Pulumi Python)</summary>"
    return ["", "<details>", summary, "", f"{fence}python", *code.splitlines(), fence, "", "</details>"]


def _waivers_block(result: CheckResult) -> Block:
    """The waivers in force: what each accepts, who owns and approved it, until when."""
    head = ["### Waivers in force", "", *_table_head(WAIVER_COLUMNS)]
    rows = [
        _row(
            [
                cell(entry["rule"]),
                cell(entry["resource"]),
                str(entry["matched"]),
                cell(entry["reason"]),
                cell(entry["owner"]),
                cell(entry["ticket"]),
                cell(", ".join(entry["approvers"])),
                cell(f"{entry['expires']} ({entry['days_left']} days left)"),
            ]
        )
        for entry in sorted(result.waivers, key=lambda entry: (entry["days_left"], entry["rule"], entry["resource"]))
    ]
    return Block("waivers", head, rows)


def _finding_row(finding: Finding, with_stack: bool) -> str:
    last = waiver_text(finding.waiver) if finding.waiver is not None else finding.remediation
    return _row(
        [
            cell(finding.rule),
            cell(finding.severity),
            cell(resource_label(finding, with_stack)),
            cell(finding.message),
            cell(last),
        ]
    )


def _details(what: str, findings: list[Finding], with_stack: bool, columns: tuple[str, ...]) -> Block:
    summary = f"<summary>{html.escape(what.capitalize())} ({len(findings)})</summary>"
    head = ["<details>", summary, "", *_table_head(columns)]
    rows = [_finding_row(finding, with_stack) for finding in findings]
    return Block(what, head, rows, tail=["", "</details>"])


def _list_block(what: str, heading: str, items: list[str]) -> Block:
    return Block(what, [heading, ""], [f"- {cell(item)}" for item in items])


def _reader_blocks(result: CheckResult, with_stack: bool) -> list[Block]:
    rows = reader_rows(result)
    title = "### Who can read restricted data"
    if not rows:
        return [Block("readers", [title, "", "The policies reported no restricted data store."], [])]
    blocks = [Block("readers", [title], [])]
    for first, members in readers_by_store(rows):
        denied = sum(1 for row in members if not row["allowed"])
        label = html.escape(store_label(first, with_stack))
        state = f"{denied} not allowed" if denied else "all allowed"
        opening = "<details open>" if denied else "<details>"
        head = [opening, f"<summary>{label}: {_plural(len(members), 'principal')}, {state}</summary>", ""]
        table_rows = [
            _row([cell(row["principal"]), cell(reader_path(row)), allowed_text(row["allowed"])]) for row in members
        ]
        blocks.append(Block("readers", [*head, *_table_head(READER_COLUMNS)], table_rows, tail=["", "</details>"]))
    return blocks


#: Which sections give way first when the comment is too long (higher number: dropped first).
_PRIORITY = {
    "errors": 0,
    "waivers": 1,
    "blocking findings": 2,
    "waived findings": 3,
    "warnings": 4,
    "advisory findings": 5,
    "existing findings in the baseline": 6,
}


def _fit(header: list[str], blocks: list[Block], limit: int) -> None:
    """Choose the rows to show, most important first, so the comment stays under ``limit``."""
    budget = limit - _NOTE_RESERVE - _size(header)
    full = True
    for block in blocks:
        block.shown, block.kept = False, 0
    for block in sorted(blocks, key=lambda item: _PRIORITY.get(item.what, 9)):
        fixed = _size(block.head) + _size(block.tail)
        if not full or fixed > budget or (block.rows and fixed + length(block.rows[0]) + 1 > budget):
            full = False
            continue
        block.shown = True
        budget -= fixed
        for row in block.rows:
            if length(row) + 1 > budget:
                full = False
                break
            budget -= length(row) + 1
            block.kept += 1


def _size(lines: list[str]) -> int:
    return sum(length(line) + 1 for line in lines)


def _truncation_note(blocks: list[Block], limit: int) -> list[str]:
    missing: dict[str, int] = {}
    for block in blocks:
        count = block.omitted if block.shown else len(block.rows)
        if count:
            missing[block.what] = missing.get(block.what, 0) + count
    if not missing:
        return []
    parts = ", ".join(f"{count} {what}" for what, count in missing.items())
    return [
        f"> ⚠️ **Truncated:** the comment is limited to {limit:,} characters. Not shown: {parts}. "
        "Run `lockdown check --format json` for the full report.",
        "",
    ]
