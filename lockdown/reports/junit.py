"""``--format junit``: JUnit XML, so any CI test view shows each rule on each resource.

One ``<testcase>`` per rule and resource (several violations of one rule by one resource are
one case, so names are unique): a blocking finding is a ``<failure>`` (type = severity); an
advisory finding is ``<skipped>`` with its message, since it does not fail the check (a run
whose findings are all advisory has zero failures, as its exit code 0 says); a waived finding
is ``<skipped>`` with the waiver's reason; a rule with no finding is one passing case; and
each run error is an ``<error>`` case, so a run that could not evaluate everything never
looks green. Warnings and the reader report go to ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lockdown.findings import CheckResult, Finding
from lockdown.reports import RenderOptions
from lockdown.reports.common import (
    allowed_text,
    reader_path,
    reader_rows,
    sorted_findings,
    status,
    store_label,
    summary,
    unique_rules,
    waiver_text,
)

#: Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SUITE_NAME = "lockdown check"
PASSING_NAME = "all resources"


def render(result: CheckResult, options: RenderOptions) -> str:
    """The report as a JUnit XML document with one test suite."""
    suite = ET.Element("testsuite", name=SUITE_NAME)
    _properties(suite, result)
    cases = _rule_cases(result) + _error_cases(result)
    for case in cases:
        suite.append(case)
    counts = {
        "tests": len(cases),
        "failures": sum(1 for case in cases if case.find("failure") is not None),
        "errors": sum(1 for case in cases if case.find("error") is not None),
        "skipped": sum(1 for case in cases if case.find("skipped") is not None),
    }
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", "0")
    output = _system_out(result, options)
    if output:
        ET.SubElement(suite, "system-out").text = _clean(output)
    root = ET.Element("testsuites", name="lockdown", **{key: str(value) for key, value in counts.items()})
    root.set("time", "0")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _properties(suite: ET.Element, result: CheckResult) -> None:
    properties = ET.SubElement(suite, "properties")
    for name, value in summary(result).items():
        ET.SubElement(properties, "property", name=name, value=str(value))


def _rule_cases(result: CheckResult) -> list[ET.Element]:
    """Cases per rule in id order: one per resource it found, or one passing case when it found nothing."""
    by_rule: dict[str, dict[str, list[Finding]]] = {}
    for finding in sorted_findings(result):
        by_rule.setdefault(finding.rule, {}).setdefault(finding.urn, []).append(finding)
    rule_ids = [rule.id for rule in unique_rules(result)]
    rule_ids += sorted(set(by_rule) - set(rule_ids))  # findings of rules the result does not list
    cases = []
    for rule_id in rule_ids:
        groups = by_rule.get(rule_id)
        if groups:
            cases.extend(_finding_case(findings) for findings in groups.values())
        else:
            cases.append(_case(rule_id, PASSING_NAME))
    return cases


def _finding_case(findings: list[Finding]) -> ET.Element:
    """One rule on one resource: its most urgent status decides the outcome; every finding is detailed."""
    states = [status(finding) for finding in findings]
    state = next(name for name in ("blocking", "advisory", "waived") if name in states)
    first = findings[states.index(state)]
    case = _case(first.rule, first.urn)
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    if state == "waived":
        ET.SubElement(case, "skipped", message=_clean(f"waived: {waiver_text(first.waiver)}"))
        return case
    if state == "advisory":
        outcome = ET.SubElement(case, "skipped", message=_clean(f"advisory, not blocking: {first.message}{more}"))
    else:
        outcome = ET.SubElement(case, "failure", type=first.severity, message=_clean(first.message + more))
    outcome.text = _clean("\n\n".join(_details(finding) for finding in findings))
    return case


def _details(finding: Finding) -> str:
    lines = [
        f"{finding.rule}: {finding.title}",
        f"resource: {finding.name} ({finding.type})",
        f"urn: {finding.urn}",
        f"severity: {finding.severity}, enforcement: {finding.enforcement}, "
        f"{'blocking' if finding.blocking else 'not blocking'}",
        f"message: {finding.message}",
        f"remediation: {finding.remediation}",
    ]
    if finding.stack:
        lines.insert(2, f"stack: {finding.stack}")
    if finding.frameworks:
        lines.append("frameworks: " + ", ".join(finding.frameworks))
    return "\n".join(lines)


def _error_cases(result: CheckResult) -> list[ET.Element]:
    cases = []
    for number, message in enumerate(result.errors, start=1):
        case = _case("lockdown.errors", f"error {number}")
        error = ET.SubElement(case, "error", type="LockdownError", message=_clean(message))
        error.text = _clean(message)
        cases.append(case)
    return cases


def _system_out(result: CheckResult, options: RenderOptions) -> str:
    lines = [f"warning: {warning}" for warning in result.warnings]
    if options.readers:
        rows = reader_rows(result)
        lines.append("readers:" if rows else "readers: the policies reported no restricted data store")
        for row in rows:
            lines.append(
                f"  {store_label(row, True)}: {row['principal']} via {reader_path(row)}"
                f" (allowed: {allowed_text(row['allowed'])})"
            )
    return "\n".join(lines)


def _case(classname: str, name: str) -> ET.Element:
    return ET.Element("testcase", classname=_clean(classname), name=_clean(name), time="0")


def _clean(text: str) -> str:
    """Text XML can hold: characters that are illegal in XML 1.0 are replaced."""
    return _INVALID_XML.sub("\ufffd", str(text))
