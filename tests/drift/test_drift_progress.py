"""`lockdown drift` shows its reads on a terminal, and writes nothing to stderr anywhere else."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import drift_stack as stack
import pytest

# tests/drift is not a package (its modules import each other by bare name): reach tests/terminal.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.terminal import run_lockdown, run_piped

POLICIES = Path(__file__).parent / "policies"


@pytest.fixture
def drift_args(moto: str, tmp_path: Path) -> list[str]:
    (tmp_path / "state.json").write_text(json.dumps(stack.deploy(moto)))
    arguments = ["drift", "--state", str(tmp_path / "state.json"), "--region", stack.REGION, "--endpoint-url", moto]
    return [*arguments, "--policies", str(POLICIES), "--workers", "2"]


def test_drift_shows_the_aws_reads_on_a_terminal(drift_args: list[str]) -> None:
    run = run_lockdown(*drift_args)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert b"reading AWS account " + stack.ACCOUNT.encode() in run.stderr
    assert b"%" in run.stderr  # the reads are counted
    assert run.stdout.startswith(b"#") and b"reading AWS" not in run.stdout


def test_drift_writes_nothing_to_stderr_in_a_pipe_or_in_json(drift_args: list[str]) -> None:
    for extra in ((), ("--format", "json")):
        done = run_piped(*drift_args, *extra)
        assert done.returncode == 0 and done.stdout
        assert done.stderr == ""
    json_on_terminal = run_lockdown(*drift_args, "--format", "json")
    assert json_on_terminal.returncode == 0 and json.loads(json_on_terminal.stdout)
    assert json_on_terminal.stderr == b""
