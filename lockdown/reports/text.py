"""``--format text``: what a person at a terminal (or a CI log) reads.

One table grouped by resource (so every problem with a bucket is seen together), then the
reader report, what the check could not see, what went wrong, and a one-line summary.

The tables are laid out here (fixed column widths, word wrap) and printed through a rich
``Console`` as styled ``Text``: rich's own ``Table`` measures and re-wraps every cell and
took over a second for 2,000 findings, while this is the default format of a check that
must finish 10,000 resources in under 3 s. Text from findings is never parsed as markup,
so a ``[`` in a message or ARN cannot restyle or hide anything. Colour only when asked for.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO

from rich.cells import cell_len
from rich.console import COLOR_SYSTEMS, Console
from rich.style import Style

from lockdown.findings import CheckResult, Finding
from lockdown.reports import RenderOptions
from lockdown.reports.common import (
    SETTINGS_HEADING,
    allowed_text,
    multi_stack,
    reader_path,
    reader_rows,
    readers_by_store,
    settings_lines,
    sorted_findings,
    status,
    store_label,
    summary_line,
    waiver_text,
)

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
STATUS_STYLE = {"blocking": "bold red", "advisory": "yellow", "waived": "dim", "baseline": "yellow"}
STATUS_LABEL = {"blocking": "BLOCKING", "advisory": "advisory", "waived": "waived", "baseline": "baseline"}
GAP = "  "
#: Control characters (ESC above all) that a resource name or message must not send to a terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: A styled piece of a line, and a line made of them.
Segment = tuple[str, str]
Line = list[Segment]


@dataclass(frozen=True)
class Cell:
    """One table cell: text (may hold newlines) and its style."""

    text: str
    style: str = ""

    def __post_init__(self) -> None:
        # Neutralise control characters before the text is measured, wrapped or printed.
        object.__setattr__(self, "text", _CONTROL.sub("\ufffd", self.text))


def render(result: CheckResult, options: RenderOptions) -> str:
    """The report as text, with ANSI colour codes only when ``options.color``."""
    width = max(options.width or 120, 40)
    with_stack = multi_stack(result)
    lines: list[Line] = []
    if result.settings:  # first, so a reviewer sees what the settings relax before any finding
        lines += [*_bullets(SETTINGS_HEADING, settings_lines(result), "yellow", width)[1:], []]
    if result.findings:
        lines += findings_table(result, width, with_remediation=_wants_remediation(options), with_stack=with_stack)
    else:
        lines.append([(_nothing_found(result), "green")])
    if options.readers:
        lines += _readers(result, width, with_stack)
    lines += _bullets("Warnings (things the check could not see):", result.warnings, "yellow", width)
    lines += _bullets("Errors (the check could not be completed):", result.errors, "bold red", width)
    lines += [[], [(summary_line(result), "bold red" if result.errors or result.blocking else "bold green")]]
    return _emit(lines, options.color, width)


def _wants_remediation(options: RenderOptions) -> bool:
    """Remediation is shown on demand; ``RenderOptions`` may not carry the switch yet."""
    return bool(getattr(options, "remediation", False))


def _nothing_found(result: CheckResult) -> str:
    if result.errors:
        return "No findings, but the check could not be completed (see errors below)."
    if not result.resources:
        return "No resources were evaluated: nothing to report."
    return f"No findings: all {result.resources} resources pass every rule."


def findings_table(result: CheckResult, width: int, *, with_remediation: bool, with_stack: bool) -> list[Line]:
    """One table, a block per resource (named once), findings in report order inside each."""
    groups = _group_by_resource(sorted_findings(result))
    rows: list[list[Cell]] = []
    starts: set[int] = set()
    for findings in groups:
        starts.add(len(rows))
        for position, finding in enumerate(findings):
            label = _resource_cell(finding, with_stack) if position == 0 else ""
            cells = [Cell(label, "bold"), *_finding_cells(finding)]
            if with_remediation:
                cells.append(Cell(finding.remediation))
            rows.append(cells)
    headers = ["Resource", "Rule", "Severity", "Status", "Message"] + (["Remediation"] if with_remediation else [])
    widths = _finding_widths(rows, width, with_remediation)
    return table(headers, widths, rows, starts)


def _resource_cell(finding: Finding, with_stack: bool) -> str:
    """Logical name over its type, so neither is cut in the middle on a narrow terminal."""
    name = f"{finding.stack}/{finding.name}" if with_stack and finding.stack else finding.name
    return f"{name}\n{finding.type}" if finding.type else name


def _finding_cells(finding: Finding) -> list[Cell]:
    state = status(finding)
    message = finding.message
    if finding.waiver is not None:
        message += f"\nwaived: {waiver_text(finding.waiver)}"
    return [
        Cell(finding.rule),
        Cell(finding.severity, SEVERITY_STYLE.get(finding.severity, "")),
        Cell(STATUS_LABEL[state], STATUS_STYLE[state]),
        Cell(message),
    ]


def _finding_widths(rows: list[list[Cell]], width: int, with_remediation: bool) -> list[int]:
    """Columns sized to their content: resource capped, message (and remediation) share the rest."""
    fixed = [_natural(rows, 1, "Rule"), 8, 8]
    available = width - len(GAP) * (len(rows[0]) - 1) - sum(fixed)
    resource = min(max(20, available * 2 // 5), _natural(rows, 0, "Resource"))
    rest = max(available - resource, 10)
    if not with_remediation:
        return [resource, *fixed, min(rest, _natural(rows, 4, "Message"))]
    message = min(max(rest * 5 // 9, 5), _natural(rows, 4, "Message"))
    return [resource, *fixed, message, min(max(rest - message, 5), _natural(rows, 5, "Remediation"))]


def _natural(rows: list[list[Cell]], column: int, header: str) -> int:
    """The widest line of a column (its header included): what it needs without wrapping."""
    return max(
        cell_len(line) for text in (header, *(row[column].text for row in rows)) for line in text.splitlines() or [""]
    )


def _group_by_resource(findings: list[Finding]) -> list[list[Finding]]:
    """Findings per (stack, resource), resources ordered by their most urgent finding."""
    groups: dict[tuple[str | None, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.stack, finding.urn), []).append(finding)
    return list(groups.values())


def _readers(result: CheckResult, width: int, with_stack: bool) -> list[Line]:
    rows = reader_rows(result)
    if not rows:
        return [[], [("Readers: the policies reported no restricted data store.", "")]]
    lines: list[Line] = []
    for first, members in readers_by_store(rows):
        lines += [[], [(f"Readers of {store_label(first, with_stack)}", "bold")]]
        cells = [
            [
                Cell(str(row["principal"] or "?")),
                Cell(reader_path(row)),
                Cell(allowed_text(row["allowed"]), "green" if row["allowed"] else "bold red"),
            ]
            for row in members
        ]
        available = width - 2 * len(GAP) - 7
        principal = min(_natural(cells, 0, "Principal"), available // 2)
        path = min(_natural(cells, 1, "Path"), available - principal)
        lines += table(["Principal", "Path", "Allowed"], [principal, path, 7], cells, set())
    return lines


def _bullets(heading: str, items: list[str], style: str, width: int) -> list[Line]:
    if not items:
        return []
    lines: list[Line] = [[], [(heading, style)]]
    for item in items:
        wrapped = wrap(item, width - 4)
        lines += [[("  - " if index == 0 else "    ", ""), (text, "")] for index, text in enumerate(wrapped)]
    return lines


def table(headers: Sequence[str], widths: Sequence[int], rows: list[list[Cell]], starts: set[int]) -> list[Line]:
    """A header, a rule, and the rows wrapped to ``widths``; a blank line before each group start."""
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    lines = _row_lines([Cell(header, "bold") for header in headers], widths)
    lines.append([("─" * total, "")])
    for index, row in enumerate(rows):
        if index in starts and index:
            lines.append([])
        lines += _row_lines(row, widths)
    return lines


def _row_lines(row: Sequence[Cell], widths: Sequence[int]) -> list[Line]:
    wrapped = [wrap(cell.text, cell_width) for cell, cell_width in zip(row, widths, strict=True)]
    return [_line(row, wrapped, widths, number) for number in range(max(len(part) for part in wrapped))]


def _line(row: Sequence[Cell], wrapped: list[list[str]], widths: Sequence[int], number: int) -> Line:
    line: Line = []
    for column, (cell, parts, cell_width) in enumerate(zip(row, wrapped, widths, strict=True)):
        text = parts[number] if number < len(parts) else ""
        line.append((text, cell.style))
        if column < len(widths) - 1:
            line.append((" " * (cell_width - cell_len(text)) + GAP, ""))
    return line


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width`` terminal cells, breaking long tokens (ARNs, URNs) where needed."""
    lines: list[str] = []
    for paragraph in _CONTROL.sub("\ufffd", str(text)).splitlines() or [""]:
        if paragraph.isascii():
            lines += textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
        else:
            lines += _wrap_cells(paragraph, width)
    return lines


