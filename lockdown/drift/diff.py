"""Drift classes: in-sync, changed, missing, unmanaged, and unread (the scan could not see it).

Only security-relevant properties are compared (a changed description is not drift), policy
documents statement by statement. A desired record hidden by a read the scan could not make
is ``unread``, never ``missing`` and never ``in-sync``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lockdown.drift import policydoc
from lockdown.drift.collectors import COLLECTORS
from lockdown.drift.collectors.base import Incomplete
from lockdown.drift.desired import canonical_type, identity, index
from lockdown.model import REDACTED, UNKNOWN, Resource

KEY, ALIAS = "aws:kms/key:Key", "aws:kms/alias:Alias"
IN_SYNC, CHANGED, MISSING, UNMANAGED, UNREAD = "in-sync", "changed", "missing", "unmanaged", "unread"
CLASSES = (CHANGED, MISSING, UNMANAGED, UNREAD, IN_SYNC)

#: Properties whose value is a policy document (compared statement by statement).
DOCUMENT_PROPERTIES = frozenset({"policy", "assumeRolePolicy", "policyDocument"})
_PAB = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
_IAM_POLICY = ("policy",)

#: Per type, the property paths (dot-separated) that matter for security.
SECURITY_PROPERTIES: dict[str, tuple[str, ...]] = {
    "aws:s3/bucket:Bucket": ("tags",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _PAB,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": _PAB,
    "aws:s3/bucketAcl:BucketAcl": ("grants",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("rule.objectOwnership",),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ("encryption",),
    "aws:s3/bucketVersioning:BucketVersioning": ("versioningConfiguration.status",),
    "aws:s3/bucketLogging:BucketLogging": ("targetBucket", "targetPrefix"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("lifecycle",),
    "aws:s3/accessPoint:AccessPoint": ("policy",),
    "aws:iam/role:Role": ("assumeRolePolicy", "permissionsBoundary"),
    "aws:iam/rolePolicy:RolePolicy": _IAM_POLICY,
    "aws:iam/userPolicy:UserPolicy": _IAM_POLICY,
    "aws:iam/groupPolicy:GroupPolicy": _IAM_POLICY,
    "aws:iam/policy:Policy": _IAM_POLICY,
    "aws:iam/user:User": ("permissionsBoundary",),
    "aws:iam/userGroupMembership:UserGroupMembership": ("groups",),
    "aws:kms/key:Key": ("policy", "enableKeyRotation", "isEnabled"),
    "aws:kms/alias:Alias": ("targetKeyId",),
    "aws:cloudtrail/trail:Trail": (
        "enableLogging",
        "eventSelectors",
        "advancedEventSelectors",
        "isMultiRegionTrail",
        "includeGlobalServiceEvents",
        "enableLogFileValidation",
        "s3BucketName",
        "kmsKeyId",
    ),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays", "kmsKeyId", "tags"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        "firehoseEncryption",
        "extendedS3Configuration.bucketArn",
        "extendedS3Configuration.kmsKeyArn",
    ),
    "aws:sagemaker/notebookInstance:NotebookInstance": ("kmsKeyId", "directInternetAccess", "rootAccess", "roleArn"),
    "aws:sagemaker/domain:Domain": ("kmsKeyId", "appNetworkAccessType", "authMode"),
    "aws:glue/catalogDatabase:CatalogDatabase": ("createTableDefaultPermissions",),
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings": ("dataCatalogEncryptionSettings",),
    "aws:lakeformation/permissions:Permissions": ("permissions", "permissionsWithGrantOption"),
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": (
        "admins",
        "createDatabaseDefaultPermissions",
        "createTableDefaultPermissions",
        "trustedResourceOwners",
    ),
}

_CANNED_ACL = {
    "private": [],
    "public-read": [("AllUsers", "READ")],
    "public-read-write": [("AllUsers", "READ"), ("AllUsers", "WRITE")],
    "authenticated-read": [("AuthenticatedUsers", "READ")],
    "log-delivery-write": [("LogDelivery", "READ_ACP"), ("LogDelivery", "WRITE")],
    "bucket-owner-full-control": [],
}


@dataclass
class Difference:
    """One property whose desired and live values differ (shown side by side)."""

    property: str
    desired: Any
    live: Any
    removed_statements: list[dict[str, Any]] = field(default_factory=list)
    added_statements: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"property": self.property, "desired": self.desired, "live": self.live}
        if self.removed_statements or self.added_statements:
            data["statements"] = {"removed": self.removed_statements, "added": self.added_statements}
        return data


@dataclass
class DriftItem:
    """One resource's drift class, with what differs and whether it matters."""

    drift: str
    type: str
    identity: str
    urn: str
    name: str
    store: str
    matters: bool = True
    differences: list[Difference] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "class": self.drift,
            "type": self.type,
            "identity": self.identity,
            "urn": self.urn,
            "name": self.name,
            "store": self.store,
            "matters": self.matters,
            "differences": [difference.to_json() for difference in self.differences],
            "unverified": self.unverified,
            "note": self.note,
        }


