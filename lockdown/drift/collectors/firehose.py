"""Firehose: delivery streams, their encryption and where they deliver (the capture path)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import Clients, Incomplete, Outcome, ScanContext, Task, error_text, record

SERVICE = "firehose"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
TYPES = (STREAM,)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"firehose list {region}", _lister(ctx, region)) for region in ctx.regions]


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("firehose", region)
        names: list[str] = []
        try:
            kwargs: dict[str, Any] = {"Limit": 100}
            while True:
                page = client.list_delivery_streams(**kwargs)
                names.extend(page.get("DeliveryStreamNames", []))
                if not page.get("HasMoreDeliveryStreams") or not names:
                    break
                kwargs["ExclusiveStartDeliveryStreamName"] = names[-1]
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "delivery streams (listing)", error_text(err), STREAM)
            )
            return outcome
        outcome.tasks = [Task(f"firehose {name}", _stream_task(ctx, region, name)) for name in names]
        return outcome

    return run


def _stream_task(ctx: ScanContext, region: str, name: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        try:
            description = clients.get("firehose", region).describe_delivery_stream(DeliveryStreamName=name)[
                "DeliveryStreamDescription"
            ]
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, f"delivery stream {name}", error_text(err), STREAM, name)
            )
            return outcome
        outcome.resources.append(record(ctx, STREAM, name, stream_properties(description, region)))
        return outcome

    return run


def _encryption(status: str, encryption: dict[str, Any]) -> dict[str, Any]:
    """Server-side encryption as the provider shows it: key type and key only when enabled."""
    if status not in ("ENABLED", "ENABLING"):
        return {"enabled": False}
    found = {"enabled": True, "keyType": encryption.get("KeyType", "AWS_OWNED_CMK")}
    if encryption.get("KeyARN"):
        found["keyArn"] = encryption["KeyARN"]
    return found


def stream_properties(description: dict[str, Any], region: str) -> dict[str, Any]:
    encryption = description.get("DeliveryStreamEncryptionConfiguration") or {}
    status = encryption.get("Status", "DISABLED")
    properties: dict[str, Any] = {
        "name": description["DeliveryStreamName"],
        "arn": description.get("DeliveryStreamARN"),
        "region": region,
        "serverSideEncryption": _encryption(status, encryption),
    }
    for destination in description.get("Destinations", []):
        s3 = destination.get("ExtendedS3DestinationDescription") or destination.get("S3DestinationDescription")
        if s3:
            kms = (s3.get("EncryptionConfiguration") or {}).get("KMSEncryptionConfig") or {}
            properties["destination"] = "extended_s3"
            properties["extendedS3Configuration"] = {
                "bucketArn": s3.get("BucketARN"),
                "roleArn": s3.get("RoleARN"),
                "prefix": s3.get("Prefix", ""),
                **({"kmsKeyArn": kms["AWSKMSKeyARN"]} if kms.get("AWSKMSKeyARN") else {}),
            }
    return properties
