"""Glue: catalog databases and the catalog's encryption settings."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import Clients, Incomplete, Outcome, ScanContext, Task, error_text, paginate, record

SERVICE = "glue"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
ENCRYPTION = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
TYPES = (DATABASE, ENCRYPTION)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"glue {region}", _collector(ctx, region)) for region in ctx.regions]


def _collector(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("glue", region)
        try:
            for database in paginate(client, "get_databases", "DatabaseList"):
                outcome.resources.append(record(ctx, DATABASE, database["Name"], _database(ctx, region, database)))
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "catalog databases (listing)", error_text(err), DATABASE)
            )
        try:
            settings = client.get_data_catalog_encryption_settings().get("DataCatalogEncryptionSettings", {})
            properties = {
                "catalogId": ctx.account_id,
                "dataCatalogEncryptionSettings": _encryption(settings),
                "region": region,
            }
            outcome.resources.append(record(ctx, ENCRYPTION, f"{ctx.account_id}:{region}", properties))
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "catalog encryption settings", error_text(err), ENCRYPTION)
            )
        return outcome

    return run


def _database(ctx: ScanContext, region: str, database: dict[str, Any]) -> dict[str, Any]:
    catalog = database.get("CatalogId", ctx.account_id)
    return {
        "name": database["Name"],
        "catalogId": catalog,
        "arn": f"arn:{ctx.partition}:glue:{region}:{catalog}:database/{database['Name']}",
        "description": database.get("Description", ""),
        "locationUri": database.get("LocationUri", ""),
        "createTableDefaultPermissions": [
            {
                "permissions": sorted(item.get("Permissions", [])),
                "principal": {
                    "dataLakePrincipalIdentifier": item.get("Principal", {}).get("DataLakePrincipalIdentifier")
                },
            }
            for item in database.get("CreateTableDefaultPermissions", [])
        ],
        "region": region,
    }


def _encryption(settings: dict[str, Any]) -> dict[str, Any]:
    at_rest = settings.get("EncryptionAtRest") or {}
    passwords = settings.get("ConnectionPasswordEncryption") or {}
    return {
        "encryptionAtRest": {
            "catalogEncryptionMode": at_rest.get("CatalogEncryptionMode", "DISABLED"),
            "sseAwsKmsKeyId": at_rest.get("SseAwsKmsKeyId", ""),
        },
        "connectionPasswordEncryption": {
            "returnConnectionPasswordEncrypted": bool(passwords.get("ReturnConnectionPasswordEncrypted", False)),
            "awsKmsKeyId": passwords.get("AwsKmsKeyId", ""),
        },
    }
