"""The YAML runtime: a Pulumi YAML program is data, evaluated here without any SDK.

``resources``, ``variables``, ``${resource.property}`` interpolation, config, ``fn::invoke``
and the other ``fn::`` builtins are evaluated in Python; every registration, read and invoke
is a protobuf request to the same ``RecordingMonitor`` the Python and Node.js runtimes use,
so URNs, default providers, synthesized outputs and invokes are shared. Values are kept in
the wire format while evaluating: a secret is the secret signature object, an unknown the
unknown sentinel, exactly what an SDK would send.

Type tokens may be written short (``aws:s3:Bucket``); they are expanded the way the AWS
schema names them (``aws:s3/bucket:Bucket``). A default provider is named ``default``
unless a resource gives ``options.version`` (there is no SDK whose version could name it).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import struct_pb2

from lockdown.model import ARCHIVE_SIG, ASSET_SIG, ROOT_STACK_TYPE, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN
from lockdown.planner.failures import missing_config
from lockdown.planner.monitor import Recorder, new_monitor
from lockdown.values import decode_json_string, struct_to_dict

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
_INTERPOLATION = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_ACCESSOR = re.compile(r"\.([A-Za-z_][\w-]*)|\[\s*(\d+)\s*\]|\[\s*\"([^\"]*)\"\s*\]")


class TemplateError(Exception):
    """An error in the program, at a line of its template."""

    def __init__(self, message: str, line: int | None = None, kind: str = "exception", key: str | None = None):
        super().__init__(message)
        self.line = line
        self.kind = kind
        self.key = key


@dataclass
class _Resource:
    name: str
    type: str
    urn: str
    id: str
    state: dict[str, Any]


class _Outputs(dict):
    """A resource's outputs, as a property access sees them."""


@dataclass
class _Value:
    """An evaluated expression and the resources it depends on."""

    value: Any
    deps: set[str] = field(default_factory=set)


def template_file(main: Path) -> Path:
    """The template the Pulumi YAML host reads: ``main`` itself, or ``Main.yaml`` else ``Pulumi.yaml`` in it."""
    if main.is_file():
        return main
    for candidate in ("Main.yaml", "Pulumi.yaml", "Pulumi.yml"):
        if (main / candidate).is_file():
            return main / candidate
    raise TemplateError(f"{main}: no Main.yaml or Pulumi.yaml")


def run_yaml(spec: dict[str, Any], recorder: Recorder, invoke_ctx: Any) -> dict[str, Any] | None:
    """Evaluate the template, registering through the shared monitor; the program's error, or None."""
    path = Path(spec["main"])
    try:
        path = template_file(path)
        text = path.read_text(encoding="utf-8")
        template = yaml.safe_load(text) or {}
        lines = _resource_lines(text)
        if not isinstance(template, dict):
            raise TemplateError("the template must be a YAML mapping")
        program = _Program(spec, template, new_monitor(recorder, spec["stackrefs"], invoke_ctx), lines)
        program.run()
    except TemplateError as err:
        where = f"{path}:{err.line}" if err.line else str(path)
        if err.kind == "config" and err.key:
            return missing_config(err.key, f"{where}: {err}")
        return {"message": f"{where}: {err}", "traceback": f"{where}: {err}", "kind": "exception"}
    except yaml.YAMLError as err:
        first = str(err).strip().splitlines()[0]
        return {"message": f"{path}: not valid YAML: {first}", "traceback": str(err), "kind": "exception"}
    recorder.warnings.extend(program.warnings)
    for (type_, name), line in program.declared.items():
        recorder.locations.setdefault((type_, name), (str(path), line))
    return None