def store_of(resource: Resource) -> str:
    """The data store a record belongs to, for grouping drift and findings in the report."""
    type_ = canonical_type(resource.type)
    props = resource.properties
    if type_.startswith("aws:s3/bucket") or type_ == "aws:s3/accessPoint:AccessPoint":
        return f"s3://{props.get('bucket') or resource.id}"
    prefixes = {
        "aws:kms/key:Key": "kms:",
        "aws:cloudwatch/logGroup:LogGroup": "logs:",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "firehose:",
        "aws:glue/catalogDatabase:CatalogDatabase": "glue:",
        "aws:cloudtrail/trail:Trail": "cloudtrail:",
    }
    if type_ in prefixes:
        return prefixes[type_] + str(identity(resource))
    if type_ == "aws:lakeformation/permissions:Permissions" and isinstance(props.get("database"), dict):
        return f"glue:{props['database'].get('name')}"
    if type_ == "aws:lakeformation/permissions:Permissions" and isinstance(props.get("table"), dict):
        return f"glue:{props['table'].get('databaseName')}"
    if type_.startswith("aws:iam/"):
        return "iam"
    return "account"


def compute_drift(desired: list[Resource], live: list[Resource], incomplete: list[Incomplete]) -> list[DriftItem]:
    """Classify every desired and live record; matched live records take the desired URN and name."""
    wanted, found = index(desired), index(live)
    key_map = key_ids_by_alias(wanted, found)
    wanted = {(type_, key_map.get(ident, ident) if type_ == KEY else ident): r for (type_, ident), r in wanted.items()}
    hidden = _hidden(incomplete)
    items = []
    for key, want in wanted.items():
        have = found.get(key)
        if have is None:
            unread = key in hidden or (key[0], None) in hidden
            items.append(
                _item(UNREAD if unread else MISSING, key, want, note="not read: see incomplete" if unread else "")
            )
            continue
        have.urn, have.name = want.urn, want.name
        differences, unverified = compare(key[0], _translate(want.properties, key_map), have.properties)
        drift = UNREAD if key in hidden else (CHANGED if differences else IN_SYNC)
        items.append(_item(drift, key, have, differences=differences, unverified=unverified))
    for key, have in found.items():
        if key not in wanted and not _aws_owned(key):
            items.append(_item(UNMANAGED, key, have))
    items.sort(key=lambda item: (CLASSES.index(item.drift), item.store, item.type, item.identity))
    return items


