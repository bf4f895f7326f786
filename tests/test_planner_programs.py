"""The offline planner on real Pulumi Python programs (tests/programs/, examples/).

Each program is planned once per module (a plan is a subprocess, about a second).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from lockdown.errors import LockdownError
from lockdown.loaders.program import load_program
from lockdown.model import REDACTED, UNKNOWN, LoadedStack, Resource

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ROOT / "tests" / "programs"


def by_name(stack: LoadedStack, name: str, type_: str | None = None) -> Resource:
    found = [r for r in stack.resources if r.name == name and (type_ is None or r.type == type_)]
    assert len(found) == 1, f"{name}: {[r.urn for r in found]}"
    return found[0]


def dump(stack: LoadedStack) -> str:
    return (
        json.dumps([dataclasses.asdict(r) for r in stack.resources])
        + json.dumps(stack.config)
        + json.dumps(stack.warnings)
    )


@pytest.fixture(scope="module")
def leaky() -> LoadedStack:
    return load_program(ROOT / "examples" / "leaky-capture", "demo")


@pytest.fixture(scope="module")
def components() -> LoadedStack:
    return load_program(PROGRAMS / "components", "test")


# --- the incident --------------------------------------------------------------------------


def test_bucket_policy_from_get_policy_document_names_the_bucket_arn(leaky: LoadedStack) -> None:
    bucket = by_name(leaky, "capture-transcripts")
    policy = by_name(leaky, "capture-transcripts-policy")
    assert bucket.properties["arn"] == f"arn:aws:s3:::{bucket.properties['bucket']}"
    assert (
        bucket.properties["bucket"].startswith("capture-transcripts-")
        and len(bucket.properties["bucket"]) == len("capture-transcripts-") + 7
    )
    document = json.loads(policy.properties["policy"])
    (statement,) = document["Statement"]
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert sorted(statement["Resource"]) == [bucket.properties["arn"], bucket.properties["arn"] + "/*"]
    assert policy.properties["bucket"] == bucket.id == bucket.properties["bucket"]
    assert bucket.urn in policy.dependencies
    assert bucket.properties["tags"]["data-classification"] == "restricted"


def test_incident_key_and_audit_log(leaky: LoadedStack) -> None:
    key = by_name(leaky, "capture-key")
    statements = json.loads(key.properties["policy"])["Statement"]
    assert {"AWS": "arn:aws:iam::111122223333:root"} in [s["Principal"] for s in statements]
    assert any(s["Principal"] == {"AWS": "*"} and "kms:CallerAccount" in json.dumps(s["Condition"]) for s in statements)
    assert key.properties["arn"] == f"arn:aws:kms:eu-west-1:111122223333:key/{key.id}"
    sse = by_name(leaky, "capture-transcripts-sse")
    assert sse.properties["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == key.properties["arn"]
    trail = by_name(leaky, "capture-trail")
    assert "eventSelectors" not in trail.properties and "advancedEventSelectors" not in trail.properties
    group = by_name(leaky, "capture-audit")
    assert "retentionInDays" not in group.properties and "kmsKeyId" not in group.properties
    assert trail.properties["cloudWatchLogsGroupArn"] == group.properties["arn"] + ":*"


def test_records_follow_the_model(leaky: LoadedStack) -> None:
    assert leaky.project == "leaky-capture" and leaky.stack == "demo"
    assert leaky.config["lockdown:accountIds"] == ["111122223333"]
    assert leaky.warnings == []
    stack = leaky.resources[0]
    assert (
        stack.type == "pulumi:pulumi:Stack"
        and stack.urn == "urn:pulumi:demo::leaky-capture::pulumi:pulumi:Stack::leaky-capture-demo"
    )
    assert not stack.custom
    provider = by_name(leaky, "default_7_51_1")
    assert provider.urn == "urn:pulumi:demo::leaky-capture::pulumi:providers:aws::default_7_51_1"
    assert provider.properties["region"] == "eu-west-1"
    for record in leaky.resources:
        assert record.source == "program"
        if record.type.startswith("aws:"):
            assert record.urn == f"urn:pulumi:demo::leaky-capture::{record.type}::{record.name}"
            assert record.parent == stack.urn and record.provider == provider.urn and record.custom


def test_plans_are_reproducible(leaky: LoadedStack) -> None:
    again = load_program(ROOT / "examples" / "leaky-capture", "demo")
    assert dump(again) == dump(leaky)


# --- common program styles -----------------------------------------------------------------


def test_components_keep_their_children_and_type_chains(components: LoadedStack) -> None:
    outer = by_name(components, "capture")
    inner = by_name(components, "capture-data", "lockdown:test:EncryptedBucket")
    bucket = by_name(components, "capture-data", "aws:s3/bucket:Bucket")
    block = by_name(components, "capture-data-block")
    prefix = "urn:pulumi:test::components::"
    assert outer.urn == prefix + "lockdown:test:CaptureStore::capture" and not outer.custom
    assert inner.urn == prefix + "lockdown:test:CaptureStore$lockdown:test:EncryptedBucket::capture-data"
    assert (
        bucket.urn
        == prefix + "lockdown:test:CaptureStore$lockdown:test:EncryptedBucket$aws:s3/bucket:Bucket::capture-data"
    )
    assert block.parent == inner.urn and bucket.parent == inner.urn and inner.parent == outer.urn
    assert block.dependencies == [bucket.urn]
    replica = by_name(components, "replica")
    assert sorted(replica.dependencies) == sorted([bucket.urn, block.urn])  # depends_on a component: its children


def test_get_policy_document_with_source_override_not_actions_and_conditions(components: LoadedStack) -> None:
    bucket = by_name(components, "capture-data", "aws:s3/bucket:Bucket")
    policy = by_name(components, "capture-policy")
    statements = json.loads(policy.properties["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["DenyInsecure", "Placeholder", "OrgRead"]
    assert statements[0]["Principal"] == "*" and statements[0]["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
    assert statements[1] == {
        "Sid": "Placeholder",
        "Effect": "Deny",
        "NotAction": ["s3:PutObject", "s3:GetObject"],
        "NotResource": "arn:aws:s3:::other",
        "Principal": {"AWS": "*"},
    }
    assert statements[2]["Resource"] == bucket.properties["arn"] + "/*"
    assert statements[2]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}}
    assert policy.dependencies == [bucket.urn]


def test_output_all_and_apply_chains(components: LoadedStack) -> None:
    bucket = by_name(components, "capture-data", "aws:s3/bucket:Bucket")
    role = by_name(components, "reader")
    inline = by_name(components, "reader-inline")
    statement = json.loads(inline.properties["policy"])["Statement"][0]
    assert statement["Resource"] == bucket.properties["arn"] + "/*"
    assert (
        statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
        == role.properties["arn"]
        == f"arn:aws:iam::210987654321:role/{role.id}"
    )
    assert inline.properties["role"] == role.properties["name"]
    assert sorted(inline.dependencies) == sorted([role.urn, bucket.urn])
    queue = by_name(components, "events")
    assert queue.properties["tags"]["origin"] == "chain:" + bucket.properties["bucket"].upper()


def test_secrets_are_redacted_and_unknowns_listed(components: LoadedStack) -> None:
    assert by_name(components, "token").properties["description"] == REDACTED
    assert by_name(components, "password").properties["value"] == REDACTED
    text = dump(components)
    assert "do-not-print-me" not in text and "hunter2" not in text
    topic = by_name(components, "home")
    assert topic.properties["tags"]["region"] == UNKNOWN
    assert "tags.region" in topic.unknowns


def test_explicit_provider_region_and_default_tags(components: LoadedStack) -> None:
    provider = by_name(components, "east")
    replica = by_name(components, "replica")
    assert (
        provider.type == "pulumi:providers:aws"
        and provider.urn == "urn:pulumi:test::components::pulumi:providers:aws::east"
    )
    assert replica.provider == provider.urn
    assert replica.properties["region"] == "us-east-1"
    assert replica.properties["tagsAll"] == {"owner": "platform"}
    assert provider.properties["defaultTags"] == {"tags": {"owner": "platform"}}


def test_program_split_across_modules() -> None:
    stack = load_program(PROGRAMS / "split-modules", "test")
    bucket = by_name(stack, "acme-raw")
    versioning = by_name(stack, "acme-raw-versioning")
    assert versioning.properties["bucket"] == bucket.id
    assert versioning.dependencies == [bucket.urn]
    assert any("no account id" in w for w in stack.warnings)


def test_program_written_against_pulumi_aws_v6_names() -> None:
    stack = load_program(PROGRAMS / "aws-v6", "test")
    bucket = by_name(stack, "legacy")
    assert bucket.type == "aws:s3/bucketV2:BucketV2"
    assert (
        by_name(stack, "legacy-sse").type
        == "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
    )
    policy = by_name(stack, "legacy-policy")
    statement = json.loads(policy.properties["policy"])["Statement"][0]
    assert statement["Principal"] == "*" and statement["Resource"] == f"arn:aws:s3:::{bucket.id}/*"
    assert policy.dependencies == [bucket.urn]


# --- config, stack references, invokes -----------------------------------------------------


def test_config_of_every_kind() -> None:
    stack = load_program(PROGRAMS / "config-kinds", "test")
    assert stack.config["config-kinds:readers"] == [
        "arn:aws:iam::111122223333:role/analyst",
        "arn:aws:iam::111122223333:role/trainer",
    ]
    assert stack.config["config-kinds:settings"] == {"versioning": True, "owner": "data-team"}
    assert stack.config["config-kinds:dbPassword"] == REDACTED
    assert stack.config["config-kinds:retentionDays"] == "14"
    assert any("config-kinds:dbPassword" in w and "secure" in w for w in stack.warnings)
    bucket = by_name(stack, "transcripts")
    assert bucket.properties["bucket"] == "transcripts" and bucket.properties["tags"] == {
        "owner": "data-team",
        "enabled": "True",
    }
    assert by_name(stack, "logs").properties["retentionInDays"] == 14
    assert by_name(stack, "db-password").properties["value"] == REDACTED
    assert by_name(stack, "readers").properties["tags"]["reader1"] == "arn:aws:iam::111122223333:role/trainer"


def test_config_overrides_and_secure_override_never_shown() -> None:
    stack = load_program(
        PROGRAMS / "config-kinds", "test", ["name=renamed", "dbPassword=s3cret-value", 'settings={"owner": "ops"}']
    )
    assert by_name(stack, "renamed").properties["tags"]["owner"] == "ops"
    assert not any("dbPassword" in w for w in stack.warnings)
    assert "s3cret-value" not in dump(stack)


def test_missing_required_config_names_the_key() -> None:
    with pytest.raises(LockdownError, match=r"missing required config config-kinds:required .*--config required=VALUE"):
        load_program(PROGRAMS / "config-kinds", "missing")


def test_stack_reference_outputs_from_config() -> None:
    stack = load_program(
        PROGRAMS / "stackrefs",
        "test",
        ["stackref:acme/network/prod:vpcId=vpc-0abc", 'stackref:acme/network/prod:subnetIds=["subnet-1","subnet-2"]'],
    )
    group = by_name(stack, "app")
    assert group.properties["vpcId"] == "vpc-0abc" and group.properties["tags"] == {"subnets": "subnet-1,subnet-2"}
    assert by_name(stack, "acme/network/prod").type == "pulumi:pulumi:StackReference"
    assert [w for w in stack.warnings if "stack reference" in w] == [
        "stack reference 'acme/network/prod': output 'notGiven' not given, it is empty "
        "(pass --config stackref:acme/network/prod:notGiven=VALUE)"
    ]


def test_stack_reference_without_outputs_is_empty_with_a_warning() -> None:
    stack = load_program(PROGRAMS / "stackrefs", "test")
    assert "vpcId" not in by_name(stack, "app").properties
    assert any("stack reference 'acme/network/prod': no outputs given" in w for w in stack.warnings)


def test_invokes_identity_lookups_and_unmodelled() -> None:
    stack = load_program(PROGRAMS / "invokes", "test")
    tags = by_name(stack, "facts").properties["tags"]
    assert tags["account"] == "999988887777" and tags["region"] == "ap-southeast-2" and tags["partition"] == "aws"
    assert tags["zones"] == "ap-southeast-2a,ap-southeast-2b,ap-southeast-2c"
    assert tags["arnAccount"] == "999988887777"
    assert tags["vpc"].startswith("vpc-") and tags["subnets"] == "3"
    assert tags["unmodelled"] == "None"
    assert any("aws:ec2/getInstanceType:getInstanceType is not modelled" in w for w in stack.warnings)
    assert any("aws:ec2/getVpc:getVpc" in w and "placeholder" in w for w in stack.warnings)


# --- errors --------------------------------------------------------------------------------


def test_exception_in_program_names_file_and_line() -> None:
    with pytest.raises(LockdownError) as err:
        load_program(PROGRAMS / "error-exception", "test")
    assert str(err.value).endswith("error-exception/helpers.py:6: ValueError: no settings for transcripts: 30")
    assert "helpers.explode" in err.value.detail and "runner.py" not in err.value.detail


def count_plans(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record each planner process started (True: planned as a first preview)."""
    from lockdown.loaders import program

    started: list[bool] = []
    original = program.PendingPlan.__init__

    def init(self, spec, verbose, first_preview=False):
        started.append(first_preview)
        original(self, spec, verbose, first_preview)

    monkeypatch.setattr(program.PendingPlan, "__init__", init)
    return started


