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

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lockdown.errors import LockdownError
from lockdown.loaders.position import find_project_file, shown_path
from lockdown.model import REDACTED, LoadedStack, Resource
from lockdown.planner.project import ProjectSpec, read_project
from lockdown.values import decode_json_string

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
    """A plan running in its own process (``first_preview``: planned as a first preview sees it)."""

    def __init__(self, spec: ProjectSpec, verbose: bool, first_preview: bool = False) -> None:
        self.spec = spec
        self.verbose = verbose
        self.first_preview = first_preview
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
            # Its own process group: a program that forks cannot outlive the timeout (killpg).
            start_new_session=True,
        )
        stdin, self._proc.stdin = self._proc.stdin, None  # written now, so communicate() only reads
        assert stdin is not None
        try:
            stdin.write(json.dumps({**spec.to_json(), "firstPreview": first_preview}))
            stdin.close()
        except BrokenPipeError:  # the child died at start; result() reports its stderr
            pass

    def cancel(self) -> None:
        """Stop the plan (the run failed before collecting it): no planner outlives the command."""
        self._kill_group()
        self._proc.communicate()

    def _kill_group(self) -> None:
        """Kill the planner and everything the program started (they hold its pipes open)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)

    def result(self) -> LoadedStack:
        """Wait for the plan; raise ``LockdownError`` for anything that went wrong in it.

        A program that failed in an ``apply`` callback is planned once more as a first preview
        sees it (``_replan_as_first_preview``); if that fails too, the first error stands.
        """
        result, redact = self._collect()
        error = result.get("error")
        if error and error.get("kind") == "apply" and not self.first_preview:
            replanned = self._replan_as_first_preview(error, redact)
            if replanned is not None:
                return replanned
        if error:
            message = _relative(redact(error["message"]), self.spec.project_dir)
            if error.get("kind") == "config":
                message = f"project {self.spec.project}, stack {self.spec.stack}: {message}"
            raise LockdownError(message, detail=redact(error.get("traceback") or "") or None)
        return self._loaded(result, redact)

    def _replan_as_first_preview(self, error: dict[str, Any], redact: Callable[[str], str]) -> LoadedStack | None:
        """The plan of a first ``pulumi preview`` of a new stack, or None if the program fails there too.

        The planner knows values a first preview does not (ids, ARNs, auto-names), so it runs
        callbacks ``pulumi preview`` would skip; a bug in one (``Output.all(a, b).apply(lambda a, b:
        ...)``) fails the plan although the preview passes and only ``pulumi up`` fails. With
        those values unknown the callbacks wait, and what rests on them is unknown: a rule that
        needs it reports it as undecided, a blocking finding, so the check still fails closed.
        """
        replanned = PendingPlan(self.spec, self.verbose, first_preview=True)
        try:
            result, redact_again = replanned._collect()
        except LockdownError:  # a crash or timeout the second time: the program's own error is the one to show
            return None
        if result.get("error"):
            return None
        where = error.get("where", "")
        with contextlib.suppress(ValueError):
            where = str(Path(where).relative_to(self.spec.project_dir))
        warning = redact(
            f"program error in an apply callback with planned values ({error.get('summary')} at {where}); "
            "planned again as a first pulumi preview sees it (values computed by the provider unknown): "
            "pulumi up would fail there"
        )
        return replanned._loaded(result, redact_again, (warning,))

    def _collect(self) -> tuple[dict[str, Any], Callable[[str], str]]:
        """Wait for the runner's result and the redactor for what it relays; a crash or a
        timeout is raised here."""
        spec = self.spec
        try:
            stdout, stderr = self._proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as err:
            self._kill_group()
            self._proc.communicate()
            raise LockdownError(
                f"{spec.project_dir}: the program did not finish planning within {TIMEOUT_SECONDS} s"
            ) from err
        self._kill_group()  # whatever the program left running in the background
        try:
            result = json.loads(stdout)
        except json.JSONDecodeError:
            result = None
        redact = secret_redactor(spec, result.get("secretValues", []) if isinstance(result, dict) else [])
        stderr = redact(stderr)
        if self.verbose and stderr.strip():
            sys.stderr.write(stderr)
        if not isinstance(result, dict):
            tail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {self._proc.returncode}"
            raise LockdownError(f"{spec.project_dir}: the planner crashed: {tail}", detail=stderr)
        if self.verbose:
            for line in result.get("programLog", []):
                sys.stderr.write(f"program warning: {redact(line)}\n")
        return result, redact

    def _loaded(self, result: dict[str, Any], redact: Callable[[str], str], extra: tuple[str, ...] = ()) -> LoadedStack:
        """The records and warnings of a plan that ran (``extra``: warnings the loader adds)."""
        spec = self.spec
        return LoadedStack(
            resources=[_resource(r) for r in result.get("resources", [])],
            source=str(spec.project_dir),
            stack=spec.stack,
            project=spec.project,
            config=spec.config_view,
            warnings=[redact(w) for w in spec.warnings + list(extra) + list(result.get("warnings", []))],
            file=shown_path(find_project_file(None, [spec.project_dir])),
        )


def secret_redactor(spec: ProjectSpec, program_secrets: Iterable[str] = ()) -> Callable[[str], str]:
    """A function that replaces every known secret value in a text with ``[secret]``.

    The known secrets are the secret config values the program was planned with (given with
    ``--config``; undecryptable ones are the placeholder already), each as written, as
    ``repr`` and JSON would escape it, and every string inside a structured value, and the
    values the program itself made secret (``program_secrets``, from the runner). Whatever
    the planner relays (error lines, tracebacks, the program's log and stderr) passes here.
    """
    secrets: set[str] = {value for value in program_secrets if isinstance(value, str) and value != REDACTED}
    for key in spec.secret_keys:
        value = spec.program_config.get(key)
        if not isinstance(value, str) or value == REDACTED:
            continue
        secrets.add(value)
        secrets.update(_strings_in(decode_json_string(value)))
    forms = {form for secret in secrets for form in (secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]) if form}
    ordered = sorted(forms, key=len, reverse=True)

    def redact(text: str) -> str:
        for form in ordered:
            text = text.replace(form, REDACTED)
        return text

    return redact


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return [str(value)] if value is not None else []


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
