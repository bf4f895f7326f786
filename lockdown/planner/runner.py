"""Subprocess entry point: ``python -m lockdown.planner.runner`` plans one stack.

The Pulumi runtime is process-global and a user program imports its own modules, so
each plan runs in a fresh process. The spec (``ProjectSpec.to_json``) arrives on
stdin; the result, one JSON object, is written to the original stdout, while
anything the program prints goes to stderr. The result is either
``{"resources": [...], "warnings": [...]}`` or ``{"error": {"message", "traceback"}}``.
With ``"firstPreview": true`` in the spec the program is planned as a first ``pulumi
preview`` of a new stack sees it: what the provider would compute is unknown (the loader
asks for that after a program failed in an ``apply`` callback with planned values).
"""

from __future__ import annotations

import gc

# A plan is short-lived and allocates little; collecting while the Pulumi SDK and
# pulumi-aws build thousands of classes at import costs about a fifth of the run.
gc.disable()

import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from lockdown.model import REDACTED  # noqa: E402
from lockdown.planner.failures import missing_config  # noqa: E402
from lockdown.planner.invokes import InvokeContext  # noqa: E402
from lockdown.planner.monitor import Recorder, new_monitor  # noqa: E402
from lockdown.planner.outputs import Context  # noqa: E402
from lockdown.values import decode_json_string  # noqa: E402

PLACEHOLDER_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class _LogCollector(logging.Handler):
    """Collects what the program logs through ``pulumi.log`` (warnings and errors)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        target = self.errors if record.levelno >= logging.ERROR else self.warnings
        target.append(record.getMessage().strip())


def main() -> int:
    spec = json.load(sys.stdin)
    out_fd = os.dup(1)
    os.dup2(2, 1)  # the program's prints (and any C-level writes) go to stderr
    sys.stdout = sys.stderr
    result = plan(spec)
    with os.fdopen(out_fd, "w", encoding="utf-8") as out:
        json.dump(result, out)
    return 0


def plan(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the program under the mock monitor and return its records or its error."""
    for key in [k for k in os.environ if k.startswith("PULUMI_CONFIG")]:
        del os.environ[key]
    main_file = Path(spec["main"])
    program_dir = main_file.parent
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    sys.argv = [str(main_file)]
    config: dict[str, str] = spec["config"]
    warnings: list[str] = []
    base = Context(
        account=_account(config, warnings),
        region=_region(config, warnings),
        partition=config.get("aws:partition", "aws") or "aws",
        default_tags=_default_tags(config),
    )
    # pulumi_aws.config.region falls back to AWS_REGION: the program sees the region the plan uses.
    os.environ.setdefault("AWS_REGION", base.region)
    aws_config = {k.split(":", 1)[1]: decode_json_string(v) for k, v in config.items() if k.startswith("aws:")}
    for key in spec["secretKeys"]:
        if key.startswith("aws:"):
            aws_config[key.split(":", 1)[1]] = REDACTED
    recorder = Recorder(spec["stack"], spec["project"], base, aws_config, first_preview=bool(spec.get("firstPreview")))
    invoke_ctx = InvokeContext(
        account=base.account,
        region=base.region,
        partition=base.partition,
        organization_id=_setting(config, "lockdown:organizationId"),
        default_tags=base.default_tags,
    )
    collector = _LogCollector()
    runtime = spec.get("runtime", "python")
    if runtime == "nodejs":
        from lockdown.planner.node import run_node

        error = run_node(spec, recorder, invoke_ctx, collector)
    elif runtime == "yaml":
        from lockdown.planner.yamlprog import run_yaml

        error = run_yaml(spec, recorder, invoke_ctx)
    else:
        error = _run(spec, config, recorder, invoke_ctx, collector, main_file)
    if error is None and collector.errors:
        error = {
            "message": f"the program logged an error: {collector.errors[0]}",
            "traceback": "\n".join(collector.errors),
        }
    if error is not None:
        return {"error": error, "secretValues": sorted(_SECRET_VALUES)}
    warnings += recorder.warnings + invoke_ctx.warnings + _stackref_warnings()
    for record in recorder.records:
        record["file"], record["line"] = recorder.locations.get((record["type"], record["name"]), (None, None))
    # What the program logs (deprecations, its own notes) is not something the check missed:
    # it is shown under --verbose only.
    return {
        "resources": recorder.records,
        "warnings": warnings,
        "programLog": collector.warnings,
        "secretValues": sorted(_SECRET_VALUES),
    }