def _wrap_cells(paragraph: str, width: int) -> list[str]:
    """Wrap text with wide or combining characters by cell width, as a terminal shows it."""
    lines = [""]
    for word in paragraph.split():
        candidate = f"{lines[-1]} {word}" if lines[-1] else word
        if cell_len(candidate) <= width:
            lines[-1] = candidate
            continue
        lines.append("")
        for char in word:
            if cell_len(lines[-1] + char) > width:
                lines.append("")
            lines[-1] += char
    return lines


def _emit(lines: list[Line], color: bool, width: int) -> str:
    """Plain text joins the segments; colour asks rich which colour system to use and styles each segment.

    Styling segments directly (``Style.render``) rather than printing each line through the
    console keeps a large coloured report linear and fast.
    """
    system = None
    if color:
        console = Console(file=StringIO(), force_terminal=True, color_system="auto", width=width)
        system = None if console.no_color else COLOR_SYSTEMS.get(console.color_system or "")
    if system is None:
        return "".join(_CONTROL.sub("\ufffd", "".join(text for text, _ in line)).rstrip() + "\n" for line in lines)
    styles: dict[str, Style] = {}

    def styled(text: str, style: str) -> str:
        text = _CONTROL.sub("\ufffd", text)
        if not style or not text:
            return text
        parsed = styles.setdefault(style, Style.parse(style))
        return parsed.render(text, color_system=system)

    return "".join("".join(styled(text, style) for text, style in line).rstrip() + "\n" for line in lines)
