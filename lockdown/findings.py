"""Findings: violations joined with their rule's metadata and their resource.

``check`` is the one place where a loaded stack, the settings and an engine meet;
every report renders the ``CheckResult`` it returns and nothing else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from lockdown.engine.evaluation import Engine, Violation
from lockdown.engine.metadata import Rule  # re-exported: reports read rules through findings
from lockdown.model import LoadedStack, Resource
from lockdown.settings import widening
from lockdown.waivers import Waiver, WaiverSet, find_waiver, load_waivers, ran_out_note

__all__ = ["CheckResult", "Finding", "Rule", "check", "sort_key"]

#: What a rule about a setting gives as its finding's ``urn``: ``lockdown:settings:<key>``.
SETTINGS_URN_PREFIX = "lockdown:settings:"
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one resource, as every report shows it."""

    rule: str
    title: str
    severity: str
    enforcement: str
    blocking: bool
    urn: str
    type: str
    name: str
    message: str
    remediation: str
    frameworks: tuple[str, ...] = ()
    waiver: dict[str, Any] | None = None
    stack: str | None = None
    file: str | None = None
    line: int | None = None
    #: In the ``--baseline`` file: an existing finding, advisory until fixed.
    baselined: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["frameworks"] = list(self.frameworks)
        return data


@dataclass
class CheckResult:
    """The outcome of a run over one or more stacks."""

    rules: tuple[Rule, ...]
    resources: int = 0
    findings: list[Finding] = field(default_factory=list)
    readers: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    #: The waivers in force (``Waiver.to_json()`` plus ``origin``, ``matched`` and ``days_left``).
    waivers: list[dict[str, Any]] = field(default_factory=list)
    #: The stacks checked (a stack with no finding is named too).
    stacks: list[str] = field(default_factory=list)
    #: Settings that widen access or weaken a rule (``settings.widening``), each with its
    #: ``source``: every report shows them first, so a reviewer sees what a pull request relaxed.
    settings: list[dict[str, Any]] = field(default_factory=list)
    #: The policy manifest the run evaluated (rule ids, enforcement, digests; ``lockdown.engine.manifest``).
    policies: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    @property
    def waived(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.waiver is not None]

    @property
    def exit_code(self) -> int:
        """0 nothing blocking, 1 blocking findings, 2 the run could not evaluate everything."""
        if self.errors:
            return 2
        return 1 if self.blocking else 0

    def merge(self, other: CheckResult) -> None:
        """Fold another stack's result into this one (``--stack a --stack b``)."""
        self.resources += other.resources
        self.findings.extend(other.findings)
        self.readers.extend(other.readers)
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)
        self.errors.extend(other.errors)
        self.sources.extend(other.sources)
        self.settings.extend(other.settings)
        self.stacks.extend(stack for stack in other.stacks if stack not in self.stacks)
        known = {(entry["origin"], entry["rule"], entry["resource"]): entry for entry in self.waivers}
        for entry in other.waivers:
            same = known.get((entry["origin"], entry["rule"], entry["resource"]))
            if same is None:
                self.waivers.append(dict(entry))
            else:  # the same file's waiver applied to another stack
                same["matched"] += entry["matched"]

    def unmatched_waivers(self) -> list[str]:
        """An error for each waiver in force that matched no finding of the whole run."""
        return [
            f"{entry['origin']} ({entry['rule']} on {entry['resource']}) matches no finding: remove or fix it"
            for entry in self.waivers
            if not entry["matched"]
        ]


def check(
    loaded: LoadedStack,
    engine: Engine,
    settings: dict[str, Any],
    *,
    readers: bool = False,
    today: date | None = None,
    waivers: WaiverSet | None = None,
    waivers_origin: str = "settings",
    baseline: frozenset[tuple[str, str]] = frozenset(),
) -> CheckResult:
    """Evaluate every rule on a loaded stack and turn the violations into findings.

    ``waivers`` (from a waivers file) apply with those of the ``waivers`` setting; a finding
    whose (URN, rule) is in ``baseline`` is advisory.
    """
    on = today or date.today()
    found = load_waivers(settings.get("waivers", []), on, engine.rules, waivers_origin)
    if waivers is not None:
        found = WaiverSet(
            [*waivers.active, *found.active], [*waivers.expired, *found.expired], [*waivers.warnings, *found.warnings]
        )
    evaluation = engine.evaluate(loaded.resources, settings, readers=readers)
    by_urn = {resource.urn: resource for resource in loaded.resources}
    findings = [_finding(v, by_urn.get(v.urn), found, loaded, baseline) for v in evaluation.violations]
    findings.sort(key=sort_key)
    reader_entries = [dict(entry, stack=loaded.stack) for entry in evaluation.readers]
    warnings = list(loaded.warnings) + found.warnings
    if readers and not engine.policy_set.has_readers:
        warnings.append("the policies define no reader report (package lockdown.readers): --readers shows nothing")
    return CheckResult(
        rules=engine.rules,
        resources=sum(1 for resource in loaded.resources if resource.evaluated),
        findings=findings,
        readers=reader_entries,
        warnings=warnings,
        sources=[loaded.source],
        waivers=[_in_force(waiver, findings, on) for waiver in found.active],
        stacks=[loaded.stack or "unknown"],
        settings=[dict(entry, source=loaded.source) for entry in widening(settings)],
    )


def _in_force(waiver: Waiver, findings: list[Finding], on: date) -> dict[str, Any]:
    matched = sum(1 for finding in findings if finding.waiver is not None and finding.waiver == waiver.to_json())
    return {
        **waiver.to_json(),
        "origin": waiver.origin,
        "matched": matched,
        "days_left": waiver.days_left(on),
    }


def sort_key(finding: Finding) -> tuple:
    """Blocking first, then by severity, rule and resource: the order every report uses."""
    return (not finding.blocking, SEVERITY_ORDER.get(finding.severity, 9), finding.rule, finding.urn)


def _finding(
    violation: Violation,
    resource: Resource | None,
    waivers: WaiverSet,
    loaded: LoadedStack,
    baseline: frozenset[tuple[str, str]],
) -> Finding:
    rule = violation.rule
    type_, name = (resource.type, resource.name) if resource else _type_and_name(violation.urn)
    waiver = find_waiver(waivers.active, rule.id, violation.urn, name)
    message = violation.message
    ran_out = find_waiver(waivers.expired, rule.id, violation.urn, name) if waiver is None else None
    if ran_out is not None:
        message = f"{message} {ran_out_note(ran_out)}"
    baselined = waiver is None and (violation.urn, rule.id) in baseline
    return Finding(
        rule=rule.id,
        title=rule.title,
        severity=rule.severity,
        enforcement=rule.enforcement,
        blocking=rule.enforcement == "mandatory" and waiver is None and not baselined,
        urn=violation.urn,
        type=type_,
        name=name,
        message=message,
        remediation=rule.remediation,
        frameworks=rule.frameworks,
        waiver=waiver.to_json() if waiver else None,
        stack=loaded.stack,
        file=(resource.file if resource else None) or loaded.file,
        line=resource.line if resource else None,
        baselined=baselined,
    )


def _type_and_name(urn: str) -> tuple[str, str]:
    """Type and name from a URN, for findings about resources the stack does not hold."""
    if urn.startswith(SETTINGS_URN_PREFIX):  # a finding about a setting (policies/rules/settings)
        return "lockdown:settings", urn[len(SETTINGS_URN_PREFIX) :]
    parts = urn.split("::")
    if len(parts) >= 4:
        return parts[2].split("$")[-1], parts[3]
    return "", urn
