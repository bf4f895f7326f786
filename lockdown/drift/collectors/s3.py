"""S3: buckets and their configuration, account public access block, access points.

Buckets are listed once per scanned region (``ListBuckets`` filtered by ``BucketRegion``, so
no per-bucket location call), then each bucket is one task of at most 8 reads: policy, public
access block, ownership, encryption, versioning, logging, lifecycle, tags; the ACL is read
only when ownership does not enforce bucket-owner (with ``BucketOwnerEnforced`` ACLs are
disabled and cannot grant anything).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import (
    Absent,
    Clients,
    Incomplete,
    Outcome,
    ScanContext,
    Task,
    error_text,
    policy_text,
    read,
    record,
    tags_dict,
)
from lockdown.model import UNKNOWN

SERVICE = "s3"
BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACL = "aws:s3/bucketAcl:BucketAcl"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"

#: Every type this collector can produce (a failed listing hides all of them).
BUCKET_TYPES = (BUCKET, POLICY, PAB, ACL, OWNERSHIP, SSE, VERSIONING, LOGGING, LIFECYCLE)
TYPES = (*BUCKET_TYPES, ACCOUNT_PAB, ACCESS_POINT)


def tasks(ctx: ScanContext) -> list[Task]:
    """One listing per region, plus the account-level reads."""
    found = [Task(f"s3 list buckets {region}", _lister(ctx, region)) for region in ctx.regions]
    found.append(Task("s3control public access block", lambda clients: _account_pab(ctx, clients)))
    found.extend(Task(f"s3control access points {region}", _access_points(ctx, region)) for region in ctx.regions)
    return found


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        try:
            names = _bucket_names(clients.get("s3", region), region)
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.extend(
                Incomplete(SERVICE, region, "buckets (listing)", error_text(err), kind, None) for kind in BUCKET_TYPES
            )
            return outcome
        outcome.tasks = [Task(f"s3 bucket {name}", _bucket_task(ctx, region, name)) for name in names]
        return outcome

    return run


def _bucket_names(client: Any, region: str) -> list[str]:
    names: list[str] = []
    kwargs: dict[str, Any] = {"BucketRegion": region, "MaxBuckets": 10000}
    while True:
        page = client.list_buckets(**kwargs)
        names.extend(
            bucket["Name"] for bucket in page.get("Buckets", []) if bucket.get("BucketRegion", region) == region
        )
        token = page.get("ContinuationToken")
        if not token:
            return names
        kwargs["ContinuationToken"] = token


def _bucket_task(ctx: ScanContext, region: str, name: str):
    return lambda clients: BucketReader(ctx, clients.get("s3", region), region, name).collect()


class BucketReader:
    """The reads of one bucket; each read that fails is noted and the others still run."""

    def __init__(self, ctx: ScanContext, client: Any, region: str, name: str) -> None:
        self.ctx, self.client, self.region, self.name = ctx, client, region, name
        self.outcome = Outcome()

    def collect(self) -> Outcome:
        self._bucket()
        self._policy()
        self._pab()
        enforced = self._ownership()
        if not enforced:
            self._acl()
        self._encryption()
        self._versioning()
        self._logging()
        self._lifecycle()
        return self.outcome

    def _read(self, kind: str, what: str, call: str, absent: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """One read: the response, ``{}`` when absent, ``None`` when it could not be read."""
        try:
            return read(getattr(self.client, call), absent, Bucket=self.name)
        except Absent:
            return {}
        except (ClientError, BotoCoreError) as err:
            resource = f"bucket {self.name} {what}"
            self.outcome.incomplete.append(Incomplete(SERVICE, self.region, resource, error_text(err), kind, self.name))
            return None

    def _add(self, type_: str, properties: dict[str, Any]) -> None:
        properties = {"bucket": self.name, "region": self.region, **properties}
        self.outcome.resources.append(record(self.ctx, type_, self.name, properties))

    def _bucket(self) -> None:
        arn = f"arn:{self.ctx.partition}:s3:::{self.name}"
        properties: dict[str, Any] = {"bucket": self.name, "arn": arn, "region": self.region}
        tagging = self._read(BUCKET, "tags", "get_bucket_tagging", ("NoSuchTagSet", "NoSuchTagSetError"))
        resource = record(self.ctx, BUCKET, self.name, properties)
        if tagging is None:
            properties["tags"] = UNKNOWN
            resource.unknowns.append("tags")
        else:
            properties["tags"] = tags_dict(tagging.get("TagSet"))
        properties["tagsAll"] = properties["tags"]
        self.outcome.resources.append(resource)

    def _policy(self) -> None:
        response = self._read(POLICY, "policy", "get_bucket_policy", ("NoSuchBucketPolicy",))
        if response:
            self._add(POLICY, {"policy": policy_text(response["Policy"])})

    def _pab(self) -> None:
        response = self._read(
            PAB, "public access block", "get_public_access_block", ("NoSuchPublicAccessBlockConfiguration",)
        )
        if response:
            self._add(PAB, public_access_block(response.get("PublicAccessBlockConfiguration", {})))

    def _ownership(self) -> bool:
        response = self._read(
            OWNERSHIP, "ownership controls", "get_bucket_ownership_controls", ("OwnershipControlsNotFoundError",)
        )
        if not response:
            return False
        rules = response.get("OwnershipControls", {}).get("Rules", [])
        ownership = rules[0].get("ObjectOwnership") if rules else None
        self._add(OWNERSHIP, {"rule": {"objectOwnership": ownership}})
        return ownership == "BucketOwnerEnforced"

    def _acl(self) -> None:
        response = self._read(ACL, "ACL", "get_bucket_acl")
        if response is None:
            return
        owner = response.get("Owner", {})
        grants = [
            {"grantee": _grantee(grant.get("Grantee", {})), "permission": grant.get("Permission")}
            for grant in response.get("Grants", [])
        ]
        policy = {"grants": grants, "owner": {"id": owner.get("ID"), "displayName": owner.get("DisplayName")}}
        self._add(ACL, {"accessControlPolicy": policy})

    def _encryption(self) -> None:
        response = self._read(
            SSE, "encryption", "get_bucket_encryption", ("ServerSideEncryptionConfigurationNotFoundError",)
        )
        if response:
            rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
            self._add(SSE, {"rules": [_sse_rule(rule) for rule in rules]})

    def _versioning(self) -> None:
        response = self._read(VERSIONING, "versioning", "get_bucket_versioning")
        if response is None:
            return
        if not response.get("Status"):
            return  # never enabled: there is no versioning configuration, as in a stack without one
        config: dict[str, Any] = {"status": response["Status"]}
        if response.get("MFADelete"):
            config["mfaDelete"] = response["MFADelete"]
        self._add(VERSIONING, {"versioningConfiguration": config})

    def _logging(self) -> None:
        response = self._read(LOGGING, "logging", "get_bucket_logging")
        enabled = (response or {}).get("LoggingEnabled")
        if enabled:
            self._add(
                LOGGING, {"targetBucket": enabled.get("TargetBucket"), "targetPrefix": enabled.get("TargetPrefix", "")}
            )

    def _lifecycle(self) -> None:
        response = self._read(
            LIFECYCLE, "lifecycle", "get_bucket_lifecycle_configuration", ("NoSuchLifecycleConfiguration",)
        )
        if response:
            self._add(LIFECYCLE, {"rules": [lifecycle_rule(rule) for rule in response.get("Rules", [])]})


def public_access_block(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "blockPublicAcls": bool(config.get("BlockPublicAcls", False)),
        "blockPublicPolicy": bool(config.get("BlockPublicPolicy", False)),
        "ignorePublicAcls": bool(config.get("IgnorePublicAcls", False)),
        "restrictPublicBuckets": bool(config.get("RestrictPublicBuckets", False)),
    }


def _grantee(grantee: dict[str, Any]) -> dict[str, Any]:
    mapped = {"type": grantee.get("Type"), "id": grantee.get("ID"), "uri": grantee.get("URI")}
    if grantee.get("EmailAddress"):
        mapped["emailAddress"] = grantee["EmailAddress"]
    return {key: value for key, value in mapped.items() if value is not None}


def _sse_rule(rule: dict[str, Any]) -> dict[str, Any]:
    default = rule.get("ApplyServerSideEncryptionByDefault", {})
    applied: dict[str, Any] = {"sseAlgorithm": default.get("SSEAlgorithm")}
    if default.get("KMSMasterKeyID"):
        applied["kmsMasterKeyId"] = default["KMSMasterKeyID"]
    result: dict[str, Any] = {"applyServerSideEncryptionByDefault": applied}
    if "BucketKeyEnabled" in rule:
        result["bucketKeyEnabled"] = bool(rule["BucketKeyEnabled"])
    return result


def lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One lifecycle rule in the provider's shape (only the parts retention rules read)."""
    result: dict[str, Any] = {"id": rule.get("ID", ""), "status": rule.get("Status")}
    if "Expiration" in rule:
        result["expiration"] = {k[0].lower() + k[1:]: v for k, v in rule["Expiration"].items()}
    if "NoncurrentVersionExpiration" in rule:
        expiry = rule["NoncurrentVersionExpiration"]
        result["noncurrentVersionExpiration"] = {"noncurrentDays": expiry.get("NoncurrentDays")}
    if "AbortIncompleteMultipartUpload" in rule:
        result["abortIncompleteMultipartUpload"] = {
            "daysAfterInitiation": rule["AbortIncompleteMultipartUpload"].get("DaysAfterInitiation")
        }
    if "Filter" in rule:
        result["filter"] = {"prefix": rule["Filter"].get("Prefix", "")} if "Prefix" in rule["Filter"] else {}
    elif "Prefix" in rule:
        result["filter"] = {"prefix": rule["Prefix"]}
    return result


