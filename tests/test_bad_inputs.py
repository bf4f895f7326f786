"""Every file under tests/fixtures/bad-inputs/ is refused the same way (issue 13).

Exit 2, one error line on stderr naming the file, no traceback, nothing written to
``--output``, and no secret anywhere in what the run prints or writes. A file's name says
what it is given as: ``preview-*`` (``--preview-json``), ``state-*`` (``--state``),
``settings-*`` (``--settings``, with a good preview), ``manifest-*`` (``--expect-policies``),
``program-*/`` (``--program DIR --stack dev``), ``rule-*.rego`` (a rule in a copy of policies/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "fixtures" / "bad-inputs"
GOOD_PREVIEW = ROOT / "tests" / "fixtures" / "preview" / "python-v7-locked.json"
SECRET = "S3CR3T"


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOCKDOWN_"))}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def arguments(path: Path, tmp_path: Path) -> tuple[list[str], str]:
    """The command line for one bad input, and the name its error line must carry."""
    kind = path.name.split("-", 1)[0]
    if kind == "preview":
        return ["--preview-json", str(path)], path.name
    if kind == "state":
        return ["--state", str(path)], path.name
    if kind == "settings":
        return ["--preview-json", str(GOOD_PREVIEW), "--settings", str(path)], path.name
    if kind == "manifest":
        return ["--preview-json", str(GOOD_PREVIEW), "--expect-policies", str(path)], path.name
    if kind == "program":
        return ["--program", str(path), "--stack", "dev"], path.name
    if kind == "rule":
        policies = tmp_path / "policies"
        shutil.copytree(ROOT / "policies", policies)
        (policies / "rules" / "bad").mkdir()
        shutil.copy(path, policies / "rules" / "bad" / path.name.replace("-", "_"))
        return ["--preview-json", str(GOOD_PREVIEW), "--policies", str(policies)], path.name.replace("-", "_")
    raise AssertionError(f"{path.name}: name it preview-, state-, settings-, manifest-, program- or rule-")


CASES = sorted(p for p in BAD.iterdir() if not p.name.startswith("."))


def test_there_are_bad_inputs_of_every_kind() -> None:
    kinds = {p.name.split("-", 1)[0] for p in CASES}
    assert kinds == {"preview", "state", "settings", "manifest", "program", "rule"}


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_bad_input_is_refused_with_one_line(path: Path, tmp_path: Path) -> None:
    args, name = arguments(path, tmp_path)
    output = tmp_path / "out" / "report.sarif"
    output.parent.mkdir()
    done = run(["check", *args, "--format", "sarif", "--output", str(output)], tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("lockdown: error: ") and name in lines[0], lines[0]
    assert "internal error" not in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert list(output.parent.iterdir()) == [], "nothing may be written to --output"
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize("path", [p for p in CASES if "secret" in p.name], ids=lambda p: p.name)
def test_no_secret_in_verbose_details_or_any_format(path: Path, tmp_path: Path) -> None:
    args, _ = arguments(path, tmp_path)
    for fmt in ("text", "json", "sarif", "markdown", "junit"):
        done = run(["check", *args, "--format", fmt, "--verbose"], tmp_path)
        assert done.returncode == 2
        assert SECRET not in done.stdout + done.stderr, fmt


def test_fifos_as_input_and_output_do_not_hang(tmp_path: Path) -> None:
    """A FIFO nobody writes reads as empty; one nobody reads is refused as output."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = run(["check", "--preview-json", str(fifo)], tmp_path, timeout=60)
    assert done.returncode == 2 and "fifo: preview file is empty" in done.stderr
    done = run(["check", "--preview-json", str(GOOD_PREVIEW), "--settings", str(fifo)], tmp_path, timeout=60)
    assert done.returncode == 2 and "fifo: settings file is empty" in done.stderr
    done = run(["check", "--preview-json", str(GOOD_PREVIEW), "--output", str(fifo)], tmp_path, timeout=60)
    assert done.returncode == 2 and "no process reads it" in done.stderr


def test_a_fifo_with_a_reader_gets_the_report(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = run(["check", "--preview-json", str(GOOD_PREVIEW), "--format", "json", "--output", str(fifo)], tmp_path)
    finally:
        if reader.is_alive():  # unblock the reader if the check never opened the FIFO
            with open(fifo, "wb"):
                pass
        reader.join(10)
    assert done.returncode == 0, done.stderr
    assert b'"findings"' in received[0]


def test_unwritable_output_directory_names_the_file(tmp_path: Path) -> None:
    done = run(["check", "--preview-json", str(GOOD_PREVIEW), "--output", "/proc/lockdown-report.json"], tmp_path)
    assert done.returncode == 2
    assert "/proc/lockdown-report.json: cannot write output" in done.stderr
    assert "internal error" not in done.stderr