def _resource_lines(text: str) -> dict[str, int]:
    """1-based line of every key under ``resources:``: where findings point."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "resources" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def canonical_token(token: str) -> str:
    """``aws:s3:Bucket`` -> ``aws:s3/bucket:Bucket``; ``aws:getPartition`` -> ``aws:index/getPartition:...``."""
    parts = token.split(":")
    if parts[0] == "pulumi" or (len(parts) == 3 and "/" in parts[1]):
        return token
    if len(parts) == 2:
        parts = [parts[0], "index", parts[1]]
    if len(parts) != 3:
        raise TemplateError(f"type token {token!r} is not package:module:Name")
    package, module, member = parts
    return f"{package}:{module}/{member[:1].lower()}{member[1:]}:{member}"


def _secret(value: Any) -> dict[str, Any]:
    return {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": value}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE


def _reveal(value: Any) -> tuple[Any, bool, bool]:
    """A wire value without its secret wrappers: (plain value, secret anywhere, unknown anywhere)."""
    if _is_secret(value):
        inner, _, unknown = _reveal(value.get("value"))
        return inner, True, unknown
    if isinstance(value, dict):
        parts = {k: _reveal(v) for k, v in value.items()}
        plain = {k: p for k, (p, _, _) in parts.items()}
        return plain, any(s for _, s, _ in parts.values()), any(u for _, _, u in parts.values())
    if isinstance(value, list):
        items = [_reveal(v) for v in value]
        return [p for p, _, _ in items], any(s for _, s, _ in items), any(u for _, _, u in items)
    return value, False, value == UNKNOWN


class _Program:
    """One evaluation of a template: resources and variables are evaluated once, on first use."""

    def __init__(self, spec: dict[str, Any], template: dict[str, Any], monitor: Any, lines: dict[str, int]) -> None:
        from pulumi.runtime.proto import resource_pb2

        self.pb = resource_pb2
        self.spec = spec
        self.monitor = monitor
        self.lines = lines
        self.resources_decl = _mapping(template.get("resources"), "resources")
        self.variables_decl = _mapping(template.get("variables"), "variables")
        self.config_decl = _mapping(template.get("config") or template.get("configuration"), "config")
        self.resources: dict[str, _Resource] = {}
        self.variables: dict[str, _Value] = {}
        self.active: list[str] = []
        self.declared: dict[tuple[str, str], int] = {}
        self.root = ""
        self.warnings: list[str] = []

    def run(self) -> None:
        name = f"{self.spec['project']}-{self.spec['stack']}"
        request = self.pb.RegisterResourceRequest(type=ROOT_STACK_TYPE, name=name, custom=False)
        self.root = self.monitor.RegisterResource(request).urn
        for resource in self.resources_decl:
            self.resource(resource)

    # -- references --------------------------------------------------------------------

    def resource(self, name: str) -> _Resource:
        if name in self.resources:
            return self.resources[name]
        line = self.lines.get(name)
        if name in self.active:
            raise TemplateError(f"resource {name!r} depends on itself: {' -> '.join([*self.active, name])}", line)
        self.active.append(name)
        try:
            self.resources[name] = self._register(name, self.resources_decl[name], line)
        finally:
            self.active.pop()
        return self.resources[name]

    def variable(self, name: str) -> _Value:
        if name not in self.variables:
            if name in self.active:
                raise TemplateError(f"variable {name!r} depends on itself: {' -> '.join([*self.active, name])}")
            self.active.append(name)
            try:
                self.variables[name] = self.evaluate(self.variables_decl[name])
            finally:
                self.active.pop()
        return self.variables[name]

    def config(self, key: str, line: int | None) -> Any:
        full = key if ":" in key else f"{self.spec['project']}:{key}"
        decl = self.config_decl.get(key) or self.config_decl.get(full)
        if full not in self.spec["config"]:
            if isinstance(decl, dict) and "default" in decl:
                return decl["default"]
            if decl is None:
                raise TemplateError(f"unknown reference ${{{key}}}: not a resource, variable or config key", line)
            raise TemplateError(f"missing required config {full}", line, kind="config", key=full)
        raw = self.spec["config"][full]
        declared = str(decl.get("type", "")).lower() if isinstance(decl, dict) else ""
        value = raw if declared == "string" else decode_json_string(raw)
        if declared in ("integer", "number", "boolean") and isinstance(raw, str):
            value = json.loads(raw) if raw else raw
        secret = full in self.spec["secretKeys"] or (isinstance(decl, dict) and decl.get("secret") is True)
        return _secret(value) if secret else value

    def lookup(self, expression: str, line: int | None) -> _Value:
        """``root.prop[0]["key"]``: a resource, a variable, ``pulumi.*`` or a config key, then accessors."""
        root_match = re.match(r"\s*([A-Za-z_][\w:-]*)", expression)
        if not root_match:
            raise TemplateError(f"cannot parse ${{{expression}}}", line)
        root, rest = root_match.group(1), expression[root_match.end() :].strip()
        deps: set[str] = set()
        if root in self.resources_decl:
            resource = self.resource(root)
            deps.add(resource.urn)
            if resource.type == STACK_REFERENCE_TYPE:
                self._check_stack_output(resource, rest)
            value: Any = _Outputs({"urn": resource.urn, "id": resource.id, **resource.state}) if rest else resource
        elif root in self.variables_decl:
            found = self.variable(root)
            value, deps = found.value, set(found.deps)
        elif root == "pulumi" and rest:
            value = {
                "stack": self.spec["stack"],
                "project": self.spec["project"],
                "organization": "organization",
                "cwd": self.spec["projectDir"],
            }
        else:
            value = self.config(root, line)
        return _Value(self._access(value, rest, expression, line), deps)

    def _check_stack_output(self, reference: _Resource, rest: str) -> None:
        """As for Python programs: an output that is not given is empty, with a warning."""
        accessors = list(_ACCESSOR.finditer(rest))
        if len(accessors) < 2 or accessors[0].group(1) != "outputs" or reference.id not in self.spec["stackrefs"]:
            return
        key = accessors[1].group(1) or accessors[1].group(3)
        if key is not None and key not in (reference.state.get("outputs") or {}):
            warning = (
                f"stack reference {reference.id!r}: output {key!r} not given, it is empty "
                f"(pass --config stackref:{reference.id}:{key}=VALUE)"
            )
            if warning not in self.warnings:
                self.warnings.append(warning)

    def _access(self, value: Any, rest: str, expression: str, line: int | None) -> Any:
        position = 0
        secret = False
        while position < len(rest):
            match = _ACCESSOR.match(rest, position)
            if not match:
                raise TemplateError(f"cannot parse ${{{expression}}}", line)
            position = match.end()
            if _is_secret(value):
                value, secret = value.get("value"), True
            if value == UNKNOWN:
                break
            key = match.group(1) or match.group(3)
            if isinstance(value, _Outputs):
                # As an SDK sees it in a preview: an output the provider did not return is unknown.
                value = value.get(key, UNKNOWN)
            elif key is not None and isinstance(value, dict):
                value = value.get(key)
            elif match.group(2) is not None and isinstance(value, list) and int(match.group(2)) < len(value):
                value = value[int(match.group(2))]
            else:
                value = None
        return _secret(value) if secret else value

    # -- expressions ---------------------------------------------------------------------

    def evaluate(self, expr: Any, line: int | None = None) -> _Value:
        if isinstance(expr, str):
            return self._interpolate(expr, line)
        if isinstance(expr, list):
            items = [self.evaluate(e, line) for e in expr]
            return _Value([i.value for i in items], set().union(*(i.deps for i in items)))
        if isinstance(expr, dict):
            if len(expr) == 1 and str(next(iter(expr))).startswith("fn::"):
                function, argument = next(iter(expr.items()))
                return self._builtin(function, argument, line)
            items = {str(k): self.evaluate(v, line) for k, v in expr.items()}
            return _Value({k: v.value for k, v in items.items()}, set().union(*(v.deps for v in items.values())))
        return _Value(expr)

    def _interpolate(self, text: str, line: int | None) -> _Value:
        matches = list(_INTERPOLATION.finditer(text))
        if not matches:
            return _Value(text)
        if len(matches) == 1 and matches[0].group(1) is not None and matches[0].span() == (0, len(text)):
            return self.lookup(matches[0].group(1), line)
        parts: list[str] = []
        deps: set[str] = set()
        secret = unknown = False
        position = 0
        for match in matches:
            parts.append(text[position : match.start()])
            position = match.end()
            if match.group(1) is None:  # $${ is a literal ${
                parts.append("${")
                continue
            found = self.lookup(match.group(1), line)
            deps |= found.deps
            plain, is_secret, is_unknown = _reveal(_wire(found.value))
            secret, unknown = secret or is_secret, unknown or is_unknown
            parts.append(plain if isinstance(plain, str) else json.dumps(plain) if plain is not None else "")
        parts.append(text[position:])
        value: Any = UNKNOWN if unknown else "".join(parts)
        return _Value(_secret(value) if secret else value, deps)

    def _builtin(self, function: str, argument: Any, line: int | None) -> _Value:
        if function == "fn::invoke":
            return self._invoke(argument, line)
        arg = self.evaluate(argument, line)
        plain, secret, unknown = _reveal(arg.value)
        if unknown and function != "fn::secret":
            return _Value(UNKNOWN, arg.deps)
        result = _apply_builtin(function, plain, Path(self.spec["projectDir"]), line)
        return _Value(_secret(result) if secret or function == "fn::secret" else result, arg.deps)

    def _invoke(self, argument: Any, line: int | None) -> _Value:
        if not isinstance(argument, dict) or not isinstance(argument.get("function"), str):
            raise TemplateError("fn::invoke needs a 'function'", line)
        args = self.evaluate(argument.get("arguments") or {}, line)
        request = self.pb.ResourceInvokeRequest(tok=canonical_token(argument["function"]), args=_struct(args.value))
        response = self.monitor.Invoke(request)
        if response.failures:
            reasons = "; ".join(f"{f.property}: {f.reason}" for f in response.failures)
            raise TemplateError(f"invoke {argument['function']} failed: {reasons}", line)
        if getattr(response, "unknown", False):
            return _Value(UNKNOWN, args.deps)
        result: Any = struct_to_dict(getattr(response, "return"))
        if argument.get("return"):
            result = result.get(str(argument["return"]))
        return _Value(result, args.deps)

    # -- registration --------------------------------------------------------------------

    def _register(self, name: str, decl: Any, line: int | None) -> _Resource:
        if not isinstance(decl, dict) or not isinstance(decl.get("type"), str):
            raise TemplateError(f"resource {name!r} has no 'type'", line)
        type_ = canonical_token(decl["type"])
        logical = str(decl.get("name") or name)
        options = _mapping(decl.get("options"), f"resource {name!r} options")
        evaluated = {
            str(k): self.evaluate(v, line)
            for k, v in _mapping(decl.get("properties"), f"resource {name!r} properties").items()
        }
        props = _Value({k: v.value for k, v in evaluated.items()}, set().union(*(v.deps for v in evaluated.values())))
        per_property = {k: v.deps for k, v in evaluated.items()}
        parent = self._option_resource(options.get("parent"), line)
        provider = self._option_resource(options.get("provider"), line)
        depends = [self._option_resource(d, line) for d in _as_list(options.get("dependsOn"))]
        dependencies = set(props.deps) | {r.urn for r in depends if r}
        self.declared[(type_, logical)] = line or 0
        parent_urn = parent.urn if parent else self.root
        if type_ == STACK_REFERENCE_TYPE or "get" in decl:
            return self._read(name, logical, type_, decl, parent_urn, provider, line)
        request = self.pb.RegisterResourceRequest(
            type=type_,
            name=logical,
            parent=parent_urn,
            custom=True,
            object=_struct(props.value),
            dependencies=sorted(dependencies),
            provider=f"{provider.urn}::{provider.id}" if provider else "",
            version=str(options.get("version") or ""),
            additionalSecretOutputs=[str(s) for s in _as_list(options.get("additionalSecretOutputs"))],
            protect=bool(options.get("protect", False)),
        )
        for key, urns in per_property.items():
            request.propertyDependencies[key].urns.extend(sorted(urns))
        response = self.monitor.RegisterResource(request)
        return _Resource(logical, type_, response.urn, response.id, struct_to_dict(response.object))

    def _read(self, name, logical, type_, decl, parent_urn, provider, line) -> _Resource:
        if type_ == STACK_REFERENCE_TYPE:
            props = self.evaluate(decl.get("properties") or {}, line).value
            ident = _reveal(props.get("name") if isinstance(props, dict) else None)[0] or logical
            state: Any = {}
        else:
            get = _mapping(decl.get("get"), f"resource {name!r} get")
            ident = _reveal(self.evaluate(get.get("id"), line).value)[0]
            state = self.evaluate(get.get("state") or {}, line).value
        request = self.pb.ReadResourceRequest(
            id=str(ident),
            type=type_,
            name=logical,
            parent=parent_urn,
            properties=_struct(state),
            provider=f"{provider.urn}::{provider.id}" if provider else "",
        )
        response = self.monitor.ReadResource(request)
        return _Resource(logical, type_, response.urn, str(ident), struct_to_dict(response.properties))

    def _option_resource(self, expr: Any, line: int | None) -> _Resource | None:
        if expr is None:
            return None
        value = self.evaluate(expr, line).value
        if not isinstance(value, _Resource):
            raise TemplateError(f"resource option {expr!r} must be a resource (${{name}})", line)
        return value


def _apply_builtin(function: str, value: Any, program_dir: Path, line: int | None) -> Any:
    """The pure ``fn::`` builtins, on plain values."""
    if function == "fn::secret":
        return value
    if function == "fn::toJSON":
        return json.dumps(value, separators=(",", ":"))
    if function == "fn::join" and isinstance(value, list) and len(value) == 2:
        return str(value[0]).join("" if v is None else str(v) for v in value[1])
    if function == "fn::split" and isinstance(value, list) and len(value) == 2:
        return str(value[1]).split(str(value[0]))
    if function == "fn::select" and isinstance(value, list) and len(value) == 2:
        index, items = value
        if not isinstance(items, list) or not 0 <= int(index) < len(items):
            raise TemplateError(f"fn::select: index {index} is out of range", line)
        return items[int(index)]
    if function == "fn::toBase64":
        return base64.b64encode(str(value).encode()).decode()
    if function == "fn::fromBase64":
        return base64.b64decode(str(value)).decode()
    if function == "fn::readFile":
        return (program_dir / str(value)).read_text(encoding="utf-8")
    if function in ("fn::stringAsset", "fn::fileAsset", "fn::remoteAsset"):
        kind = {"fn::stringAsset": "text", "fn::fileAsset": "path", "fn::remoteAsset": "uri"}[function]
        return {SECRET_SIG_KEY: ASSET_SIG, kind: value}
    if function in ("fn::fileArchive", "fn::remoteArchive"):
        return {SECRET_SIG_KEY: ARCHIVE_SIG, "path" if function == "fn::fileArchive" else "uri": value}
    raise TemplateError(f"unsupported builtin {function}", line)


def _struct(value: Any) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    if isinstance(value, dict):
        struct.update({k: _wire(v) for k, v in value.items() if v is not None})
    return struct


def _wire(value: Any) -> Any:
    if isinstance(value, _Resource):
        return value.id or value.urn
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"{what} must be a mapping")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
