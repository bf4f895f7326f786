"""``--format markdown``: summary first, then each store's drift, findings and readers."""

from __future__ import annotations

import json
from typing import Any

from lockdown.drift.report import stores


def render(report: dict[str, Any]) -> str:
    lines = ["# Lockdown drift report", ""]
    lines += _summary(report)
    if report.get("warnings"):
        lines += ["", "## Warnings", ""] + [f"- {_cell(warning)}" for warning in report["warnings"]]
    if report["incomplete"]:
        lines += ["", "## Scan incomplete: not read", "", "These were not read and are not called compliant.", ""]
        lines += ["| account | service | region | resource | error |", "|---|---|---|---|---|"]
        for item in report["incomplete"]:
            cells = (item.get("account", ""), item["service"], item["region"], item["resource"], item["error"])
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    for group in stores(report):
        lines += [
            "",
            f"## {_cell(group['store'])}" + (f" (account {group['account']})" if group["account"] else ""),
            "",
        ]
        lines += _drift(group["drift"]) + _findings(group["findings"]) + _readers(group["readers"])
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: dict[str, Any]) -> list[str]:
    summary = report["summary"]
    drift = summary["drift"]
    scope = ", ".join(
        f"{s['account']} ({', '.join(s['regions'])}; stack {s.get('stack') or '-'})" for s in report["scope"]
    )
    return [
        f"**{summary['verdict']}** (exit {summary['exitCode']})",
        "",
        f"- Scope: {scope}",
        f"- Drift: {drift['changed']} changed, {drift['missing']} missing, {drift['unmanaged']} unmanaged, "
        f"{drift['unread']} unread, {drift['in-sync']} in sync ({summary['driftThatMatters']} that matter)",
        f"- Findings on the live resources: {summary['findings']} ({summary['blocking']} blocking); by severity: "
        + ", ".join(f"{name} {count}" for name, count in summary["findingsBySeverity"].items()),
        f"- Not read: {summary['unread']}",
    ]


def _drift(items: list[dict[str, Any]]) -> list[str]:
    if not items:
        return []
    lines = ["### Drift", ""]
    for item in items:
        flag = "" if item["matters"] else " (informational)"
        lines.append(f"- **{item['class']}**{flag} `{item['type']}` `{_cell(item['identity'])}`")
        for difference in item["differences"]:
            lines += _difference(difference)
        if item.get("unverified"):
            paths = ", ".join(f"`{_cell(path)}`" for path in item["unverified"])
            lines.append(f"  - not compared, unknown at plan time or secret (checked by the rules only): {paths}")
    return [*lines, ""]


def _difference(difference: dict[str, Any]) -> list[str]:
    statements = difference.get("statements")
    if statements:
        lines = [f"  - `{difference['property']}` statements:"]
        lines += [f"    - removed: `{json.dumps(s, sort_keys=True)}`" for s in statements["removed"]]
        lines += [f"    - added: `{json.dumps(s, sort_keys=True)}`" for s in statements["added"]]
        return lines
    desired, live = json.dumps(difference["desired"], sort_keys=True), json.dumps(difference["live"], sort_keys=True)
    return [f"  - `{difference['property']}`: desired `{desired}`, live `{live}`"]


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return []
    lines = ["### Findings", "", "| severity | rule | resource | message |", "|---|---|---|---|"]
    for finding in findings:
        severity = finding["severity"] + (" (blocking)" if finding["blocking"] else "")
        lines.append(f"| {severity} | {finding['rule']} | {_cell(finding['name'])} | {_cell(finding['message'])} |")
    return [*lines, ""]


def _readers(readers: list[dict[str, Any]]) -> list[str]:
    if not readers:
        return []
    lines = ["### Who can read it now", "", "| principal | via | allowed |", "|---|---|---|"]
    for entry in readers:
        allowed = "yes" if entry.get("allowed") else "**no**"
        lines.append(f"| {_cell(entry.get('principal'))} | {_cell(entry.get('via'))} | {allowed} |")
    return [*lines, ""]


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
