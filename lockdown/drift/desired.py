"""Desired state: what the stack says should exist, and how a live record finds its twin.

The desired records come from a ``pulumi stack export`` (``--state``) or, without one, from
planning the program offline. Records are matched by physical identity (bucket name, role
name, key id, trail name...), never by logical name: the live account knows no logical names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lockdown.drift.collectors import LIVE_TYPES, lakeformation
from lockdown.errors import LockdownError
from lockdown.model import UNKNOWN, LoadedStack, Resource

_V2 = re.compile(r"^(aws:s3/)(\w+?)V2:(\w+?)V2$")
#: pulumi-aws v6 tokens whose v7 name differs by more than the ``V2`` suffix.
_RENAMED = {"aws:s3/bucketV2:BucketV2": "aws:s3/bucket:Bucket"}
_OWNER_KEYS = {
    "rolePolicy": "role",
    "rolePolicyAttachment": "role",
    "userPolicy": "user",
    "userPolicyAttachment": "user",
}
_OWNER_KEYS |= {"groupPolicy": "group", "groupPolicyAttachment": "group"}
_SINGLETONS = {
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
    "aws:lakeformation/dataLakeSettings:DataLakeSettings",
}


def canonical_type(type_: str) -> str:
    """The v7 token for a v6 or v7 token (``bucketPolicyV2`` style names lose their suffix)."""
    if type_ in _RENAMED:
        return _RENAMED[type_]
    match = _V2.match(type_)
    return f"{match.group(1)}{match.group(2)}:{match.group(3)}" if match else type_


def identity(resource: Resource) -> str | None:
    """The physical identity a live record and its desired twin share, or ``None`` if unknowable."""
    type_ = canonical_type(resource.type)
    props = resource.properties
    kind = type_.split("/")[1].split(":")[0] if "/" in type_ else type_
    if type_ in _SINGLETONS:
        return "account"
    if type_.startswith("aws:s3/bucket"):
        return _known(props.get("bucket") or resource.id)
    if kind in _OWNER_KEYS:
        owner = _basename(props.get(_OWNER_KEYS[kind]))
        second = props.get("policyArn") if kind.endswith("Attachment") else props.get("name")
        return f"{owner}:{second}" if _known(owner) and _known(second) else None
    if type_ == "aws:iam/userGroupMembership:UserGroupMembership":
        return _known(_basename(props.get("user")))
    if type_ == "aws:iam/policy:Policy":
        return _known(props.get("arn"))
    if type_ == "aws:kms/key:Key":
        return _known(props.get("keyId") or resource.id)
    if type_ == "aws:sagemaker/domain:Domain":
        return _known(resource.id)
    if type_ == "aws:cloudwatch/logResourcePolicy:LogResourcePolicy":
        return _known(props.get("policyName"))
    if type_ == "aws:lakeformation/permissions:Permissions":
        return lakeformation.permission_identity(props) if _known(props.get("principal")) else None
    return _known(props.get("name") or resource.id)


def _known(value: Any) -> str | None:
    return str(value) if value not in (None, "", UNKNOWN) and isinstance(value, str | int) else None


def _basename(value: Any) -> Any:
    """A role/user/group given as an ARN or as a name: the name."""
    return value.rsplit("/", 1)[-1] if isinstance(value, str) and value.startswith("arn:") else value


def load_desired(
    stack: str | None, state: str | Path | None, program: str | Path | None, config: tuple[str, ...] = ()
) -> LoadedStack:
    """The stack's desired records: from the state file when given, else from an offline plan."""
    if state:
        from lockdown.loaders.state import load_state

        return load_state(state)
    if not stack:
        raise LockdownError(
            "drift: give --state FILE (a pulumi stack export) or --stack NAME to plan the program offline"
        )
    from lockdown.loaders.program import load_program

    return load_program(program or ".", stack, config_overrides=config)


def comparable(loaded: LoadedStack) -> list[Resource]:
    """The desired records a live scan can see: custom AWS resources of the collected types."""
    return [r for r in loaded.resources if r.evaluated and canonical_type(r.type) in LIVE_TYPES]


def index(resources: list[Resource]) -> dict[tuple[str, str], Resource]:
    """Records by (canonical type, physical identity); unidentifiable records are left out."""
    found: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        key = identity(resource)
        if key is not None:
            found.setdefault((canonical_type(resource.type), key), resource)
    return found
