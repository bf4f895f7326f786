"""The planner's mock monitor reads wire values through ``lockdown.values``, as every loader does.

The monitor is driven directly with the ``RegisterResourceRequest`` the SDK would send, so the
encodings the mock runtime rarely produces (output value envelopes come only from remote
components) are covered too, in-process and fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import resource_pb2

from lockdown.loaders.preview import load_preview
from lockdown.model import OUTPUT_SIG, REDACTED, RESOURCE_SIG, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN, Resource
from lockdown.planner.invokes import InvokeContext
from lockdown.planner.monitor import Recorder, build_monitor
from lockdown.planner.outputs import Context

STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
TOPIC = "aws:sns/topic:Topic"


def plan(type_: str, name: str, inputs: dict[str, Any]) -> tuple[dict[str, Any], Recorder]:
    """Register one resource with a fresh recording monitor; return its record and the recorder."""
    recorder = Recorder("dev", "proj", Context(account="111122223333", region="eu-west-1"), {"region": "eu-west-1"})
    invoke_ctx = InvokeContext(account="111122223333", region="eu-west-1")
    monitor = build_monitor(recorder, {}, invoke_ctx)(None)
    wire = struct_pb2.Struct()
    wire.update(inputs)
    request = resource_pb2.RegisterResourceRequest(
        type=type_, name=name, parent=STACK_URN, custom=True, object=wire, version="7.11.0"
    )
    urn = monitor.RegisterResource(request).urn
    (record,) = [r for r in recorder.records if r["urn"] == urn]
    return record, recorder


def test_a_secret_output_value_is_redacted_and_an_unknown_one_listed() -> None:
    record, recorder = plan(
        TOPIC,
        "home",
        {
            "name": "home",
            "kmsMasterKeyId": {SECRET_SIG_KEY: OUTPUT_SIG, "value": "hunter2", "secret": True, "dependencies": ["u"]},
            "displayName": {SECRET_SIG_KEY: OUTPUT_SIG, "dependencies": ["u"]},
            "policy": {SECRET_SIG_KEY: OUTPUT_SIG, "value": '{"Statement": []}'},
            "deliveryPolicy": {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": "do-not-print-me"},
        },
    )
    properties = record["properties"]
    assert properties["kmsMasterKeyId"] == REDACTED == properties["deliveryPolicy"]
    assert properties["displayName"] == UNKNOWN and record["unknowns"] == ["displayName"]
    assert properties["policy"] == '{"Statement": []}'
    text = json.dumps(recorder.records)
    assert "hunter2" not in text and "do-not-print-me" not in text and SECRET_SIG_KEY not in text


def test_a_resource_reference_is_its_id() -> None:
    bucket = "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b"
    record, _ = plan(
        "aws:s3/bucketPolicy:BucketPolicy",
        "p",
        {"bucket": {SECRET_SIG_KEY: RESOURCE_SIG, "urn": bucket, "id": "b-1234567"}, "policy": "{}"},
    )
    assert record["properties"]["bucket"] == "b-1234567" and record["unknowns"] == []


def test_the_same_unknown_tag_gets_the_same_paths_from_the_planner_and_a_preview(tmp_path: Path) -> None:
    tags = {"kubernetes.io/role": UNKNOWN, "team": "data"}
    planned, _ = plan(TOPIC, "home", {"name": "home", "tags": tags})
    # What `pulumi preview --json` shows for the same program: the tags as given, the provider's
    # tagsAll holding them, computed attributes unknown.
    step = {
        "op": "create",
        "urn": planned["urn"],
        "newState": {
            "urn": planned["urn"],
            "type": TOPIC,
            "custom": True,
            "parent": STACK_URN,
            "inputs": {"__defaults": [], "name": "home", "tags": tags},
            "outputs": {"name": "home", "arn": UNKNOWN, "id": UNKNOWN, "tags": tags, "tagsAll": tags},
        },
    }
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps({"steps": [step]}))
    (loaded,) = load_preview(preview).resources
    expected = ['tagsAll["kubernetes.io/role"]', 'tags["kubernetes.io/role"]']
    assert sorted(planned["unknowns"]) == sorted(loaded.unknowns) == sorted(expected)
    assert planned["properties"]["tags"] == loaded.properties["tags"] == tags
    assert isinstance(loaded, Resource) and loaded.source == "preview"
