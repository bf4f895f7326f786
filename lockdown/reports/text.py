"""``--format text``: what a person at a terminal reads.

One table grouped by resource (so every problem with a bucket is seen together), then the
reader report, what the check could not see, what went wrong, and a one-line summary.
Every piece of text from findings goes in as ``rich.text.Text``, never as markup, so a
``[`` in a message or ARN cannot restyle or hide anything. Colour only when asked for.
"""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lockdown.findings import CheckResult, Finding
from lockdown.reports import RenderOptions
from lockdown.reports.common import (
    allowed_text,
    multi_stack,
    reader_path,
    reader_rows,
    readers_by_store,
    resource_label,
    sorted_findings,
    status,
    store_label,
    summary_line,
    waiver_text,
)

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
STATUS_STYLE = {"blocking": "bold red", "advisory": "yellow", "waived": "dim"}


def render(result: CheckResult, options: RenderOptions) -> str:
    """The report as plain text, with ANSI colour codes only when ``options.color``."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        color_system="auto" if options.color else None,
        no_color=not options.color,
        width=options.width or 120,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    with_stack = multi_stack(result)
    if result.findings:
        console.print(findings_table(result, with_remediation=_wants_remediation(options), with_stack=with_stack))
    else:
        console.print(Text(_nothing_found(result), style="green"))
    if options.readers:
        _print_readers(console, result, with_stack)
    _print_list(console, "Warnings (things the check could not see):", result.warnings, "yellow")
    _print_list(console, "Errors (the check could not be completed):", result.errors, "bold red")
    console.print(Text(summary_line(result), style=_summary_style(result)))
    return buffer.getvalue()


def _wants_remediation(options: RenderOptions) -> bool:
    """Remediation is shown on demand; ``RenderOptions`` may not carry the switch yet."""
    return bool(getattr(options, "remediation", False))


def _nothing_found(result: CheckResult) -> str:
    if result.errors:
        return "No findings, but the check could not be completed (see errors below)."
    if not result.resources:
        return "No resources were evaluated: nothing to report."
    return f"No findings: all {result.resources} resources pass every rule."


def findings_table(result: CheckResult, *, with_remediation: bool, with_stack: bool) -> Table:
    """One table, a section per resource, findings in report order inside each."""
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False, title_justify="left")
    table.add_column("Resource", overflow="fold", ratio=3)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=5)
    if with_remediation:
        table.add_column("Remediation", overflow="fold", ratio=4)
    groups = _group_by_resource(sorted_findings(result))
    for index, findings in enumerate(groups):
        for position, finding in enumerate(findings):
            resource = Text(resource_label(finding, with_stack), style="bold") if position == 0 else Text("")
            cells = [resource, *_finding_cells(finding)]
            if with_remediation:
                cells.append(Text(finding.remediation))
            table.add_row(*cells, end_section=position == len(findings) - 1 and index < len(groups) - 1)
    return table


def _finding_cells(finding: Finding) -> list[Text]:
    state = status(finding)
    label = {"blocking": "BLOCKING", "advisory": "advisory", "waived": "waived"}[state]
    message = Text(finding.message)
    if finding.waiver is not None:
        message.append(f"\nwaived: {waiver_text(finding.waiver)}", style="dim")
    return [
        Text(finding.rule),
        Text(finding.severity, style=SEVERITY_STYLE.get(finding.severity, "")),
        Text(label, style=STATUS_STYLE[state]),
        message,
    ]


def _group_by_resource(findings: list[Finding]) -> list[list[Finding]]:
    """Findings per (stack, resource), resources ordered by their most urgent finding."""
    groups: dict[tuple[str | None, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.stack, finding.urn), []).append(finding)
    return list(groups.values())


def _print_readers(console: Console, result: CheckResult, with_stack: bool) -> None:
    rows = reader_rows(result)
    console.print()
    if not rows:
        console.print(Text("Readers: no restricted data store found (nothing to report)."))
        return
    for first, members in readers_by_store(rows):
        table = Table(box=box.SIMPLE_HEAD, title_justify="left")
        table.title = Text(f"Readers of {store_label(first, with_stack)}", style="bold")
        table.add_column("Principal", overflow="fold")
        table.add_column("Path", overflow="fold")
        table.add_column("Allowed", no_wrap=True)
        for row in members:
            allowed = allowed_text(row["allowed"])
            style = "green" if row["allowed"] else "bold red"
            table.add_row(Text(str(row["principal"] or "?")), Text(reader_path(row)), Text(allowed, style=style))
        console.print(table)


def _print_list(console: Console, heading: str, items: list[str], style: str) -> None:
    if not items:
        return
    console.print()
    console.print(Text(heading, style=style))
    for item in items:
        console.print(Text(f"  - {item}"))


def _summary_style(result: CheckResult) -> str:
    if result.errors or result.blocking:
        return "bold red"
    return "bold green"