def _run(spec, config, recorder, invoke_ctx, collector, main_file: Path) -> dict[str, Any] | None:
    import pulumi
    from pulumi.runtime import settings as pulumi_settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.stack import run_in_stack

    _patch_stack_reference(pulumi, set(spec["stackrefs"]))
    _patch_secret(pulumi)
    _patch_apply(pulumi)
    _patch_locations(pulumi, main_file.parent, recorder.locations)
    logger = logging.getLogger("lockdown.planner.program")
    logger.propagate = False
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    monitor = new_monitor(recorder, spec["stackrefs"], invoke_ctx)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    settings = MockSettings(
        monitor=monitor,
        monitor_features=features,
        engine=MockEngine(logger),
        project=spec["project"],
        stack=spec["stack"],
        dry_run=True,
        organization="organization",
        callbacks=None,
        root_directory=spec["projectDir"],
    )
    pulumi_settings.configure(settings)
    set_all_config(config, spec["secretKeys"])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    loop.set_exception_handler(lambda _loop, _context: None)
    try:
        loop.run_until_complete(run_in_stack(lambda: runpy.run_path(str(main_file), run_name="__main__")))
    except BaseException as exn:  # noqa: BLE001 every failure of the program is reported, never a pass
        return describe_error(exn, main_file.parent)
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
    return None


def describe_error(exn: BaseException, program_dir: Path) -> dict[str, Any]:
    """One line naming the program file and line and the exception, plus the traceback."""
    from pulumi.config import ConfigMissingError

    text = program_traceback(exn, program_dir)
    if isinstance(exn, ConfigMissingError):
        return missing_config(exn.key, text)
    where = _program_frame(exn, program_dir)
    # The SDK re-raises a callback's ValueError as "While processing resource: ...": name the callback's own.
    origin = _apply_origin(exn)
    shown = origin or exn
    summary = f"{type(shown).__name__}: {_first_line(shown)}"
    if isinstance(exn, ImportError):
        missing = f" ({exn.name!r} must be importable from Lockdown's environment)" if exn.name else ""
        return {"message": f"{where}: import failed: {summary}{missing}", "traceback": text, "kind": "import"}
    # An apply callback may have failed only because the planner knows values a first preview
    # does not (ARNs, ids): the loader plans such a program again with them unknown.
    kind = "apply" if origin is not None else "exception"
    return {"message": f"{where}: {summary}", "traceback": text, "kind": kind, "summary": summary, "where": where}


def _apply_origin(exn: BaseException) -> BaseException | None:
    """The exception raised in an ``apply`` callback that ``exn`` is, or was raised from; else None."""
    current: BaseException | None = exn
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        if id(current) in _APPLY_TRACEBACKS:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def program_traceback(exn: BaseException, program_dir: Path) -> str:
    """The traceback as the program's author would read it: only frames in the program's files
    (all frames if none is), then the exception."""
    root = str(program_dir.resolve()) + os.sep
    tb = _APPLY_TRACEBACKS.get(id(exn)) or traceback.TracebackException.from_exception(exn)
    own = [f for f in tb.stack if _in_program(f.filename, root)]
    if own:
        tb.stack = traceback.StackSummary.from_list(own)
    return "".join(tb.format())


def _in_program(filename: str | None, root: str) -> bool:
    return bool(filename) and not filename.startswith("<") and os.path.abspath(filename).startswith(root)


def _program_frame(exn: BaseException, program_dir: Path) -> str:
    """``file:line`` of the innermost frame in the program's own files (the cause chain included)."""
    root = str(program_dir.resolve())
    best = None
    current: BaseException | None = exn
    seen: set[int] = set()
    while current is not None and best is None and id(current) not in seen:
        seen.add(id(current))
        captured = _APPLY_TRACEBACKS.get(id(current))
        frames = captured.stack if captured else traceback.extract_tb(current.__traceback__)
        for frame in frames:
            if _in_program(frame.filename, root + os.sep):
                best = frame
        if best is None and isinstance(current, SyntaxError) and current.filename:
            return f"{current.filename}:{current.lineno}"
        defined = _APPLY_CALLBACKS.get(id(current))
        if best is None and defined and _in_program(defined[0], root + os.sep):
            return f"{defined[0]}:{defined[1]}"
        current = current.__cause__ or current.__context__
    if best is None:
        return str(program_dir / "__main__.py")
    return f"{best.filename}:{best.lineno}"


def _first_line(exn: BaseException) -> str:
    text = str(exn).strip()
    return text.splitlines()[0] if text else "(no message)"


