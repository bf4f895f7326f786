"""Firehose: delivery streams, their encryption and where they deliver (the capture path)."""

from __future__ import annotations

from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, per_item, per_region, record

SERVICE = "firehose"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
TYPES = (STREAM,)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "firehose list", lambda reads, client: _list(ctx, reads, client), SERVICE)


def _list(ctx: ScanContext, reads: Reads, client: Any) -> None:
    region = reads.region
    reads.fan_out("delivery streams", lambda: _names(client), lambda name: _stream_task(ctx, region, name), (STREAM,))


def _names(client: Any) -> list[str]:
    """Every delivery stream name (``ListDeliveryStreams`` pages by the last name, no paginator)."""
    names: list[str] = []
    kwargs: dict[str, Any] = {"Limit": 100}
    while True:
        page = client.list_delivery_streams(**kwargs)
        names.extend(page.get("DeliveryStreamNames", []))
        if not page.get("HasMoreDeliveryStreams") or not names:
            return names
        kwargs["ExclusiveStartDeliveryStreamName"] = names[-1]


def _stream_task(ctx: ScanContext, region: str, name: str) -> Task:
    def collect(reads: Reads, client: Any) -> None:
        describe = lambda: client.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]  # noqa: E731
        description = reads.attempt(f"delivery stream {name}", describe, (STREAM,), name)
        if description is not None:
            reads.outcome.resources.append(record(ctx, STREAM, name, stream_properties(description, region)))

    return per_item(f"firehose {name}", SERVICE, region, collect)


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
