"""Which resource rules can report a resource of a given type: the rules' ``kinds`` metadata.

A resource rule is decided from the resource alone (the scope invariant), and it reads only
the resources of some kinds: a key rotation rule never reports a bucket. Its METADATA says so
(``kinds: [kms_key]``), which lets the deployment gate evaluate, at each ``Analyze``, only
the resource rules of the arriving resource's kinds instead of all of them (about 50 µs of
regorus time saved per rule and call).

Skipping a rule must never hide a finding, so the declaration is checked, not trusted:
every kind named must exist in the library, and every finding of every evaluation (each
``lockdown check``, each gate call) must be about a resource of one of its rule's kinds; a
finding outside them is a policy error (exit 2), never a pass. The kind of a type token is
the library's own table (``data.lockdown.lib.types.kinds``, plus the few kinds
``data.lockdown.lib.services.extra_kinds`` adds); a type in neither is ``unmodelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lockdown.engine.metadata import UNMODELLED_KIND, Rule
from lockdown.errors import PolicyError
from lockdown.model import Resource

#: The library's tables of type token -> kind (the second only for kinds rules read separately).
KIND_TABLES = ("data.lockdown.lib.types.kinds", "data.lockdown.lib.services.extra_kinds")


@dataclass(frozen=True)
class KindTable:
    """Type token -> the kinds a resource of that type has, as the Rego library maps them."""

    primary: dict[str, str]
    extra: dict[str, str]

    @classmethod
    def read(cls, value_of: Callable[[str], Any]) -> KindTable:
        """The tables as the loaded library defines them (absent or malformed: empty)."""
        primary, extra = (_str_map(value_of(ref)) for ref in KIND_TABLES)
        return cls(primary, extra)

    def kinds_of(self, type_token: str) -> frozenset[str]:
        """A type's kinds: its ``types.kinds`` entry or ``unmodelled``, and any extra kind."""
        kinds = {self.primary.get(type_token, UNMODELLED_KIND)}
        if type_token in self.extra:
            kinds.add(self.extra[type_token])
        return frozenset(kinds)

    def names(self) -> frozenset[str]:
        return frozenset(self.primary.values()) | frozenset(self.extra.values()) | {UNMODELLED_KIND}


def check_declared(rules: Iterable[Rule], table: KindTable) -> None:
    """Every kind a rule's METADATA names is one the library defines (a typo would skip the rule)."""
    known = table.names()
    for rule in rules:
        unknown = sorted(set(rule.kinds) - known)
        if unknown:
            raise PolicyError(
                f"{rule.path}: METADATA kinds names {', '.join(unknown)}, which the library "
                "(policies/lib/types.rego kinds) does not define"
            )


def rules_for(rules: Iterable[Rule], type_token: str, table: KindTable) -> tuple[Rule, ...]:
    """The rules that can report a resource of this type: those of its kinds and those without ``kinds``."""
    kinds = table.kinds_of(type_token)
    return tuple(rule for rule in rules if not rule.kinds or kinds.intersection(rule.kinds))


def check_findings(violations: Iterable[Any], resources: Iterable[Resource], table: KindTable) -> None:
    """Every finding of a rule with ``kinds`` is about a resource of those kinds, or the run fails."""
    declared = [v for v in violations if v.rule.kinds]
    if not declared:
        return
    types = {resource.urn: resource.type for resource in resources}
    for violation in declared:
        type_token = types.get(violation.urn)
        if type_token is None or not table.kinds_of(type_token).intersection(violation.rule.kinds):
            rule = violation.rule
            what = f"a resource of type {type_token}" if type_token else "a resource that is not in the input"
            raise PolicyError(
                f"{rule.path}: rule {rule.id} reported {what} ({violation.urn}), a kind its METADATA "
                f"kinds ({', '.join(rule.kinds)}) does not list; the gate would not evaluate it there"
            )


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {key: kind for key, kind in value.items() if isinstance(key, str) and isinstance(kind, str)}
