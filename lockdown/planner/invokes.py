"""Invokes under the planner: pure data rendered faithfully, lookups as placeholders.

``get_policy_document`` and the identity invokes (caller identity, region, partition,
availability zones, ARN parsing, default tags) are computed exactly; lookups of
objects that already exist in the cloud (an AMI, a VPC, a hosted zone) return
plausible placeholders and say so in a warning; anything else returns an empty
result and a warning, so a report lists what the check could not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lockdown.planner import policydoc
from lockdown.planner.outputs import hex_digest, upper_alnum

REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-central-1": "Europe (Frankfurt)",
}


@dataclass
class InvokeContext:
    """What the identity invokes answer with, and where warnings go."""

    account: str
    region: str
    partition: str = "aws"
    organization_id: str = ""
    default_tags: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)

    def warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message)


def call(token: str, args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    """The result of one invoke (camelCase keys, as the provider returns them)."""
    handler = EXACT.get(token)
    if handler is not None:
        return handler(args, ctx)
    lookup = LOOKUPS.get(token)
    if lookup is not None:
        ctx.warn_once(
            token,
            f"invoke {token} looks up an existing cloud object; the check used a placeholder, not the real object",
        )
        return lookup(args, ctx)
    ctx.warn_once(token, f"invoke {token} is not modelled by the offline planner; it returned an empty result")
    return {}


def _policy_document(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    return policydoc.render(args)


def _caller_identity(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    return {
        "accountId": ctx.account,
        "arn": f"arn:{ctx.partition}:iam::{ctx.account}:user/lockdown-planner",
        "id": ctx.account,
        "userId": "AIDA" + upper_alnum(ctx.account, 17, "caller"),
    }


def _region(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    region = args.get("region") or args.get("name") or ctx.region
    return {
        "id": region,
        "name": region,
        "region": region,
        "description": REGION_NAMES.get(region, region),
        "endpoint": f"ec2.{region}.amazonaws.com",
    }


def _partition(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    return {"id": ctx.partition, "partition": ctx.partition, "dnsSuffix": suffix, "reverseDnsPrefix": "com.amazonaws"}


def _availability_zones(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    region = args.get("region") or ctx.region
    letters = "abc"
    short = "".join(part[0] for part in region.split("-")[:-1]) + region.split("-")[-1]
    return {
        "id": region,
        "names": [f"{region}{c}" for c in letters],
        "zoneIds": [f"{short}-az{i + 1}" for i in range(len(letters))],
        "groupNames": [region],
        "state": args.get("state"),
    }


def _arn(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    arn = str(args.get("arn") or "")
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"get_arn: {arn!r} is not an ARN")
    return {
        "arn": arn,
        "id": arn,
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "account": parts[4],
        "resource": parts[5],
    }


def _default_tags(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    return {"id": ctx.partition, "tags": dict(ctx.default_tags)}


def _organization(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    org = ctx.organization_id or "o-" + hex_digest(ctx.account, 10, "org")
    if not ctx.organization_id:
        ctx.warn_once("org", f"no lockdown:organizationId set; aws.organizations.get_organization returned {org}")
    return {
        "id": org,
        "arn": f"arn:{ctx.partition}:organizations::{ctx.account}:organization/{org}",
        "masterAccountId": ctx.account,
        "featureSet": "ALL",
        "accounts": [],
        "nonMasterAccounts": [],
        "roots": [],
    }


def _session_context(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    arn = str(args.get("arn") or "")
    return {
        "arn": arn,
        "id": arn,
        "issuerArn": arn,
        "issuerId": "",
        "issuerName": arn.rsplit("/", 1)[-1],
        "sessionName": "",
    }


EXACT: dict[str, Callable[[dict[str, Any], InvokeContext], dict[str, Any]]] = {
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:index/getArn:getArn": _arn,
    "aws:index/getDefaultTags:getDefaultTags": _default_tags,
    "aws:iam/getSessionContext:getSessionContext": _session_context,
    "aws:organizations/getOrganization:getOrganization": _organization,
}


def _seed(args: dict[str, Any]) -> str:
    return repr(sorted((k, repr(v)) for k, v in args.items()))


def _ami(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    image = "ami-" + hex_digest(_seed(args), 17, "ami")
    return {
        "id": image,
        "imageId": image,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}::image/{image}",
        "name": "placeholder-image",
        "architecture": "x86_64",
        "ownerId": ctx.account,
    }


def _vpc(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    vpc = "vpc-" + hex_digest(_seed(args), 17, "vpc")
    return {
        "id": vpc,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:vpc/{vpc}",
        "cidrBlock": "10.0.0.0/16",
        "default": bool(args.get("default")),
        "ownerId": ctx.account,
        "mainRouteTableId": "rtb-" + hex_digest(vpc, 17, "rtb"),
    }


def _subnets(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    seed = _seed(args)
    return {"id": ctx.region, "ids": ["subnet-" + hex_digest(seed, 17, f"subnet{i}") for i in range(3)]}


def _subnet(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    subnet = args.get("id") or "subnet-" + hex_digest(_seed(args), 17, "subnet")
    return {
        "id": subnet,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:subnet/{subnet}",
        "vpcId": "vpc-" + hex_digest(subnet, 17, "vpc"),
        "cidrBlock": "10.0.1.0/24",
        "availabilityZone": f"{ctx.region}a",
    }


def _security_group(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    group = args.get("id") or "sg-" + hex_digest(_seed(args), 17, "sg")
    return {
        "id": group,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:security-group/{group}",
        "name": args.get("name") or "default",
    }


def _zone(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    zone = args.get("zoneId") or "Z" + upper_alnum(_seed(args), 20, "zone")
    name = args.get("name") or "example.com"
    return {
        "id": zone,
        "zoneId": zone,
        "name": name,
        "arn": f"arn:{ctx.partition}:route53:::hostedzone/{zone}",
        "nameServers": [f"ns-{i}.awsdns-0{i}.com" for i in range(1, 5)],
        "privateZone": bool(args.get("privateZone")),
    }


def _named_arn(service: str, kind: str, field: str = "name", region: bool = True):
    def build(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
        name = str(args.get(field) or args.get("arn") or "placeholder")
        if name.startswith("arn:"):
            arn = name
            name = name.rsplit("/", 1)[-1]
        else:
            arn = f"arn:{ctx.partition}:{service}:{ctx.region if region else ''}:{ctx.account}:{kind}{name}"
        return {"id": name, "arn": arn, field: name, "name": name}

    return build


def _kms_key(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    key = str(args.get("keyId") or "")
    if key.startswith("arn:"):
        arn = key
    elif key.startswith("alias/"):
        arn = f"arn:{ctx.partition}:kms:{ctx.region}:{ctx.account}:key/{hex_digest(key, 8)}-0000-4000-a000-000000000000"
    else:
        arn = f"arn:{ctx.partition}:kms:{ctx.region}:{ctx.account}:key/{key}"
    return {"id": arn.rsplit("/", 1)[-1], "arn": arn, "keyId": key, "enabled": True, "keyManager": "CUSTOMER"}


def _bucket(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    name = str(args.get("bucket") or "placeholder")
    return {
        "id": name,
        "bucket": name,
        "arn": f"arn:{ctx.partition}:s3:::{name}",
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
        "region": ctx.region,
    }


def _ssm_parameter(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    name = str(args.get("name") or "")
    return {
        "id": name,
        "name": name,
        "arn": f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account}:parameter/{name.lstrip('/')}",
        "type": "String",
        "value": "placeholder",
        "insecureValue": "placeholder",
        "version": 1,
    }


LOOKUPS: dict[str, Callable[[dict[str, Any], InvokeContext], dict[str, Any]]] = {
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getSubnetIds:getSubnetIds": _subnets,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ec2/getSecurityGroup:getSecurityGroup": _security_group,
    "aws:route53/getZone:getZone": _zone,
    "aws:iam/getRole:getRole": _named_arn("iam", "role/", region=False),
    "aws:iam/getUser:getUser": _named_arn("iam", "user/", field="userName", region=False),
    "aws:iam/getPolicy:getPolicy": _named_arn("iam", "policy/", region=False),
    "aws:kms/getKey:getKey": _kms_key,
    "aws:kms/getAlias:getAlias": _named_arn("kms", ""),
    "aws:s3/getBucket:getBucket": _bucket,
    "aws:ssm/getParameter:getParameter": _ssm_parameter,
    "aws:sns/getTopic:getTopic": _named_arn("sns", ""),
    "aws:sqs/getQueue:getQueue": _named_arn("sqs", ""),
    "aws:acm/getCertificate:getCertificate": _named_arn("acm", "certificate/", field="domain"),
}