_STACKREF_WARNINGS: list[str] = []
#: Tracebacks of exceptions raised inside ``apply`` callbacks, captured where they are raised:
#: the runtime re-raises them later from its own frames, which would hide the program's line.
_APPLY_TRACEBACKS: dict[int, traceback.TracebackException] = {}
#: Where the failing callback is defined: a callback called with the wrong arguments
#: (``Output.all(a, b).apply(lambda a, b: ...)``) fails before any of its own lines runs.
_APPLY_CALLBACKS: dict[int, tuple[str, int]] = {}


def _patch_locations(pulumi: Any, program_dir: Path, locations: dict[tuple[str, str], tuple[str, int]]) -> None:
    """Record where in the program each resource is declared, so findings can point at the line.

    The innermost caller frame inside the program directory (not in an installed package) is
    the declaration: for a component's children that is the component's own module.
    """
    original = pulumi.Resource.__init__
    root = str(program_dir.resolve()) + os.sep

    def init(self, t, name, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith(root) and "site-packages" not in filename:
                locations.setdefault((t, name), (filename, frame.f_lineno))
                break
            frame = frame.f_back
        original(self, t, name, *args, **kwargs)

    pulumi.Resource.__init__ = init


def _patch_apply(pulumi: Any) -> None:
    """Remember each exception raised in an ``apply`` callback, with its traceback and where the
    callback is defined, so the error names the program's line and the loader knows it came
    from a callback."""
    original = pulumi.Output.apply

    def apply(self, func, run_with_unknowns=False):
        def traced(value):
            try:
                return func(value)
            except Exception as exn:
                _APPLY_TRACEBACKS.setdefault(id(exn), traceback.TracebackException.from_exception(exn))
                code = getattr(func, "__code__", None)
                if code is not None:
                    _APPLY_CALLBACKS.setdefault(id(exn), (code.co_filename, code.co_firstlineno))
                raise

        return original(self, traced, run_with_unknowns)

    pulumi.Output.apply = apply


#: Plain values the program made secret (``Output.secret``, ``Config.require_secret``): the parent
#: redacts them from everything it relays (errors, tracebacks, the program's log and stderr).
_SECRET_VALUES: set[str] = set()


def _patch_secret(pulumi: Any) -> None:
    original = pulumi.Output.secret

    def secret(val):
        if isinstance(val, str | int | float) and not isinstance(val, bool) and str(val):
            _SECRET_VALUES.add(str(val))
        return original(val)

    pulumi.Output.secret = staticmethod(secret)


def _stackref_warnings() -> list[str]:
    return list(dict.fromkeys(_STACKREF_WARNINGS))


def _patch_stack_reference(pulumi: Any, given: set[str]) -> None:
    """Missing stack reference outputs are empty (with a warning), not a KeyError."""

    def lookup(values: list[Any]) -> Any:
        name, outputs, stack = values
        outputs = outputs or {}
        if name not in outputs:
            if stack in given:  # a stack with no outputs at all is warned about once, by the monitor
                _STACKREF_WARNINGS.append(
                    f"stack reference {stack!r}: output {name!r} not given, it is empty "
                    f"(pass --config stackref:{stack}:{name}=VALUE)"
                )
            return None
        return outputs[name]

    def get_output(self, name):
        value = pulumi.Output.all(pulumi.Output.from_input(name), self.outputs, self.name).apply(lookup)
        return pulumi.Output(value.resources(), value.future(), value.is_known(), value.is_secret())

    pulumi.StackReference.get_output = get_output
    pulumi.StackReference.require_output = get_output


def _account(config: dict[str, str], warnings: list[str]) -> str:
    for key in ("aws:allowedAccountIds", "lockdown:accountIds"):
        value = decode_json_string(config.get(key, ""))
        if isinstance(value, list) and value:
            return str(value[0])
        if isinstance(value, str) and value.strip():
            return value.strip()
    warnings.append(
        f"no account id in config (lockdown:accountIds or aws:allowedAccountIds); ARNs use {PLACEHOLDER_ACCOUNT}"
    )
    return PLACEHOLDER_ACCOUNT


def _region(config: dict[str, str], warnings: list[str]) -> str:
    region = config.get("aws:region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region or region == REDACTED:
        warnings.append(f"no aws:region in config; the plan uses {DEFAULT_REGION}")
        return DEFAULT_REGION
    return region


def _default_tags(config: dict[str, str]) -> dict[str, Any]:
    value = decode_json_string(config.get("aws:defaultTags", ""))
    tags = value.get("tags") if isinstance(value, dict) else None
    return tags if isinstance(tags, dict) else {}


def _setting(config: dict[str, str], key: str) -> str:
    value = config.get(key, "")
    return "" if value == REDACTED else value


if __name__ == "__main__":
    sys.exit(main())
