"""Synthesized outputs: what AWS would hand back, so references survive planning.

A program that builds a bucket policy from ``bucket.arn`` must produce a policy that
names that bucket's ARN. The values are realistic (each service's real ARN format,
Pulumi's auto-naming with a 7-character hex suffix, ids in AWS's shapes) and
deterministic: every random-looking part is derived from a hash of the URN, so the
same program plans the same way every time.

A value derived from an input that is not known (``UNKNOWN``) is itself unknown; a
value derived from a secret is the redacted placeholder.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lockdown.model import REDACTED, UNKNOWN

HOSTED_ZONES = {
    "us-east-1": "Z3AQBSTGFYJSTF",
    "us-east-2": "Z2O1EMRO9K5GLX",
    "us-west-1": "Z2F56UZL2M1ACD",
    "us-west-2": "Z3BJ6K6RIION7M",
    "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-west-2": "Z3GKZC51ZF0DB4",
    "eu-central-1": "Z21DNDUVLTQW6Q",
    "ap-southeast-1": "Z3O0J2DXBE1FTB",
    "ap-southeast-2": "Z1WCIGYICN2BYD",
    "ap-northeast-1": "Z2M4EHUR26P7ZW",
}


@dataclass
class Context:
    """Where the resource lives: account, region, partition, provider default tags."""

    account: str
    region: str
    partition: str = "aws"
    default_tags: dict[str, Any] = field(default_factory=dict)

    @property
    def dns_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"


def hex_digest(seed: str, length: int, salt: str = "") -> str:
    """Deterministic lowercase hex derived from the URN (and a salt per attribute)."""
    return hashlib.sha256(f"{salt}|{seed}".encode()).hexdigest()[:length]


def upper_alnum(seed: str, length: int, salt: str = "") -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    digest = hashlib.sha256(f"{salt}|{seed}".encode()).digest()
    return "".join(alphabet[b % 32] for b in digest[:length])


def uuid_for(seed: str, salt: str = "") -> str:
    h = hex_digest(seed, 32, salt)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def autoname(logical: str, urn: str) -> str:
    """Pulumi's default auto-name: the logical name, a dash and 7 hex characters."""
    return f"{logical}-{hex_digest(urn, 7, 'autoname')}"


def known(*values: Any) -> bool:
    """True when every value is a usable string (not unknown, not a redacted secret)."""
    return all(isinstance(v, str) and v not in (UNKNOWN, REDACTED) for v in values)


def _opaque(*values: Any) -> str | None:
    """UNKNOWN if any input is unknown, REDACTED if any is secret, else None."""
    if any(v == UNKNOWN for v in values):
        return UNKNOWN
    if any(v == REDACTED for v in values):
        return REDACTED
    return None


@dataclass
class Spec:
    """How one resource type is named and what it computes."""

    name_field: str | None = "name"
    prefix_field: str | None = "namePrefix"
    build: Callable[[str, dict[str, Any], str, Context], tuple[str, dict[str, Any]]] | None = None
    name_transform: Callable[[str], str] | None = None


def _arn(ctx: Context, service: str, resource: str, region: bool = True, account: bool = True) -> str:
    return f"arn:{ctx.partition}:{service}:{ctx.region if region else ''}:{ctx.account if account else ''}:{resource}"


