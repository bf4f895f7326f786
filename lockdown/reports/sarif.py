"""``--format sarif``: SARIF 2.1.0 for code scanning dashboards (GitHub, Azure DevOps, IDEs).

Every loaded rule is listed in ``tool.driver.rules`` (not only those that fired), with a
``helpUri`` to its section of the rules' documentation and a ``security-severity`` GitHub
ranks by. A finding's locations are the Pulumi resource, by URN, as a logical location
(``kind: resource``) and, where the finding knows its file, a physical location: the file
relative to the source root (``uriBaseId: %SRCROOT%``, the repository root; see
``find_source_root``), with the line that declares the resource when known. GitHub code
scanning rejects a whole log if any result lacks a physical location, and maps relative
URIs from the repository root, which is why paths are never relative to the working
directory. Each result's ``partialFingerprints`` hash the rule id and the URN only, so an
alert survives edits that move lines. Waived findings stay in the log with an external,
accepted suppression carrying the waiver's reason, so an accepted risk is still visible.
Warnings and errors become tool execution notifications, and ``executionSuccessful`` is
false whenever the check could not evaluate everything.

The reader report goes in ``runs[0].properties.readers`` (a SARIF property bag accepts any
JSON), with the same entries as the json format.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lockdown
from lockdown.findings import CheckResult, Finding, Rule
from lockdown.reports import RenderOptions
from lockdown.reports.common import SECURITY_SEVERITY, reader_rows, sorted_findings, summary, unique_rules

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/lockdown-governance/lockdown"
LEVELS = {"mandatory": "error", "advisory": "warning"}
FINGERPRINT_KEY = "lockdownFinding/v1"
#: The base id of repository-relative artifact locations (the name GitHub and the SARIF SDK use).
SOURCE_ROOT_ID = "%SRCROOT%"
#: Where a repository documents its rules (``lockdown rules --format markdown`` writes it).
RULES_DOC_PATH = "docs/rules.md"


def render(result: CheckResult, options: RenderOptions) -> str:
    """The SARIF log as indented JSON followed by a newline."""
    return json.dumps(sarif_log(result, options), indent=2, ensure_ascii=False) + "\n"


def sarif_log(result: CheckResult, options: RenderOptions) -> dict[str, Any]:
    """The SARIF log object: one run of the ``lockdown`` driver."""
    rules = unique_rules(result)
    rules_doc = options.rules_doc or default_rules_doc()
    root = os.path.realpath(options.source_root or os.getcwd())
    descriptors = [rule_descriptor(rule, rules_doc) for rule in rules]
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for finding in sorted_findings(result):
        if finding.rule not in index:
            # A finding must point at a rule; synthesize one rather than emit a dangling ruleIndex.
            index[finding.rule] = len(descriptors)
            descriptors.append(_descriptor_from_finding(finding))
        results.append(sarif_result(finding, index[finding.rule], root))
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
        "invocations": [_invocation(result, results, root)],
        "originalUriBaseIds": {SOURCE_ROOT_ID: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
        "results": results,
        "properties": {"summary": summary(result), "settings": result.settings, "policies": result.policies},
    }
    if options.readers:
        run["properties"]["readers"] = reader_rows(result)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def rule_descriptor(rule: Rule, rules_doc: str) -> dict[str, Any]:
    """A ``reportingDescriptor`` carrying the rule's metadata, its remediation as help, and its doc section."""
    return {
        "id": rule.id,
        "name": _pascal(rule.package.rsplit(".", 1)[-1]),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "helpUri": f"{rules_doc}#{heading_anchor(rule.id)}",
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


def sarif_result(finding: Finding, rule_index: int, root: str) -> dict[str, Any]:
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
    physical = _physical_location(finding, root)
    if physical:
        item["locations"][0]["physicalLocation"] = physical
    if finding.waiver is not None:
        item["suppressions"] = [_suppression(finding.waiver)]
    return item


def _physical_location(finding: Finding, root: str) -> dict[str, Any] | None:
    """The finding's file (and the line declaring the resource), relative to the source root."""
    if not finding.file:
        return None
    location: dict[str, Any] = {"artifactLocation": artifact_location(finding.file, root)}
    if isinstance(finding.line, int) and finding.line > 0:
        location["region"] = {"startLine": finding.line}
    return location


def artifact_location(path: str, root: str) -> dict[str, str]:
    """``path`` (absolute, or relative to the working directory) as a URI under ``%SRCROOT%``.

    A file outside the source root cannot be named relative to it: it gets an absolute
    ``file:`` URI (and the run a notification saying so), never a ``../`` path.
    """
    absolute = os.path.realpath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive (Windows)
        relative = absolute
    if os.path.isabs(relative) or relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": SOURCE_ROOT_ID}


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def default_rules_doc() -> str:
    """The rules' documentation when the repository has none of its own: the toolkit's, at this version."""
    return f"{INFORMATION_URI}/blob/v{lockdown.__version__}/{RULES_DOC_PATH}"


def rules_doc_url(environ: Mapping[str, str], source_root: str | Path) -> str:
    """On GitHub Actions, the checked repository's own docs/rules.md at the commit checked, if it has one.

    ``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY`` and ``GITHUB_SHA`` are set by Actions for every
    job; anywhere else (or without the file) the toolkit's own rule documentation is used.
    """
    server, repository, sha = (environ.get(key) for key in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if server and repository and sha and (Path(source_root) / RULES_DOC_PATH).is_file():
        return f"{server.rstrip('/')}/{repository}/blob/{sha}/{RULES_DOC_PATH}"
    return default_rules_doc()


def find_source_root(start: str | Path) -> Path:
    """The git work tree holding ``start`` (a ``.git`` directory, or file in worktrees and submodules).

    Without one, ``start`` itself: the report is then relative to where the check ran.
    """
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


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


def _invocation(result: CheckResult, results: list[dict[str, Any]], root: str) -> dict[str, Any]:
    notifications = [{"level": "warning", "message": message(text)} for text in result.warnings]
    outside = sum(1 for item in results if _outside_root(item))
    if outside:
        notifications.append(
            {
                "level": "warning",
                "message": message(
                    f"{outside} finding(s) point at files outside the source root {root}: code scanning cannot "
                    "place them (give --source-root)"
                ),
            }
        )
    notifications += [{"level": "error", "message": message(text)} for text in result.errors]
    return {
        "executionSuccessful": not result.errors,
        "exitCode": result.exit_code,
        "toolExecutionNotifications": notifications,
    }


def _outside_root(item: dict[str, Any]) -> bool:
    artifact = item["locations"][0].get("physicalLocation", {}).get("artifactLocation")
    return artifact is not None and "uriBaseId" not in artifact


def _pascal(name: str) -> str:
    """SARIF recommends an identifier-like rule ``name``; derive it from the package's last part."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)
