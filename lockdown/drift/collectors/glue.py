"""Glue: catalog databases and the catalog's encryption settings."""

from __future__ import annotations

from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, paginate, per_region, record

SERVICE = "glue"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
ENCRYPTION = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
TYPES = (DATABASE, ENCRYPTION)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "glue", lambda reads, client: _collect(ctx, reads, client), SERVICE)


def _collect(ctx: ScanContext, reads: Reads, client: Any) -> None:
    region = reads.region
    databases = reads.attempt(
        "catalog databases (listing)", lambda: paginate(client, "get_databases", "DatabaseList"), (DATABASE,)
    )
    for database in databases or []:
        reads.outcome.resources.append(record(ctx, DATABASE, database["Name"], _database(ctx, region, database)))
    settings = reads.attempt(
        "catalog encryption settings",
        lambda: client.get_data_catalog_encryption_settings().get("DataCatalogEncryptionSettings", {}),
        (ENCRYPTION,),
    )
    if settings is not None:
        properties = {
            "catalogId": ctx.account_id,
            "dataCatalogEncryptionSettings": _encryption(settings),
            "region": region,
        }
        reads.outcome.resources.append(record(ctx, ENCRYPTION, f"{ctx.account_id}:{region}", properties))


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
