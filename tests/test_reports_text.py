"""The text report: a table grouped by resource, warnings, errors and a one-line summary."""

from __future__ import annotations

import re
from types import SimpleNamespace

from rich.cells import cell_len

from lockdown.reports import RenderOptions
from lockdown.reports.text import render
from tests.test_reports_common import RULES, empty_result, finding, mixed_result

ANSI = re.compile(r"\x1b\[")


def test_colour_off_has_no_ansi_codes_and_colour_on_has_them(monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # must not override an explicit "no colour"
    plain = render(mixed_result(errors=["boom"]), RenderOptions(color=False, readers=True))
    assert not ANSI.search(plain)
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = render(mixed_result(errors=["boom"]), RenderOptions(color=True, readers=True))
    assert ANSI.search(coloured)


def test_no_color_environment_and_dumb_terminals_get_plain_text(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(render(mixed_result(), RenderOptions(color=True)))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not ANSI.search(render(mixed_result(), RenderOptions(color=True)))


def test_ends_with_the_summary_line() -> None:
    lines = render(mixed_result(), RenderOptions()).splitlines()
    assert lines[-1] == "7 resources, 5 findings, 3 blocking, 1 waived"


def test_findings_are_grouped_by_resource_with_the_resource_named_once() -> None:
    text = render(mixed_result(), RenderOptions(width=200))
    lines = text.splitlines()
    assert sum(line.startswith("raw-events-policy ") for line in lines) == 1
    first = next(i for i, line in enumerate(lines) if line.startswith("raw-events-policy "))
    assert lines[first].split()[1:4] == ["LD-S3-001", "critical", "BLOCKING"]
    assert lines[first + 1].strip() == "aws:s3/bucketPolicy:BucketPolicy"
    assert lines[first + 2].split()[:3] == ["LD-S3-002", "high", "BLOCKING"]
    assert lines[first + 3] == ""  # a blank line closes the resource's block
    # Resources in order of their most urgent finding: blocking ones before waived and advisory.
    order = [text.index(name) for name in ("raw-events-policy ", "transcripts-policy", "legacy-export", "capture-key")]
    assert order == sorted(order)


def test_columns_line_up() -> None:
    lines = render(mixed_result(), RenderOptions(width=120)).splitlines()
    header = lines[0]
    assert header.split() == ["Resource", "Rule", "Severity", "Status", "Message"]
    rule_column = header.index("Rule")
    rows = [line for line in lines if "LD-" in line]
    assert len(rows) == 5
    assert all(line[rule_column : rule_column + 3] == "LD-" for line in rows)


def test_wide_characters_and_long_tokens_wrap_within_the_width() -> None:
    result = empty_result()
    long_arn = "arn:aws:iam::123456789012:role/" + "x" * 150
    result.findings = [finding(RULES[0], "bucket", message=f"読み取り可能なバケット {long_arn} 終わり")]
    text = render(result, RenderOptions(width=80))
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "".join(line.split("BLOCKING")[-1].strip() for line in text.splitlines()).count("x") == 150


def test_status_column_says_blocking_advisory_or_waived_with_the_reason() -> None:
    text = render(mixed_result(), RenderOptions(width=200))
    assert "BLOCKING" in text and "advisory" in text
    assert (
        "waived: Accepted by security review SEC-42 (SEC-42, owner data-platform, approved by alice, bob, "
        "until 2027-01-31)" in text
    )


def test_remediation_only_on_demand() -> None:
    result = mixed_result()
    assert "Fix LD-S3-001" not in render(result, RenderOptions(width=200))
    on_demand = SimpleNamespace(color=False, readers=False, width=200, remediation=True)
    assert "Fix LD-S3-001 by doing the right thing." in render(result, on_demand)


def test_warnings_and_errors_are_listed_before_the_summary() -> None:
    text = render(mixed_result(errors=["policies/x.rego: rule LD-X failed"]), RenderOptions(width=200))
    assert "Warnings (things the check could not see):" in text
    assert "policy is unknown at plan time" in text
    assert "Errors (the check could not be completed):" in text
    assert text.index("Warnings") < text.index("Errors") < text.index("7 resources,")


def test_nothing_to_report_is_said_plainly() -> None:
    text = render(empty_result(), RenderOptions())
    assert text.splitlines() == [
        "No findings: all 5 resources pass every rule.",
        "",
        "5 resources, 0 findings, 0 blocking, 0 waived",
    ]
    assert "No resources were evaluated" in render(empty_result(resources=0), RenderOptions())


def test_no_findings_but_errors_is_not_reported_as_clean() -> None:
    result = empty_result()
    result.errors = ["engine failed"]
    text = render(result, RenderOptions())
    assert "could not be completed" in text
    assert "all 5 resources pass" not in text


def test_rich_markup_in_messages_is_shown_literally() -> None:
    result = empty_result()
    result.findings = [finding(RULES[0], "b", message="[bold red]not markup[/] arn:aws:s3:::b/[x]*")]
    text = render(result, RenderOptions(width=200))
    assert "[bold red]not markup[/] arn:aws:s3:::b/[x]*" in text


def test_reader_report_is_a_table_per_store() -> None:
    text = render(mixed_result(), RenderOptions(readers=True, width=200))
    assert "Readers of raw-events" in text and "Readers of transcripts" in text
    star = next(line for line in text.splitlines() if line.strip().startswith("*"))
    assert star.split()[-1] == "NO"
    empty = empty_result()
    assert "reported no restricted data store" in render(empty, RenderOptions(readers=True))


def test_width_is_respected() -> None:
    text = render(mixed_result(), RenderOptions(width=80, readers=True))
    assert max(len(line) for line in text.splitlines()) <= 80


def test_stacks_are_named_when_a_result_spans_several() -> None:
    result = mixed_result()
    result.findings.append(finding(RULES[0], "raw-events-policy", stack="staging"))
    text = render(result, RenderOptions(width=200))
    assert "staging/raw-events-policy\n" in text.replace(" ", "") or "staging/raw-events-policy " in text
    assert "prod/raw-events-policy " in text


def test_terminal_control_sequences_in_findings_are_neutralised(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    result = empty_result()
    result.findings = [finding(RULES[0], "evil\x1b]0;title\x07", message="clear \x1b[2J screen\rover")]
    result.warnings = ["warn \x1b[31mred"]
    plain = render(result, RenderOptions())
    assert "\x1b" not in plain and "\x07" not in plain and "\r" not in plain
    assert "clear \ufffd[2J screen" in plain
    coloured = render(result, RenderOptions(color=True))
    assert "\x1b[2J" not in coloured and "\x1b]0;" not in coloured
