"""The default backend: regorus, an in-process Rego engine.

All rules are evaluated in one query over the whole stack (about 4x faster than one
evaluation per resource). Every module is parsed and every package evaluated once at
load time (or, with ``background_checks``, in a worker awaited before the first
evaluation), because regorus reports an undefined function only when the rule using it
runs: a typo in a policy must be a policy error, never a silent pass.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from lockdown.engine.evaluation import (
    Evaluation,
    build_data,
    build_input,
    collect_readers,
    collect_violations,
    violations_of,
)
from lockdown.engine.kinds import KindTable, check_declared, check_findings, rules_for
from lockdown.engine.metadata import Rule
from lockdown.engine.parallel import (
    ForkedTask,
    can_fork,
    evaluate_groups,
    fork_is_safe,
    group_module,
    group_ref,
    split_rules,
)
from lockdown.engine.policyset import READERS_REF, Module, PolicySet
from lockdown.engine.static_check import check_functions
from lockdown.errors import LockdownError, PolicyError
from lockdown.model import Resource

AGGREGATE_PACKAGE = "lockdown_engine.aggregate"
_LOCATION = re.compile(r"-->\s*(\S+:\d+:\d+)")
_ERROR = re.compile(r"^\s*error:\s*(.+)$", re.MULTILINE)


def regorus_error(err: BaseException) -> str:
    """A regorus error as one line: ``file:line:col: message`` without the Rust backtrace."""
    text = str(err).split("Stack backtrace:")[0]
    location = _LOCATION.search(text)
    message = _ERROR.search(text)
    summary = message.group(1).strip() if message else " ".join(text.split())[:200]
    return f"{location.group(1)}: {summary}" if location else summary


def new_regorus_engine() -> Any:
    """A fresh regorus engine (imported lazily; backtraces off so messages stay one line)."""
    os.environ.pop("RUST_BACKTRACE", None)
    os.environ.pop("RUST_LIB_BACKTRACE", None)
    import regorus

    return regorus.Engine()


def aggregate_module(rules: tuple[Rule, ...]) -> str:
    """A generated module that collects every rule's deny set, keyed by rule id, in one value."""
    entries = ",\n".join(f"\t{json.dumps(rule.id)}: {rule.deny_ref}" for rule in rules)
    return f"package {AGGREGATE_PACKAGE}\n\nimport rego.v1\n\nresults := {{\n{entries},\n}}\n"


