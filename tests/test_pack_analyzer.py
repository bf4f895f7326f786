"""The CrossGuard wire format loader: the engine's requests become the same records as elsewhere."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from lockdown.loaders.analyzer import resource_from_analyze, resources_from_stack
from lockdown.loaders.state import resource_from_v3
from lockdown.model import REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN
from lockdown.values import struct_to_dict

URN = "urn:pulumi:dev::lockdown::aws:s3/bucketPolicy:BucketPolicy::transcripts-policy"
PROVIDER = "urn:pulumi:dev::lockdown::pulumi:providers:aws::default_7_51_1"
PARENT = "urn:pulumi:dev::lockdown::lockdown:capture:Pipeline::capture"
BUCKET = "urn:pulumi:dev::lockdown::aws:s3/bucket:Bucket::transcripts"

RAW = {
    "bucket": "transcripts-1a2b3c",
    "policy": UNKNOWN,
    "tags": {"data-classification": "restricted", "owner": {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": "alice"}},
    "retentionDays": 30,
    "ratio": 0.5,
    "rules": [{"enabled": True, "kmsMasterKeyId": UNKNOWN}],
    "__defaults": ["forceDestroy"],
}


def struct(value: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(value)
    return message


def analyze_request() -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(
        type="aws:s3/bucketPolicy:BucketPolicy",
        urn=URN,
        name="transcripts-policy",
        properties=struct(RAW),
        options=analyzer_pb2.AnalyzerResourceOptions(parent=PARENT),
        provider=analyzer_pb2.AnalyzerProviderResource(type="pulumi:providers:aws", urn=PROVIDER, name="default"),
    )


def test_struct_keeps_whole_numbers_as_integers_and_maps_legacy_unknowns() -> None:
    value = struct_to_dict(
        struct({"days": 30, "ratio": 0.5, "flag": True, "none": None, "old": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"})
    )
    assert value == {"days": 30, "ratio": 0.5, "flag": True, "none": None, "old": UNKNOWN}
    assert isinstance(value["days"], int)
    big = struct_to_dict(struct({"exact": 2**53 - 1, "beyond": 2.0**60}))
    assert isinstance(big["exact"], int) and isinstance(big["beyond"], float), "a double past 2**53 is not exact"


def test_analyze_request_becomes_a_normalized_record() -> None:
    record = resource_from_analyze(analyze_request())
    assert record.source == "analyzer"
    assert (record.urn, record.type, record.name) == (URN, "aws:s3/bucketPolicy:BucketPolicy", "transcripts-policy")
    assert record.parent == PARENT and record.provider == PROVIDER and record.custom
    assert record.properties["tags"]["owner"] == REDACTED  # the plaintext never enters a record
    assert "alice" not in repr(record)
    assert record.properties["policy"] == UNKNOWN
    assert sorted(record.unknowns) == ["policy", "rules[0].kmsMasterKeyId"]
    assert "__defaults" not in record.properties
    assert record.properties["retentionDays"] == 30 and isinstance(record.properties["retentionDays"], int)


def test_analyzer_record_equals_the_state_loaders_record_for_the_same_resource() -> None:
    """The same normalization as `lockdown check --state`: only the source differs."""
    record = resource_from_analyze(analyze_request())
    state = resource_from_v3(
        {
            "urn": URN,
            "type": record.type,
            "inputs": RAW,
            "parent": PARENT,
            "provider": f"{PROVIDER}::abc",
            "custom": True,
        },
        "state",
        Path("export.json"),
        "deployment.resources[0]",
    )
    assert (record.properties, sorted(record.unknowns)) == (state.properties, sorted(state.unknowns))
    assert (record.parent, record.provider, record.custom) == (state.parent, state.provider, state.custom)


def test_stack_request_keeps_graph_edges_and_physical_ids() -> None:
    request = analyzer_pb2.AnalyzeStackRequest()
    request.resources.add(
        type="aws:s3/bucket:Bucket",
        urn=BUCKET,
        name="transcripts",
        properties=struct({"id": "transcripts-1a2b3c", "arn": "arn:aws:s3:::transcripts-1a2b3c"}),
        parent=PARENT,
        provider=analyzer_pb2.AnalyzerProviderResource(type="pulumi:providers:aws", urn=PROVIDER, name="default"),
    )
    request.resources.add(
        type="aws:s3/bucketPolicy:BucketPolicy", urn=URN, name="transcripts-policy", dependencies=[BUCKET]
    )
    request.resources.add(type="pulumi:pulumi:Stack", urn="urn:pulumi:dev::lockdown::pulumi:pulumi:Stack::lockdown-dev")
    bucket, policy, stack = resources_from_stack(request)
    assert bucket.id == "transcripts-1a2b3c" and bucket.parent == PARENT and bucket.custom
    assert policy.dependencies == [BUCKET] and policy.id is None
    assert stack.name == "lockdown-dev" and not stack.custom and not stack.evaluated
