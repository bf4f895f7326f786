"""``--format json``: exactly the object DESIGN.md documents, for scripts and dashboards.

Keys are written in a fixed order and findings in ``sort_key`` order, so two runs on the
same input produce byte-identical output and diffs of reports mean something.
"""

from __future__ import annotations

import json
from typing import Any

import lockdown
from lockdown.findings import CheckResult, Finding
from lockdown.reports import RenderOptions
from lockdown.reports.common import reader_rows, sorted_findings, summary


def render(result: CheckResult, options: RenderOptions) -> str:
    """The report as one JSON object followed by a newline."""
    return json.dumps(report(result, options), indent=2, ensure_ascii=False) + "\n"


def report(result: CheckResult, options: RenderOptions) -> dict[str, Any]:
    """The report object (also useful to callers that embed it)."""
    data: dict[str, Any] = {
        "tool": {"name": "lockdown", "version": lockdown.__version__},
        "summary": summary(result),
        "settings": result.settings,
        "policies": result.policies,
        "findings": [finding_json(finding) for finding in sorted_findings(result)],
        "errors": list(result.errors),
        "warnings": list(result.warnings),
    }
    if options.readers:
        data["readers"] = reader_rows(result)
    return data


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding with DESIGN.md's keys first, then ``frameworks`` and ``stack``."""
    return {
        "rule": finding.rule,
        "title": finding.title,
        "severity": finding.severity,
        "enforcement": finding.enforcement,
        "blocking": finding.blocking,
        "urn": finding.urn,
        "type": finding.type,
        "name": finding.name,
        "message": finding.message,
        "remediation": finding.remediation,
        "waiver": _waiver(finding.waiver),
        "frameworks": list(finding.frameworks),
        "stack": finding.stack,
        "baselined": finding.baselined,
    }


def _waiver(waiver: dict[str, Any] | None) -> dict[str, Any] | None:
    """The waiver's documented keys only, in a fixed order."""
    if waiver is None:
        return None
    return {key: waiver.get(key) for key in ("rule", "resource", "reason", "owner", "ticket", "approvers", "expires")}
