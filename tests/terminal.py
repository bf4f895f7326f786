"""Run the command line as a person would (stderr, optionally stdout, on a pseudo-terminal) or as CI does (pipes)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: An SGR sequence that sets a colour (30-37, 38;..., 90-97 and backgrounds), not bold or cursor moves.
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: bytes


def run_lockdown(*args: str, stdout_tty: bool = False, env: dict[str, str] | None = None) -> Run:
    """``python -m lockdown.cli ARGS`` with stderr on a pty (stdout too when ``stdout_tty``)."""
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "PYTHONPATH": str(REPO), **(env or {})}
    err_master, err_slave = pty.openpty()
    out_master, out_slave = pty.openpty() if stdout_tty else (None, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lockdown.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=out_slave if stdout_tty else subprocess.PIPE,
        stderr=err_slave,
        env=environment,
    )
    os.close(err_slave)
    if out_slave is not None:
        os.close(out_slave)
    output = {err_master: b"", **({out_master: b""} if out_master is not None else {})}
    if proc.stdout is not None:
        output[proc.stdout.fileno()] = b""
    open_fds = set(output)
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 180)
        if not ready:
            proc.kill()
            raise TimeoutError(f"lockdown {' '.join(args)} wrote nothing for 180 s")
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other end closed
                data = b""
            if data:
                output[fd] += data
            else:
                open_fds.discard(fd)
    proc.wait(timeout=60)
    for fd in (err_master, out_master):
        if fd is not None:
            os.close(fd)
    stdout = output[out_master] if out_master is not None else output[proc.stdout.fileno()]
    return Run(proc.returncode, stdout, output[err_master])


def run_piped(*args: str) -> subprocess.CompletedProcess:
    """``python -m lockdown.cli ARGS`` with stdout and stderr on pipes, as in CI or a script."""
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=REPO,
    )
