"""Progress and colour on the terminal: only for a person at one, never in pipes or machine formats."""

from __future__ import annotations

import io

import pytest

from lockdown.progress import Tracker, progress, wanted
from tests.terminal import COLOUR, REPO, run_lockdown, run_piped

LEAKY_PROGRAM = REPO / "examples" / "leaky-capture"
LOCKED_PREVIEW = REPO / "tests" / "fixtures" / "preview" / "python-v7-locked.json"
PLAN = ("check", "--program", str(LEAKY_PROGRAM), "--stack", "demo")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fmt", "stream", "expected"),
    [
        ("text", Terminal(), True),
        ("markdown", Terminal(), True),
        ("html", Terminal(), True),
        ("json", Terminal(), False),
        ("sarif", Terminal(), False),
        ("junit", Terminal(), False),
        ("text", io.StringIO(), False),
    ],
)
def test_progress_is_wanted_for_people_at_a_terminal_only(fmt: str, stream: io.StringIO, expected: bool) -> None:
    assert wanted(fmt, stream) is expected


def test_a_disabled_progress_draws_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with progress(False) as tracker:
        assert type(tracker) is Tracker
        tracker.stage("reading", total=3)
        tracker.add(2)
        tracker.advance()
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_nothing_reaches_stderr_when_it_is_not_a_terminal(fmt: str) -> None:
    done = run_piped(*PLAN, "--format", fmt)
    assert done.returncode == 1 and done.stdout
    assert done.stderr == ""


def test_a_plan_shows_progress_on_a_terminal() -> None:
    run = run_lockdown(*PLAN)
    assert run.returncode == 1
    assert b"checking " in run.stderr and b"leaky-capture (stack demo)" in run.stderr
    assert b"\x1b[2K" in run.stderr  # redrawn in place, then erased (transient)
    assert b"LD-S3-001" in run.stdout and b"checking" not in run.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_machine_formats_get_no_progress_even_on_a_terminal(fmt: str) -> None:
    run = run_lockdown(*PLAN, "--format", fmt)
    assert run.returncode == 1 and run.stdout
    assert run.stderr == b""


def test_no_color_turns_colour_off_in_the_report_and_the_progress() -> None:
    coloured = run_lockdown("check", "--preview-json", str(LOCKED_PREVIEW), stdout_tty=True)
    assert coloured.returncode == 0 and COLOUR.search(coloured.stdout) and COLOUR.search(coloured.stderr)
    plain = run_lockdown("check", "--preview-json", str(LOCKED_PREVIEW), stdout_tty=True, env={"NO_COLOR": "1"})
    assert plain.returncode == 0 and b"31 resources" in plain.stdout
    assert not COLOUR.search(plain.stdout) and not COLOUR.search(plain.stderr)
    assert b"checking" in plain.stderr  # progress still shown, only without colour
    # NO_COLOR set but empty does not count (no-color.org).
    empty = run_lockdown("check", "--preview-json", str(LOCKED_PREVIEW), stdout_tty=True, env={"NO_COLOR": ""})
    assert COLOUR.search(empty.stdout)
