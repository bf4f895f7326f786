"""Invokes under the planner: pure data rendered faithfully, lookups as placeholders.

``get_policy_document`` and the identity invokes (caller identity, region, partition,
availability zones, ARN parsing, default tags) are computed exactly; lookups of
objects that already exist in the cloud (an AMI, a VPC, a hosted zone) return
plausible placeholders and say so in a warning; anything else returns an empty
result and a warning, so a report lists what the check could not see.

Real programs use a lookup's result the way the real function returns it (they
base64-decode an ECR token, index ``names[0]``, split an id), so a modelled result is
completed to the result type the installed pulumi-aws declares for the invoke: the
arguments the provider echoes back (converted to the declared type, as the provider
converts them), the region, and an empty value of the declared type
for any other field the type does not mark optional. Credentials in a result (an ECR
token, a parameter's value) are returned as secrets, so they are redacted wherever they
end up.
"""

from __future__ import annotations

import base64
import functools
import importlib
import re
import typing
from collections.abc import Callable, Mapping, Sequence
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
        return complete(token, handler(args, ctx), args, ctx)
    lookup = LOOKUPS.get(token)
    if lookup is not None:
        ctx.warn_once(
            token,
            f"invoke {token} looks up an existing cloud object; the check used a placeholder, not the real object",
        )
        return complete(token, lookup(args, ctx), args, ctx)
    ctx.warn_once(token, f"invoke {token} is not modelled by the offline planner; it returned an empty result")
    return {}


def secret_fields(token: str) -> frozenset[str]:
    """Result fields that are credentials: the monitor returns them as secrets."""
    return SECRET_FIELDS.get(token, frozenset())


