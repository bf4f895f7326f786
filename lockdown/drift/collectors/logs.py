"""CloudWatch Logs: log groups (retention, encryption, tags) and account resource policies."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import (
    Clients,
    Incomplete,
    Outcome,
    ScanContext,
    Task,
    error_text,
    paginate,
    policy_text,
    record,
)
from lockdown.model import UNKNOWN

SERVICE = "logs"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
TYPES = (LOG_GROUP, RESOURCE_POLICY)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"logs {region}", _lister(ctx, region)) for region in ctx.regions]


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("logs", region)
        try:
            groups = paginate(client, "describe_log_groups", "logGroups")
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(Incomplete(SERVICE, region, "log groups (listing)", error_text(err), LOG_GROUP))
            groups = []
        try:
            policies = client.describe_resource_policies().get("resourcePolicies", [])
            for policy in policies:
                properties = {
                    "policyName": policy["policyName"],
                    "policyDocument": policy_text(policy.get("policyDocument", "{}")),
                }
                outcome.resources.append(record(ctx, RESOURCE_POLICY, policy["policyName"], properties))
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "resource policies", error_text(err), RESOURCE_POLICY)
            )
        outcome.tasks = [Task(f"logs group {g['logGroupName']}", _group_task(ctx, region, g)) for g in groups]
        return outcome

    return run


def _group_task(ctx: ScanContext, region: str, group: dict[str, Any]):
    return lambda clients: _group(ctx, clients.get("logs", region), region, group)


def _group(ctx: ScanContext, client: Any, region: str, group: dict[str, Any]) -> Outcome:
    outcome = Outcome()
    name = group["logGroupName"]
    arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
    properties: dict[str, Any] = {
        "name": name,
        "arn": arn,
        "retentionInDays": group.get("retentionInDays", 0),
        "kmsKeyId": group.get("kmsKeyId", ""),
        "logGroupClass": group.get("logGroupClass", "STANDARD"),
        "region": region,
    }
    resource = record(ctx, LOG_GROUP, name, properties)
    try:
        properties["tags"] = dict(client.list_tags_for_resource(resourceArn=arn).get("tags", {}))
    except (ClientError, BotoCoreError) as err:
        properties["tags"] = UNKNOWN
        resource.unknowns.append("tags")
        outcome.incomplete.append(
            Incomplete(SERVICE, region, f"log group {name} tags", error_text(err), LOG_GROUP, name)
        )
    outcome.resources.append(resource)
    return outcome
