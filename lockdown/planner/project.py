"""Reading a Pulumi project the way the Pulumi CLI does, without the CLI.

``Pulumi.yaml`` gives the project name, the program (``main``) and where stack files
live (``stackConfigDir``); ``Pulumi.<stack>.yaml`` gives the config. A stack with no
stack file runs with empty stack config (the Pulumi CLI does the same), with a warning. The program sees
config the way the CLI passes it: flat ``namespace:key`` strings, structured values
as JSON. ``--config`` overrides apply on top. Secure values cannot be decrypted
offline: they are the redacted placeholder unless overridden, and are marked secret.

The program runs in the Python environment the project names, as the Pulumi CLI runs
it: ``runtime.options.virtualenv`` (relative to the project) when that virtualenv exists,
so a program pinned to other package versions (an older pulumi-aws) plans with them;
otherwise ``PULUMI_PYTHON_CMD`` (the CLI's setting for a project without one) or
Lockdown's own environment, with a warning when a named virtualenv is missing.

Stack reference outputs are given as config keys ``stackref:<stack name>:<output>``
(in the stack file or with ``--config``); they are not passed to the program.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lockdown.documents import load_yaml, read_text
from lockdown.errors import LockdownError
from lockdown.model import REDACTED
from lockdown.values import dates_as_text, decode_json_string

#: Config namespace that carries stack reference outputs: ``stackref:<stack>:<output>``.
STACKREF_NAMESPACE = "stackref"


@dataclass
class ProjectSpec:
    """Everything the runner needs to run one stack of one program."""

    project: str
    stack: str
    project_dir: Path
    main: Path
    program_config: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    config_view: dict[str, Any] = field(default_factory=dict)
    stackrefs: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: ``python``, ``nodejs`` or ``yaml`` (Pulumi.yaml's ``runtime``), and its ``options``.
    runtime: str = "python"
    runtime_options: dict[str, Any] = field(default_factory=dict)
    #: The project's virtualenv interpreter; None: Lockdown's own.
    python: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """The spec as the runner subprocess reads it (secrets included: it goes over a pipe only)."""
        return {
            "project": self.project,
            # URNs and pulumi.get_stack() use the stack's short name (``org/project/dev`` -> ``dev``).
            "stack": self.stack.rsplit("/", 1)[-1],
            "projectDir": str(self.project_dir),
            "main": str(self.main),
            "config": self.program_config,
            "secretKeys": self.secret_keys,
            "stackrefs": self.stackrefs,
            "runtime": self.runtime,
            "runtimeOptions": self.runtime_options,
        }


def read_project(program_dir: str | Path, stack: str, overrides: list[str] | tuple[str, ...] = ()) -> ProjectSpec:
    """Read Pulumi.yaml, the stack file and ``--config`` overrides into a ``ProjectSpec``."""
    project_dir = Path(program_dir).resolve()
    project_file = _find_project_file(project_dir)
    meta = _load_yaml(project_file, "project file")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise LockdownError(f"{project_file}: project file has no 'name'")
    name = meta["name"]
    runtime, options = _check_runtime(project_file, meta.get("runtime"))
    if runtime == "python":
        main = _main_path(project_file, project_dir, meta.get("main"))
    else:  # the language's own module finds its entry point (lockdown.planner.node, .yamlprog)
        main = (project_dir / str(meta["main"])).resolve() if meta.get("main") else project_dir
    spec = ProjectSpec(project=name, stack=stack, project_dir=project_dir, main=main)
    spec.runtime, spec.runtime_options = runtime, options
    if runtime == "python":
        spec.python = _virtualenv_python(project_dir, meta.get("runtime"), spec.warnings)
    raw: dict[str, Any] = {}
    _apply_project_config(raw, name, meta.get("config"), project_file)
    stack_file = _stack_file(project_dir, meta.get("stackConfigDir"), stack)
    stack_doc = _stack_doc(stack_file, stack, spec.warnings)
    if not isinstance(stack_doc, dict):
        raise LockdownError(f"{stack_file}: stack config file must be a YAML mapping")
    stack_config = stack_doc.get("config") or {}
    if not isinstance(stack_config, dict):
        raise LockdownError(f"{stack_file}: 'config' must be a mapping of keys to values")
    for key, value in stack_config.items():
        raw[qualify(str(key), name)] = dates_as_text(value)
    secure = {key for key, value in raw.items() if _contains_secure(value)}
    overridden = _apply_overrides(raw, name, overrides)
    _finish(spec, raw, overridden, secure)
    return spec


def qualify(key: str, project: str) -> str:
    """``key`` means ``<project>:key``; ``ns:key`` is kept (as the Pulumi CLI does)."""
    return key if ":" in key else f"{project}:{key}"


def parse_override(item: str, project: str) -> tuple[str, Any]:
    """One ``--config KEY=VALUE``: values that parse as JSON objects/arrays become structured."""
    key, sep, value = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise LockdownError(f"--config {item!r}: expected KEY=VALUE")
    return qualify(key, project), decode_json_string(value)


def _find_project_file(project_dir: Path) -> Path:
    if not project_dir.is_dir():
        raise LockdownError(f"{project_dir}: program directory does not exist")
    for candidate in ("Pulumi.yaml", "Pulumi.yml"):
        if (project_dir / candidate).is_file():
            return project_dir / candidate
    raise LockdownError(f"{project_dir}: no Pulumi.yaml (not a Pulumi project directory)")


def _load_yaml(path: Path, what: str) -> Any:
    if not path.exists():
        raise LockdownError(f"{path}: {what} not found")
    return load_yaml(read_text(path, what), str(path), what)


#: The runtimes the offline planner runs.
RUNTIMES = ("python", "nodejs", "yaml")


def _check_runtime(project_file: Path, runtime: Any) -> tuple[str, dict[str, Any]]:
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    options = runtime.get("options") if isinstance(runtime, dict) else None
    if name is None:
        name = "python"
    if name not in RUNTIMES:
        raise LockdownError(
            f"{project_file}: runtime is {name!r}; the offline planner runs {', '.join(RUNTIMES)} programs"
        )
    return name, options if isinstance(options, dict) else {}


def _virtualenv_python(project_dir: Path, runtime: Any, warnings: list[str]) -> Path | None:
    """The interpreter the Pulumi CLI would run the program with (None: Lockdown's own)."""
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str) and venv:
        for python in (project_dir / venv / "bin" / "python", project_dir / venv / "Scripts" / "python.exe"):
            if python.is_file():
                return python
    command = os.environ.get("PULUMI_PYTHON_CMD")
    found = shutil.which(command) if command else None
    if command and not found:
        raise LockdownError(f"PULUMI_PYTHON_CMD={command!r} is not an executable")
    if isinstance(venv, str) and venv:
        warnings.append(
            f"the project's virtualenv {venv!r} does not exist; planned with "
            f"{'PULUMI_PYTHON_CMD' if found else 'the Python environment Lockdown runs in'}, "
            "whose package versions may differ from the program's"
        )
    return Path(found) if found else None


