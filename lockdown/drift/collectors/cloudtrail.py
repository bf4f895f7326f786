"""CloudTrail: trails with their logging status and (classic or advanced) event selectors.

Only trails whose home region is scanned are read here, so a multi-region trail is one record.
"""

from __future__ import annotations

from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, per_item, per_region, record
from lockdown.model import UNKNOWN

SERVICE = "cloudtrail"
TRAIL = "aws:cloudtrail/trail:Trail"
TYPES = (TRAIL,)
_ADVANCED_KEYS = ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "cloudtrail describe trails", lambda reads, client: _list(ctx, reads, client), SERVICE)


def _list(ctx: ScanContext, reads: Reads, client: Any) -> None:
    region = reads.region
    reads.fan_out(
        "trails",
        lambda: [
            trail
            for trail in client.describe_trails(includeShadowTrails=False).get("trailList", [])
            if trail.get("HomeRegion", region) == region
        ],
        lambda trail: per_item(
            f"cloudtrail trail {trail['Name']}",
            SERVICE,
            region,
            lambda trail_reads, client: _trail(ctx, trail_reads, client, trail),
        ),
        (TRAIL,),
    )


def _trail(ctx: ScanContext, reads: Reads, client: Any, trail: dict[str, Any]) -> None:
    name, region = trail["Name"], reads.region
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
    target = trail.get("TrailARN") or name
    logging = lambda: bool(client.get_trail_status(Name=target).get("IsLogging"))  # noqa: E731
    reads.read_property(resource, "enableLogging", f"trail {name} status", logging, TRAIL, name)
    found = reads.attempt(
        f"trail {name} event selectors", lambda: client.get_event_selectors(TrailName=target), (TRAIL,), name
    )
    if found is None:
        for prop in ("eventSelectors", "advancedEventSelectors"):
            properties[prop] = UNKNOWN
            resource.unknowns.append(prop)
    else:
        properties["eventSelectors"] = [_selector(item) for item in found.get("EventSelectors") or []]
        properties["advancedEventSelectors"] = [_advanced(item) for item in found.get("AdvancedEventSelectors") or []]
    reads.outcome.resources.append(resource)


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
