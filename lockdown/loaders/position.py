"""Where a resource is declared, as a path a report (SARIF above all) can point at.

The Pulumi engine records where the program registered each resource, in preview steps'
``newState`` and in stack exports alike, as ``sourcePosition``:
``project:///<path relative to the project root>#<line>[,<column>]``, the project root being
the directory of ``Pulumi.yaml``. A preview or an export does not say where that directory is,
so it is looked for as the Pulumi CLI finds a project: upward from the working directory
(then from the file's own directory), keeping the first ``Pulumi.yaml`` whose ``name`` is the
stack's project. A position is used only when its file exists there; otherwise the finding
keeps pointing at the project file or, without a project, at the preview or export itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from lockdown.model import Resource

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


def shown_path(path: str | Path | None) -> str | None:
    """A path relative to the working directory when under it (as the user typed it), else absolute."""
    if not path:
        return None
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def find_project_file(project: str | None, starts: Iterable[Path]) -> Path | None:
    """The ``Pulumi.yaml`` of ``project`` nearest above one of ``starts``, in that order."""
    for start in starts:
        start = start.resolve()
        for directory in (start, *start.parents):
            for name in PROJECT_FILES:
                candidate = directory / name
                if candidate.is_file() and (project is None or _project_name(candidate) == project):
                    return candidate
    return None


def _project_name(path: Path) -> str | None:
    """The project's ``name``; None for a file that is unreadable or names none."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    name = document.get("name") if isinstance(document, dict) else None
    return name if isinstance(name, str) else None


def declaration(position: Any, project_root: Path, files: dict[str, str | None]) -> tuple[str, int] | None:
    """``(file, line)`` of a ``project:///path#line[,column]`` position whose file exists, else None.

    ``files`` caches each position path's shown file (None: no such file) across resources.
    """
    if not isinstance(position, str):
        return None
    parts = urlsplit(position)
    line = parts.fragment.split(",", 1)[0]
    if parts.scheme != "project" or not line.isdigit() or int(line) < 1:
        return None
    if parts.path not in files:
        path = project_root / unquote(parts.path).lstrip("/")
        files[parts.path] = shown_path(path) if path.is_file() else None
    shown = files[parts.path]
    return (shown, int(line)) if shown else None


def locate(resources: list[Resource], positions: Mapping[str, Any], project: str | None, source: Path) -> str | None:
    """Set each resource's file and line from its recorded position; return the project file, if found.

    ``positions`` maps URNs to their ``sourcePosition`` values; ``source`` is the preview or
    export read, whose directory is searched for the project after the working directory.
    """
    project_file = find_project_file(project, (Path.cwd(), source.parent))
    if project_file is None:
        return None
    files: dict[str, str | None] = {}
    for resource in resources:
        found = declaration(positions.get(resource.urn), project_file.parent, files)
        if found:
            resource.file, resource.line = found
    return shown_path(project_file)