def _account_pab(ctx: ScanContext, clients: Clients) -> Outcome:
    outcome = Outcome()
    region = ctx.regions[0]
    try:
        response = read(
            clients.get("s3control", region).get_public_access_block,
            ("NoSuchPublicAccessBlockConfiguration",),
            AccountId=ctx.account_id,
        )
    except Absent:
        return outcome
    except (ClientError, BotoCoreError) as err:
        outcome.incomplete.append(
            Incomplete("s3control", region, "account public access block", error_text(err), ACCOUNT_PAB, ctx.account_id)
        )
        return outcome
    properties = {
        "accountId": ctx.account_id,
        **public_access_block(response.get("PublicAccessBlockConfiguration", {})),
    }
    outcome.resources.append(record(ctx, ACCOUNT_PAB, ctx.account_id, properties))
    return outcome


def _access_points(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("s3control", region)
        try:
            points = client.list_access_points(AccountId=ctx.account_id).get("AccessPointList", [])
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete("s3control", region, "access points (listing)", error_text(err), ACCESS_POINT)
            )
            return outcome
        for point in points:
            outcome.resources.append(_access_point(ctx, client, region, point, outcome))
        return outcome

    return run


def _access_point(ctx: ScanContext, client: Any, region: str, point: dict[str, Any], outcome: Outcome):
    name = point["Name"]
    properties: dict[str, Any] = {
        "name": name,
        "bucket": point.get("Bucket"),
        "accountId": ctx.account_id,
        "arn": point.get("AccessPointArn"),
        "networkOrigin": point.get("NetworkOrigin"),
    }
    resource = record(ctx, ACCESS_POINT, name, properties)
    try:
        properties["policy"] = policy_text(
            read(client.get_access_point_policy, ("NoSuchAccessPointPolicy",), AccountId=ctx.account_id, Name=name)[
                "Policy"
            ]
        )
    except Absent:
        properties["policy"] = ""
    except (ClientError, BotoCoreError) as err:
        properties["policy"] = UNKNOWN
        resource.unknowns.append("policy")
        outcome.incomplete.append(
            Incomplete("s3control", region, f"access point {name} policy", error_text(err), ACCESS_POINT, name)
        )
    return resource
