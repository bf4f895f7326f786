"""The OPA server backend: the same rules, evaluated by an OPA server the user points at.

Used only with an explicit ``--opa-url``; nothing is contacted otherwise. Through
``opa-python-client`` it talks to OPA's documented REST API:

- Policy API: every production module is pushed with ``PUT /v1/policies/<id>`` (ids
  under ``lockdown/``; stale ``lockdown/`` modules from an earlier run are deleted
  first), then the generated aggregate module that gathers every rule's ``deny``.
  OPA compiles each module on upload and answers 400 with the errors, which become a
  load error naming the policy file and line. A module that calls a library function
  not uploaded yet is retried once the others are in, so file order does not matter;
- Data API: the settings go to ``PUT /v1/data/lockdown/config`` and the stack is
  evaluated with one ``POST /v1/data/lockdown_engine/aggregate/results``
  (``{"input": ...}``), exactly the query the embedded engine runs.

It fails closed: an undefined result, an HTTP error, a timeout or a refused
connection is a ``LockdownError`` naming the server's URL, never an empty result.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from opa_client import OpaClient
from opa_client.errors import RegoParseError

from lockdown.engine.embedded import AGGREGATE_PACKAGE, aggregate_module
from lockdown.engine.evaluation import (
    Evaluation,
    build_data,
    build_input,
    collect_readers,
    collect_violations,
    violations_of,
)
from lockdown.engine.kinds import KIND_TABLES, KindTable, check_declared, check_findings
from lockdown.engine.metadata import Rule, package_of
from lockdown.engine.policyset import READERS_PACKAGE, PolicySet
from lockdown.errors import LockdownError
from lockdown.model import Resource

#: Every module Lockdown uploads has an id under this prefix, so its own stale modules can be removed.
POLICY_ID_PREFIX = "lockdown/"
AGGREGATE_ID = f"{POLICY_ID_PREFIX}lockdown_engine/aggregate.rego"
CONFIG_DATA_PATH = "lockdown/config"
DEFAULT_TIMEOUT = 60.0
_DATA_REF = re.compile(r"\bdata\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")

T = TypeVar("T")


class OpaEngine:
    """Evaluates a ``PolicySet`` on an OPA server (``--opa-url``)."""

    def __init__(self, policy_set: PolicySet, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.policy_set = policy_set
        self.rules = policy_set.rules
        self.url = url.rstrip("/")
        host, port, ssl = parse_opa_url(url)
        # retries=0: a failed request is reported, not silently repeated with back-off.
        self._client = OpaClient(host=host, port=port, ssl=ssl, timeout=timeout, retries=0)
        self._kind_table: KindTable | None = None
        self._push_policies()
        self._check_rules()

    def close(self) -> None:
        self._client.close_connection()

    def evaluate(
        self,
        resources: list[Resource],
        settings: dict[str, Any],
        *,
        readers: bool = False,
        rules: tuple[Rule, ...] | None = None,
    ) -> Evaluation:
        """Evaluate all rules (or ``rules``) on ``resources``: one query for all of them."""
        self._put_settings(settings)
        input_value = build_input(resources)
        if rules is None:
            violations = violations_of(self.rules, self._checked_results(input_value, settings))
        else:
            violations = [
                v for rule in rules for v in collect_violations(rule, self._query(rule.package, "deny", input_value))
            ]
        check_findings(violations, resources, self._kinds())
        reader_entries = []
        if readers and self.policy_set.has_readers:
            reader_entries = collect_readers(self._query(READERS_PACKAGE, "readers", input_value))
        return Evaluation(violations=violations, readers=reader_entries)

    def _kinds(self) -> KindTable:
        """The library's type -> kind tables from the server, read once (lockdown.engine.kinds)."""
        if self._kind_table is None:
            tables = {ref: ref.removeprefix("data.").rsplit(".", 1) for ref in KIND_TABLES}
            table = KindTable.read(lambda ref: self._query(*tables[ref], {}, allow_undefined=True))
            check_declared(self.rules, table)
            self._kind_table = table
        return self._kind_table

    # ------------------------------------------------------------------ loading

    def _push_policies(self) -> None:
        """Upload every production module, then the aggregate; stale Lockdown modules go first."""
        modules = {
            f"{POLICY_ID_PREFIX}{module.path}": (module.path, module.text)
            for module in self.policy_set.production_modules()
        }
        modules[AGGREGATE_ID] = ("lockdown_engine/aggregate.rego", self._aggregate_with_run_check())
        existing = self._call("GET /v1/policies", self._client.get_policies_list)
        for policy_id in existing:
            if policy_id.startswith(POLICY_ID_PREFIX) and policy_id not in modules:
                self._call(f"DELETE /v1/policies/{policy_id}", lambda pid=policy_id: self._client.delete_policy(pid))
        pending = upload_order({policy_id: text for policy_id, (_path, text) in modules.items()})
        while pending:
            failures = {policy_id: self._put_policy(policy_id, modules[policy_id][1]) for policy_id in pending}
            still_failing = [policy_id for policy_id, error in failures.items() if error is not None]
            if len(still_failing) == len(pending):
                first = still_failing[0]
                raise LockdownError(f"policy error: {_compile_error(modules[first][0], failures[first])}")
            pending = still_failing

    def _put_policy(self, policy_id: str, text: str) -> RegoParseError | None:
        """Upload one module; return OPA's compile error (400), raise on any other failure."""
        try:
            self._call(
                f"PUT /v1/policies/{policy_id}",
                lambda: self._client.update_policy_from_string(text, policy_id, rego_compat=False),
                compile_errors=True,
            )
        except _CompileError as err:
            return err.error
        return None

    def _check_rules(self) -> None:
        """Evaluate the aggregate once on an empty stack, so a rule without ``deny`` fails now."""
        self._put_settings({})
        empty = build_input([])
        try:
            results = self._query(AGGREGATE_PACKAGE, "results", empty)
        except LockdownError:
            results = None
        if isinstance(results, dict) and all(rule.id in results for rule in self.rules):
            return
        for rule in self.rules:
            if self._query(rule.package, "deny", empty, allow_undefined=True) is None:
                raise LockdownError(f"{rule.path}: rule {rule.id} defines no deny rule")
        self._query(AGGREGATE_PACKAGE, "results", empty)

    # ------------------------------------------------------------------ shared server state

    def _aggregate_with_run_check(self) -> str:
        """The aggregate module plus a ``checked`` value that echoes this run's policies and settings.

        An OPA server is shared state: another check could push other policies or settings
        between this run's upload and its query. The query therefore returns the digest of the
        policies and the settings it was evaluated with, and the run verifies both.
        """
        digest = hashlib.sha256(
            "\0".join(f"{m.path}\0{m.text}" for m in self.policy_set.production_modules()).encode()
        ).hexdigest()
        self._digest = digest
        return aggregate_module(self.rules) + (
            f'\nchecked := {{"digest": "{digest}", "config": data.lockdown.config, "results": results}}\n'
        )

    def _checked_results(self, input_value: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
        checked = self._query(AGGREGATE_PACKAGE, "checked", input_value)
        if not isinstance(checked, dict) or not isinstance(checked.get("results"), dict):
            raise LockdownError(f"OPA server {self.url}: the aggregate result is not an object")
        expected_config = build_data(settings)["lockdown"]["config"]
        if checked.get("digest") != self._digest or _canonical(checked.get("config")) != _canonical(expected_config):
            raise LockdownError(
                f"OPA server {self.url}: its policies or settings changed during the check (another run on the same "
                "server?): use a dedicated OPA server or run checks one at a time"
            )
        return checked["results"]

    # ------------------------------------------------------------------ requests

    def _put_settings(self, settings: dict[str, Any]) -> None:
        config = build_data(settings)["lockdown"]["config"]
        self._call(
            f"PUT /v1/data/{CONFIG_DATA_PATH}", lambda: self._client.update_or_create_data(config, CONFIG_DATA_PATH)
        )

    def _query(self, package: str, rule: str, input_value: dict[str, Any], *, allow_undefined: bool = False) -> Any:
        route = f"POST /v1/data/{package.replace('.', '/')}/{rule}"
        body = self._call(route, lambda: self._client.query_rule(input_value, package, rule))
        if not isinstance(body, dict):
            raise LockdownError(f"OPA server {self.url}: {route} answered with something other than a JSON object")
        if "result" not in body:
            if allow_undefined:
                return None
            raise LockdownError(
                f"OPA server {self.url}: {route} is undefined (are the Lockdown policies loaded on this server?)"
            )
        return body["result"]

    def _call(self, route: str, request: Callable[[], T], *, compile_errors: bool = False) -> T:
        """Run one client call; every way it can fail becomes a one-line error naming the URL."""
        try:
            return request()
        except RegoParseError as err:
            if compile_errors and err.expression == "invalid_parameter" and err.errors:
                raise _CompileError(err) from err
            raise LockdownError(f"OPA server {self.url}: {route} failed: {_opa_message(err)}") from err
        except requests.Timeout as err:
            raise LockdownError(f"OPA server {self.url}: {route} timed out") from err
        except requests.ConnectionError as err:
            reason = _reason(err)
            if reason == "timed out":  # a read timeout without retries arrives as a ConnectionError
                raise LockdownError(f"OPA server {self.url}: {route} timed out") from err
            raise LockdownError(f"OPA server {self.url}: cannot connect ({reason})") from err
        except requests.HTTPError as err:
            raise LockdownError(f"OPA server {self.url}: {route} failed: {_http_message(err)}") from err
        except (requests.RequestException, ValueError) as err:
            raise LockdownError(f"OPA server {self.url}: {route} failed: {type(err).__name__}: {err}") from err
        except Exception as err:  # opa_client raises its own exception types for other statuses
            message = getattr(err, "message", None) or str(err) or type(err).__name__
            raise LockdownError(f"OPA server {self.url}: {route} failed: {message}") from err


class _CompileError(Exception):
    """OPA refused a module (400 with compile errors); retried or reported by the caller."""

    def __init__(self, error: RegoParseError) -> None:
        super().__init__(str(error))
        self.error = error


def upload_order(texts: dict[str, str]) -> list[str]:
    """Module ids with every module after the modules whose packages it refers to.

    OPA type-checks a module against the ones already loaded, so libraries go first; a
    cycle or a reference this scan misses is still handled by retrying failed uploads.
    """
    packages = {policy_id: package_of(text) or "" for policy_id, text in texts.items()}
    refs = {policy_id: set(_DATA_REF.findall(text)) for policy_id, text in texts.items()}
    ordered: list[str] = []
    state: dict[str, str] = {}

    def visit(policy_id: str) -> None:
        if state.get(policy_id):
            return
        state[policy_id] = "visiting"
        for other, package in packages.items():
            if (
                other != policy_id
                and package
                and any(ref == package or ref.startswith(f"{package}.") for ref in refs[policy_id])
            ):
                visit(other)
        state[policy_id] = "done"
        ordered.append(policy_id)

    for policy_id in texts:
        visit(policy_id)
    return ordered


def parse_opa_url(url: str) -> tuple[str, int, bool]:
    """Host, port and TLS flag of an OPA server URL (``http://127.0.0.1:8181``)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise LockdownError(f"--opa-url {url!r}: not a valid URL ({err})") from err
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LockdownError(f"--opa-url {url!r}: expected http://HOST:PORT or https://HOST:PORT")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise LockdownError(f"--opa-url {url!r}: give only scheme, host and port (the API lives under /v1)")
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 80), ssl


def _compile_error(path: str, error: RegoParseError) -> str:
    """``file:row:col: message`` of the first compile error, like the embedded engine's messages."""
    first = next((item for item in error.errors if isinstance(item, dict)), {})
    location = first.get("location") or {}
    where = f"{path}:{location.get('row')}:{location.get('col')}" if location.get("row") else path
    message = " ".join(str(first.get("message") or error.message or "module does not compile").split())
    return f"{where}: {message}"


def _opa_message(err: RegoParseError) -> str:
    details = "; ".join(str(item.get("message")) for item in err.errors if isinstance(item, dict))
    return " ".join(f"{err.expression}: {err.message}{': ' + details if details else ''}".split())


def _http_message(err: requests.HTTPError) -> str:
    response = err.response
    if response is None:
        return str(err)
    try:
        body = response.json()
        detail = body.get("message") if isinstance(body, dict) else None
    except ValueError:
        detail = None
    detail = " ".join(str(detail or response.reason or "").split())[:300]
    return f"HTTP {response.status_code}{': ' + detail if detail else ''}"


def _reason(err: requests.ConnectionError) -> str:
    text = str(err)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out"):
        if marker in text:
            return marker.lower()
    return type(err).__name__


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
