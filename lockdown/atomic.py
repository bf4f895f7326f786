"""Atomic output files: a report is either written whole or not at all."""

from __future__ import annotations

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
        # A device or pipe (/dev/stdout, /dev/null): written in place, never replaced by a file.
        try:
            with path.open("wb") as handle:
                handle.write(data)
        except OSError as err:
            raise LockdownError(f"{path}: cannot write output: {err.strerror}") from err
        return
    directory = check_output_directory(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
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
