"""Reading untrusted documents: bounded, never hanging, every failure one line naming the file.

Everything a pull request can change (previews, stack exports, settings, stack files, rule
METADATA) is read through here, so that a hostile or broken document is refused the same
way everywhere:

- only a regular file, a pipe that has a writer (``/dev/stdin``) or a device is read, never
  waited on: a FIFO nobody writes to reads as empty instead of blocking the run;
- at most ``limit`` bytes are read: ``/dev/zero`` or a 10 GB file is an error, not a swap storm;
- YAML aliases are counted as what they expand to: a "billion laughs" document is refused
  before anything walks it (PyYAML shares the aliased objects, so the bomb goes off later,
  in whatever walks or serializes the value);
- nesting deeper than Python can walk is an error, not an "internal error: RecursionError";
- text that is not UTF-8 is an error naming the file.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from lockdown.errors import LockdownError, yaml_problem

#: Largest JSON input read (a 10,000-resource preview is about 24 MB).
MAX_JSON_BYTES = 512 * 1024 * 1024
#: Largest YAML document read (settings, stack files, METADATA blocks are a few KB).
MAX_YAML_BYTES = 4 * 1024 * 1024
#: Most YAML nodes a document may expand to once every alias is followed.
MAX_YAML_NODES = 100_000

#: libyaml's safe loader when PyYAML has it: every run reads ~50 METADATA blocks, and the
#: pure-Python loader takes ~80 ms for them (the same YAML, the same values).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_bytes(path: str | Path, what: str, limit: int = MAX_JSON_BYTES) -> bytes:
    """The bytes of an input file, refusing what cannot be read in bounded time and space."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise LockdownError(f"{path}: cannot read {what}: {err.strerror or err}") from err
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise LockdownError(f"{path}: cannot read {what}: it is a directory")
        # A pipe or device is read blocking from here on: a FIFO without a writer gives end of file.
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise LockdownError(f"{path}: cannot read {what}: {err.strerror or err}") from err
    finally:
        os.close(fd)
    if size == 0 and not stat.S_ISREG(mode):
        raise LockdownError(f"{path}: {what} is empty: nothing was written to the pipe or device")
    if size > limit:
        raise LockdownError(f"{path}: {what} is larger than {limit // (1024 * 1024)} MB; refusing to read it")
    return b"".join(chunks)


def read_text(path: str | Path, what: str, limit: int = MAX_YAML_BYTES) -> str:
    """An input file as UTF-8 text (see ``read_bytes``)."""
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LockdownError(f"{path}: {what} is not UTF-8 text (invalid byte at offset {err.start})") from err


def load_yaml(text: str, where: str, what: str) -> Any:
    """Parse one YAML document whose size and alias expansion are bounded.

    ``where`` names the file in errors. Aliases are allowed as long as the document they
    expand to stays under ``MAX_YAML_NODES`` nodes; a document that refers to itself is refused.
    """
    if len(text) > MAX_YAML_BYTES:
        raise LockdownError(f"{where}: {what} is larger than {MAX_YAML_BYTES // (1024 * 1024)} MB")
    try:
        if "*" not in text:  # no alias possible: nothing can expand (the common case, and faster)
            return yaml.load(text, Loader=_YAML_LOADER)
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node, where, what)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise LockdownError(f"{where}: {what} is not valid YAML: {yaml_problem(err)}") from err
    except RecursionError as err:
        raise LockdownError(f"{where}: {what} is nested too deeply") from err


def _check_expansion(root: yaml.Node, where: str, what: str) -> None:
    """Count the nodes the document expands to, each shared (aliased) node as often as it is used."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise LockdownError(f"{where}: {what} has a YAML alias that refers to itself")
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        if total > MAX_YAML_NODES:
            raise LockdownError(
                f"{where}: {what} expands to more than {MAX_YAML_NODES:,} YAML nodes through its aliases; refusing it"
            )
        in_progress.discard(key)
        sizes[key] = total
        return total

    size(root)
