"""The drift report: one JSON-shaped document every renderer and ``lockdown merge`` works from.

Building it decides what matters: changed and missing records always do; an unmanaged record
does when it hangs off a managed resource (a bucket policy added to a stack's bucket), when a
rule fires on it, or when it can read one of the stores (a role that reads everything). A scan
that could not read something exits 2 whatever else it found.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from lockdown import __version__
from lockdown.drift.collectors.base import Incomplete
from lockdown.drift.diff import CHANGED, CLASSES, IN_SYNC, MISSING, UNMANAGED, UNREAD, DriftItem, store_of
from lockdown.findings import SEVERITY_ORDER, CheckResult
from lockdown.model import Resource

PAB_KEYS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")

_OWNER = {
    "aws:iam/rolePolicy:RolePolicy": ("role", "aws:iam/role:Role"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role", "aws:iam/role:Role"),
    "aws:iam/userPolicy:UserPolicy": ("user", "aws:iam/user:User"),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("user", "aws:iam/user:User"),
    "aws:iam/userGroupMembership:UserGroupMembership": ("user", "aws:iam/user:User"),
    "aws:iam/groupPolicy:GroupPolicy": ("group", "aws:iam/group:Group"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ("group", "aws:iam/group:Group"),
}


def owner_key(item: DriftItem) -> tuple[str, str] | None:
    """The record an unmanaged sub-resource hangs off (its bucket, role, user or group)."""
    if item.type.startswith("aws:s3/bucket") and item.type != "aws:s3/bucket:Bucket":
        return ("aws:s3/bucket:Bucket", item.identity)
    if item.type in _OWNER:
        return (_OWNER[item.type][1], item.identity.split(":", 1)[0])
    return None


def aws_default(resource: Resource) -> bool:
    """Bucket settings every new bucket has without anyone asking (not drift when a stack omits them)."""
    props = resource.properties
    if resource.type == "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
        return (props.get("rule") or {}).get("objectOwnership") == "BucketOwnerEnforced"
    if resource.type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        return all(props.get(key) is True for key in PAB_KEYS)
    if resource.type == "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        rules = props.get("rules") or []
        return [rule.get("applyServerSideEncryptionByDefault", {}).get("sseAlgorithm") for rule in rules] == ["AES256"]
    if resource.type == "aws:s3/bucketAcl:BucketAcl":
        policy = props.get("accessControlPolicy") or {}
        owner = (policy.get("owner") or {}).get("id")
        grants = policy.get("grants") or []
        return all(g.get("grantee", {}).get("id") == owner and g.get("permission") == "FULL_CONTROL" for g in grants)
    return False


def decide_matters(items: list[DriftItem], check: CheckResult, live: list[Resource]) -> None:
    """Mark which unmanaged records matter (see the module docstring); in-sync never does."""
    by_urn = {resource.urn: resource for resource in live}
    managed = {(item.type, item.identity) for item in items if item.drift != UNMANAGED}
    flagged = {finding.urn for finding in check.findings}
    readers = {str(entry.get("principal")) for entry in check.readers} | {
        str(entry.get("via_urn")) for entry in check.readers
    }
    unmanaged = {(item.type, item.identity): item for item in items if item.drift == UNMANAGED}
    for item in items:
        if item.drift == IN_SYNC:
            item.matters = False
        elif item.drift == UNMANAGED:
            arn = by_urn[item.urn].properties.get("arn") if item.urn in by_urn else None
            item.matters = item.urn in flagged or item.urn in readers or (arn is not None and arn in readers)
            item.matters = item.matters or owner_key(item) in managed
            if item.urn in by_urn and aws_default(by_urn[item.urn]) and item.urn not in flagged:
                item.matters, item.note = False, "AWS default for every new bucket; the stack does not declare it"
    for item in unmanaged.values():
        owner = unmanaged.get(owner_key(item)) if owner_key(item) else None
        if owner is not None and owner.matters:
            item.matters = True


def build_report(
    *,
    items: list[DriftItem],
    check: CheckResult,
    live: list[Resource],
    incomplete: list[Incomplete],
    account_id: str,
    regions: tuple[str, ...],
    stack: str | None,
    project: str | None,
    desired_source: str,
) -> dict[str, Any]:
    """The report document (see docs: ``lockdown drift --format json``)."""
    stores = {resource.urn: store_of(resource) for resource in live}
    findings = []
    for finding in check.findings:
        entry = finding.to_json()
        entry["store"] = stores.get(finding.urn, "account")
        entry["account"] = account_id
        findings.append(entry)
    report = {
        "tool": {"name": "lockdown", "version": __version__},
        "kind": "drift",
        "generatedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scope": [
            {
                "account": account_id,
                "regions": list(regions),
                "stack": stack,
                "project": project,
                "desired": desired_source,
                "resources": len(live),
            }
        ],
        "drift": [dict(item.to_json(), account=account_id) for item in items],
        "findings": findings,
        "readers": [_reader(entry, account_id, stores) for entry in check.readers],
        "incomplete": [dict(entry.to_json(), account=account_id) for entry in incomplete],
        "warnings": list(check.warnings),
        "errors": list(check.errors),
    }
    report["summary"] = summarize(report)
    return report


def _reader(entry: dict[str, Any], account_id: str, stores: dict[str, str]) -> dict[str, Any]:
    """A reader entry with its account and the store group it belongs to in the report."""
    group = stores.get(str(entry.get("store")), str(entry.get("store_name") or entry.get("store")))
    return {key: value for key, value in entry.items() if key != "stack"} | {"account": account_id, "storeGroup": group}


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """Counts and the exit code, computed from the lists alone (so merged reports agree)."""
    drift = report["drift"]
    findings = report["findings"]
    counts = Counter(item["class"] for item in drift)
    matters = sum(1 for item in drift if item["matters"] and item["class"] in (CHANGED, MISSING, UNMANAGED, UNREAD))
    blocking = sum(1 for finding in findings if finding["blocking"])
    by_severity = Counter(finding["severity"] for finding in findings)
    by_store = Counter(finding["store"] for finding in findings)
    complete = not report["incomplete"] and not report.get("errors")
    exit_code = 2 if not complete else (1 if matters or blocking else 0)
    return {
        "complete": complete,
        "exitCode": exit_code,
        "verdict": verdict(exit_code),
        "accounts": len(report["scope"]),
        "resources": sum(scope.get("resources", 0) for scope in report["scope"]),
        "drift": {name: counts.get(name, 0) for name in CLASSES},
        "driftThatMatters": matters,
        "findings": len(findings),
        "blocking": blocking,
        "unread": len(report["incomplete"]),
        "findingsBySeverity": {name: by_severity.get(name, 0) for name in SEVERITY_ORDER},
        "findingsByStore": dict(sorted(by_store.items(), key=lambda pair: (-pair[1], pair[0]))),
    }


def verdict(exit_code: int) -> str:
    """The one-line meaning of an exit code (also for merged reports)."""
    return {
        0: "No drift that matters and no blocking findings.",
        1: "Drift or blocking findings need attention.",
        2: "Scan incomplete: some resources could not be read and are not called compliant.",
    }[exit_code]


def stores(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Drift, findings and readers grouped by store, stores with problems first (for renderers)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}

    def group(account: str, store: str) -> dict[str, Any]:
        key = (account, store)
        if key not in groups:
            groups[key] = {"account": account, "store": store, "drift": [], "findings": [], "readers": []}
        return groups[key]

    for item in report["drift"]:
        if item["class"] != IN_SYNC:
            group(item.get("account", ""), item["store"])["drift"].append(item)
    for finding in report["findings"]:
        group(finding.get("account", ""), finding["store"])["findings"].append(finding)
    for entry in report["readers"]:
        group(entry.get("account", ""), entry.get("storeGroup") or str(entry.get("store_name")))["readers"].append(
            entry
        )

    def rank(entry: dict[str, Any]) -> tuple:
        worst = min((SEVERITY_ORDER.get(f["severity"], 9) for f in entry["findings"]), default=9)
        problems = sum(1 for item in entry["drift"] if item["matters"])
        return (worst, -problems - len(entry["findings"]), entry["account"], entry["store"])

    return sorted(groups.values(), key=rank)


__all__ = ["UNREAD", "build_report", "decide_matters", "stores", "summarize"]
