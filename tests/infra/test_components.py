"""Security properties of the pipeline's components, planned under the Pulumi mock runtime.

Each test reads what the program would send to AWS (resolved inputs with synthesized ARNs)
and checks one property the issue promises: who can read the raw captures, what the bucket
perimeters exempt, what the trail records, what the keys allow.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from lockdown_pipeline.settings import SettingsError

from tests.infra.pulumi_mocks import Planned, plan, stack_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

STACKS = ("dev", "staging", "prod")
DATA_TYPES = {
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:lambda/function:Function",
    "aws:cloudtrail/trail:Trail",
}
FIVE_TAGS = ("data-classification", "data-subject", "owner", "purpose", "retention-days")
S3_READS = ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions")


@pytest.fixture(scope="module", params=STACKS)
def planned(request: pytest.FixtureRequest) -> tuple[str, list[Planned]]:
    return request.param, plan(request.param)


@pytest.fixture(scope="module")
def dev() -> list[Planned]:
    return plan("dev")


# ---- helpers -------------------------------------------------------------------------------------


def of_type(resources: list[Planned], suffix: str) -> list[Planned]:
    """Every planned resource of a type; none at all is a failure, so no loop over it passes vacuously."""
    found = [r for r in resources if r.type.endswith(suffix)]
    assert found, f"the program planned no {suffix}"
    return found


def one(resources: list[Planned], suffix: str, name: str) -> Planned:
    found = [r for r in resources if r.type.endswith(suffix) and r.name == name]
    assert len(found) == 1, f"expected one {suffix} named {name}, found {len(found)}"
    return found[0]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return as_list(doc["Statement"])


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, with * and ? wildcards, in either direction."""
    p, a = pattern.lower(), action.lower()
    return fnmatch.fnmatchcase(a, p) or fnmatch.fnmatchcase(p, a)


def grants(statement: dict[str, Any], action: str) -> bool:
    return statement["Effect"] == "Allow" and any(
        action_matches(p, action) for p in as_list(statement.get("Action", []))
    )


def principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal", {})
    if principal == "*":
        return ["*"]
    return [p for values in principal.values() for p in as_list(values)]


def resource_covers(resources: list[str], arn: str) -> bool:
    return any(fnmatch.fnmatchcase(arn, r) for r in resources)


def settings(stack: str) -> dict[str, Any]:
    return stack_config(stack)


def bucket_names(resources: list[Planned]) -> dict[str, str]:
    return {r.name: r.props["bucket"] for r in of_type(resources, "s3/bucket:Bucket")}


def role_arns(resources: list[Planned]) -> dict[str, str]:
    return {r.props["name"]: r.props["arn"] for r in of_type(resources, "iam/role:Role")}


def role_policies_by_role(resources: list[Planned]) -> dict[str, list[dict[str, Any]]]:
    by_role: dict[str, list[dict[str, Any]]] = {}
    for rp in of_type(resources, "iam/rolePolicy:RolePolicy"):
        by_role.setdefault(rp.props["role"], []).extend(statements(rp.policy()))
    return by_role


# ---- classification --------------------------------------------------------------------------------


def test_every_data_holding_resource_carries_the_five_tags(planned: tuple[str, list[Planned]]) -> None:
    _, resources = planned
    data = [r for r in resources if r.type in DATA_TYPES]
    assert len(data) >= 15
    for r in data:
        tags = r.props.get("tags") or {}
        missing = [t for t in FIVE_TAGS if not tags.get(t)]
        assert not missing, f"{r.type} {r.name} lacks {missing}"
        assert tags["data-classification"] == "restricted", r.name
        assert tags["data-subject"] == "employee"
        assert int(tags["retention-days"]) > 0


# ---- buckets --------------------------------------------------------------------------------------