def test_exception_outside_a_callback_is_not_planned_again(monkeypatch: pytest.MonkeyPatch) -> None:
    started = count_plans(monkeypatch)
    with pytest.raises(LockdownError, match=r"error-exception/helpers.py:6: ValueError"):
        load_program(PROGRAMS / "error-exception", "test")
    assert started == [False]


def test_exception_in_apply_on_a_value_a_preview_knows_stays_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The callback fails on a name from config: planned again as a first preview it fails the same way,
    and the error is the first one, as if it had not been planned again."""
    started = count_plans(monkeypatch)
    with pytest.raises(LockdownError, match=r"error-apply/__main__.py:10: KeyError: 'raw'$") as err:
        load_program(PROGRAMS / "error-apply", "test")
    assert "tag_for" in err.value.detail
    assert started == [False, True]


@pytest.fixture(scope="module")
def first_preview() -> LoadedStack:
    return load_program(PROGRAMS / "first-preview", "test")


def test_callback_failing_on_planned_values_is_planned_as_a_first_preview(first_preview: LoadedStack) -> None:
    """``Output.all(a, b).apply(lambda a, b: ...)`` fails once the ARNs are known; a first preview never runs it."""
    source = (PROGRAMS / "first-preview" / "__main__.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "lambda bucket_arn, role_arn" in text)
    assert first_preview.warnings[0] == (
        "program error in an apply callback with planned values (TypeError: <lambda>() missing 1 required "
        f"positional argument: 'role_arn' at __main__.py:{line}); planned again as a first pulumi preview sees it "
        "(values computed by the provider unknown): pulumi up would fail there"
    )
    bucket, role, policy = (by_name(first_preview, n) for n in ("reports", "reader", "reports-policy"))
    # What the provider computes is unknown (absent, as in a preview's records); inputs are kept.
    assert bucket.id is None and "arn" not in bucket.properties and "bucket" not in bucket.properties
    assert role.id is None and "arn" not in role.properties and "sts:AssumeRole" in role.properties["assumeRolePolicy"]
    assert policy.properties == {"policy": UNKNOWN, "bucket": UNKNOWN} and sorted(policy.unknowns) == [
        "bucket",
        "policy",
    ]


def test_the_first_preview_plan_fails_closed_on_what_the_callback_would_have_built(first_preview: LoadedStack) -> None:
    """The unknown bucket policy is undecided for the rule that reads it: a blocking finding, exit 1."""
    from click.testing import CliRunner

    from lockdown.cli import main
    from lockdown.engine import load_engine
    from lockdown.settings import resolve

    engine = load_engine()
    rule = tuple(r for r in engine.rules if r.id == "LD-S3-001")
    found = engine.evaluate(first_preview.resources, resolve(first_preview.config), rules=rule).violations
    policy = by_name(first_preview, "reports-policy")
    assert [(v.urn, v.undecided) for v in found] == [(policy.urn, True)]

    args = ["check", "--program", str(PROGRAMS / "first-preview"), "--stack", "test", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    on_policy = [(f["rule"], f["blocking"]) for f in report["findings"] if f["name"] == "reports-policy"]
    assert on_policy == [("LD-S3-001", True)]
    assert report["warnings"][0].startswith("program error in an apply callback with planned values")


def test_the_first_preview_warning_keeps_secrets_redacted() -> None:
    stack = load_program(PROGRAMS / "first-preview", "test", ["variant=secret"])
    assert "tok-5ecret-9f2e" not in dump(stack)
    assert stack.warnings[0].startswith(
        f"program error in an apply callback with planned values (ValueError: token {REDACTED} is not valid for "
        "arn:aws:s3:::reports-"
    )


def test_import_error_names_the_module() -> None:
    source = (PROGRAMS / "error-import" / "__main__.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if text.startswith("import lockdown_missing_dependency_xyz"))
    with pytest.raises(
        LockdownError, match=rf"error-import/__main__.py:{line}: import failed: .*lockdown_missing_dependency_xyz"
    ):
        load_program(PROGRAMS / "error-import", "test")


def test_repository_layout_main_and_stack_config_dir(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: lockdown\nruntime: python\nmain: infra/\nstackConfigDir: stacks\n")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  lockdown:accountIds: ['111122223333']\n"
    )
    (tmp_path / "infra" / "capture.py").write_text(
        "import pulumi_aws as aws\n\ndef stream():\n    return aws.kinesis.Stream('events', shard_count=1)\n"
    )
    (tmp_path / "infra" / "__main__.py").write_text(
        "import os\nimport capture\nassert os.getcwd().endswith('infra')\ncapture.stream()\n"
    )
    stack = load_program(tmp_path, "dev")
    events = by_name(stack, "events")
    assert events.properties["arn"] == f"arn:aws:kinesis:eu-west-1:111122223333:stream/{events.properties['name']}"
    assert events.urn == "urn:pulumi:dev::lockdown::aws:kinesis/stream:Stream::events"


def test_policy_built_from_an_unknown_value_is_unknown(components: LoadedStack) -> None:
    policy = by_name(components, "unknown-policy")
    assert policy.properties["policy"] == UNKNOWN and policy.unknowns == ["policy"]


def test_existing_resources_are_read_not_planned() -> None:
    stack = load_program(PROGRAMS / "invokes", "test")
    assert not [r for r in stack.resources if r.name == "existing"]
    assert by_name(stack, "existing-ref").properties["tags"]["arn"] == "arn:aws:s3:::corp-existing-bucket"
    assert any("existing aws:s3/bucket:Bucket 'corp-existing-bucket' is read, not created" in w for w in stack.warnings)


def test_lockdown_check_fails_the_incident_naming_each_exposure() -> None:
    """End to end: `lockdown check --program examples/leaky-capture --stack demo` exits 1."""
    from click.testing import CliRunner

    from lockdown.cli import main

    result = CliRunner().invoke(
        main, ["check", "--program", str(ROOT / "examples" / "leaky-capture"), "--stack", "demo", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    blocking = [f for f in report["findings"] if f["blocking"]]
    by_resource = {}
    for finding in blocking:
        by_resource.setdefault(finding["name"], []).append(finding["message"])
    # The transcript bucket, readable by the whole organization: the bucket and the principal are named.
    assert any("capture-transcripts" in m and "o-a1b2c3d4e5" in m for m in by_resource["capture-transcripts-policy"])
    # The key anyone in the account may decrypt with.
    assert any("decrypt" in m.lower() for m in by_resource["capture-key"])
    # The audit log nobody can use: the trail (no data events, single region) and its log group.
    assert by_resource["capture-audit"] and by_resource["capture-trail"]


def test_stack_transforms_are_applied(components: LoadedStack) -> None:
    bucket = by_name(components, "after-transform")
    assert bucket.properties["tags"] == {"data-classification": "internal", "transformed": "yes"}
    assert "transformed" not in by_name(components, "replica").properties.get("tags", {})


def test_program_log_warnings_are_shown_only_when_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = load_program(PROGRAMS / "aws-v6", "test")
    assert not [w for w in quiet.warnings if "deprecated" in w]
    assert "deprecated" not in capsys.readouterr().err
    load_program(PROGRAMS / "aws-v6", "test", verbose=True)
    assert "program warning: BucketV2 is deprecated" in capsys.readouterr().err


# --- programs as they are published: no stack file, lookups, remote components -------------


@pytest.fixture(scope="module")
def no_stack_file() -> LoadedStack:
    # The region is given: the environment's AWS_REGION would otherwise decide it.
    return load_program(PROGRAMS / "no-stack-file", "dev", ["aws:region=eu-central-1"])


def test_a_stack_with_no_stack_file_plans_with_empty_config(no_stack_file: LoadedStack) -> None:
    assert not (PROGRAMS / "no-stack-file" / "Pulumi.dev.yaml").exists()
    assert no_stack_file.config == {"aws:region": "eu-central-1"}
    assert any("stack 'dev' has no config file (Pulumi.dev.yaml)" in w for w in no_stack_file.warnings)
    assert by_name(no_stack_file, "web", "aws:ec2/instance:Instance").properties["instanceType"] == "t3.micro"


def test_ecr_token_is_decoded_and_its_password_stays_secret(no_stack_file: LoadedStack) -> None:
    login = by_name(no_stack_file, "registry-login").properties["tags"]
    assert login == {"user": "AWS", "server": "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com"}
    assert by_name(no_stack_file, "registry-password").properties["secretString"] == REDACTED
    assert "lockdown-placeholder-token" not in dump(no_stack_file)


def test_ami_zone_and_default_vpc_lookups_as_programs_use_them(no_stack_file: LoadedStack) -> None:
    instance = by_name(no_stack_file, "web", "aws:ec2/instance:Instance").properties
    assert instance["ami"].startswith("ami-") and instance["availabilityZone"] == "eu-central-1b"
    assert instance["tags"] == {"image": "al2023-ami-2.0.20260101.0-x86_64", "arch": "x86_64", "zoneId": "euc1-az2"}
    assert instance["subnetId"].startswith("subnet-")
    group = by_name(no_stack_file, "web", "aws:ec2/securityGroup:SecurityGroup").properties
    assert group["vpcId"].startswith("vpc-")


def test_remote_component_outputs_are_unknown_and_the_program_goes_on(no_stack_file: LoadedStack) -> None:
    network = by_name(no_stack_file, "net")
    assert network.type == "examplex:ec2:Vpc" and not network.custom
    assert network.properties["cidr_block"] == "10.20.0.0/16"
    nat = by_name(no_stack_file, "nat", "aws:ec2/natGateway:NatGateway")
    assert nat.properties["subnetId"] == UNKNOWN and "subnetId" in nat.unknowns
    assert by_name(no_stack_file, "inside").properties["vpcId"] == UNKNOWN
    assert not [r for r in no_stack_file.resources if r.parent == network.urn]
    assert any(
        "multi-language component examplex:ec2:Vpc cannot run offline; its outputs are unknown" in w
        for w in no_stack_file.warnings
    )


def test_program_runs_in_its_projects_virtualenv(tmp_path: Path) -> None:
    """As the Pulumi CLI runs it: ``runtime.options.virtualenv`` names the interpreter."""
    (tmp_path / "Pulumi.yaml").write_text("name: venv\nruntime:\n  name: python\n  options:\n    virtualenv: env\n")
    (tmp_path / "__main__.py").write_text(
        "import sys\nimport pulumi_aws as aws\naws.sns.Topic('t', tags={'python': sys.executable})\n"
    )
    (tmp_path / "env").symlink_to(sys.prefix)  # the environment the tests run in, under the project's name
    python = tmp_path / "env" / "bin" / "python"
    stack = load_program(tmp_path, "dev")
    assert by_name(stack, "t").properties["tags"]["python"] == str(python)
    assert not any("virtualenv" in w for w in stack.warnings)


def test_missing_virtualenv_falls_back_with_a_warning(no_stack_file: LoadedStack) -> None:
    assert any("the project's virtualenv 'venv' does not exist" in w for w in no_stack_file.warnings)
