"""check(): findings from violations, blocking, waivers, exit codes; the CLI around it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from lockdown.atomic import write_atomic
from lockdown.engine import load_engine
from lockdown.errors import LockdownError
from lockdown.findings import check
from lockdown.model import LoadedStack, Resource
from lockdown.settings import resolve
from tests.policy_fixtures import write_rule, write_rule_calling_an_unknown_function


def stack(*names: str) -> LoadedStack:
    resources = [
        Resource(
            urn=f"urn:pulumi:dev::p::aws:s3/bucket:Bucket::{n}",
            type="aws:s3/bucket:Bucket",
            name=n,
            properties={},
            source="state",
        )
        for n in names
    ]
    return LoadedStack(resources=resources, source="test", stack="dev")


@pytest.fixture
def engine(tmp_path: Path):
    write_rule(tmp_path)
    write_rule(tmp_path, package="advice", rule_id="LD-DEMO-002", bad="meh", enforcement="advisory", severity="low")
    return load_engine(tmp_path)


def test_mandatory_findings_block_and_advisory_ones_do_not(engine) -> None:
    result = check(stack("bad", "meh", "fine"), engine, resolve({}))
    assert [(f.rule, f.name, f.blocking) for f in result.findings] == [
        ("LD-DEMO-001", "bad", True),
        ("LD-DEMO-002", "meh", False),
    ]
    assert result.exit_code == 1
    assert check(stack("meh", "fine"), engine, resolve({})).exit_code == 0


def test_a_waiver_unblocks_and_is_recorded(engine) -> None:
    waiver = {
        "rule": "LD-DEMO-001",
        "resource": "bad",
        "reason": "ticket SEC-1",
        "owner": "platform",
        "ticket": "SEC-1",
        "approver": "alice",
        "expires": "2027-01-01",
    }
    result = check(stack("bad"), engine, resolve({}, {"waivers": [waiver]}), today=date(2026, 11, 29))
    assert result.exit_code == 0
    assert result.findings[0].waiver["reason"] == "ticket SEC-1"


def test_write_atomic_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, "{}")
    assert target.read_text() == "{}"
    with pytest.raises(LockdownError, match="output directory"):
        write_atomic(tmp_path / "missing" / "r.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_cli_without_a_source_exits_2_with_one_line() -> None:
    done = run_cli("check")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "lockdown: error: nothing to check: give --stack NAME, --preview-json FILE or --state FILE"
    ]


def test_cli_broken_policy_exits_2_naming_the_file(tmp_path: Path) -> None:
    rule = write_rule(tmp_path)
    rule.write_text(rule.read_text().replace("deny contains", "deny contains contains"))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": []}}))
    done = run_cli("check", "--state", str(state), "--policies", str(tmp_path))
    assert done.returncode == 2
    assert "named_bad.rego" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_lockdown_test_reports_failures_and_coverage(tmp_path: Path) -> None:
    write_rule(tmp_path)
    done = run_cli("test", "--policies", str(tmp_path), "--coverage")
    assert done.returncode == 0, done.stderr
    assert "2 passed, 0 failed" in done.stdout and "total coverage: 100.0%" in done.stdout
    test_file = tmp_path / "rules" / "demo" / "named_bad_test.rego"
    test_file.write_text(test_file.read_text().replace("count(named_bad.deny) == 0", "count(named_bad.deny) == 1"))
    done = run_cli("test", "--policies", str(tmp_path))
    assert done.returncode == 1
    assert "FAIL lockdown.rules.demo.named_bad_test.test_allows_other_name" in done.stdout


def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["check", "--preview-json", str(tmp_path)], ["check", "--format", "nope"], ["merge"]):
        done = run_cli(*args)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("lockdown: error: "), args


def test_a_policy_calling_an_unknown_function_stops_the_check_once(tmp_path: Path) -> None:
    """Found by the checks running in the background: one line, whatever the number of sources."""
    write_rule_calling_an_unknown_function(tmp_path)
    preview = str(Path(__file__).parent / "fixtures" / "preview" / "python-v7-leaky.json")
    done = run_cli("check", "--policies", str(tmp_path), "--preview-json", preview, "--preview-json", preview)
    assert done.returncode == 2 and not done.stdout
    [line] = done.stderr.splitlines()
    assert re.fullmatch(r"lockdown: error: policy error: \S+/named_bad\.rego:\d+:\d+: unknown function is_bda", line)


def test_rules_catalogue_of_broken_policies_is_an_error(tmp_path: Path) -> None:
    rule = write_rule(tmp_path)
    rule.write_text(rule.read_text().replace("deny contains", "deny contains contains"))
    done = run_cli("rules", "--policies", str(tmp_path))
    assert done.returncode == 2 and "named_bad.rego" in done.stderr


def test_missing_lockdown_settings_are_a_warning(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": []}}))
    done = run_cli("check", "--state", str(state), "--format", "json", "--allow-incomplete")
    assert done.returncode == 0
    assert any("strictest defaults" in warning for warning in json.loads(done.stdout)["warnings"])


def test_written_reports_get_the_usual_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "report.txt"
    old = os.umask(0o022)
    try:
        write_atomic(target, "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("broken", "replacement"),
    [("deny contains", "deny contains contains"), ('resource.name == "bad"', "is_bda(resource.name)")],
    ids=["found-at-load", "found-by-background-checks"],
)
def test_a_failed_run_stops_the_plans_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str, replacement: str
) -> None:
    """A policy error after the plans started must not leave planner processes running."""
    from lockdown import cli
    from lockdown.loaders import program

    started: list[program.PendingPlan] = []
    real_start = program.start_program

    def start(*args, **kwargs):
        pending = real_start(*args, **kwargs)
        started.append(pending)
        return pending

    monkeypatch.setattr(program, "start_program", start)
    rule = write_rule(tmp_path)
    rule.write_text(rule.read_text().replace(broken, replacement))
    example = Path(__file__).resolve().parents[1] / "examples" / "leaky-capture"
    with pytest.raises(LockdownError, match=r"named_bad\.rego"):
        cli._check(
            stacks=("demo", "demo"), program=str(example), previews=(), states=(), config=(), settings_file=None,
            policies=str(tmp_path), opa_url=None, readers=False, fmt="json", output=None, verbose=False,
        )  # fmt: skip
    assert len(started) == 2 and all(pending._proc.poll() is not None for pending in started)


def test_an_unwritable_output_is_reported_before_any_work(tmp_path: Path) -> None:
    done = run_cli("check", "--stack", "no-such-stack", "--output", str(tmp_path / "missing" / "report.json"))
    assert done.returncode == 2
    assert "output directory" in done.stderr and "no-such-stack" not in done.stderr


def test_the_garbage_collector_is_paused_only_for_the_command_body() -> None:
    import gc

    from lockdown.console import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled(), "a collector the caller had paused stays paused"
    finally:
        gc.enable()
