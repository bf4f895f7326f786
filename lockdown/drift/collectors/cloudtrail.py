"""CloudTrail: trails with their logging status and (classic or advanced) event selectors.

Only trails whose home region is scanned are read here, so a multi-region trail is one record.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import Clients, Incomplete, Outcome, ScanContext, Task, error_text, record
from lockdown.model import UNKNOWN

SERVICE = "cloudtrail"
TRAIL = "aws:cloudtrail/trail:Trail"
TYPES = (TRAIL,)
_ADVANCED_KEYS = ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"cloudtrail describe trails {region}", _lister(ctx, region)) for region in ctx.regions]


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("cloudtrail", region)
        try:
            trails = client.describe_trails(includeShadowTrails=False).get("trailList", [])
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(Incomplete(SERVICE, region, "trails (listing)", error_text(err), TRAIL))
            return outcome
        for trail in trails:
            if trail.get("HomeRegion", region) == region:
                outcome.tasks.append(Task(f"cloudtrail trail {trail['Name']}", _trail_task(ctx, region, trail)))
        return outcome

    return run


def _trail_task(ctx: ScanContext, region: str, trail: dict[str, Any]):
    return lambda clients: _trail(ctx, clients.get("cloudtrail", region), region, trail)


def _trail(ctx: ScanContext, client: Any, region: str, trail: dict[str, Any]) -> Outcome:
    outcome = Outcome()
    name = trail["Name"]
    properties: dict[str, Any] = {
        "name": name,
        "arn": trail.get("TrailARN"),
        "s3BucketName": trail.get("S3BucketName"),
        "s3KeyPrefix": trail.get("S3KeyPrefix", ""),
        "isMultiRegionTrail": bool(trail.get("IsMultiRegionTrail")),
        "includeGlobalServiceEvents": bool(trail.get("IncludeGlobalServiceEvents")),
        "enableLogFileValidation": bool(trail.get("LogFileValidationEnabled")),
        "isOrganizationTrail": bool(trail.get("IsOrganizationTrail")),
        "kmsKeyId": trail.get("KmsKeyId", ""),
        "cloudWatchLogsGroupArn": trail.get("CloudWatchLogsLogGroupArn", ""),
        "cloudWatchLogsRoleArn": trail.get("CloudWatchLogsRoleArn", ""),
        "homeRegion": trail.get("HomeRegion", region),
    }
    resource = record(ctx, TRAIL, name, properties)
    try:
        properties["enableLogging"] = bool(client.get_trail_status(Name=trail.get("TrailARN") or name).get("IsLogging"))
    except (ClientError, BotoCoreError) as err:
        _unknown(resource, outcome, region, "enableLogging", f"trail {name} status", err)
    try:
        selectors = client.get_event_selectors(TrailName=trail.get("TrailARN") or name)
        properties["eventSelectors"] = [_selector(item) for item in selectors.get("EventSelectors") or []]
        properties["advancedEventSelectors"] = [
            _advanced(item) for item in selectors.get("AdvancedEventSelectors") or []
        ]
    except (ClientError, BotoCoreError) as err:
        _unknown(resource, outcome, region, "eventSelectors", f"trail {name} event selectors", err)
        properties["advancedEventSelectors"] = UNKNOWN
        resource.unknowns.append("advancedEventSelectors")
    outcome.resources.append(resource)
    return outcome


def _unknown(resource: Any, outcome: Outcome, region: str, prop: str, what: str, err: Exception) -> None:
    resource.properties[prop] = UNKNOWN
    resource.unknowns.append(prop)
    outcome.incomplete.append(Incomplete(SERVICE, region, what, error_text(err), TRAIL, resource.properties["name"]))


def _selector(item: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "readWriteType": item.get("ReadWriteType", "All"),
        "includeManagementEvents": bool(item.get("IncludeManagementEvents", True)),
        "dataResources": [
            {"type": data["Type"], "values": list(data.get("Values", []))} for data in item.get("DataResources", [])
        ],
    }
    if item.get("ExcludeManagementEventSources"):
        result["excludeManagementEventSources"] = list(item["ExcludeManagementEventSources"])
    return result


def _advanced(item: dict[str, Any]) -> dict[str, Any]:
    fields = []
    for selector in item.get("FieldSelectors", []):
        field_ = {"field": selector["Field"]}
        for key in _ADVANCED_KEYS:
            if selector.get(key):
                field_[key[0].lower() + key[1:]] = list(selector[key])
        fields.append(field_)
    return {"name": item.get("Name", ""), "fieldSelectors": fields}
