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
from dataclasses import dataclass, field

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
    if result.findings:
        return "✅ Lockdown: no blocking findings"
    if not result.resources:
        return "✅ Lockdown: no resources evaluated, nothing to report"
    return "✅ Lockdown: nothing to report"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _blocks(result: CheckResult, options: RenderOptions) -> list[Block]:
    """Sections in display order."""
    with_stack = multi_stack(result)
    groups: dict[str, list[Finding]] = {"blocking": [], "advisory": [], "waived": []}
    for finding in sorted_findings(result):
        groups[status(finding)].append(finding)
    blocks = [_list_block("errors", "### Errors (the check could not be completed)", result.errors)]
    if groups["blocking"]:
        rows = [_finding_row(finding, with_stack) for finding in groups["blocking"]]
        blocks.append(Block("blocking findings", ["### Blocking findings", "", *_table_head(FINDING_COLUMNS)], rows))
    blocks.append(_details("advisory findings", groups["advisory"], with_stack, FINDING_COLUMNS))
    blocks.append(_details("waived findings", groups["waived"], with_stack, WAIVED_COLUMNS))
    blocks.append(_list_block("warnings", "### Warnings (things the check could not see)", result.warnings))
    if options.readers:
        blocks.extend(_reader_blocks(result, with_stack))
    for block in blocks:
        block.tail = [*block.tail, ""]
    return [block for block in blocks if block.rows or block.what == "readers"]


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
_PRIORITY = {"errors": 0, "blocking findings": 1, "warnings": 2, "advisory findings": 3, "waived findings": 4}


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
