"""The gate's memory of a deployment: which seen resources an arriving resource is judged with."""

from __future__ import annotations

import json

import pytest

from lockdown.engine.metadata import rule_from_annotation
from lockdown.errors import LockdownError
from lockdown.model import UNKNOWN, Resource, make_urn
from lockdown.seen import SeenGraph


def record(type_: str, logical: str, **properties: object) -> Resource:
    urn = make_urn("dev", "p", type_, logical)
    return Resource(urn=urn, type=type_, name=logical, properties=dict(properties), source="analyzer")


def bucket(name: str) -> Resource:
    return record("aws:s3/bucket:Bucket", name, bucket=name, arn=f"arn:aws:s3:::{name}")


def document(*resources: str) -> str:
    return json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": list(resources)}]})


def names(graph: SeenGraph, resource: Resource) -> list[str]:
    graph.add(resource)
    return [item.name for item in graph.neighbourhood(resource)]


def test_bucket_policy_is_judged_with_its_bucket_and_nothing_unrelated() -> None:
    graph = SeenGraph()
    for item in (bucket("raw"), bucket("curated"), record("aws:kms/key:Key", "key", arn="arn:aws:kms:::key/1")):
        graph.add(item)
    policy = record(
        "aws:s3/bucketPolicy:BucketPolicy", "raw-policy", bucket="raw", policy=document("arn:aws:s3:::raw/*")
    )
    assert names(graph, policy) == ["raw", "raw-policy"]


def test_a_bucket_comes_with_the_sub_resources_that_name_it() -> None:
    graph = SeenGraph()
    graph.add(bucket("raw"))
    graph.add(record("aws:s3/bucketPolicy:BucketPolicy", "raw-policy", bucket="raw", policy=document()))
    graph.add(bucket("other"))
    role_policy = record("aws:iam/rolePolicy:RolePolicy", "read", role="r", policy=document("arn:aws:s3:::raw/*"))
    assert names(graph, role_policy) == ["raw", "raw-policy", "read"]


def test_attachment_reaches_the_buckets_its_policy_names_two_steps_away() -> None:
    graph = SeenGraph()
    graph.add(bucket("raw"))
    graph.add(record("aws:iam/role:Role", "analyst", name="analyst", arn="arn:aws:iam::1:role/analyst"))
    graph.add(
        record("aws:iam/policy:Policy", "read", arn="arn:aws:iam::1:policy/read", policy=document("arn:aws:s3:::raw"))
    )
    graph.add(bucket("unrelated"))
    attachment = record(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach",
        role="analyst",
        policyArn="arn:aws:iam::1:policy/read",
    )
    assert names(graph, attachment) == ["raw", "analyst", "read", "attach"]


def test_wildcard_arn_reaches_every_matching_bucket_only() -> None:
    graph = SeenGraph()
    for name in ("capture-raw", "capture-curated", "billing"):
        graph.add(bucket(name))
    wide = record("aws:iam/rolePolicy:RolePolicy", "wide", role="r", policy=document("arn:aws:s3:::capture-*/*"))
    assert names(graph, wide) == ["capture-raw", "capture-curated", "wide"]


def test_unknown_and_unseen_references_reach_nothing() -> None:
    graph = SeenGraph()
    graph.add(bucket("raw"))
    policy = record(
        "aws:s3/bucketPolicy:BucketPolicy", "p", bucket=UNKNOWN, policy=document("arn:aws:s3:::elsewhere/*")
    )
    assert names(graph, policy) == ["p"]


def test_neighbourhood_does_not_grow_with_the_deployment() -> None:
    graph = SeenGraph()
    for index in range(2000):
        graph.add(bucket(f"b{index}"))
    policy = record("aws:s3/bucketPolicy:BucketPolicy", "p", bucket="b7", policy=document("arn:aws:s3:::b7/*"))
    assert names(graph, policy) == ["b7", "p"]


BASE = {
    "title": "t",
    "description": "d",
    "custom": {"id": "LD-X-001", "severity": "high", "enforcement": "mandatory", "remediation": "r"},
}


def annotation(scope: str, gate: str | None) -> dict:
    custom = dict(BASE["custom"], scope=scope)
    if gate is not None:
        custom["gate"] = gate
    return dict(BASE, custom=custom)


def test_a_rule_says_where_the_gate_enforces_it() -> None:
    assert rule_from_annotation(annotation("resource", None), "p", "x.rego").gate == "analyze"
    assert rule_from_annotation(annotation("stack", "analyze"), "p", "x.rego").gate == "analyze"
    assert rule_from_annotation(annotation("stack", "stack"), "p", "x.rego").gate == "stack"


@pytest.mark.parametrize(
    ("scope", "gate", "message"),
    [
        ("stack", None, "missing gate"),
        ("stack", "later", "gate 'later' is not one of"),
        ("resource", "stack", "resource rule can only be analyze"),
    ],
)
def test_where_a_rule_is_enforced_must_be_stated_and_valid(scope: str, gate: str | None, message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        rule_from_annotation(annotation(scope, gate), "p", "x.rego")
