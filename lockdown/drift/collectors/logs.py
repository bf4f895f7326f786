"""CloudWatch Logs: log groups (retention, encryption, tags) and account resource policies."""

from __future__ import annotations

from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, paginate, per_item, per_region, policy_text, record

SERVICE = "logs"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
TYPES = (LOG_GROUP, RESOURCE_POLICY)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "logs", lambda reads, client: _list(ctx, reads, client), SERVICE)


def _list(ctx: ScanContext, reads: Reads, client: Any) -> None:
    groups = reads.attempt(
        "log groups (listing)", lambda: paginate(client, "describe_log_groups", "logGroups"), (LOG_GROUP,)
    )
    policies = reads.attempt(
        "resource policies", lambda: client.describe_resource_policies().get("resourcePolicies", []), (RESOURCE_POLICY,)
    )
    for policy in policies or []:
        properties = {
            "policyName": policy["policyName"],
            "policyDocument": policy_text(policy.get("policyDocument", "{}")),
        }
        reads.outcome.resources.append(record(ctx, RESOURCE_POLICY, policy["policyName"], properties))
    reads.outcome.tasks = [_group_task(ctx, reads.region, group) for group in groups or []]


def _group_task(ctx: ScanContext, region: str, group: dict[str, Any]) -> Task:
    label = f"logs group {group['logGroupName']}"
    return per_item(label, SERVICE, region, lambda reads, client: _group(ctx, reads, client, group))


def _group(ctx: ScanContext, reads: Reads, client: Any, group: dict[str, Any]) -> None:
    name = group["logGroupName"]
    arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
    properties: dict[str, Any] = {
        "name": name,
        "arn": arn,
        "retentionInDays": group.get("retentionInDays", 0),
        "kmsKeyId": group.get("kmsKeyId", ""),
        "logGroupClass": group.get("logGroupClass", "STANDARD"),
        "region": reads.region,
    }
    resource = record(ctx, LOG_GROUP, name, properties)
    tags = lambda: dict(client.list_tags_for_resource(resourceArn=arn).get("tags", {}))  # noqa: E731
    reads.read_property(resource, "tags", f"log group {name} tags", tags, LOG_GROUP, name)
    reads.outcome.resources.append(resource)
