"""KMS: customer managed keys (policy, rotation, tags) and aliases.

AWS managed keys (``KeyManager`` AWS) are skipped: nobody can change their policy, so they
cannot drift. Keys pending deletion are skipped too: they can no longer encrypt anything.
"""

from __future__ import annotations

from typing import Any

from lockdown.drift.collectors.base import (
    Reads,
    ScanContext,
    Task,
    paginate,
    per_item,
    per_region,
    policy_text,
    record,
    tags_dict,
)

SERVICE = "kms"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TYPES = (KEY, ALIAS)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "kms list keys", lambda reads, client: _list(ctx, reads, client), SERVICE)


def _list(ctx: ScanContext, reads: Reads, client: Any) -> None:
    listed = reads.attempt(
        "keys (listing)",
        lambda: (paginate(client, "list_keys", "Keys"), paginate(client, "list_aliases", "Aliases")),
        TYPES,
    )
    if listed is None:
        return
    keys, aliases = listed
    for alias in aliases:
        if alias.get("TargetKeyId") and not alias["AliasName"].startswith("alias/aws/"):
            properties = {"name": alias["AliasName"], "arn": alias.get("AliasArn"), "targetKeyId": alias["TargetKeyId"]}
            reads.outcome.resources.append(record(ctx, ALIAS, alias["AliasName"], properties))
    reads.outcome.tasks = [_key_task(ctx, reads.region, key["KeyId"]) for key in keys]


def _key_task(ctx: ScanContext, region: str, key_id: str) -> Task:
    return per_item(f"kms key {key_id}", SERVICE, region, lambda reads, client: _key(ctx, reads, client, key_id))


def _key(ctx: ScanContext, reads: Reads, client: Any, key_id: str) -> None:
    meta = reads.attempt(
        f"key {key_id} metadata", lambda: client.describe_key(KeyId=key_id)["KeyMetadata"], (KEY,), key_id
    )
    if meta is None:
        return
    if meta.get("KeyManager") == "AWS" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
        return
    properties: dict[str, Any] = {
        "keyId": key_id,
        "arn": meta.get("Arn"),
        "description": meta.get("Description", ""),
        "isEnabled": bool(meta.get("Enabled")),
        "keyUsage": meta.get("KeyUsage"),
        "customerMasterKeySpec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        "multiRegion": bool(meta.get("MultiRegion", False)),
        "region": reads.region,
    }
    resource = record(ctx, KEY, key_id, properties)
    reads_by_property = (
        ("policy", "policy", lambda: policy_text(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])),
        (
            "enableKeyRotation",
            "rotation status",
            lambda: bool(client.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled")),
        ),
        ("tags", "tags", lambda: tags_dict(client.list_resource_tags(KeyId=key_id).get("Tags"))),
    )
    for prop, what, call in reads_by_property:
        reads.read_property(resource, prop, f"key {key_id} {what}", call, KEY, key_id)
    reads.outcome.resources.append(resource)
