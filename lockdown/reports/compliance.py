"""``lockdown report --framework``: compliance evidence, control by control, from the rules' results.

Each rule's METADATA ``frameworks`` names the controls it evidences (``"SOC 2 CC6.1"``). The
report lists every control the rules name for the chosen framework, the rules that evidence
it, and its status in each stack checked: ``fail`` (a mandatory finding blocks), ``waived``
(findings accepted by a waiver in force, listed with it), ``advisory`` (findings of advisory
rules only) or ``pass`` (no finding). Controls no rule evidences are not claimed. The same
context renders as Markdown and as one self-contained HTML page (no script, no network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2

from lockdown.findings import CheckResult, Finding, Rule
from lockdown.reports.common import status as finding_status
from lockdown.reports.common import unique_rules
from lockdown.reports.markdown import cell

#: ``--framework`` value -> (the prefix of its entries in METADATA ``frameworks``, its display name).
FRAMEWORKS = {
    "cis": ("CIS AWS Foundations", "CIS Amazon Web Services Foundations Benchmark"),
    "soc2": ("SOC 2", "SOC 2 Trust Services Criteria"),
    "iso27001": ("ISO 27001", "ISO/IEC 27001:2022 Annex A"),
    "gdpr": ("GDPR", "EU General Data Protection Regulation"),
}
#: Worst first: a control's status in a stack is the worst of its rules' statuses there.
STATUSES = ("fail", "waived", "advisory", "pass")


@dataclass
class Control:
    id: str
    rules: list[Rule] = field(default_factory=list)
    #: stack -> status
    status: dict[str, str] = field(default_factory=dict)
    #: stack -> findings of the control's rules there
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    waivers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> str:
        return min(self.status.values(), key=STATUSES.index, default="pass")


def controls(result: CheckResult, framework: str) -> list[Control]:
    """Every control of ``framework`` some rule evidences, with its status per stack, in control order."""
    prefix = FRAMEWORKS[framework][0] + " "
    found: dict[str, Control] = {}
    for rule in unique_rules(result):
        for entry in rule.frameworks:
            if entry.startswith(prefix):
                control_id = entry[len(prefix) :].strip()
                found.setdefault(control_id, Control(control_id)).rules.append(rule)
    for control in found.values():
        ids = {rule.id for rule in control.rules}
        for stack in result.stacks:
            hits = [f for f in result.findings if f.rule in ids and (f.stack or "unknown") == stack]
            control.findings[stack] = hits
            control.status[stack] = min((_status(f) for f in hits), key=STATUSES.index, default="pass")
        control.waivers = [entry for entry in result.waivers if entry["rule"] in ids]
    return sorted(found.values(), key=lambda control: _natural(control.id))


def context(result: CheckResult, framework: str, today: date) -> dict[str, Any]:
    """What both templates render."""
    found = controls(result, framework)
    counts = {name: sum(1 for control in found if control.overall == name) for name in STATUSES}
    return {
        "framework": framework,
        "framework_name": FRAMEWORKS[framework][1],
        "date": today.isoformat(),
        "stacks": result.stacks,
        "controls": found,
        "counts": counts,
        "waivers": result.waivers,
        "rules": len(unique_rules(result)),
    }


def render_markdown(data: dict[str, Any]) -> str:
    return _environment(markdown=True).get_template("compliance.md.j2").render(**data)


def render_html(data: dict[str, Any]) -> str:
    return _environment(markdown=False).get_template("compliance.html.j2").render(**data)


def _status(finding: Finding) -> str:
    state = finding_status(finding)
    return "fail" if state in ("blocking", "baseline") else state  # a baselined finding still violates


def _natural(text: str) -> list[Any]:
    """``A.5.9`` before ``A.5.15``, ``Art. 5(1)(f)`` before ``Art. 25``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]


def _environment(markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lockdown.reports", "templates"),
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = cell
    return env