def key_ids_by_alias(wanted: dict[tuple[str, str], Resource], found: dict[tuple[str, str], Resource]) -> dict[str, str]:
    """Planned key id -> live key id, through aliases of the same name.

    An offline plan cannot know a key's id (AWS picks it), but it knows the key's alias: a
    desired key whose id is not live is matched to the key its alias points at.
    """
    mapping = {}
    for (type_, name), want in wanted.items():
        have = found.get((type_, name)) if type_ == ALIAS else None
        planned, actual = (
            (want.properties.get("targetKeyId"), have.properties.get("targetKeyId")) if have else (None, None)
        )
        if isinstance(planned, str) and isinstance(actual, str) and planned != actual and (KEY, planned) not in found:
            mapping[_key_id(planned)] = _key_id(actual)
    return mapping


def _translate(value: Any, key_map: dict[str, str]) -> Any:
    """Desired values with planned key ids replaced by the live ids they were matched to."""
    if not key_map:
        return value
    if isinstance(value, str):
        for planned, actual in key_map.items():
            value = value.replace(planned, actual)
        return value
    if isinstance(value, dict):
        return {key: _translate(item, key_map) for key, item in value.items()}
    if isinstance(value, list):
        return [_translate(item, key_map) for item in value]
    return value


def _item(drift: str, key: tuple[str, str], resource: Resource, **extra: Any) -> DriftItem:
    return DriftItem(
        drift=drift,
        type=key[0],
        identity=key[1],
        urn=resource.urn,
        name=resource.name,
        store=store_of(resource),
        **extra,
    )


def _aws_owned(key: tuple[str, str]) -> bool:
    """AWS managed policies belong to AWS, not to anyone's stack."""
    return key[0] == "aws:iam/policy:Policy" and ":iam::aws:policy/" in key[1]


def _hidden(incomplete: list[Incomplete]) -> set[tuple[str, str | None]]:
    """(type, identity) pairs the scan could not read; identity ``None`` hides every record of the type."""
    by_service = {module.SERVICE: module.TYPES for module in COLLECTORS}
    by_service["s3control"] = by_service["s3"]
    hidden: set[tuple[str, str | None]] = set()
    for item in incomplete:
        kinds = (item.kind,) if item.kind else by_service.get(item.service, ())
        hidden.update((kind, item.identity) for kind in kinds)
    return hidden


def compare(type_: str, desired: dict[str, Any], live: dict[str, Any]) -> tuple[list[Difference], list[str]]:
    """The security-relevant differences, and the properties the desired side cannot show.

    A desired value that is unknown or secret (``REDACTED``) is never compared: comparing
    "[secret]" with the live plaintext would put the secret itself into the report. Its path
    is listed as unverified instead (the rules still check the live value).
    """
    differences, unverified = [], []
    for path in SECURITY_PROPERTIES.get(type_, ()):
        want, have = _value(type_, desired, path), _value(type_, live, path)
        if _contains_opaque(want):
            unverified.append(path)
            continue
        if path in DOCUMENT_PROPERTIES:
            difference = _document_difference(path, want, have)
        else:
            difference = None if _normal(want) == _normal(have) else Difference(path, want, have)
        if difference:
            differences.append(difference)
    return differences, unverified


def _document_difference(path: str, want: Any, have: Any) -> Difference | None:
    if not want and not have:
        return None
    result = policydoc.compare(want, have)
    if result is None:
        return None if want == have else Difference(path, want, have)
    if result.equal:
        return None
    return Difference(path, want, have, list(result.removed), list(result.added))


def _value(type_: str, props: dict[str, Any], path: str) -> Any:
    """A property by path; a few are derived so both sides compare like for like."""
    if path == "grants":
        return _acl_grants(props)
    if path == "encryption":
        return _encryption(props.get("rules"))
    if path == "lifecycle":
        return _lifecycle(props.get("rules"))
    if path == "firehoseEncryption":
        return _firehose_encryption(props.get("serverSideEncryption"))
    value: Any = props
    for part in path.split("."):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if _opaque(value):
            return value
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if path in ("kmsKeyId", "targetKeyId"):
        return _key_id(value)
    return value


