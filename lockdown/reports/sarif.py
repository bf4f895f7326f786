"""``--format sarif``: SARIF 2.1.0 for code scanning dashboards (GitHub, Azure DevOps, IDEs).

Every loaded rule is listed in ``tool.driver.rules`` (not only those that fired), so a
dashboard can show what was checked. A finding's location is logical: the Pulumi
resource, by URN, as ``kind: resource``. Waived findings stay in the log with an
external, accepted suppression carrying the waiver's reason, so an accepted risk is still
visible. Warnings and errors become tool execution notifications, and
``executionSuccessful`` is false whenever the check could not evaluate everything.

The reader report goes in ``runs[0].properties.readers`` (a SARIF property bag accepts any
JSON), with the same entries as the json format.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import lockdown
from lockdown.findings import CheckResult, Finding, Rule
from lockdown.reports import RenderOptions
from lockdown.reports.common import SECURITY_SEVERITY, reader_rows, sorted_findings, summary, unique_rules

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/lockdown-governance/lockdown"
LEVELS = {"mandatory": "error", "advisory": "warning"}
FINGERPRINT_KEY = "lockdownFinding/v1"


def render(result: CheckResult, options: RenderOptions) -> str:
    """The SARIF log as indented JSON followed by a newline."""
    return json.dumps(sarif_log(result, options), indent=2, ensure_ascii=False) + "\n"


def sarif_log(result: CheckResult, options: RenderOptions) -> dict[str, Any]:
    """The SARIF log object: one run of the ``lockdown`` driver."""
    rules = unique_rules(result)
    descriptors = [rule_descriptor(rule) for rule in rules]
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for finding in sorted_findings(result):
        if finding.rule not in index:
            # A finding must point at a rule; synthesize one rather than emit a dangling ruleIndex.
            index[finding.rule] = len(descriptors)
            descriptors.append(_descriptor_from_finding(finding))
        results.append(sarif_result(finding, index[finding.rule]))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "lockdown",
                "version": lockdown.__version__,
                "semanticVersion": lockdown.__version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [_invocation(result)],
        "results": results,
        "properties": {"summary": summary(result), "settings": result.settings, "policies": result.policies},
    }
    if options.readers:
        run["properties"]["readers"] = reader_rows(result)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A ``reportingDescriptor`` carrying the rule's metadata and its remediation as help."""
    return {
        "id": rule.id,
        "name": _pascal(rule.package.rsplit(".", 1)[-1]),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": _help(rule.remediation, rule.frameworks),
        "defaultConfiguration": {"enabled": True, "level": LEVELS.get(rule.enforcement, "error")},
        "properties": {
            "severity": rule.severity,
            "enforcement": rule.enforcement,
            "scope": rule.scope,
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "5.5"),
            "tags": ["security", *rule.frameworks],
        },
    }


def _descriptor_from_finding(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "shortDescription": {"text": finding.title or finding.rule},
        "help": _help(finding.remediation, finding.frameworks),
        "defaultConfiguration": {"enabled": True, "level": LEVELS.get(finding.enforcement, "error")},
        "properties": {
            "severity": finding.severity,
            "enforcement": finding.enforcement,
            "security-severity": SECURITY_SEVERITY.get(finding.severity, "5.5"),
            "tags": ["security", *finding.frameworks],
        },
    }


def _help(remediation: str, frameworks: tuple[str, ...]) -> dict[str, str]:
    text = f"Remediation: {remediation}"
    markdown = f"**Remediation:** {remediation}"
    if frameworks:
        text += "\nFrameworks: " + ", ".join(frameworks)
        markdown += "\n\n**Frameworks:**\n\n" + "\n".join(f"- {item}" for item in frameworks)
    return {"text": text, "markdown": markdown}


def sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """One ``result``: the finding at its resource, with a stable fingerprint."""
    item: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": LEVELS.get(finding.enforcement, "error"),
        "message": message(finding.message),
        "locations": [
            {
                "logicalLocations": [
                    {
                        "name": finding.name,
                        "fullyQualifiedName": finding.urn,
                        "kind": "resource",
                        "properties": {"type": finding.type},
                    }
                ]
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {
            "severity": finding.severity,
            "enforcement": finding.enforcement,
            "blocking": finding.blocking,
            "stack": finding.stack,
        },
    }
    physical = _physical_location(finding)
    if physical:
        item["locations"][0]["physicalLocation"] = physical
    if finding.waiver is not None:
        item["suppressions"] = [_suppression(finding.waiver)]
    return item


def _physical_location(finding: Finding) -> dict[str, Any] | None:
    """The source file (and line) of a finding, once findings carry one (``file``, ``line``).

    GitHub code scanning only accepts results with a physical location; logical locations
    alone are valid SARIF and enough for every other consumer.
    """
    path = getattr(finding, "file", None)
    if not path:
        return None
    location: dict[str, Any] = {"artifactLocation": {"uri": str(path).replace("\\", "/")}}
    line = getattr(finding, "line", None)
    if isinstance(line, int) and line > 0:
        location["region"] = {"startLine": line}
    return location


def message(text: str) -> dict[str, str]:
    """A SARIF message: braces are doubled, since SARIF reads ``{0}`` as a placeholder (3.11.5)."""
    return {"text": text.replace("{", "{{").replace("}", "}}")}


def fingerprint(finding: Finding) -> str:
    """A hash of rule and URN: stable across runs, so dashboards track one finding over time."""
    return hashlib.sha256(f"{finding.rule}\0{finding.urn}".encode()).hexdigest()[:32]


def _suppression(waiver: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "external",
        "status": "accepted",
        "justification": str(waiver.get("reason", "")),
        "properties": {"resource": waiver.get("resource"), "expires": waiver.get("expires")},
    }


def _invocation(result: CheckResult) -> dict[str, Any]:
    notifications = [{"level": "warning", "message": message(text)} for text in result.warnings]
    notifications += [{"level": "error", "message": message(text)} for text in result.errors]
    return {
        "executionSuccessful": not result.errors,
        "exitCode": result.exit_code,
        "toolExecutionNotifications": notifications,
    }


def _pascal(name: str) -> str:
    """SARIF recommends an identifier-like rule ``name``; derive it from the package's last part."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)
