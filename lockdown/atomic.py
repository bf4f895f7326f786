"""Atomic output files: a report is either written whole or not at all."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from lockdown.errors import LockdownError


def check_output_directory(output: str | Path | None) -> Path:
    """The directory a report will be written to; fail now, before any work, if it does not exist."""
    path = Path(output or ".")
    directory = path.parent if str(path.parent) else Path(".")
    if output and not directory.is_dir():
        raise LockdownError(f"{output}: output directory {directory} does not exist")
    return directory


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and not path.is_file():
        _write_in_place(path, data)
        return
    directory = check_output_directory(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise LockdownError(f"{path}: cannot write output in {directory}: {err.strerror}") from err
    try:
        # mkstemp creates the file 0600; a report gets the permissions any new file would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except OSError as err:
        Path(temp_name).unlink(missing_ok=True)
        raise LockdownError(f"{path}: cannot write output: {err.strerror}") from err


def _write_in_place(path: Path, data: bytes) -> None:
    """A device or pipe (/dev/stdout, /dev/null, a FIFO): written in place, never replaced by a file.

    Opened without blocking, so a FIFO that no process reads is an error instead of a hang.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise LockdownError(f"{path}: cannot write output: it is a FIFO and no process reads it") from err
        raise LockdownError(f"{path}: cannot write output: {err.strerror}") from err
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as err:
        raise LockdownError(f"{path}: cannot write output: {err.strerror}") from err