def _acl_grants(props: dict[str, Any]) -> Any:
    """Grants to anyone but the owner, as (grantee, permission) pairs; canned ACLs expanded."""
    policy = props.get("accessControlPolicy")
    if isinstance(policy, list) and policy:
        policy = policy[0]
    if _contains_opaque(policy):
        return policy
    if isinstance(policy, dict) and policy.get("grants") is not None:
        owner = (policy.get("owner") or {}).get("id") if isinstance(policy.get("owner"), dict) else None
        pairs = set()
        for grant in policy["grants"]:
            grantee = grant.get("grantee") or {}
            if grantee.get("type") == "CanonicalUser" and (owner is None or grantee.get("id") == owner):
                continue
            who = (grantee.get("uri") or "").rsplit("/", 1)[-1] or grantee.get("id") or grantee.get("emailAddress")
            pairs.add((who, grant.get("permission")))
        return sorted(pairs)
    acl = props.get("acl")
    if _opaque(acl):
        return acl
    return sorted(_CANNED_ACL.get(acl or "private", [(acl, "?")]))


def _encryption(rules: Any) -> Any:
    if _contains_opaque(rules):
        return rules
    found = []
    for rule in rules or []:
        applied = rule.get("applyServerSideEncryptionByDefault") or {}
        if isinstance(applied, list):
            applied = applied[0] if applied else {}
        found.append((applied.get("sseAlgorithm"), _key_id(applied.get("kmsMasterKeyId"))))
    return sorted(found, key=str)


def _lifecycle(rules: Any) -> Any:
    if _contains_opaque(rules):
        return rules
    found = []
    for rule in rules or []:
        expiration = rule.get("expiration") or {}
        noncurrent = rule.get("noncurrentVersionExpiration") or {}
        if isinstance(expiration, list):
            expiration = expiration[0] if expiration else {}
        if isinstance(noncurrent, list):
            noncurrent = noncurrent[0] if noncurrent else {}
        found.append(
            {
                "id": rule.get("id"),
                "status": rule.get("status"),
                "expirationDays": expiration.get("days"),
                "noncurrentDays": noncurrent.get("noncurrentDays"),
            }
        )
    return sorted(found, key=lambda item: str(item["id"]))


def _firehose_encryption(value: Any) -> Any:
    """Enabled, and with which key type and key; key settings of disabled encryption do not matter."""
    if isinstance(value, list):
        value = value[0] if value else None
    if _contains_opaque(value) or not isinstance(value, dict):
        return value if _contains_opaque(value) else None
    if not value.get("enabled"):
        return None
    return {"enabled": True, "keyType": value.get("keyType") or "AWS_OWNED_CMK", "keyArn": _key_id(value.get("keyArn"))}


def _key_id(value: Any) -> Any:
    """Key ARNs and bare key ids name the same key."""
    if isinstance(value, str) and value.startswith("arn:") and ":key/" in value:
        return value.rsplit("/", 1)[-1]
    return value


def _opaque(value: Any) -> bool:
    """Unknown until the update runs, or a secret: a value that must not be compared or shown."""
    return isinstance(value, str) and (UNKNOWN in value or REDACTED in value)


def _contains_opaque(value: Any) -> bool:
    """Whether an unknown or a secret hides anywhere in a value (also inside a JSON string)."""
    if _opaque(value):
        return True
    if isinstance(value, dict):
        return any(_contains_opaque(key) or _contains_opaque(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_opaque(item) for item in value)
    return False


def _normal(value: Any) -> Any:
    """Empty values (None, "", [], {}, 0, False) all mean "not set"; lists compare as sets."""
    if isinstance(value, dict):
        cleaned = {key: _normal(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item is not None} or None
    if isinstance(value, list | tuple):
        items = [_normal(item) for item in value]
        return sorted((item for item in items if item is not None), key=repr) or None
    if value is False or (value in ("", 0) and not isinstance(value, bool)):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value
