"""Every modelled invoke answers in the shape the installed pulumi-aws declares for it.

The shapes are read from the SDK's result types (``GetAmiResult`` and friends), not written
by hand: a field the type does not mark optional must be there, every field must be one
the type declares, and each value must have the declared type.
"""

from __future__ import annotations

import base64
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from lockdown.planner import invokes
from lockdown.planner.invokes import InvokeContext

#: Arguments like the ones real programs pass, per token (others get none).
ARGS: dict[str, dict[str, Any]] = {
    "aws:iam/getPolicyDocument:getPolicyDocument": {
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}]
    },
    "aws:index/getArn:getArn": {"arn": "arn:aws:iam::999988887777:role/deployer"},
    "aws:iam/getSessionContext:getSessionContext": {"arn": "arn:aws:sts::999988887777:assumed-role/r/s"},
    "aws:ec2/getAmi:getAmi": {
        "owners": ["amazon"],
        "mostRecent": True,
        "filters": [{"name": "name", "values": ["amzn2-ami-hvm-*-x86_64-gp2"]}],
    },
    "aws:ec2/getVpc:getVpc": {"default": True},
    "aws:ec2/getSubnets:getSubnets": {"filters": [{"name": "vpc-id", "values": ["vpc-0123"]}]},
    "aws:ec2/getSubnetIds:getSubnetIds": {"vpcId": "vpc-0123"},
    "aws:ec2/getSubnet:getSubnet": {"id": "subnet-0123"},
    "aws:ec2/getRouteTable:getRouteTable": {"subnetId": "subnet-0123"},
    "aws:route53/getZone:getZone": {"name": "example.com."},
    "aws:iam/getRole:getRole": {"name": "deployer"},
    "aws:iam/getUser:getUser": {"userName": "ci"},
    "aws:kms/getKey:getKey": {"keyId": "alias/data"},
    "aws:kms/getAlias:getAlias": {"name": "alias/data"},
    "aws:s3/getBucket:getBucket": {"bucket": "corp-logs"},
    "aws:ssm/getParameter:getParameter": {"name": "/app/key"},
    "aws:sns/getTopic:getTopic": {"name": "alerts"},
    "aws:sqs/getQueue:getQueue": {"name": "jobs"},
    "aws:acm/getCertificate:getCertificate": {"domain": "example.com"},
    "aws:ecr/getCredentials:getCredentials": {"registryId": "999988887777"},
}

TOKENS = sorted({**invokes.EXACT, **invokes.LOOKUPS})
#: Invokes older pulumi-aws versions have (programs pinned to them plan in their own virtualenv).
REMOVED_IN_INSTALLED_SDK = {"aws:ec2/getSubnetIds:getSubnetIds"}


def ctx() -> InvokeContext:
    return InvokeContext(account="999988887777", region="eu-west-1", organization_id="o-abc123defg")


