"""KMS: customer managed keys (policy, rotation, tags) and aliases.

AWS managed keys (``KeyManager`` AWS) are skipped: nobody can change their policy, so they
cannot drift. Keys pending deletion are skipped too: they can no longer encrypt anything.
"""

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
    tags_dict,
)
from lockdown.model import UNKNOWN

SERVICE = "kms"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TYPES = (KEY, ALIAS)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"kms list keys {region}", _lister(ctx, region)) for region in ctx.regions]


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("kms", region)
        try:
            keys = paginate(client, "list_keys", "Keys")
            aliases = paginate(client, "list_aliases", "Aliases")
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.extend(
                Incomplete(SERVICE, region, "keys (listing)", error_text(err), kind) for kind in TYPES
            )
            return outcome
        for alias in aliases:
            if alias.get("TargetKeyId") and not alias["AliasName"].startswith("alias/aws/"):
                properties = {
                    "name": alias["AliasName"],
                    "arn": alias.get("AliasArn"),
                    "targetKeyId": alias["TargetKeyId"],
                }
                outcome.resources.append(record(ctx, ALIAS, alias["AliasName"], properties))
        outcome.tasks = [Task(f"kms key {key['KeyId']}", _key_task(ctx, region, key["KeyId"])) for key in keys]
        return outcome

    return run


def _key_task(ctx: ScanContext, region: str, key_id: str):
    return lambda clients: _key(ctx, clients.get("kms", region), region, key_id)


def _key(ctx: ScanContext, client: Any, region: str, key_id: str) -> Outcome:
    outcome = Outcome()

    def unread(what: str, err: Exception) -> None:
        outcome.incomplete.append(Incomplete(SERVICE, region, f"key {key_id} {what}", error_text(err), KEY, key_id))

    try:
        meta = client.describe_key(KeyId=key_id)["KeyMetadata"]
    except (ClientError, BotoCoreError) as err:
        unread("metadata", err)
        return outcome
    if meta.get("KeyManager") == "AWS" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
        return outcome
    properties: dict[str, Any] = {
        "keyId": key_id,
        "arn": meta.get("Arn"),
        "description": meta.get("Description", ""),
        "isEnabled": bool(meta.get("Enabled")),
        "keyUsage": meta.get("KeyUsage"),
        "customerMasterKeySpec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        "multiRegion": bool(meta.get("MultiRegion", False)),
        "region": region,
    }
    resource = record(ctx, KEY, key_id, properties)
    reads = (
        ("policy", "policy", lambda: policy_text(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])),
        (
            "enableKeyRotation",
            "rotation status",
            lambda: bool(client.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled")),
        ),
        ("tags", "tags", lambda: tags_dict(client.list_resource_tags(KeyId=key_id).get("Tags"))),
    )
    for prop, what, call in reads:
        try:
            properties[prop] = call()
        except (ClientError, BotoCoreError) as err:
            properties[prop] = UNKNOWN
            resource.unknowns.append(prop)
            unread(what, err)
    outcome.resources.append(resource)
    return outcome
