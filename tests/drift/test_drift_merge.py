"""``lockdown merge`` and the drift commands' failure paths: strict inputs, one line, exit 2.

A merge that passes a truncated or hand-made report would turn an unread account into a
green CI job; a crash that ends as a traceback with exit 1 would read as "drift found".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_drift_reports import sample_report

from lockdown.drift import desired
from lockdown.drift.command import drift_command, merge_command, run_merge
from lockdown.drift.merge import ENTRY_KEYS, LIST_KEYS, merge_reports
from lockdown.drift.report import build_report
from lockdown.errors import LockdownError
from lockdown.findings import CheckResult


def clean_report(account: str = "111111111111") -> dict[str, Any]:
    """A complete report with nothing in it that matters (exit 0 on its own)."""
    return build_report(
        items=[],
        check=CheckResult(rules=()),
        live=[],
        incomplete=[],
        account_id=account,
        regions=("eu-west-1",),
        stack="prod",
        project="lockdown",
        desired_source="state s.json",
    )


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def one_line_exit_2(result: Result, *names: str) -> None:
    """The contract for every failure: exit 2, one line on stderr naming the file, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("lockdown: error: ") and result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.output
    for name in names:
        assert name in result.stderr


def test_a_report_with_only_its_kind_is_rejected_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "k.json", {"kind": "drift"})
    with pytest.raises(LockdownError, match=r"k\.json: .*missing field 'scope'"):
        run_merge([path])
    one_line_exit_2(CliRunner().invoke(merge_command, [str(path), "--format", "json"]), "k.json")


@pytest.mark.parametrize("key", [*LIST_KEYS, "summary"])
def test_every_list_and_the_summary_are_required(tmp_path: Path, key: str) -> None:
    report = clean_report()
    del report[key]
    path = write(tmp_path, "partial.json", report)
    with pytest.raises(LockdownError, match=rf"partial\.json: .*missing field '{key}'"):
        run_merge([path])


@pytest.mark.parametrize(("key", "field"), [(key, field) for key, fields in ENTRY_KEYS.items() for field in fields])
def test_every_entry_needs_its_keys(tmp_path: Path, key: str, field: str) -> None:
    report = sample_report(incomplete=True)
    assert report[key], f"the sample report has no {key} entry to break"
    del report[key][0][field]
    path = write(tmp_path, "entry.json", report)
    with pytest.raises(LockdownError, match=rf"entry\.json: .*{key}\[0\] lacks '{field}'"):
        run_merge([path])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(scope=["x"]), r"scope\[0\] must be an object"),
        (lambda r: r.update(scope=[]), "scope' is empty"),
        (lambda r: r.update(warnings=[{"w": 1}]), r"warnings\[0\] must be a string"),
        (lambda r: r["drift"][0].update({"class": "fine"}), "has class 'fine'"),
        (lambda r: r["drift"][0].update(matters="yes"), "has matters 'yes'"),
        (lambda r: r["findings"][0].update(severity="urgent"), "has severity 'urgent'"),
        (lambda r: r["summary"].update(exitCode=7), "summary.exitCode is 7"),
        (lambda r: r["summary"].update(exitCode=True), "summary.exitCode is True"),
        (lambda r: r["summary"].pop("complete"), "summary.complete is None"),
        (lambda r: r.update(summary="ok"), "'summary' must be an object"),
    ],
)
def test_malformed_reports_are_rejected_with_one_line(tmp_path: Path, change: Any, message: str) -> None:
    report = sample_report()
    change(report)
    path = write(tmp_path, "bad.json", report)
    with pytest.raises(LockdownError, match=message):
        run_merge([path])
    one_line_exit_2(CliRunner().invoke(merge_command, [str(path)]), "bad.json")


def test_an_input_that_says_it_is_incomplete_keeps_the_merge_incomplete(tmp_path: Path) -> None:
    stated = clean_report("222222222222")
    stated["summary"] |= {"exitCode": 2, "complete": False}
    merged = merge_reports([clean_report(), stated])
    assert merged["summary"]["exitCode"] == 2 and merged["summary"]["complete"] is False
    assert merged["summary"]["verdict"].startswith("Scan incomplete")
    assert any("worse verdict" in warning for warning in merged["warnings"])
    paths = [write(tmp_path, "a.json", clean_report()), write(tmp_path, "b.json", stated)]
    assert run_merge(paths, "json", tmp_path / "merged.json") == 2
    assert json.loads((tmp_path / "merged.json").read_text())["summary"]["complete"] is False


def test_the_merged_exit_code_is_at_least_the_worst_input_exit_code() -> None:
    stated = clean_report("222222222222")
    stated["summary"]["exitCode"] = 1
    merged = merge_reports([clean_report(), stated])
    assert merged["summary"]["exitCode"] == 1 and merged["summary"]["complete"] is True
    assert merge_reports([clean_report(), clean_report("333333333333")])["summary"]["exitCode"] == 0


def test_a_crash_in_merge_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(_: Any) -> dict[str, Any]:
        raise AttributeError("'str' object has no attribute 'get'")

    monkeypatch.setattr("lockdown.drift.merge.merge_reports", crash)
    path = write(tmp_path, "ok.json", clean_report())
    one_line_exit_2(CliRunner().invoke(merge_command, [str(path)]), "internal error: AttributeError")


def test_a_crash_in_drift_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: Any) -> None:
        raise KeyError("deployment")

    monkeypatch.setattr(desired, "load_desired", crash)
    result = CliRunner().invoke(drift_command, ["--state", str(tmp_path / "s.json"), "--region", "eu-west-1"])
    one_line_exit_2(result, "internal error: KeyError")


def test_drift_checks_the_output_directory_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(desired, "load_desired", lambda *args: calls.append(args))
    output = tmp_path / "missing" / "report.md"
    args = ["--state", str(tmp_path / "s.json"), "--region", "eu-west-1", "--output", str(output)]
    one_line_exit_2(CliRunner().invoke(drift_command, args), "output directory", str(output.parent))
    assert calls == [], "the desired state was loaded (and AWS would be scanned) before the output was checked"


def test_merge_checks_the_output_directory_before_reading_inputs(tmp_path: Path) -> None:
    path = write(tmp_path, "k.json", {"kind": "drift"})
    result = CliRunner().invoke(merge_command, [str(path), "--output", str(tmp_path / "missing" / "m.md")])
    one_line_exit_2(result, "output directory")


def test_a_real_drift_report_passes_the_strict_checks_and_keeps_its_verdict(moto: str, tmp_path: Path) -> None:
    import drift_stack as stack
    from test_drift_classes import drift_json

    state = stack.deploy(moto)
    stack.client(moto, "s3").delete_bucket_policy(Bucket=stack.RAW)
    code, report = drift_json(moto, tmp_path, state)
    assert code == 1 and report["drift"] and report["readers"] and report["scope"]
    assert run_merge([tmp_path / "report.json"], "json", tmp_path / "merged.json") == code
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["summary"] == report["summary"]


def test_the_published_drift_report_schema_is_the_one_enforced() -> None:
    from lockdown.drift.merge import SCHEMA

    published = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "drift-report.schema.json"
    assert json.loads(published.read_text()) == json.loads(json.dumps(SCHEMA))