def complete(token: str, result: dict[str, Any], args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    """``result`` with every field the declared result type requires (see the module docstring)."""
    shape = declared_shape(token)
    if shape is None:
        return result
    out = dict(result)
    for key, hint in shape.items():
        if key in out:
            continue
        if key in args:
            out[key] = as_declared(args[key], hint)
        elif key == "region":
            out[key] = args.get("region") or ctx.region
        elif not is_optional(hint):
            out[key] = empty_value(hint)
    return out


@functools.cache
def declared_shape(token: str) -> dict[str, Any] | None:
    """Wire name -> type hint of each field of the result type pulumi-aws declares for ``token``."""
    cls = result_class(token)
    return fields_of(cls) if cls is not None else None


def result_class(token: str) -> type | None:
    """``aws:ec2/getAmi:getAmi`` -> ``pulumi_aws.ec2.get_ami.GetAmiResult`` (None if there is none)."""
    package, _, rest = token.partition(":")
    module, _, function = rest.partition("/")
    name = function.rpartition(":")[2]
    if package != "aws" or not name:
        return None
    parent = "pulumi_aws" if module == "index" else f"pulumi_aws.{ {'lambda': 'lambda_'}.get(module, module) }"
    try:
        mod = importlib.import_module(f"{parent}.{re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()}")
    except ImportError:
        return None
    return getattr(mod, name[0].upper() + name[1:] + "Result", None)


def fields_of(cls: type) -> dict[str, Any]:
    """Wire name -> type hint of each output property of a pulumi-aws output type."""
    fields: dict[str, Any] = {}
    for prop in vars(cls).values():
        wire = getattr(getattr(prop, "fget", None), "_pulumi_name", None)
        if isinstance(prop, property) and wire:
            fields[wire] = typing.get_type_hints(prop.fget).get("return", Any)
    return fields


def as_declared(value: Any, hint: Any) -> Any:
    """An echoed argument in its declared result type, as the provider returns it.

    The provider converts arguments to its schema's types, so ``get_ami(most_recent="true")``
    answers ``mostRecent: true``; pulumi-aws 5 result types raise ``TypeError`` on a string
    where they declare a bool. Values that do not convert cleanly are left as they are."""
    if is_optional(hint):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    origin = typing.get_origin(hint) or hint
    if origin is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if origin in (int, float) and isinstance(value, str):
        try:
            return origin(value)
        except ValueError:
            return value
    if origin is str and isinstance(value, (bool, int, float)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(origin, type) and issubclass(origin, Sequence) and origin is not str and isinstance(value, list):
        items = typing.get_args(hint)
        item = items[0] if len(items) == 1 else Any  # Sequence[X]; a tuple of several types stays as it is
        return [as_declared(v, item) for v in value]
    return value


def is_optional(hint: Any) -> bool:
    return typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)


def empty_value(hint: Any) -> Any:
    """The empty value of a declared type: ``""``, ``0``, ``False``, ``[]``, ``{}``, or an object of
    empty required fields."""
    origin = typing.get_origin(hint) or hint
    if origin is str or hint is Any:
        return ""
    if origin is bool:
        return False
    if origin in (int, float):
        return origin()
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return {}
    if isinstance(origin, type) and issubclass(origin, Sequence):
        return []
    if isinstance(origin, type):
        return {k: empty_value(h) for k, h in fields_of(origin).items() if not is_optional(h)}
    return None


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
    prefix = zone_id_prefix(region)
    return {
        "id": region,
        "names": [f"{region}{c}" for c in "abc"],
        "zoneIds": [f"{prefix}-az{i}" for i in (1, 2, 3)],
        "groupNames": [region],
        "state": args.get("state"),
    }


#: Zone ids abbreviate each word of the region: ``us-east-1`` -> ``use1``, ``ap-southeast-2`` -> ``apse2``.
_DIRECTIONS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw", "central": "c"}


def zone_id_prefix(region: str) -> str:
    *words, number = region.split("-")
    area, *directions = words or ["us"]
    return area + "".join(_DIRECTIONS.get(d, d[:1]) for d in directions) + number


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
    """An image matching the lookup: its name from the ``name`` filter (wildcards filled in), its
    owner from ``owners``, and the architecture the name asks for."""
    image = "ami-" + hex_digest(_seed(args), 17, "ami")
    name = _filter_values(args, "name")[:1] or [args.get("nameRegex") or "placeholder-image-*"]
    name_value = re.sub(r"[\^$]", "", name[0]).replace(".*", "*").replace("*", "2.0.20260101.0")
    owners = [str(o) for o in args.get("owners") or []]
    owner = next((o for o in owners if o.isdigit()), AMAZON_IMAGE_OWNER)
    alias = "amazon" if "amazon" in owners or owner == AMAZON_IMAGE_OWNER else None
    snapshot = "snap-" + hex_digest(image, 17, "snap")
    return {
        "id": image,
        "imageId": image,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}::image/{image}",
        "name": name_value,
        "description": name_value,
        "architecture": "arm64" if re.search(r"arm64|aarch64", name_value) else "x86_64",
        "ownerId": owner,
        "imageOwnerAlias": alias,
        "imageLocation": f"{alias or owner}/{name_value}",
        "imageType": "machine",
        "creationDate": "2026-01-01T00:00:00.000Z",
        "hypervisor": "xen",
        "platformDetails": "Linux/UNIX",
        "usageOperation": "RunInstances",
        "public": True,
        "enaSupport": True,
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "rootSnapshotId": snapshot,
        "virtualizationType": "hvm",
        "sriovNetSupport": "simple",
        "state": "available",
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "ebs": {"snapshot_id": snapshot, "volume_size": "8", "volume_type": "gp3", "encrypted": "false"},
                "noDevice": "",
                "virtualName": "",
            }
        ],
        "productCodes": [],
        "stateReason": {"code": "UNSET", "message": "UNSET"},
        "tags": {},
    }


#: The account that owns the Amazon Linux images (what ``owners=["amazon"]`` finds).
AMAZON_IMAGE_OWNER = "137112412989"


def _filter_values(args: dict[str, Any], name: str) -> list[Any]:
    """The values of the lookup filter called ``name`` (lookups take ``filters=[{name, values}]``)."""
    for item in args.get("filters") or []:
        if isinstance(item, dict) and item.get("name") == name:
            return list(item.get("values") or [])
    return []