def _main_path(project_file: Path, project_dir: Path, main: Any) -> Path:
    target = (project_dir / str(main)).resolve() if main else project_dir
    if target.is_dir():
        if not (target / "__main__.py").is_file():
            raise LockdownError(f"{project_file}: program directory {target} has no __main__.py")
        return target / "__main__.py"
    if target.is_file():
        return target
    raise LockdownError(f"{project_file}: main {main!r} does not exist")


def _stack_file(project_dir: Path, config_dir: Any, stack: str) -> Path:
    base = project_dir / str(config_dir) if config_dir else project_dir
    short = stack.rsplit("/", 1)[-1]
    for candidate in (f"Pulumi.{short}.yaml", f"Pulumi.{short}.yml"):
        if (base / candidate).is_file():
            return base / candidate
    return base / f"Pulumi.{short}.yaml"


def _stack_doc(stack_file: Path, stack: str, warnings: list[str]) -> Any:
    """The stack file's content; a stack with no file has empty config, as the Pulumi CLI runs it."""
    if not stack_file.exists():
        warnings.append(
            f"stack '{stack}' has no config file ({stack_file.name}); planned with empty stack config, "
            "as the Pulumi CLI runs it (check the stack name)"
        )
        return {}
    return _load_yaml(stack_file, f"stack '{stack}' config file") or {}


def _apply_project_config(raw: dict[str, Any], project: str, block: Any, project_file: Path) -> None:
    """Project-level ``config:`` in Pulumi.yaml: plain values, or ``{default|value}`` declarations."""
    if not isinstance(block, dict):
        return
    for key, decl in block.items():
        full = qualify(str(key), project)
        if isinstance(decl, dict) and ({"type", "default", "value", "description", "secret"} & set(decl)):
            if "value" in decl:
                raw[full] = decl["value"]
            elif "default" in decl:
                raw[full] = decl["default"]
        else:
            raw[full] = decl


def _apply_overrides(raw: dict[str, Any], project: str, overrides: list[str] | tuple[str, ...]) -> set[str]:
    overridden: set[str] = set()
    for item in overrides or ():
        key, value = parse_override(item, project)
        raw[key] = value
        overridden.add(key)
    return overridden


def _finish(spec: ProjectSpec, raw: dict[str, Any], overridden: set[str], secure: set[str]) -> None:
    """Split raw config into the program's view, the report's view and stack reference outputs."""
    for key in sorted(raw):
        value = raw[key]
        namespace, _, rest = key.partition(":")
        if namespace == STACKREF_NAMESPACE:
            stack_name, sep, output = rest.rpartition(":")
            if not sep or not stack_name or not output:
                raise LockdownError(f"config {key!r}: stack reference outputs are stackref:<stack name>:<output>")
            spec.stackrefs.setdefault(stack_name, {})[output] = _plain(value)
            continue
        secret = key in secure
        if secret and key not in overridden:
            spec.warnings.append(
                f"config {key} is a secure value that cannot be decrypted offline; the program sees "
                f"{REDACTED!r} (pass --config {key}=VALUE to plan with a value)"
            )
            value = _redact_secure(value)
        if secret:
            spec.secret_keys.append(key)
            spec.config_view[key] = REDACTED
        else:
            spec.config_view[key] = _plain(value)
        spec.program_config[key] = _as_config_string(value)


def _contains_secure(value: Any) -> bool:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return True
        return any(_contains_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secure(v) for v in value)
    return False


def _redact_secure(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return REDACTED
        return {k: _redact_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_secure(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Scalars as the strings Pulumi config holds; structured values as objects."""
    if isinstance(value, (dict, list)):
        return value
    return _as_config_string(value)


def _as_config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if value is None:
        return ""
    return str(value)
