"""The Node.js runtime: TypeScript and JavaScript programs, planned under their own SDK's mocks.

The program runs in ``node`` with its own ``node_modules`` (``@pulumi/pulumi``, ``@pulumi/aws``,
TypeScript through its own ``ts-node`` or ``tsx``), started by ``js/harness.js``. The harness
sets ``pulumi.runtime.setMocks`` and forwards every monitor call (register, read, invoke) to
this process as serialized protobuf requests, which the same ``RecordingMonitor`` the Python
runtime uses answers: URNs, parents, dependencies, synthesized outputs and invokes are shared,
not re-implemented in JavaScript. The harness waits for the program the way the SDK's own
host does (the root stack's outputs, then every outstanding RPC).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lockdown.errors import LockdownError
from lockdown.planner.failures import missing_config
from lockdown.planner.monitor import Recorder, new_monitor
from lockdown.planner.project import ProjectSpec

HARNESS = Path(__file__).with_name("js") / "harness.js"
TYPESCRIPT_SUFFIXES = (".ts", ".mts", ".cts")
#: Wall-clock limit for the node process (the caller has its own, longer one).
TIMEOUT_SECONDS = 280


def preflight(spec: ProjectSpec) -> None:
    """Resolve the entry point and check the toolchain and the program's dependencies, before
    anything starts: a missing ``node`` or an uninstalled ``node_modules`` is a one-line error."""
    entry = entry_point(spec.main, spec.runtime_options)
    if shutil.which("node") is None:
        raise LockdownError(
            f"{spec.project_dir}: runtime nodejs needs Node.js: `node` is not on PATH (install Node.js 20 or later)"
        )
    install = f"run `npm ci` in {spec.project_dir}"
    if _module_dir(entry.parent, "@pulumi/pulumi") is None:
        raise LockdownError(
            f"{spec.project_dir}: the program's dependencies are not installed (@pulumi/pulumi): {install}"
        )
    if entry.suffix in TYPESCRIPT_SUFFIXES and not (
        _module_dir(entry.parent, "ts-node") or _module_dir(entry.parent, "tsx")
    ):
        raise LockdownError(
            f"{entry}: a TypeScript program needs ts-node or tsx in its dependencies "
            f"(add one to package.json, then {install})"
        )
    spec.main = entry


def entry_point(main: Path, options: dict[str, Any]) -> Path:
    """The file Node runs, as the Pulumi host finds it: ``main`` itself, or in a directory its
    package.json ``main``, else ``index.ts`` (TypeScript unless ``typescript: false``), else ``index.js``."""
    if main.is_file():
        return main
    if not main.is_dir():
        raise LockdownError(f"{main}: the program's main does not exist")
    package = _package_json(main)
    candidates = []
    if isinstance(package.get("main"), str):
        candidates.append(main / package["main"])
    if options.get("typescript", True) is not False:
        candidates.append(main / "index.ts")
    candidates.append(main / "index.js")
    for candidate in candidates:
        for path in (candidate, candidate.with_suffix(".ts"), candidate.with_suffix(".js"), candidate / "index.js"):
            if path.is_file():
                return path.resolve()
    raise LockdownError(f"{main}: no program entry point (package.json main, index.ts or index.js)")


def _package_json(directory: Path) -> dict[str, Any]:
    path = directory / "package.json"
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise LockdownError(f"{path}: not valid JSON: {err}") from err
    return value if isinstance(value, dict) else {}


def _module_dir(start: Path, name: str) -> Path | None:
    """Where Node's resolution finds package ``name`` from ``start`` (node_modules upwards)."""
    for directory in (start, *start.parents):
        candidate = directory / "node_modules" / name
        if (candidate / "package.json").is_file():
            return candidate
    return None


