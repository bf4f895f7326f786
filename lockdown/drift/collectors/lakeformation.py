"""Lake Formation: granted permissions and the data lake settings (admins, default grants)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import Clients, Incomplete, Outcome, ScanContext, Task, error_text, record

SERVICE = "lakeformation"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"
SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
TYPES = (PERMISSIONS, SETTINGS)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"lakeformation {region}", _collector(ctx, region)) for region in ctx.regions]


def _collector(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("lakeformation", region)
        try:
            for grant in _permissions(client):
                properties = permission_properties(grant, region)
                outcome.resources.append(record(ctx, PERMISSIONS, permission_identity(properties), properties))
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "permissions (listing)", error_text(err), PERMISSIONS)
            )
        try:
            settings = client.get_data_lake_settings().get("DataLakeSettings", {})
            outcome.resources.append(
                record(ctx, SETTINGS, f"{ctx.account_id}:{region}", _settings(ctx, settings, region))
            )
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(Incomplete(SERVICE, region, "data lake settings", error_text(err), SETTINGS))
        return outcome

    return run


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