def _vpc(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    vpc = args.get("id") or "vpc-" + hex_digest(_seed(args), 17, "vpc")
    cidr = args.get("cidrBlock") or ("172.31.0.0/16" if args.get("default") else "10.0.0.0/16")
    return {
        "id": vpc,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:vpc/{vpc}",
        "cidrBlock": cidr,
        "cidrBlockAssociations": [
            {
                "associationId": "vpc-cidr-assoc-" + hex_digest(vpc, 17, "assoc"),
                "cidrBlock": cidr,
                "state": "associated",
            }
        ],
        "default": bool(args.get("default")),
        "dhcpOptionsId": "dopt-" + hex_digest(vpc, 17, "dopt"),
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": "default",
        "ownerId": ctx.account,
        "mainRouteTableId": "rtb-" + hex_digest(vpc, 17, "rtb"),
        "state": "available",
        "tags": {},
    }


def _subnets(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    seed = _seed(args)
    return {"id": ctx.region, "ids": ["subnet-" + hex_digest(seed, 17, f"subnet{i}") for i in range(3)]}


def _subnet(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    subnet = args.get("id") or "subnet-" + hex_digest(_seed(args), 17, "subnet")
    vpc = args.get("vpcId") or next(iter(_filter_values(args, "vpc-id")), None)
    zone = args.get("availabilityZone") or f"{ctx.region}a"
    return {
        "id": subnet,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:subnet/{subnet}",
        "vpcId": vpc or "vpc-" + hex_digest(subnet, 17, "vpc"),
        "cidrBlock": args.get("cidrBlock") or "10.0.1.0/24",
        "availabilityZone": zone,
        "availabilityZoneId": f"{zone_id_prefix(ctx.region)}-az{'abcdef'.find(zone[-1]) + 1 or 1}",
        "availableIpAddressCount": 251,
        "mapPublicIpOnLaunch": False,
        "defaultForAz": bool(args.get("defaultForAz")),
        "ownerId": ctx.account,
        "state": "available",
        "tags": {},
    }


def _route_table(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    table = args.get("routeTableId") or "rtb-" + hex_digest(_seed(args), 17, "rtb")
    vpc = args.get("vpcId") or "vpc-" + hex_digest(table, 17, "vpc")
    return {
        "id": table,
        "routeTableId": table,
        "arn": f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:route-table/{table}",
        "vpcId": vpc,
        "ownerId": ctx.account,
        "associations": [],
        "routes": [],
        "tags": {},
    }


def _ecr_registry(args: dict[str, Any], ctx: InvokeContext) -> tuple[str, str]:
    registry = str(args.get("registryId") or ctx.account)
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    return registry, f"https://{registry}.dkr.ecr.{args.get('region') or ctx.region}.{suffix}"


def _ecr_password(registry: str) -> str:
    """A placeholder with the real token's form (a long base64 text); not a credential."""
    return base64.b64encode(("lockdown-placeholder-token:" + hex_digest(registry, 64, "ecr")).encode()).decode()


def _ecr_authorization_token(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    """As ECR answers: ``authorizationToken`` is base64 of ``AWS:<password>``; programs decode and split it."""
    registry, endpoint = _ecr_registry(args, ctx)
    password = _ecr_password(registry)
    return {
        "id": args.get("region") or ctx.region,
        "registryId": args.get("registryId"),
        "userName": "AWS",
        "password": password,
        "authorizationToken": base64.b64encode(f"AWS:{password}".encode()).decode(),
        "proxyEndpoint": endpoint,
        "expiresAt": "2026-01-01T12:00:00Z",
    }


def _ecr_credentials(args: dict[str, Any], ctx: InvokeContext) -> dict[str, Any]:
    registry, endpoint = _ecr_registry(args, ctx)
    token = base64.b64encode(f"AWS:{_ecr_password(registry)}".encode()).decode()
    return {
        "id": registry,
        "registryId": registry,
        "authorizationToken": token,
        "proxyEndpoint": endpoint,
        "expiresAt": "2026-01-01T12:00:00Z",
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
        return {"id": name, "arn": arn, field: name}

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
    "aws:ec2/getRouteTable:getRouteTable": _route_table,
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": _ecr_authorization_token,
    "aws:ecr/getCredentials:getCredentials": _ecr_credentials,
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

#: Result fields that are credentials (placeholders here, but redacted like the real ones).
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": frozenset({"authorizationToken", "password"}),
    "aws:ecr/getCredentials:getCredentials": frozenset({"authorizationToken"}),
    "aws:ssm/getParameter:getParameter": frozenset({"value", "insecureValue"}),
}