def run_node(spec: dict[str, Any], recorder: Recorder, invoke_ctx: Any, collector: Any) -> dict[str, Any] | None:
    """Run the program in node and answer its monitor calls; the program's error, or None."""
    main = Path(spec["main"])
    program_dir = Path(spec["projectDir"])
    read_fd, write_fd = os.pipe()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    proc = subprocess.Popen(
        ["node", str(HARNESS), str(write_fd)],
        stdin=subprocess.PIPE,
        stdout=2,  # the program's prints go where the Python runtime's do: stderr
        stderr=2,
        pass_fds=(write_fd,),
        cwd=str(program_dir),
        env=env,
    )
    os.close(write_fd)
    assert proc.stdin is not None
    package = _package_json(main.parent)
    proc.stdin.write(
        json.dumps(
            {
                "programDir": str(main.parent),
                "main": str(main),
                "project": spec["project"],
                "stack": spec["stack"],
                "config": spec["config"],
                "secretKeys": spec["secretKeys"],
                "stackrefs": sorted(spec["stackrefs"]),
                "typescript": main.suffix in TYPESCRIPT_SUFFIXES,
                "module": main.suffix == ".mjs" or (main.suffix == ".js" and package.get("type") == "module"),
            }
        ).encode()
        + b"\n"
    )
    proc.stdin.flush()
    monitor = new_monitor(recorder, spec["stackrefs"], invoke_ctx)  # imported while node starts
    try:
        with os.fdopen(read_fd, "rb") as requests:
            done = _serve(requests, proc, monitor, recorder, collector)
    finally:
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        try:
            proc.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if done is None:
        return {
            "message": f"{main}: node exited (code {proc.returncode}) before the program finished",
            "traceback": "",
            "kind": "exception",
        }
    if done.get("error"):
        return describe_error(done["error"], program_dir, main)
    return None


def _serve(requests: Any, proc: subprocess.Popen, monitor: Any, recorder: Recorder, collector: Any) -> dict | None:
    """Answer monitor calls until the harness says it is done (its message), or exits (None)."""
    from pulumi.runtime.proto import resource_pb2

    methods = {
        "RegisterResource": (resource_pb2.RegisterResourceRequest, monitor.RegisterResource),
        "ReadResource": (resource_pb2.ReadResourceRequest, monitor.ReadResource),
        "Invoke": (resource_pb2.ResourceInvokeRequest, monitor.Invoke),
    }
    assert proc.stdin is not None
    for line in requests:
        message = json.loads(line)
        method = message.get("method")
        if method == "done":
            return message
        if method == "location":
            key = (message["type"], message["name"])
            recorder.locations.setdefault(key, (message["file"], int(message["line"])))
            continue
        if method == "warning":
            if message["message"] not in recorder.warnings:
                recorder.warnings.append(message["message"])
            continue
        if method == "log":
            target = collector.errors if message["level"] == "error" else collector.warnings
            target.append(str(message["message"]).strip())
            continue
        request_type, handler = methods[method]
        try:
            response = handler(request_type.FromString(base64.b64decode(message["request"])))
            answer = {"id": message["id"], "response": base64.b64encode(response.SerializeToString()).decode()}
        except Exception as exn:  # noqa: BLE001 the program sees the failure (and fails), never a silent pass
            answer = {"id": message["id"], "error": f"{type(exn).__name__}: {exn}"}
        try:
            proc.stdin.write(json.dumps(answer).encode() + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            return None
    return None


_FRAME = re.compile(r"\((?P<file>[^()]*):(?P<line>\d+):\d+\)$|at (?P<bare>[^ ]*):(?P<bline>\d+):\d+$")
_CONFIG_KEY = re.compile(r"Missing required configuration variable '([^']+)'")


def describe_error(error: dict[str, Any], program_dir: Path, main: Path) -> dict[str, Any]:
    """The JavaScript error as the runner reports a Python one: ``file:line: Name: message``."""
    message = str(error.get("message") or "(no message)").strip()
    first = message.splitlines()[0] if message else "(no message)"
    stack = str(error.get("stack") or "")
    own = [line for line in stack.splitlines() if _own_frame(line, program_dir)]
    traceback = "\n".join([f"{error.get('name', 'Error')}: {message}", *own]) if own else stack
    missing = _CONFIG_KEY.search(message)
    key = error.get("key") if error.get("name") == "ConfigMissingError" else None
    key = key or (missing.group(1) if missing else None)
    if key:
        return missing_config(key, traceback)
    where = _location(own[0], program_dir) if own else str(main)
    if error.get("code") == "MODULE_NOT_FOUND":
        return {
            "message": f"{where}: import failed: {first} (run `npm ci` in {program_dir})",
            "traceback": traceback,
            "kind": "import",
        }
    return {"message": f"{where}: {error.get('name', 'Error')}: {first}", "traceback": traceback, "kind": "exception"}


def _own_frame(line: str, program_dir: Path) -> bool:
    match = _FRAME.search(line.strip())
    if not match:
        return False
    file = match.group("file") or match.group("bare") or ""
    return file.startswith(str(program_dir) + os.sep) and f"{os.sep}node_modules{os.sep}" not in file


def _location(line: str, program_dir: Path) -> str:
    match = _FRAME.search(line.strip())
    assert match is not None
    return f"{match.group('file') or match.group('bare')}:{match.group('line') or match.group('bline')}"