class EmbeddedEngine:
    """Evaluates a ``PolicySet`` with regorus. Bound to the thread that created it."""

    def __init__(
        self,
        policy_set: PolicySet,
        include_tests: bool = False,
        *,
        parallel: bool = False,
        background_checks: bool = False,
    ) -> None:
        """Load the policies and check them (see the module docstring).

        ``parallel``: a large stack's rules are evaluated in two groups on two cores.
        ``background_checks``: the checks run in a forked worker, so that they overlap
        whatever the caller does next (reading the stack); the first evaluation waits for
        them and raises ``PolicyError`` if they failed. Both are in parallel.py.
        """
        self.policy_set = policy_set
        self.rules = policy_set.rules
        self._engine = new_regorus_engine()
        self._data_json: str | None = None
        self._groups = split_rules(self.rules) if parallel and not include_tests else None
        modules = policy_set.modules if include_tests else policy_set.production_modules()
        for module in modules:
            try:
                self._engine.add_policy(module.path, module.text)
            except RuntimeError as err:
                raise PolicyError(f"policy error: {regorus_error(err)}") from err
        self._engine.add_policy("lockdown_engine/aggregate.rego", aggregate_module(self.rules))
        if self._groups:
            self._engine.add_policy("lockdown_engine/parallel.rego", group_module(self._groups))
        self._kind_table: KindTable | None = None
        self._rules_by_type: dict[str, tuple[Rule, ...]] = {}
        self._pending_checks: ForkedTask | None = None
        if background_checks and fork_is_safe():
            self._pending_checks = ForkedTask(lambda: self._check_policies(modules), "policy check")
        else:
            self._check_policies(modules)

    @property
    def regorus(self) -> Any:
        """The underlying regorus engine (the policy tester drives it directly)."""
        return self._engine

    def evaluate(
        self,
        resources: list[Resource],
        settings: dict[str, Any],
        *,
        readers: bool = False,
        rules: tuple[Rule, ...] | None = None,
    ) -> Evaluation:
        """Evaluate all rules (or ``rules``) on ``resources`` in one pass."""
        self._await_checks()
        self._load(build_input(resources), settings)
        if rules is None and self._groups and can_fork(len(resources)):
            groups = self._groups
            rank = {rule.id: index for index, rule in enumerate(self.rules)}
            results = evaluate_groups(lambda index: self._eval_json(group_ref(index), groups[index]), groups, rank)
            violations = violations_of(self.rules, results)
        elif rules is None:
            violations = violations_of(self.rules, self._eval_json(f"data.{AGGREGATE_PACKAGE}.results", self.rules))
        else:
            violations = [
                v for rule in rules for v in collect_violations(rule, self._eval_json(rule.deny_ref, (rule,)))
            ]
        check_findings(violations, resources, self.kind_table())
        reader_entries = (
            collect_readers(self._eval_json(READERS_REF, ())) if readers and self.policy_set.has_readers else []
        )
        return Evaluation(violations=violations, readers=reader_entries)

    def kind_table(self) -> KindTable:
        """The library's type -> kind tables, read once; the rules' ``kinds`` are checked against them."""
        if self._kind_table is None:
            table = KindTable.read(self.constant)
            check_declared(self.rules, table)
            self._kind_table = table
        return self._kind_table

    def rules_for(self, type_token: str) -> tuple[Rule, ...]:
        """The rules that can report a resource of this type (lockdown.engine.kinds)."""
        found = self._rules_by_type.get(type_token)
        if found is None:
            found = self._rules_by_type[type_token] = rules_for(self.rules, type_token, self.kind_table())
        return found

    def constant(self, ref: str) -> Any:
        """A rule of the library that needs no input (a table), or None where it is not defined."""
        try:
            return json.loads(self._engine.eval_rule_as_json(ref))
        except RuntimeError:
            return None

    def _load(self, input_value: dict[str, Any], settings: dict[str, Any]) -> None:
        # Loading data makes regorus prepare every module again (several ms), so the data is
        # replaced only when the settings change; the gate evaluates thousands of single
        # resources with the same settings.
        data_json = json.dumps(build_data(settings), sort_keys=True)
        if data_json != self._data_json:
            self._engine.clear_data()
            self._engine.add_data_json(data_json)
            self._data_json = data_json
        self._engine.set_input(input_value)

    def _eval_json(self, ref: str, suspects: tuple[Rule, ...]) -> Any:
        try:
            return json.loads(self._engine.eval_rule_as_json(ref))
        except RuntimeError as err:
            culprit = self._find_failing_rule(suspects) if len(suspects) > 1 else (suspects[0] if suspects else None)
            where = f"rule {culprit.id} ({culprit.path})" if culprit else ref
            error = LockdownError(f"evaluation of {where} failed: {regorus_error(err)}")
            error.rule_id = culprit.id if culprit else None  # type: ignore[attr-defined]
            raise error from err

    def _find_failing_rule(self, suspects: tuple[Rule, ...]) -> Rule | None:
        for rule in suspects:
            try:
                self._engine.eval_rule_as_json(rule.deny_ref)
            except RuntimeError:
                return rule
        return None

    def _check_policies(self, modules: tuple[Module, ...]) -> None:
        """Every called function exists, and every package evaluates on an empty stack."""
        check_functions(self._engine)
        self._check_every_package(modules)

    def _await_checks(self) -> None:
        """Wait for the policy checks running in the background; their failure stops the run."""
        pending, self._pending_checks = self._pending_checks, None
        if pending is not None:
            try:
                pending.result()
            except LockdownError as err:
                raise PolicyError(str(err)) from None

    def _check_every_package(self, modules: tuple[Module, ...]) -> None:
        """Evaluate each package once on an empty stack so undefined functions surface now."""
        self._load(build_input([]), {})
        for package in sorted({module.package for module in modules}):
            try:
                self._engine.eval_query(f"data.{package}")
            except RuntimeError as err:
                raise PolicyError(f"policy error: {regorus_error(err)}") from err
        for rule in self.rules:
            if not self._engine.eval_query(rule.deny_ref).get("result"):
                raise PolicyError(f"{rule.path}: rule {rule.id} defines no deny rule")
