"""Lake Formation: granted permissions and the data lake settings (admins, default grants)."""

from __future__ import annotations

import json
from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, per_region, record

SERVICE = "lakeformation"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"
SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
TYPES = (PERMISSIONS, SETTINGS)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "lakeformation", lambda reads, client: _collect(ctx, reads, client), SERVICE)


def _collect(ctx: ScanContext, reads: Reads, client: Any) -> None:
    region = reads.region
    for grant in reads.attempt("permissions (listing)", lambda: _permissions(client), (PERMISSIONS,)) or []:
        properties = permission_properties(grant, region)
        reads.outcome.resources.append(record(ctx, PERMISSIONS, permission_identity(properties), properties))
    settings = reads.attempt(
        "data lake settings", lambda: client.get_data_lake_settings().get("DataLakeSettings", {}), (SETTINGS,)
    )
    if settings is not None:
        reads.outcome.resources.append(
            record(ctx, SETTINGS, f"{ctx.account_id}:{region}", _settings(ctx, settings, region))
        )


def _permissions(client: Any) -> list[dict[str, Any]]:
    """Every grant (``ListPermissions`` has a NextToken but no boto3 paginator)."""
    grants: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = client.list_permissions(**kwargs)
        grants.extend(page.get("PrincipalResourcePermissions", []))
        if not page.get("NextToken"):
            return grants
        kwargs["NextToken"] = page["NextToken"]


def permission_identity(properties: dict[str, Any]) -> str:
    """Who, on what: a grant's physical identity (its permissions are what may drift)."""
    target = {
        key: properties[key] for key in ("catalogResource", "database", "table", "dataLocation") if properties.get(key)
    }
    return f"{properties.get('principal')}|{json.dumps(target, sort_keys=True)}"


def permission_properties(grant: dict[str, Any], region: str) -> dict[str, Any]:
    resource = grant.get("Resource", {})
    properties: dict[str, Any] = {
        "principal": grant.get("Principal", {}).get("DataLakePrincipalIdentifier"),
        "permissions": sorted(grant.get("Permissions", [])),
        "permissionsWithGrantOption": sorted(grant.get("PermissionsWithGrantOption", [])),
        "region": region,
    }
    if "Catalog" in resource:
        properties["catalogResource"] = True
    if "Database" in resource:
        properties["database"] = {
            "name": resource["Database"].get("Name"),
            "catalogId": resource["Database"].get("CatalogId"),
        }
    if "Table" in resource:
        table = resource["Table"]
        properties["table"] = {"databaseName": table.get("DatabaseName"), "catalogId": table.get("CatalogId")}
        if "Name" in table:
            properties["table"]["name"] = table["Name"]
        if "TableWildcard" in table:
            properties["table"]["wildcard"] = True
    if "DataLocation" in resource:
        properties["dataLocation"] = {"arn": resource["DataLocation"].get("ResourceArn")}
    return properties


def _principals(items: list[dict[str, Any]]) -> list[str]:
    return sorted(str(item.get("DataLakePrincipalIdentifier")) for item in items)


def _settings(ctx: ScanContext, settings: dict[str, Any], region: str) -> dict[str, Any]:
    def defaults(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "permissions": sorted(item.get("Permissions", [])),
                "principal": item.get("Principal", {}).get("DataLakePrincipalIdentifier"),
            }
            for item in items
        ]

    return {
        "catalogId": ctx.account_id,
        "admins": _principals(settings.get("DataLakeAdmins", [])),
        "readOnlyAdmins": _principals(settings.get("ReadOnlyAdmins", [])),
        "trustedResourceOwners": sorted(settings.get("TrustedResourceOwners", [])),
        "createDatabaseDefaultPermissions": defaults(settings.get("CreateDatabaseDefaultPermissions", [])),
        "createTableDefaultPermissions": defaults(settings.get("CreateTableDefaultPermissions", [])),
        "region": region,
    }
