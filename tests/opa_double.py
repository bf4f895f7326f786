"""A small local double of OPA's documented REST API, evaluating with regorus.

No OPA binary can be installed here, so the OPA backend is tested against this
double of the parts of the API it uses (https://www.openpolicyagent.org/docs/rest-api):

- Policy API: ``GET /v1/policies``, ``PUT``/``GET``/``DELETE /v1/policies/{id}``. A
  ``PUT`` compiles the module together with the others, as OPA does: a parse error or
  a call to a function no loaded module defines is ``400`` with OPA's error body
  (``code: invalid_parameter``, ``errors: [{code, message, location}]``);
- Data API: ``PUT``/``GET``/``DELETE /v1/data/{path}`` and ``POST /v1/data/{path}``
  with ``{"input": ...}``, answering ``{"result": ...}``, or ``{}`` when the document
  is undefined; an evaluation error is ``500`` with ``code: internal_error``;
- ``GET /health``.

It serves on 127.0.0.1 on a free port, in one background thread (so the regorus
engines, which are bound to the thread that made them, are only used there), and can
be told to fail: ``fail(status)`` for the next matching requests, ``delay`` to make
requests time out. Use it as a context manager so the server never outlives a test.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from lockdown.engine.embedded import new_regorus_engine, regorus_error
from lockdown.engine.static_check import check_functions
from lockdown.errors import LockdownError

_MISSING = object()


@dataclass
class _Failure:
    status: int
    method: str | None
    path_prefix: str
    times: int | None
    body: dict[str, Any] | None


@dataclass
class OpaDouble:
    """The double's state: uploaded modules, base documents and injected failures."""

    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    _failures: list[_Failure] = field(default_factory=list)
    _server: HTTPServer | None = None
    _thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "the double is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> OpaDouble:
        double = self

        class Handler(_Handler):
            state = double

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="opa-double", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpaDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ failure injection

    def fail(
        self,
        status: int = 500,
        *,
        method: str | None = None,
        path_prefix: str = "/",
        times: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next matching requests (all of them if ``times`` is None) with ``status``."""
        self._failures.append(_Failure(status, method, path_prefix, times, body))

    def _injected(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            if (failure.method in (None, method)) and path.startswith(failure.path_prefix):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                return failure
        return None

    # ------------------------------------------------------------------ OPA semantics

    def compile_errors(self, policy_id: str, text: str) -> list[dict[str, Any]]:
        """What OPA would refuse when compiling ``text`` with the modules already loaded.

        Parse errors over all modules; unknown functions (OPA's type check) over the new
        module and the modules it refers to, transitively (checking every module on every
        upload would make loading quadratic).
        """
        modules = dict(self.policies, **{policy_id: text})
        engine = new_regorus_engine()
        for module_id, module_text in modules.items():
            try:
                engine.add_policy(module_id, module_text)
            except RuntimeError as err:
                return [_error("rego_parse_error", module_id, err)]
        checked = new_regorus_engine()
        for module_id in _closure(policy_id, modules):
            checked.add_policy(module_id, modules[module_id])
        try:
            check_functions(checked)  # OPA's type checker refuses calls to unknown functions
        except LockdownError as err:
            return [_error("rego_type_error", policy_id, RuntimeError(str(err).removeprefix("policy error: ")))]
        engine.add_data_json(json.dumps(self.data))
        engine.set_input_json(json.dumps({"resources": []}))
        package = _package_of(text)
        try:
            engine.eval_query(f"data.{package}")
        except RuntimeError as err:
            return [_error("rego_type_error", policy_id, err)]
        return []

    def evaluate(self, path: str, input_value: Any) -> Any:
        """The value of ``data.<path>`` (``_MISSING`` when undefined); raises RuntimeError on errors."""
        engine = new_regorus_engine()
        for module_id, text in self.policies.items():
            engine.add_policy(module_id, text)
        engine.add_data_json(json.dumps(self.data))
        if input_value is not _MISSING:
            engine.set_input_json(json.dumps(input_value))
        ref = "data" + "".join(f".{part}" for part in path.split("/") if part)
        results = json.loads(engine.eval_query_as_json(ref)).get("result") or []
        if not results:
            return _MISSING
        return results[0]["expressions"][0]["value"]

    def put_data(self, path: str, value: Any) -> None:
        parts = [part for part in path.split("/") if part]
        if not parts:
            self.data = value if isinstance(value, dict) else {}
            return
        node = self.data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def delete_data(self, path: str) -> bool:
        parts = [part for part in path.split("/") if part]
        node = self.data
        for part in parts[:-1]:
            node = node.get(part, {})
        return node.pop(parts[-1], _MISSING) is not _MISSING if parts else False


class _Handler(BaseHTTPRequestHandler):
    state: OpaDouble

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``state.requests`` instead of the log."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        state = self.state
        path = self.path.split("?", 1)[0]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state.requests.append((method, path))
        if state.delay:
            time.sleep(state.delay)
        failure = state._injected(method, path)
        if failure is not None:
            self._send(failure.status, failure.body or {"code": "internal_error", "message": "injected failure"})
            return
        try:
            status, payload = self._route(method, path, body)
        except Exception as err:  # noqa: BLE001 - a bug in the double must be a 500, not a hang
            status, payload = 500, {"code": "internal_error", "message": f"double: {err}"}
        self._send(status, payload)

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        if path == "/health":
            return 200, {}
        if path.rstrip("/") == "/v1/policies" and method == "GET":
            return 200, {"result": [{"id": pid, "raw": text, "ast": {}} for pid, text in self.state.policies.items()]}
        if path.startswith("/v1/policies/"):
            return self._policy(method, path[len("/v1/policies/") :], body)
        if path == "/v1/data" or path.startswith("/v1/data/"):
            return self._data(method, path[len("/v1/data") :].strip("/"), body)
        return 404, {"code": "resource_not_found", "message": f"{method} {path} is not part of this double"}

    def _policy(self, method: str, policy_id: str, body: bytes) -> tuple[int, Any]:
        policies = self.state.policies
        if method == "PUT":
            text = body.decode("utf-8")
            errors = self.state.compile_errors(policy_id, text)
            if errors:
                return 400, {
                    "code": "invalid_parameter",
                    "message": "error(s) occurred while compiling module(s)",
                    "errors": errors,
                }
            policies[policy_id] = text
            return 200, {}
        if policy_id not in policies:
            return 404, {"code": "resource_not_found", "message": f'storage_not_found_error: policy id "{policy_id}"'}
        if method == "GET":
            return 200, {"result": {"id": policy_id, "raw": policies[policy_id], "ast": {}}}
        if method == "DELETE":
            del policies[policy_id]
            return 200, {}
        return 405, {"code": "invalid_parameter", "message": f"{method} not allowed"}

    def _data(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        if method in ("PUT", "POST"):
            try:
                parsed = json.loads(body) if body.strip() else {}
            except json.JSONDecodeError:
                return 400, {"code": "invalid_parameter", "message": "body contains malformed JSON"}
        if method == "PUT":
            self.state.put_data(path, parsed)
            return 204, None
        if method == "DELETE":
            if not self.state.delete_data(path):
                return 404, {
                    "code": "resource_not_found",
                    "message": f'storage_not_found_error: {path}": document missing',
                }
            return 204, None
        input_value = parsed.get("input", _MISSING) if method == "POST" and isinstance(parsed, dict) else _MISSING
        try:
            value = self.state.evaluate(path, input_value)
        except RuntimeError as err:
            return 500, {"code": "internal_error", "message": regorus_error(err)}
        return 200, ({} if value is _MISSING else {"result": value})

    def _send(self, status: int, payload: Any) -> None:
        data = b"" if payload is None else json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


_DATA_REF = re.compile(r"\bdata\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")


def _closure(start: str, modules: dict[str, str]) -> list[str]:
    """``start`` and every module whose package it refers to, transitively."""
    packages = {module_id: _package_of(text) for module_id, text in modules.items()}
    seen, todo = {start}, [start]
    while todo:
        refs = set(_DATA_REF.findall(modules[todo.pop()]))
        for module_id, package in packages.items():
            if module_id not in seen and package and any(r == package or r.startswith(f"{package}.") for r in refs):
                seen.add(module_id)
                todo.append(module_id)
    return sorted(seen)


def _package_of(text: str) -> str:
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "package":
            return words[1]
    return ""


def _error(code: str, module_id: str, err: RuntimeError) -> dict[str, Any]:
    """One entry of OPA's ``errors`` list: code, message and location."""
    summary = regorus_error(err)
    location: dict[str, Any] = {"file": module_id}
    head, _, message = summary.partition(": ")
    pieces = head.rsplit(":", 2)
    if message and len(pieces) == 3 and pieces[1].isdigit() and pieces[2].isdigit():
        location.update(row=int(pieces[1]), col=int(pieces[2]))
    else:
        message = summary
    return {"code": code, "message": message, "location": location}
