"""Plan the pipeline under the Pulumi SDK's mock runtime and record what it would create.

The mock runtime is process-global (``pulumi.runtime.set_mocks`` replaces the monitor for the
whole process), so every ``plan()`` call installs a fresh recorder and returns its own list:
test modules never see each other's resources. Outputs are synthesized in AWS's real formats
(ARNs built from the explicit names) so that policies built from ``role.arn`` or ``bucket.arn``
carry the ARNs the stack config names.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
STACKS = ROOT / "stacks"
PROJECT = "lockdown-pipeline"

if str(INFRA) not in sys.path:
    sys.path.insert(0, str(INFRA))


@dataclass
class Planned:
    """One registered resource: its type token, logical name and resolved inputs plus outputs."""

    type: str
    name: str
    props: dict[str, Any]

    def policy(self, key: str = "policy") -> dict[str, Any]:
        """A policy property parsed from its JSON string."""
        value = self.props[key]
        return json.loads(value) if isinstance(value, str) else value


class RecordingMocks(pulumi.runtime.Mocks):
    """Returns realistic ids and ARNs, and records every registration."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self.resources: list[Planned] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        physical = outputs.get("name") or outputs.get("bucket") or f"{args.name}-{uuid.uuid4().hex[:7]}"
        resource_id = physical
        acct, region = self.account_id, self.region
        typ = args.typ
        if typ == "aws:iam/role:Role":
            outputs["arn"] = f"arn:aws:iam::{acct}:role/{physical}"
        elif typ == "aws:s3/bucket:Bucket":
            outputs.update(bucket=physical, arn=f"arn:aws:s3:::{physical}")
        elif typ == "aws:kms/key:Key":
            resource_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, args.name))
            outputs.update(keyId=resource_id, arn=f"arn:aws:kms:{region}:{acct}:key/{resource_id}")
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            outputs["arn"] = f"arn:aws:logs:{region}:{acct}:log-group:{physical}"
        elif typ == "aws:lambda/function:Function":
            outputs["arn"] = f"arn:aws:lambda:{region}:{acct}:function:{physical}"
        elif typ == "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
            outputs["arn"] = f"arn:aws:firehose:{region}:{acct}:deliverystream/{physical}"
        elif typ == "aws:cloudtrail/trail:Trail":
            outputs["arn"] = f"arn:aws:cloudtrail:{region}:{acct}:trail/{physical}"
        elif typ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            resource_id = "vpce-0123456789abcdef0"
            outputs["prefixListId"] = "pl-6da54004"
        elif typ.startswith("aws:"):
            service = typ.split(":")[1].split("/")[0]
            outputs.setdefault("arn", f"arn:aws:{service}:{region}:{acct}:{args.name}")
        outputs.setdefault("id", resource_id)
        self.resources.append(Planned(typ, args.name, outputs))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


def stack_config(stack: str) -> dict[str, Any]:
    """The stack's config file as flat ``namespace:key`` -> value."""
    loaded = yaml.safe_load((STACKS / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    return dict(loaded["config"])


def plan(stack: str = "dev", overrides: dict[str, Any] | None = None) -> list[Planned]:
    """Run ``build_pipeline()`` for a stack under fresh mocks and return every resource registered."""
    config = {**stack_config(stack), **(overrides or {})}
    mocks = RecordingMocks(str(config[f"{PROJECT}:accountId"]), str(config["aws:region"]))
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False)
    # Pulumi passes structured config values as JSON strings, plain ones as strings.
    pulumi.runtime.set_all_config(
        {k: json.dumps(v) if isinstance(v, (list, dict)) else str(v) for k, v in config.items()}, []
    )
    from lockdown_pipeline import build_pipeline

    @pulumi.runtime.test
    def run() -> None:
        build_pipeline()

    try:
        run()
    finally:
        # Leave no stack config behind for other test modules (the mocks themselves are
        # replaced by whoever calls set_mocks next).
        pulumi.runtime.set_all_config({}, [])
    return mocks.resources
