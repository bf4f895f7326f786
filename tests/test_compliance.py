"""`lockdown report --framework`: every control the rules evidence, with its status per stack."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lockdown import waivers
from lockdown.cli import main
from lockdown.engine.policyset import load_policy_set
from lockdown.reports.compliance import FRAMEWORKS, context, render_html, render_markdown
from tests.test_reports_common import RULES, empty_result, finding

REPO = Path(__file__).parents[1]
LEAKY = Path(__file__).parent / "fixtures" / "preview" / "python-v7-leaky.json"


def run(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.stdout, done.stderr


def expected_controls(framework: str) -> set[str]:
    prefix = FRAMEWORKS[framework][0] + " "
    return {
        entry[len(prefix) :]
        for rule in load_policy_set().rules
        for entry in rule.frameworks
        if entry.startswith(prefix)
    }


def summary_rows(markdown: str) -> dict[str, list[str]]:
    table = markdown[: markdown.index("## Controls in detail")]
    rows = [
        line for line in table.splitlines() if line.startswith("| ") and not line.startswith(("| Control", "| ---"))
    ]
    return {cells[0]: cells[1:] for cells in ([c.strip() for c in row.strip("|").split(" | ")] for row in rows)}


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_the_prod_report_lists_every_control_with_its_status(tmp_path: Path, framework: str) -> None:
    code, out, err = run(
        "report", "--framework", framework, "--program", str(REPO), "--stack", "prod", "--output-dir", str(tmp_path)
    )
    assert code == 0, err
    markdown = (tmp_path / f"lockdown-{framework}.md").read_text()
    rows = summary_rows(markdown)
    assert set(rows) == expected_controls(framework) and rows
    assert all(cells[0] == "pass" and cells[1] == "pass" for cells in rows.values())  # prod is clean
    assert f"Generated {date.today().isoformat()}" in markdown and "for stacks: prod" in markdown
    page = (tmp_path / f"lockdown-{framework}.html").read_text()
    assert page.count('<span class="status pass">') == 2 * len(rows)
    assert not re.search(r"(src|href)=", page)  # self-contained: nothing fetched
    assert f"{len(rows)} controls" in out


def test_a_leaky_stack_fails_its_controls_and_lists_the_waivers_in_force(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(waivers, "today", lambda: date(2026, 12, 3))
    entry = {
        "rule": "LD-KMS-002",
        "resource": "capture-key",
        "reason": "rotation after migration",
        "owner": "sec",
        "ticket": "SEC-5",
        "approver": "alice",
        "expires": "2027-01-01",
    }
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({"waivers": [entry]}))
    code, _, err = run(
        "report",
        "--framework",
        "soc2",
        "--preview-json",
        str(LEAKY),
        "--waivers",
        str(path),
        "--output-dir",
        str(tmp_path),
    )
    assert code == 1, err
    markdown = (tmp_path / "lockdown-soc2.md").read_text()
    rows = summary_rows(markdown)
    assert rows["CC6.1"][0] == "fail" and rows["CC6.1"][1].startswith("fail (")
    assert rows["A1.2"] == ["advisory", "advisory (1)", "LD-S3-008"]  # versioning is an advisory rule
    assert "- LD-KMS-002 on `capture-key`: rotation after migration (SEC-5, owner sec, approved by alice" in markdown
    assert "Generated 2026-12-03" in markdown


def test_a_failed_run_writes_no_evidence(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, _, err = run("report", "--framework", "gdpr", "--preview-json", str(broken), "--output-dir", str(tmp_path))
    assert code == 2 and "no report written" in err
    assert not list(tmp_path.glob("lockdown-*"))


def test_statuses_per_stack_and_escaping() -> None:
    s3_1, s3_2, kms_1, log_1 = RULES  # all cite "GDPR Art. 32"
    result = empty_result()
    result.stacks = ["dev", "prod"]
    waived = {
        "rule": "LD-S3-001",
        "resource": "*",
        "reason": "<script>x</script>",
        "owner": "o",
        "ticket": "T",
        "approvers": ["a", "b"],
        "expires": "2027-01-01",
    }
    result.findings = [
        finding(s3_1, "b", stack="dev", waiver=waived),
        finding(kms_1, "k", stack="prod", type_="aws:kms/key:Key"),
    ]
    result.waivers = [{**waived, "origin": "w", "matched": 1, "days_left": 29}]
    data = context(result, "gdpr", date(2026, 12, 3))
    [control] = data["controls"]
    assert control.id == "Art. 32" and control.status == {"dev": "waived", "prod": "advisory"}
    assert control.overall == "waived" and [rule.id for rule in control.rules] == sorted(
        r.id for r in (s3_1, s3_2, kms_1, log_1)
    )
    page = render_html(data)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<script>" not in render_markdown(data)


def test_controls_sort_naturally() -> None:
    from dataclasses import replace

    rules = tuple(
        replace(RULES[0], id=f"LD-X-{i}", frameworks=(f"ISO 27001 A.{c}",))
        for i, c in enumerate(["8.24", "5.15", "8.3", "5.9"])
    )
    result = empty_result()
    result.rules, result.stacks = rules, ["prod"]
    assert [c.id for c in context(result, "iso27001", date(2026, 1, 1))["controls"]] == [
        "A.5.9",
        "A.5.15",
        "A.8.3",
        "A.8.24",
    ]
