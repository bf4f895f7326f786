"""What any engine backend returns: violations per rule and the reader report.

Backends (embedded regorus, OPA server) differ in transport only; both hand their
raw ``deny`` sets to ``collect_violations`` so the checks on their shape are shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from lockdown.engine.metadata import Rule
from lockdown.engine.policyset import PolicySet
from lockdown.errors import LockdownError
from lockdown.model import Resource


@dataclass(frozen=True)
class Violation:
    """One ``deny`` object of one rule.

    ``undecided``: the deny object says ``"undecided": true`` (the library's unknown-value
    helpers set it): the verdict rests on a value not known until the update, so the gate
    reports it as undecided during preview. Read from the object's structure, never its text.
    """

    rule: Rule
    urn: str
    message: str
    undecided: bool = False


@dataclass
class Evaluation:
    """Everything one evaluation of a stack produced."""

    violations: list[Violation] = field(default_factory=list)
    readers: list[dict[str, Any]] = field(default_factory=list)


class Engine(Protocol):
    """A policy engine: evaluates the rules (all, or a subset) on a list of records."""

    rules: tuple[Rule, ...]
    policy_set: PolicySet

    def evaluate(
        self,
        resources: list[Resource],
        settings: dict[str, Any],
        *,
        readers: bool = False,
        rules: tuple[Rule, ...] | None = None,
    ) -> Evaluation: ...


def build_input(resources: list[Resource]) -> dict[str, Any]:
    """``input`` as every rule reads it."""
    return {"resources": [resource.to_input() for resource in resources]}


def build_data(settings: dict[str, Any]) -> dict[str, Any]:
    """``data`` as every rule reads it: the settings under ``data.lockdown.config``."""
    return {"lockdown": {"config": settings}}


def collect_violations(rule: Rule, denied: Any) -> list[Violation]:
    """Check a rule's ``deny`` value and turn it into violations (fail closed on bad shapes)."""
    if denied is None:
        raise LockdownError(f"{rule.path}: rule {rule.id} has no deny rule ({rule.deny_ref} is undefined)")
    if not isinstance(denied, list):
        raise LockdownError(f"{rule.path}: rule {rule.id}: deny must be a set of objects, got {type(denied).__name__}")
    violations = []
    for item in denied:
        if not isinstance(item, dict) or not isinstance(item.get("urn"), str) or not isinstance(item.get("msg"), str):
            shown = json.dumps(item, sort_keys=True)[:120]
            raise LockdownError(f"{rule.path}: rule {rule.id} produced a violation without string urn and msg: {shown}")
        message, undecided = " ".join(item["msg"].split()), item.get("undecided") is True
        violations.append(Violation(rule=rule, urn=item["urn"], message=message, undecided=undecided))
    return violations


def violations_of(rules: tuple[Rule, ...], results: dict[str, Any]) -> list[Violation]:
    """Every rule's violations, in rule order, from a ``{rule id: deny set}`` object."""
    return [violation for rule in rules for violation in collect_violations(rule, results.get(rule.id))]


def collect_readers(value: Any) -> list[dict[str, Any]]:
    """Validate the reader report's entries."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) and "store" in item for item in value):
        raise LockdownError("policies: data.lockdown.readers.readers must be a set of objects with a store")
    return sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