def test_every_bucket_has_the_safe_settings(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    cfg = settings(stack)
    names = bucket_names(resources)
    assert set(names) == {"raw-captures", "curated", "model-artifacts", "access-logs", "audit-trail"}
    log_bucket = names["access-logs"]
    for logical, physical in names.items():
        pab = one(resources, "BucketPublicAccessBlock", f"{logical}-public-access-block").props
        assert all(
            pab[k] is True
            for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        )
        assert pab["bucket"] == physical
        ownership = one(resources, "BucketOwnershipControls", f"{logical}-ownership").props
        assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
        assert (
            one(resources, "BucketVersioning", f"{logical}-versioning").props["versioningConfiguration"]["status"]
            == "Enabled"
        )
        (rule,) = one(resources, "BucketLifecycleConfiguration", f"{logical}-lifecycle").props["rules"]
        assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
        kept = rule["expiration"]["days"] + rule["noncurrentVersionExpiration"]["noncurrentDays"]
        assert kept <= int(cfg["lockdown:maxRetentionDays"]), f"{logical} keeps objects {kept} days"
        (sse,) = one(resources, "BucketServerSideEncryptionConfiguration", f"{logical}-encryption").props["rules"]
        default = sse["applyServerSideEncryptionByDefault"]
        if logical == "access-logs":
            # Server access logging can only deliver to SSE-S3 buckets, and never logs to itself.
            assert default == {"sseAlgorithm": "AES256"}
            assert not [r for r in of_type(resources, "BucketLogging") if r.props["bucket"] == physical]
        else:
            assert default["sseAlgorithm"] == "aws:kms" and default["kmsMasterKeyId"].startswith("arn:aws:kms:")
            assert sse["bucketKeyEnabled"] is True
            logging = one(resources, "BucketLogging", f"{logical}-access-logging").props
            assert logging["targetBucket"] == log_bucket


def test_every_bucket_policy_denies_insecure_transport(planned: tuple[str, list[Planned]]) -> None:
    _, resources = planned
    for bp in of_type(resources, "s3/bucketPolicy:BucketPolicy"):
        arn = f"arn:aws:s3:::{bp.props['bucket']}"
        deny = [s for s in statements(bp.policy()) if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool")]
        assert deny, bp.name
        (tls,) = deny
        assert tls["Principal"] == "*" and tls["Action"] == "s3:*"
        assert tls["Condition"]["Bool"]["aws:SecureTransport"] == "false"
        assert set(tls["Resource"]) == {arn, f"{arn}/*"}


def _perimeter(bp: Planned) -> dict[str, Any]:
    (perimeter,) = [s for s in statements(bp.policy()) if s.get("Sid") == "DenyReadsOutsideAllowlist"]
    return perimeter


def test_raw_bucket_denies_reads_to_anyone_outside_the_allowlist(dev: list[Planned]) -> None:
    cfg = settings("dev")
    auditor = "arn:aws:iam::111111111111:role/dev-privacy-auditor"
    assert auditor in cfg["lockdown:allowedReaders"]
    bp = one(dev, "BucketPolicy", "raw-captures-policy")
    perimeter = _perimeter(bp)
    assert perimeter["Effect"] == "Deny" and perimeter["Principal"] == "*"
    # The deny covers every object read and listing action...
    for action in (
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:GetObjectAttributes",
        "s3:ListBucket",
        "s3:ListBucketVersions",
    ):
        assert any(action_matches(p, action) for p in perimeter["Action"]), action
    bucket = f"arn:aws:s3:::{bp.props['bucket']}"
    assert set(perimeter["Resource"]) == {bucket, f"{bucket}/*"}
    # ...and exempts exactly the privacy auditor, by exact ARN (no wildcard, no account root).
    assert perimeter["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [auditor]}}
    # The only Allow names the auditor.
    allows = [s for s in statements(bp.policy()) if s["Effect"] == "Allow"]
    assert [principals(s) for s in allows] == [[auditor]]


def test_every_perimeter_exempts_only_allowed_readers(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    allowed = set(settings(stack)["lockdown:allowedReaders"])
    for bp in of_type(resources, "s3/bucketPolicy:BucketPolicy"):
        exempt = _perimeter(bp)["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
        assert exempt and set(exempt) <= allowed, bp.name
        assert not any("*" in e or e.endswith(":root") for e in exempt)
        for s in statements(bp.policy()):
            if s["Effect"] == "Allow" and any(grants(s, a) for a in S3_READS):
                assert set(principals(s)) <= allowed, f"{bp.name}: {s.get('Sid')} lets {principals(s)} read"


def test_service_principals_in_bucket_policies_only_write_under_source_conditions(dev: list[Planned]) -> None:
    for bp in of_type(dev, "s3/bucketPolicy:BucketPolicy"):
        for s in statements(bp.policy()):
            if "Service" not in s.get("Principal", {}) or s["Effect"] != "Allow":
                continue
            assert not any(grants(s, a) for a in S3_READS), f"{bp.name}: {s['Sid']}"
            condition = json.dumps(s.get("Condition", {}))
            assert "aws:SourceArn" in condition, f"{bp.name}: {s['Sid']} has no aws:SourceArn"


# ---- who can read raw captures ---------------------------------------------------------------------


def test_no_role_can_read_raw_captures_except_the_auditor(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    raw = bucket_names(resources)["raw-captures"]
    raw_objects = f"arn:aws:s3:::{raw}/captures/2026/01/01/part-0001.gz"
    auditor = f"{stack}-privacy-auditor"
    readers = set()
    for role, stmts in role_policies_by_role(resources).items():
        for s in stmts:
            if grants(s, "s3:GetObject") and resource_covers(as_list(s["Resource"]), raw_objects):
                readers.add(role)
    assert readers == {auditor}
    # Bucket policy and key policy agree: only the auditor may read or decrypt.
    raw_key = one(resources, "kms/key:Key", "raw-key")
    decrypt = [s for s in statements(raw_key.policy()) if grants(s, "kms:Decrypt")]
    assert {p for s in decrypt for p in principals(s)} == {
        f"arn:aws:iam::{settings(stack)['lockdown-pipeline:accountId']}:role/{auditor}"
    }
    # ...through S3, for objects of the raw bucket only.
    (only,) = decrypt
    assert only["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
        f"arn:aws:s3:::{raw}",
        f"arn:aws:s3:::{raw}/*",
    ]


def test_delivery_role_writes_raw_captures_but_cannot_read_them(dev: list[Planned]) -> None:
    stmts = role_policies_by_role(dev)["dev-capture-delivery"]
    assert not any(grants(s, a) for s in stmts for a in (*S3_READS, "kms:Decrypt"))
    assert any(grants(s, "s3:PutObject") for s in stmts)


def test_training_role_reads_curated_prefix_only_and_decrypts_curated_key_only(dev: list[Planned]) -> None:
    names = bucket_names(dev)
    stmts = role_policies_by_role(dev)["dev-training"]
    curated_key = one(dev, "kms/key:Key", "curated-key").props["arn"]
    reads = [r for s in stmts if grants(s, "s3:GetObject") for r in as_list(s["Resource"])]
    assert resource_covers(reads, f"arn:aws:s3:::{names['curated']}/datasets/x.json")
    assert not resource_covers(reads, f"arn:aws:s3:::{names['curated']}/other/x.json")
    for other in ("raw-captures", "access-logs", "audit-trail"):
        assert not resource_covers(reads, f"arn:aws:s3:::{names[other]}/x"), other
    decrypt = [r for s in stmts if grants(s, "kms:Decrypt") for r in as_list(s["Resource"])]
    assert decrypt == [curated_key]


def test_writer_role_can_only_put_records_into_the_stream(dev: list[Planned]) -> None:
    stream_arn = one(dev, "FirehoseDeliveryStream", "captures").props["arn"]
    (stmt,) = role_policies_by_role(dev)["dev-capture-writer"]
    assert stmt["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    assert stmt["Resource"] == [stream_arn]


def test_trust_policies_name_principals_never_accounts_or_anyone(planned: tuple[str, list[Planned]]) -> None:
    _, resources = planned
    for role in of_type(resources, "iam/role:Role"):
        for s in statements(role.policy("assumeRolePolicy")):
            for p in principals(s):
                assert p != "*" and not p.endswith(":root"), f"{role.name} trusts {p}"
            if "Service" in s["Principal"]:
                assert "aws:SourceAccount" in json.dumps(s["Condition"]), role.name


# ---- keys -----------------------------------------------------------------------------------------


def test_key_policies_name_admins_and_users_and_never_root_or_anyone(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    admins = set(settings(stack)["lockdown:keyAdministrators"])
    keys = of_type(resources, "kms/key:Key")
    assert {k.name for k in keys} == {"raw-key", "curated-key", "audit-key"}
    for key in keys:
        assert key.props["enableKeyRotation"] is True
        assert key.props.get("bypassPolicyLockoutSafetyCheck") is False
        doc = key.policy()
        for s in statements(doc):
            for p in principals(s):
                assert p != "*" and not p.endswith(":root"), f"{key.name}: {s['Sid']} names {p}"
            assert s["Action"] != "kms:*" and "kms:*" not in as_list(s["Action"])
        (admin,) = [s for s in statements(doc) if s["Sid"] == "KeyAdministrators"]
        assert set(principals(admin)) == admins
        for use in ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"):
            assert not grants(admin, use), f"{key.name}: administrators may {use}"
        # Every use of a key by a service principal is pinned by a condition.
        for s in statements(doc):
            if "Service" in s["Principal"]:
                assert s.get("Condition"), f"{key.name}: {s['Sid']}"


def test_decrypt_is_only_for_allowed_readers_or_conditioned_services(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    allowed = set(settings(stack)["lockdown:allowedReaders"])
    for key in of_type(resources, "kms/key:Key"):
        for s in statements(key.policy()):
            if not grants(s, "kms:Decrypt"):
                continue
            if "Service" in s["Principal"]:
                assert "kms:EncryptionContext" in json.dumps(s["Condition"]), f"{key.name}: {s['Sid']}"
            else:
                assert set(principals(s)) <= allowed, f"{key.name}: {s['Sid']}"
                assert s["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")


def test_log_groups_are_encrypted_and_retained_briefly(planned: tuple[str, list[Planned]]) -> None:
    stack, resources = planned
    limit = int(settings(stack)["lockdown:maxLogRetentionDays"])
    audit_key = one(resources, "kms/key:Key", "audit-key").props["arn"]
    groups = of_type(resources, "cloudwatch/logGroup:LogGroup")
    assert len(groups) == 3
    for g in groups:
        assert g.props["kmsKeyId"] == audit_key
        assert 0 < g.props["retentionInDays"] <= limit


# ---- audit ----------------------------------------------------------------------------------------


def test_trail_covers_every_restricted_bucket_except_its_own(planned: tuple[str, list[Planned]]) -> None:
    _, resources = planned
    trail = one(resources, "cloudtrail/trail:Trail", "trail").props
    assert trail["isMultiRegionTrail"] is True
    assert trail["enableLogFileValidation"] is True
    assert trail["kmsKeyId"] == one(resources, "kms/key:Key", "audit-key").props["arn"]
    assert trail["cloudWatchLogsGroupArn"].endswith(":*") and trail["cloudWatchLogsRoleArn"]
    names = bucket_names(resources)
    (selector,) = trail["eventSelectors"]
    assert selector["readWriteType"] == "All" and selector["includeManagementEvents"] is True
    covered = {v for d in selector["dataResources"] if d["type"] == "AWS::S3::Object" for v in d["values"]}
    restricted = {
        physical
        for r in of_type(resources, "s3/bucket:Bucket")
        if r.props["tags"]["data-classification"] == "restricted"
        for physical in [r.props["bucket"]]
    }
    assert trail["s3BucketName"] == names["audit-trail"]
    assert covered == {f"arn:aws:s3:::{b}/" for b in restricted - {names["audit-trail"]}}


def test_trail_bucket_and_logs_are_readable_by_the_auditor_only(dev: list[Planned]) -> None:
    bp = one(dev, "BucketPolicy", "audit-trail-policy")
    assert _perimeter(bp)["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [
        "arn:aws:iam::111111111111:role/dev-privacy-auditor"
    ]
    log_readers = {
        role
        for role, stmts in role_policies_by_role(dev).items()
        for s in stmts
        if grants(s, "logs:GetLogEvents") or grants(s, "logs:FilterLogEvents")
    }
    assert log_readers == {"dev-privacy-auditor"}


# ---- capture --------------------------------------------------------------------------------------


def test_stream_is_encrypted_and_redacts_before_storage(dev: list[Planned]) -> None:
    stream = one(dev, "FirehoseDeliveryStream", "captures").props
    raw_key = one(dev, "kms/key:Key", "raw-key").props["arn"]
    processor = one(dev, "lambda/function:Function", "processor").props
    assert stream["serverSideEncryption"] == {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": raw_key}
    s3 = stream["extendedS3Configuration"]
    assert s3["kmsKeyArn"] == raw_key and s3["s3BackupMode"] == "Disabled"
    assert s3["bufferingSize"] <= 128
    (proc,) = s3["processingConfiguration"]["processors"]
    assert s3["processingConfiguration"]["enabled"] is True and proc["type"] == "Lambda"
    assert proc["parameters"][0]["parameterValue"].startswith(processor["arn"])


def test_processor_has_no_network_egress(dev: list[Planned]) -> None:
    processor = one(dev, "lambda/function:Function", "processor").props
    sg = one(dev, "ec2/securityGroup:SecurityGroup", "processor-sg").props
    assert processor["vpcConfig"]["securityGroupIds"] == [sg["id"]]
    assert sg["egress"] == [] and sg["ingress"] == []
    assert processor["loggingConfig"]["logGroup"] == one(dev, "LogGroup", "processor-log-group").props["name"]


# ---- training -------------------------------------------------------------------------------------


def test_training_network_has_no_internet_path(dev: list[Planned]) -> None:
    types = {r.type for r in dev}
    assert not types & {"aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"}
    for subnet in of_type(dev, "ec2/subnet:Subnet"):
        assert subnet.props["mapPublicIpOnLaunch"] is False
    assert one(dev, "RouteTable", "training-private-routes").props["routes"] == []
    sg = one(dev, "ec2/securityGroup:SecurityGroup", "training-sg").props
    assert [(r.get("self"), r.get("cidrBlocks")) for r in sg["ingress"]] == [(True, None)]
    for rule in sg["egress"]:
        assert rule.get("self") is True or rule.get("prefixListIds") == ["pl-6da54004"], rule
        assert not rule.get("cidrBlocks") and not rule.get("ipv6CidrBlocks")
    endpoint = one(dev, "VpcEndpoint", "s3-gateway-endpoint")
    names = bucket_names(dev)
    allowed = {f"arn:aws:s3:::{names[b]}" for b in ("curated", "model-artifacts")}
    for s in statements(endpoint.policy()):
        assert s["Effect"] == "Allow" and principals(s) == ["arn:aws:iam::111111111111:role/dev-training"]
        assert {r.split("/")[0] for r in s["Resource"]} == allowed


def test_lake_formation_grants_only_to_the_training_role(dev: list[Planned]) -> None:
    lake = one(dev, "DataLakeSettings", "data-lake-settings").props
    assert lake["createDatabaseDefaultPermissions"] == [] and lake["createTableDefaultPermissions"] == []
    grants_ = of_type(dev, "lakeformation/permissions:Permissions")
    assert len(grants_) == 2
    for g in grants_:
        assert g.props["principal"] == "arn:aws:iam::111111111111:role/dev-training"
        assert not g.props.get("permissionsWithGrantOptions")
    for r in dev:
        assert "IAM_ALLOWED_PRINCIPALS" not in json.dumps(r.props, default=str)


def test_program_refuses_an_allowlist_that_omits_its_reader_roles() -> None:
    with pytest.raises(SettingsError, match="dev-privacy-auditor"):
        plan("dev", {"lockdown:allowedReaders": ["arn:aws:iam::111111111111:role/dev-training"]})