def problems(value: Any, hint: Any, path: str) -> list[str]:
    """Where ``value`` (wire form: camelCase objects) does not have the declared type ``hint``."""
    if invokes.is_optional(hint):
        if value is None:
            return []
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    origin = typing.get_origin(hint) or hint
    if hint is Any:
        return []
    if origin is str:
        return [] if isinstance(value, str) else [f"{path}: {value!r} is not a str"]
    if origin is bool:
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not a bool"]
    if origin in (int, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return [] if isinstance(value, dict) else [f"{path}: {value!r} is not an object"]
    if isinstance(origin, type) and issubclass(origin, Sequence):
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        (item,) = typing.get_args(hint) or (Any,)
        return [p for i, v in enumerate(value) for p in problems(v, item, f"{path}[{i}]")]
    if isinstance(origin, type):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not an object"]
        return shape_problems(value, invokes.fields_of(origin), path)
    return []


def shape_problems(result: dict[str, Any], shape: dict[str, Any], path: str) -> list[str]:
    found = [f"{path}.{key}: not a field of the declared type" for key in result if key not in shape]
    for key, hint in shape.items():
        if key not in result:
            if not invokes.is_optional(hint):
                found.append(f"{path}.{key}: required field missing")
            continue
        found += problems(result[key], hint, f"{path}.{key}")
    return found


@pytest.mark.parametrize("token", TOKENS)
def test_modelled_invoke_has_the_declared_shape(token: str) -> None:
    shape = invokes.declared_shape(token)
    if token in REMOVED_IN_INSTALLED_SDK:
        assert shape is None
        pytest.skip(f"{token} is not in the installed pulumi-aws")
    assert shape, f"{token}: no result type found in pulumi-aws"
    result = invokes.call(token, dict(ARGS.get(token, {})), ctx())
    result = {k: v for k, v in result.items() if v is not None}  # the monitor drops None values
    assert shape_problems(result, shape, token) == []


def test_the_shape_check_catches_a_wrong_result() -> None:
    shape = invokes.declared_shape("aws:ec2/getAmi:getAmi")
    assert shape is not None
    wrong = {"imageId": 3, "bogus": "x"}
    found = shape_problems(wrong, shape, "ami")
    assert "ami.bogus: not a field of the declared type" in found
    assert "ami.imageId: 3 is not a str" in found
    assert "ami.architecture: required field missing" in found


def test_ecr_token_decodes_as_real_programs_decode_it() -> None:
    result = invokes.call("aws:ecr/getAuthorizationToken:getAuthorizationToken", {}, ctx())
    user, password = base64.b64decode(result["authorizationToken"]).decode().split(":")
    assert (user, password) == (result["userName"], result["password"]) == ("AWS", result["password"])
    assert result["proxyEndpoint"] == "https://999988887777.dkr.ecr.eu-west-1.amazonaws.com"
    assert invokes.secret_fields("aws:ecr/getAuthorizationToken:getAuthorizationToken") == {
        "authorizationToken",
        "password",
    }


def test_lookups_follow_their_arguments() -> None:
    ami = invokes.call("aws:ec2/getAmi:getAmi", dict(ARGS["aws:ec2/getAmi:getAmi"]), ctx())
    assert ami["imageId"].startswith("ami-") and ami["id"] == ami["imageId"]
    assert ami["name"] == "amzn2-ami-hvm-2.0.20260101.0-x86_64-gp2" and ami["architecture"] == "x86_64"
    assert ami["ownerId"] == invokes.AMAZON_IMAGE_OWNER and ami["mostRecent"] is True
    arm = invokes.call("aws:ec2/getAmi:getAmi", {"owners": ["099720109477"], "nameRegex": "^ubuntu-.*-arm64"}, ctx())
    assert arm["architecture"] == "arm64" and arm["ownerId"] == "099720109477"
    subnet = invokes.call("aws:ec2/getSubnet:getSubnet", {"filters": [{"name": "vpc-id", "values": ["vpc-9"]}]}, ctx())
    assert subnet["vpcId"] == "vpc-9" and subnet["availabilityZoneId"] == "euw1-az1"
    zones = invokes.call("aws:index/getAvailabilityZones:getAvailabilityZones", {"region": "ap-southeast-2"}, ctx())
    assert zones["zoneIds"] == ["apse2-az1", "apse2-az2", "apse2-az3"]
    assert invokes.zone_id_prefix("us-east-1") == "use1" and invokes.zone_id_prefix("eu-central-1") == "euc1"


def test_echoed_arguments_take_the_declared_type() -> None:
    """``get_ami(most_recent="true")`` (aws-py-ecs-instances-autoapi): the provider answers a bool, and
    pulumi-aws 5's ``GetAmiResult`` raises ``TypeError`` on the string."""
    args = {**ARGS["aws:ec2/getAmi:getAmi"], "mostRecent": "true", "owners": ["amazon"]}
    ami = invokes.call("aws:ec2/getAmi:getAmi", args, ctx())
    assert ami["mostRecent"] is True
    shape = invokes.declared_shape("aws:ec2/getAmi:getAmi")
    assert shape is not None
    assert shape_problems({k: v for k, v in ami.items() if v is not None}, shape, "ami") == []
    off = invokes.call("aws:ec2/getAmi:getAmi", {**args, "mostRecent": "False"}, ctx())
    assert off["mostRecent"] is False


def test_echoed_arguments_that_do_not_convert_are_kept() -> None:
    assert invokes.as_declared("yes", bool) == "yes"
    assert invokes.as_declared("8", int) == 8 and invokes.as_declared("8x", int) == "8x"
    optional_str = typing.Optional[str]  # noqa: UP045 (the form pulumi-aws declares its hints in)
    assert invokes.as_declared(True, optional_str) == "true" and invokes.as_declared(3, str) == "3"
    assert invokes.as_declared(["1", "x"], Sequence[int]) == [1, "x"]
    assert invokes.as_declared({"a": "true"}, Mapping[str, bool]) == {"a": "true"}


def test_unmodelled_invoke_stays_empty_with_a_warning() -> None:
    context = ctx()
    assert invokes.call("aws:ec2/getInstanceType:getInstanceType", {"instanceType": "t3.micro"}, context) == {}
    assert any("getInstanceType is not modelled" in w for w in context.warnings)
