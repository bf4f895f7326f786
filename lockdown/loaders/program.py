"""The offline planner's entry point: a Pulumi Python program -> resource records.

``lockdown check --program DIR --stack NAME`` runs the program under the Pulumi SDK's
mock runtime in a fresh subprocess (the runtime is process-global and programs import
their own modules, so several plans in one process must not share it), and turns
what it registered into ``Resource`` records with ``source="program"``.

Stack reference outputs are given as ``--config stackref:<stack name>:<output>=VALUE``
(or the same key in the stack file); without them a stack reference's outputs are
empty and the run carries a warning. The program runs in its project's virtualenv
(``runtime.options.virtualenv``) when it has one, else in Lockdown's environment: its
packages must be importable from there (the Pulumi SDK included).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from lockdown.errors import LockdownError
from lockdown.loaders.position import find_project_file, shown_path
from lockdown.model import LoadedStack, Resource
from lockdown.planner.project import ProjectSpec, read_project

#: Wall-clock limit for one plan; a program that hangs is an error, never a pass.
TIMEOUT_SECONDS = 300


def load_program(
    program_dir: str | Path,
    stack: str,
    config_overrides: list[str] | tuple[str, ...] = (),
    verbose: bool = False,
) -> LoadedStack:
    """Plan ``stack`` of the Pulumi program in ``program_dir`` and return its records."""
    return start_program(program_dir, stack, config_overrides, verbose).result()


def start_program(
    program_dir: str | Path,
    stack: str,
    config_overrides: list[str] | tuple[str, ...] = (),
    verbose: bool = False,
) -> PendingPlan:
    """Start planning in the background; ``.result()`` waits for the records.

    The plan is a separate process, so a caller can load its policies meanwhile (on two
    cores that hides most of the planning time). Project and config errors are raised
    here, before anything starts.
    """
    spec = read_project(program_dir, stack, list(config_overrides))
    if spec.runtime == "nodejs":
        from lockdown.planner.node import preflight

        preflight(spec)
    return PendingPlan(spec, verbose)


class PendingPlan:
    """A plan running in its own process."""

    def __init__(self, spec: ProjectSpec, verbose: bool) -> None:
        self.spec = spec
        self.verbose = verbose
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        env.pop("RUST_BACKTRACE", None)
        self._proc = subprocess.Popen(
            [str(spec.python or sys.executable), "-m", "lockdown.planner.runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(spec.project_dir),
            env=env,
        )
        stdin, self._proc.stdin = self._proc.stdin, None  # written now, so communicate() only reads
        assert stdin is not None
        try:
            stdin.write(json.dumps(spec.to_json()))
            stdin.close()
        except BrokenPipeError:  # the child died at start; result() reports its stderr
            pass

    def cancel(self) -> None:
        """Stop the plan (the run failed before collecting it): no planner outlives the command."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.communicate()

    def result(self) -> LoadedStack:
        """Wait for the plan; raise ``LockdownError`` for anything that went wrong in it."""
        spec = self.spec
        try:
            stdout, stderr = self._proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as err:
            self._proc.kill()
            self._proc.communicate()
            raise LockdownError(
                f"{spec.project_dir}: the program did not finish planning within {TIMEOUT_SECONDS} s"
            ) from err
        if self.verbose and stderr.strip():
            sys.stderr.write(stderr)
        try:
            result = json.loads(stdout)
        except json.JSONDecodeError as err:
            tail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {self._proc.returncode}"
            raise LockdownError(f"{spec.project_dir}: the planner crashed: {tail}", detail=stderr) from err
        if self.verbose:
            for line in result.get("programLog", []):
                sys.stderr.write(f"program warning: {line}\n")
        error = result.get("error")
        if error:
            message = _relative(error["message"], spec.project_dir)
            if error.get("kind") == "config":
                message = f"project {spec.project}, stack {spec.stack}: {message}"
            raise LockdownError(message, detail=error.get("traceback"))
        return LoadedStack(
            resources=[_resource(r) for r in result.get("resources", [])],
            source=str(spec.project_dir),
            stack=spec.stack,
            project=spec.project,
            config=spec.config_view,
            warnings=spec.warnings + list(result.get("warnings", [])),
            file=shown_path(find_project_file(None, [spec.project_dir])),
        )


def _relative(message: str, project_dir: Path) -> str:
    """Program paths as the user typed them: relative to the working directory when under it."""
    try:
        rel = project_dir.relative_to(Path.cwd())
    except ValueError:
        return message
    return message.replace(f"{project_dir}{os.sep}", f"{rel}{os.sep}" if str(rel) != "." else "")


def _resource(raw: dict[str, Any]) -> Resource:
    return Resource(
        urn=raw["urn"],
        type=raw["type"],
        name=raw["name"],
        properties=raw.get("properties") or {},
        source="program",
        id=raw.get("id"),
        parent=raw.get("parent"),
        dependencies=list(raw.get("dependencies") or []),
        provider=raw.get("provider"),
        unknowns=list(raw.get("unknowns") or []),
        custom=bool(raw.get("custom", True)),
        file=shown_path(raw.get("file")),
        line=raw.get("line"),
    )
