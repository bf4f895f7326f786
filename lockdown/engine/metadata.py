"""Rule metadata read from ``# METADATA`` comment blocks.

regorus has no ``rego.metadata.rule()``, so the annotation block directly above a
rule file's ``package`` line is parsed here, with the same YAML OPA would read. A
rule whose metadata is missing or incomplete is a load error: metadata decides
whether a finding blocks a deployment, so guessing it would not be fail closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lockdown.documents import load_yaml
from lockdown.errors import LockdownError

SEVERITIES = ("critical", "high", "medium", "low")
ENFORCEMENTS = ("mandatory", "advisory")
SCOPES = ("resource", "stack")
#: Where the deployment gate enforces a rule: ``analyze`` at the engine's ``Analyze`` call of the
#: resource the violation is about, before that resource is created (every resource rule, and the
#: stack rules about a resource that grants access); ``stack`` at ``AnalyzeStack``, which during an
#: update runs after every resource was created (rules about a control that is missing).
GATES = ("analyze", "stack")
#: The ``kinds`` entry for resources of a type the library has no kind for (``types.kinds``).
UNMODELLED_KIND = "unmodelled"

_PACKAGE = re.compile(r"^package\s+([A-Za-z0-9_.]+)\s*$")


@dataclass(frozen=True)
class Rule:
    """One policy rule: where it lives and what its metadata says about it."""

    id: str
    package: str
    path: str
    title: str
    description: str
    severity: str
    enforcement: str
    scope: str
    remediation: str
    frameworks: tuple[str, ...] = field(default_factory=tuple)
    #: What to change, as Pulumi Python (``$name``: the resource's logical name, ``$var``: a variable for it).
    fix_python: str = ""
    gate: str = "analyze"
    #: Resource rules: the kinds of the resources it can report (empty: any resource). The gate
    #: evaluates the rule at ``Analyze`` only for resources of these kinds; ``lockdown check``
    #: verifies every finding against it (lockdown.engine.kinds).
    kinds: tuple[str, ...] = ()

    @property
    def deny_ref(self) -> str:
        """The Rego reference whose value is the rule's set of violations."""
        return f"data.{self.package}.deny"


def package_of(text: str) -> str | None:
    """The package a Rego module declares, or None if it declares none."""
    for line in text.splitlines():
        match = _PACKAGE.match(line.strip())
        if match:
            return match.group(1)
    return None


def read_annotation(text: str, path: str) -> dict[str, Any] | None:
    """The YAML of the ``# METADATA`` block directly above ``package``, or None."""
    lines = text.splitlines()
    package_index = next((i for i, line in enumerate(lines) if _PACKAGE.match(line.strip())), None)
    if package_index is None:
        return None
    block: list[str] = []
    index = package_index - 1
    while index >= 0 and lines[index].lstrip().startswith("#"):
        block.insert(0, lines[index].lstrip()[1:])
        index -= 1
    if not block or block[0].strip() != "METADATA":
        return None
    body = "\n".join(line[1:] if line.startswith(" ") else line for line in block[1:])
    parsed = load_yaml(body, path, "# METADATA block")
    if not isinstance(parsed, dict):
        raise LockdownError(f"{path}: # METADATA block must be a YAML mapping")
    return parsed


def rule_from_annotation(annotation: dict[str, Any], package: str, path: str) -> Rule:
    """Validate a rule's annotation and build its ``Rule``."""
    custom = annotation.get("custom") or {}
    if not isinstance(custom, dict):
        raise LockdownError(f"{path}: METADATA 'custom' must be a mapping")
    values = {
        "title": annotation.get("title"),
        "description": annotation.get("description"),
        "id": custom.get("id"),
        "severity": custom.get("severity"),
        "enforcement": custom.get("enforcement"),
        "scope": custom.get("scope"),
        "remediation": custom.get("remediation"),
    }
    missing = [name for name, value in values.items() if not isinstance(value, str) or not value.strip()]
    if missing:
        raise LockdownError(f"{path}: METADATA is missing {', '.join(missing)}")
    for name, allowed in (("severity", SEVERITIES), ("enforcement", ENFORCEMENTS), ("scope", SCOPES)):
        if values[name] not in allowed:
            raise LockdownError(f"{path}: METADATA {name} {values[name]!r} is not one of {', '.join(allowed)}")
    frameworks = custom.get("frameworks") or []
    if not isinstance(frameworks, list):
        raise LockdownError(f"{path}: METADATA frameworks must be a list")
    fix_python = custom.get("fix_python") or ""
    if not isinstance(fix_python, str):
        raise LockdownError(f"{path}: METADATA fix_python must be text (Pulumi Python code)")
    gate = _gate(custom.get("gate"), values["scope"], path)
    kinds = _kinds(custom.get("kinds"), values["scope"], path)
    return Rule(
        id=values["id"].strip(),
        package=package,
        path=path,
        title=" ".join(values["title"].split()),
        description=" ".join(values["description"].split()),
        severity=values["severity"],
        enforcement=values["enforcement"],
        scope=values["scope"],
        remediation=" ".join(values["remediation"].split()),
        frameworks=tuple(str(item) for item in frameworks),
        fix_python=fix_python.strip("\n"),
        gate=gate,
        kinds=kinds,
    )


def _gate(value: Any, scope: str, path: str) -> str:
    """Where the gate enforces the rule: stated for stack rules, always ``analyze`` for resource rules.

    A stack rule must say it, because the answer decides whether a violation is stopped before
    the resource exists or only fails the update after it; a resource rule is decidable from
    the resource alone, so it is enforced at its ``Analyze`` call.
    """
    if value is None:
        if scope == "stack":
            raise LockdownError(f"{path}: METADATA of a stack rule is missing gate (analyze or stack)")
        return "analyze"
    if value not in GATES:
        raise LockdownError(f"{path}: METADATA gate {value!r} is not one of {', '.join(GATES)}")
    if scope == "resource" and value != "analyze":
        raise LockdownError(f"{path}: METADATA gate of a resource rule can only be analyze")
    return value


def _kinds(value: Any, scope: str, path: str) -> tuple[str, ...]:
    """The kinds a resource rule reports: a list of kind names, or absent (any resource).

    Only a resource rule can say it: it is decided from the resource alone, so a resource of
    another kind cannot make it report. A stack rule's verdict on a resource depends on others.
    """
    if value is None:
        return ()
    if scope != "resource":
        raise LockdownError(f"{path}: METADATA kinds is only for resource rules (scope: resource)")
    if not isinstance(value, list) or not value or not all(isinstance(k, str) and k.strip() for k in value):
        raise LockdownError(f"{path}: METADATA kinds must be a non-empty list of kind names")
    return tuple(sorted({k.strip() for k in value}))


def display_path(path: Path, root: Path) -> str:
    """A policy file's path as messages show it: relative to the policies' parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
