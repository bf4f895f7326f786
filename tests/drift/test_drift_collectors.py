"""Collectors against moto: each service's records carry pulumi-aws v7 types and property names."""

from __future__ import annotations

import json

import drift_stack as stack

from lockdown.drift.scan import ClientSettings, scan


def records(moto: str) -> dict[str, list[dict]]:
    result = scan(
        [stack.REGION], stack="prod", project="lockdown", settings=ClientSettings(endpoint_url=moto, workers=2)
    )
    assert result.incomplete == []
    found: dict[str, list[dict]] = {}
    for resource in result.resources:
        assert resource.source == "live" and resource.urn.startswith("urn:pulumi:prod::lockdown::")
        found.setdefault(resource.type, []).append(resource.properties)
    return found


def test_s3_acl_is_read_when_ownership_does_not_enforce_the_owner(moto: str) -> None:
    s3 = stack.client(moto, "s3")
    s3.create_bucket(Bucket="legacy-acl", CreateBucketConfiguration={"LocationConstraint": stack.REGION})
    s3.put_bucket_ownership_controls(
        Bucket="legacy-acl", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_bucket_acl(Bucket="legacy-acl", ACL="public-read")
    s3.put_public_access_block(Bucket="legacy-acl", PublicAccessBlockConfiguration={"BlockPublicAcls": False})
    control = stack.client(moto, "s3control")
    from lockdown.drift.scan import _strip_account_host

    control.meta.events.register("before-sign.s3-control.*", _strip_account_host)
    flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    control.put_public_access_block(AccountId=stack.ACCOUNT, PublicAccessBlockConfiguration=dict.fromkeys(flags, True))

    found = records(moto)

    [acl] = found["aws:s3/bucketAcl:BucketAcl"]
    grants = {
        (g["grantee"].get("uri", "").rsplit("/", 1)[-1], g["permission"]) for g in acl["accessControlPolicy"]["grants"]
    }
    assert ("AllUsers", "READ") in grants
    [ownership] = found["aws:s3/bucketOwnershipControls:BucketOwnershipControls"]
    assert ownership == {"bucket": "legacy-acl", "region": stack.REGION, "rule": {"objectOwnership": "ObjectWriter"}}
    [pab] = found["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
    assert pab["blockPublicAcls"] is False and pab["restrictPublicBuckets"] is False
    [account] = found["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"]
    assert account == {
        "accountId": stack.ACCOUNT,
        **{key: True for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")},
    }
    [bucket] = found["aws:s3/bucket:Bucket"]
    assert bucket["arn"] == "arn:aws:s3:::legacy-acl" and bucket["tags"] == {}


def test_sagemaker_lake_formation_and_kms_records(moto: str) -> None:
    role = f"arn:aws:iam::{stack.ACCOUNT}:role/trainer"
    sagemaker = stack.client(moto, "sagemaker")
    sagemaker.create_notebook_instance(
        NotebookInstanceName="explore", InstanceType="ml.t3.medium", RoleArn=role, DirectInternetAccess="Enabled"
    )
    lake = stack.client(moto, "lakeformation")
    lake.put_data_lake_settings(DataLakeSettings={"DataLakeAdmins": [{"DataLakePrincipalIdentifier": role}]})
    stack.client(moto, "glue").create_database(DatabaseInput={"Name": "capture"})
    lake.grant_permissions(
        Principal={"DataLakePrincipalIdentifier": role},
        Resource={"Database": {"CatalogId": stack.ACCOUNT, "Name": "capture"}},
        Permissions=["DESCRIBE"],
    )
    kms = stack.client(moto, "kms")
    key_id = kms.create_key(Description="k")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/capture", TargetKeyId=key_id)

    found = records(moto)

    [notebook] = found["aws:sagemaker/notebookInstance:NotebookInstance"]
    assert (notebook["name"], notebook["roleArn"], notebook["directInternetAccess"]) == ("explore", role, "Enabled")
    [settings] = found["aws:lakeformation/dataLakeSettings:DataLakeSettings"]
    assert settings["admins"] == [role]
    [grant] = found["aws:lakeformation/permissions:Permissions"]
    assert (
        grant["principal"] == role and grant["permissions"] == ["DESCRIBE"] and grant["database"]["name"] == "capture"
    )
    [database] = found["aws:glue/catalogDatabase:CatalogDatabase"]
    assert database["arn"] == f"arn:aws:glue:{stack.REGION}:{stack.ACCOUNT}:database/capture"
    [key] = found["aws:kms/key:Key"]
    assert key["keyId"] == key_id and key["enableKeyRotation"] is False and json.loads(key["policy"])["Statement"]
    [alias] = found["aws:kms/alias:Alias"]
    assert alias == {"name": "alias/capture", "arn": alias["arn"], "targetKeyId": key_id}


def test_reads_note_every_failed_or_empty_read_and_fan_out_listings() -> None:
    from botocore.exceptions import ClientError

    from lockdown.drift.collectors.base import Reads, ScanContext, Task, record
    from lockdown.model import UNKNOWN

    def denied() -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListThings")

    reads = Reads("kms", "eu-west-1")
    assert reads.attempt("keys (listing)", denied, ("a", "b")) is None
    assert reads.attempt("settings", lambda: None, ("c",)) is None  # an empty answer is not read, never a pass
    assert reads.fan_out("keys", lambda: ["k1", "k2"], lambda key: Task(f"key {key}", lambda _: None), ("a",))
    assert [task.label for task in reads.outcome.tasks] == ["key k1", "key k2"]
    resource = record(ScanContext("1", ("eu-west-1",), "s", "p"), "aws:kms/key:Key", "k1", {})
    assert not reads.read_property(resource, "policy", "key k1 policy", denied, "aws:kms/key:Key", "k1")
    assert resource.properties["policy"] == UNKNOWN and resource.unknowns == ["policy"]
    unread = [(i.resource, i.error, i.kind, i.identity) for i in reads.outcome.incomplete]
    assert unread == [
        ("keys (listing)", "AccessDenied: no", "a", None),
        ("keys (listing)", "AccessDenied: no", "b", None),
        ("settings", "empty response", "c", None),
        ("key k1 policy", "AccessDenied: no", "aws:kms/key:Key", "k1"),
    ]