def _bucket(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    region = inputs.get("region") if known(inputs.get("region")) else ctx.region
    out = {
        "bucket": name,
        "arn": f"arn:{ctx.partition}:s3:::{name}",
        "bucketDomainName": f"{name}.s3.{ctx.dns_suffix}",
        "bucketRegionalDomainName": f"{name}.s3.{region}.{ctx.dns_suffix}",
        "hostedZoneId": HOSTED_ZONES.get(region, "Z3AQBSTGFYJSTF"),
        "region": region,
    }
    return name, out


def _simple(service: str, path: Callable[[str, dict[str, Any]], str], id_is: str = "name", region: bool = True):
    def build(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
        arn = _arn(ctx, service, path(name, inputs), region=region)
        return (arn if id_is == "arn" else name), {"arn": arn}

    return build


def _iam_path(inputs: dict[str, Any]) -> str:
    path = inputs.get("path")
    return path if known(path) and path.startswith("/") else "/"


def _iam(kind: str, unique_prefix: str | None, id_is: str = "name"):
    def build(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
        arn = f"arn:{ctx.partition}:iam::{ctx.account}:{kind}{_iam_path(inputs)}{name}"
        out: dict[str, Any] = {"arn": arn, "createDate": "2026-01-01T00:00:00Z"}
        if unique_prefix:
            key = "policyId" if kind == "policy" else "uniqueId"
            out[key] = unique_prefix + upper_alnum(urn, 17, "unique")
        return (arn if id_is == "arn" else name), out

    return build


def _kms_key(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    key_id = uuid_for(urn, "kms")
    out: dict[str, Any] = {
        "keyId": key_id,
        "arn": _arn(ctx, "kms", f"key/{key_id}"),
        "keyUsage": "ENCRYPT_DECRYPT",
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "isEnabled": True,
        "enableKeyRotation": False,
        "multiRegion": False,
        # With no policy given, AWS attaches the default key policy: the account root may do kms:*.
        "policy": (
            '{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions",'
            f'"Effect":"Allow","Principal":{{"AWS":"arn:{ctx.partition}:iam::{ctx.account}:root"}},'
            '"Action":"kms:*","Resource":"*"}]}'
        ),
    }
    return key_id, out


def _kms_alias(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    target = inputs.get("targetKeyId")
    if not known(target):
        target_arn = _opaque(target) or UNKNOWN
    elif target.startswith("arn:"):
        target_arn = target
    else:
        target_arn = _arn(ctx, "kms", f"key/{target}")
    return name, {"arn": _arn(ctx, "kms", name), "targetKeyArn": target_arn}


def _lambda(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    arn = _arn(ctx, "lambda", f"function:{name}")
    invoke = f"arn:{ctx.partition}:apigateway:{ctx.region}:lambda:path/2015-03-31/functions/{arn}/invocations"
    out = {
        "arn": arn,
        "invokeArn": invoke,
        "qualifiedArn": f"{arn}:$LATEST",
        "qualifiedInvokeArn": invoke.replace(arn, f"{arn}:$LATEST"),
        "version": "$LATEST",
        "lastModified": "2026-01-01T00:00:00.000+0000",
        "sourceCodeHash": hex_digest(urn, 43, "code"),
    }
    return name, out


def _ecr(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    out = {
        "arn": _arn(ctx, "ecr", f"repository/{name}"),
        "registryId": ctx.account,
        "repositoryUrl": f"{ctx.account}.dkr.ecr.{ctx.region}.{ctx.dns_suffix}/{name}",
    }
    return name, out


def _sqs(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    url = f"https://sqs.{ctx.region}.{ctx.dns_suffix}/{ctx.account}/{name}"
    return url, {"arn": _arn(ctx, "sqs", name), "url": url}


def _secret(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    suffix = "".join(c for c in upper_alnum(urn, 12, "secret") if c.isalpha())[:6].ljust(6, "A")
    arn = _arn(ctx, "secretsmanager", f"secret:{name}-{suffix}")
    return arn, {"arn": arn}


def _ec2(prefix: str, kind: str):
    def build(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
        ident = f"{prefix}-{hex_digest(urn, 17, 'ec2')}"
        out: dict[str, Any] = {"arn": _arn(ctx, "ec2", f"{kind}/{ident}"), "ownerId": ctx.account}
        if kind == "security-group" and name:
            out["name"] = name
        return ident, out

    return build


def _rds(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    address = f"{name}.{hex_digest(urn, 12, 'rds')}.{ctx.region}.rds.{ctx.dns_suffix}"
    out = {
        "arn": _arn(ctx, "rds", f"db:{name}"),
        "address": address,
        "endpoint": f"{address}:5432",
        "resourceId": "db-" + upper_alnum(urn, 26, "rdsid"),
        "identifier": name,
    }
    return name, out


def _rest_api(name: str, inputs: dict[str, Any], urn: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    api_id = hex_digest(urn, 10, "api")
    out = {
        "arn": f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{api_id}",
        "executionArn": _arn(ctx, "execute-api", api_id),
        "rootResourceId": hex_digest(urn, 10, "root"),
    }
    return api_id, out


def _by_path(fmt: str) -> Callable[[str, dict[str, Any]], str]:
    return lambda name, inputs: fmt.format(name=name)


_BUCKET = Spec(name_field="bucket", prefix_field="bucketPrefix", build=_bucket)

SPECS: dict[str, Spec] = {
    "aws:s3/bucket:Bucket": _BUCKET,
    "aws:s3/bucketV2:BucketV2": _BUCKET,
    "aws:kms/key:Key": Spec(name_field=None, prefix_field=None, build=_kms_key),
    "aws:kms/alias:Alias": Spec(
        build=_kms_alias, name_transform=lambda n: n if n.startswith("alias/") else f"alias/{n}"
    ),
    "aws:iam/role:Role": Spec(build=_iam("role", "AROA")),
    "aws:iam/user:User": Spec(build=_iam("user", "AIDA")),
    "aws:iam/group:Group": Spec(build=_iam("group", "AGPA")),
    "aws:iam/policy:Policy": Spec(build=_iam("policy", "ANPA", id_is="arn")),
    "aws:iam/instanceProfile:InstanceProfile": Spec(build=_iam("instance-profile", "AIPA")),
    "aws:lambda/function:Function": Spec(build=_lambda),
    "aws:ecr/repository:Repository": Spec(build=_ecr),
    "aws:cloudwatch/logGroup:LogGroup": Spec(build=_simple("logs", _by_path("log-group:{name}"))),
    "aws:cloudtrail/trail:Trail": Spec(build=_simple("cloudtrail", _by_path("trail/{name}"))),
    "aws:kinesis/stream:Stream": Spec(build=_simple("kinesis", _by_path("stream/{name}"), id_is="arn")),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": Spec(
        build=_simple("firehose", _by_path("deliverystream/{name}"), id_is="arn")
    ),
    "aws:sns/topic:Topic": Spec(build=_simple("sns", _by_path("{name}"), id_is="arn")),
    "aws:sqs/queue:Queue": Spec(build=_sqs),
    "aws:dynamodb/table:Table": Spec(build=_simple("dynamodb", _by_path("table/{name}"))),
    "aws:secretsmanager/secret:Secret": Spec(build=_secret),
    "aws:glue/catalogDatabase:CatalogDatabase": Spec(build=_simple("glue", _by_path("database/{name}"))),
    "aws:glue/crawler:Crawler": Spec(build=_simple("glue", _by_path("crawler/{name}"))),
    "aws:glue/job:Job": Spec(build=_simple("glue", _by_path("job/{name}"))),
    "aws:sagemaker/notebookInstance:NotebookInstance": Spec(
        build=_simple("sagemaker", _by_path("notebook-instance/{name}"))
    ),
    "aws:sagemaker/model:Model": Spec(build=_simple("sagemaker", _by_path("model/{name}"))),
    "aws:sagemaker/endpoint:Endpoint": Spec(build=_simple("sagemaker", _by_path("endpoint/{name}"))),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": Spec(
        build=_simple("sagemaker", _by_path("endpoint-config/{name}"))
    ),
    "aws:sagemaker/domain:Domain": Spec(name_field="domainName", prefix_field=None),
    "aws:sfn/stateMachine:StateMachine": Spec(build=_simple("states", _by_path("stateMachine:{name}"), id_is="arn")),
    "aws:cloudwatch/eventRule:EventRule": Spec(build=_simple("events", _by_path("rule/{name}"))),
    "aws:cloudwatch/eventBus:EventBus": Spec(build=_simple("events", _by_path("event-bus/{name}"))),
    "aws:ecs/cluster:Cluster": Spec(build=_simple("ecs", _by_path("cluster/{name}"), id_is="arn")),
    "aws:eks/cluster:Cluster": Spec(build=_simple("eks", _by_path("cluster/{name}"))),
    "aws:rds/instance:Instance": Spec(name_field="identifier", prefix_field="identifierPrefix", build=_rds),
    "aws:apigateway/restApi:RestApi": Spec(build=_rest_api),
    "aws:ec2/vpc:Vpc": Spec(name_field=None, prefix_field=None, build=_ec2("vpc", "vpc")),
    "aws:ec2/subnet:Subnet": Spec(name_field=None, prefix_field=None, build=_ec2("subnet", "subnet")),
    "aws:ec2/securityGroup:SecurityGroup": Spec(build=_ec2("sg", "security-group")),
    "aws:ec2/instance:Instance": Spec(name_field=None, prefix_field=None, build=_ec2("i", "instance")),
    "aws:ec2/internetGateway:InternetGateway": Spec(
        name_field=None, prefix_field=None, build=_ec2("igw", "internet-gateway")
    ),
    "aws:ec2/routeTable:RouteTable": Spec(name_field=None, prefix_field=None, build=_ec2("rtb", "route-table")),
    "aws:ec2/natGateway:NatGateway": Spec(name_field=None, prefix_field=None, build=_ec2("nat", "natgateway")),
    "aws:ec2/eip:Eip": Spec(name_field=None, prefix_field=None, build=_ec2("eipalloc", "elastic-ip")),
    "aws:ec2/vpcEndpoint:VpcEndpoint": Spec(name_field=None, prefix_field=None, build=_ec2("vpce", "vpc-endpoint")),
}

#: Resources whose id is the bucket they configure (the S3 bucket sub-resources).
_BUCKET_CHILD = re.compile(r"^aws:s3/bucket[A-Za-z0-9]*:Bucket[A-Za-z0-9]*$")


def synthesize(
    type_: str, logical: str, inputs: dict[str, Any], urn: str, ctx: Context, read_id: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The physical id and output properties AWS would return for this resource."""
    spec = SPECS.get(type_)
    if spec is None:
        ident, outputs = _generic(type_, logical, inputs, urn, ctx, read_id)
    else:
        ident, outputs = _specific(type_, spec, logical, inputs, urn, ctx, read_id)
    outputs.update(_tags_all(inputs, ctx))
    return ident, outputs


def _specific(
    type_: str, spec: Spec, logical: str, inputs: dict[str, Any], urn: str, ctx: Context, read_id: str | None
) -> tuple[str, dict[str, Any]]:
    outputs: dict[str, Any] = {}
    name = logical
    if spec.name_field:
        name = _name(spec, logical, inputs, urn, read_id)
        outputs[spec.name_field] = name
    elif read_id:
        name = read_id
    if spec.build is None:
        outputs["arn"] = _opaque(name) or _generic_arn(type_, name, ctx)
        return (read_id or name), outputs
    opaque = _opaque(name)
    if opaque:
        return opaque, {**outputs, **{k: opaque for k in _build_keys(spec, ctx)}}
    ident, built = spec.build(name, inputs, urn, ctx)
    outputs.update(built)
    return (read_id or ident), outputs


def _build_keys(spec: Spec, ctx: Context) -> list[str]:
    """The output keys a builder produces (computed once with a dummy name) for unknown/secret names."""
    _, sample = spec.build("x", {}, "x", ctx)  # type: ignore[misc]
    return list(sample)


def _name(spec: Spec, logical: str, inputs: dict[str, Any], urn: str, read_id: str | None) -> str:
    given = inputs.get(spec.name_field) if spec.name_field else None
    if given is not None and given != "":
        return given
    if read_id:
        return read_id
    prefix = inputs.get(spec.prefix_field) if spec.prefix_field else None
    if isinstance(prefix, str) and prefix:
        if not known(prefix):
            return prefix
        return f"{prefix}{int(hex_digest(urn, 12, 'prefix'), 16):026d}"[: len(prefix) + 26]
    name = autoname(logical, urn)
    return spec.name_transform(name) if spec.name_transform else name


def _generic(
    type_: str, logical: str, inputs: dict[str, Any], urn: str, ctx: Context, read_id: str | None
) -> tuple[str, dict[str, Any]]:
    """Types not modelled one by one: an id, an auto-name and an ARN in the common shape,
    each only if the pulumi-aws class has that output."""
    if not type_.startswith("aws:"):
        return read_id or f"{logical}-{hex_digest(urn, 7, 'id')}", {}
    if _BUCKET_CHILD.match(type_) and "bucket" in inputs:
        bucket = inputs["bucket"]
        return (read_id or (bucket if isinstance(bucket, str) else UNKNOWN)), {}
    props = class_outputs(type_)
    outputs: dict[str, Any] = {}
    name = inputs.get("name")
    if not isinstance(name, str) or not name:
        name = read_id or autoname(logical, urn)
        if "name" in props:
            outputs["name"] = name
    if "arn" in props:
        outputs["arn"] = _opaque(name) or _generic_arn(type_, name, ctx)
    return (read_id or name), outputs


@functools.cache
def class_outputs(type_: str) -> frozenset[str]:
    """The output properties of the pulumi-aws class for a type token (empty if not found)."""
    module, _, rest = type_.partition(":")[2].partition("/")
    class_name = rest.rpartition(":")[2]
    module = {"index": "", "lambda": "lambda_"}.get(module, module)
    try:
        mod = importlib.import_module(f"pulumi_aws.{module}" if module else "pulumi_aws")
        cls = getattr(mod, class_name)
    except (ImportError, AttributeError):
        return frozenset()
    return frozenset(n for n in dir(cls) if isinstance(getattr(cls, n, None), property))


def _generic_arn(type_: str, name: str, ctx: Context) -> str:
    module, _, rest = type_.partition(":")[2].partition("/")
    kind = re.sub(r"(?<!^)(?=[A-Z])", "-", rest.split(":")[0]).lower() if rest else "resource"
    service = {"cloudwatch": "logs", "kinesis": "kinesis", "lb": "elasticloadbalancing"}.get(module, module)
    return _arn(ctx, service, f"{kind}/{name}")


def _tags_all(inputs: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """``tagsAll``: the provider's default tags under the resource's own tags."""
    tags = inputs.get("tags")
    if tags is None and not ctx.default_tags:
        return {}
    if tags is not None and not isinstance(tags, dict):
        return {"tagsAll": tags}  # unknown or secret as a whole
    return {"tagsAll": {**ctx.default_tags, **(tags or {})}}
