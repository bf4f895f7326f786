"""The offline planner on Node.js (TypeScript, JavaScript) and Pulumi YAML programs.

The leaky example exists in Python, TypeScript and YAML: all three must give the same
records and be blocked with the same findings. The Node.js programs need their
dependencies installed (``scripts/setup.sh`` runs ``npm ci`` for every lockfile).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lockdown.cli import main
from lockdown.errors import LockdownError
from lockdown.loaders.program import load_program
from lockdown.model import REDACTED, UNKNOWN, LoadedStack, Resource

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NODE_PROGRAMS = ROOT / "tests" / "programs-node"
YAML_PROGRAMS = ROOT / "tests" / "programs-yaml"
LEAKY = {"python": "leaky-capture", "typescript": "leaky-capture-ts", "yaml": "leaky-capture-yaml"}


def by_name(stack: LoadedStack, name: str, type_: str | None = None) -> Resource:
    found = [r for r in stack.resources if r.name == name and (type_ is None or r.type == type_)]
    assert len(found) == 1, f"{name}: {[r.urn for r in found]}"
    return found[0]


def check_json(program: Path, stack: str, *extra: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        main, ["check", "--program", str(program), "--stack", stack, "--format", "json", *extra]
    )
    return result.exit_code, json.loads(result.output) if result.output.strip().startswith("{") else {}


@pytest.fixture(scope="module")
def leaky() -> dict[str, LoadedStack]:
    return {language: load_program(EXAMPLES / directory, "demo") for language, directory in LEAKY.items()}


@pytest.fixture(scope="module")
def node_features() -> LoadedStack:
    return load_program(NODE_PROGRAMS / "features", "test")


@pytest.fixture(scope="module")
def yaml_features() -> LoadedStack:
    return load_program(YAML_PROGRAMS / "features", "test")


def _documents(value: object) -> object:
    """JSON documents parsed: ``json.dumps`` and ``JSON.stringify`` space them differently."""
    if isinstance(value, dict):
        return {k: _documents(v) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return value


def _comparable(stack: LoadedStack) -> dict[str, tuple]:
    """Each AWS resource's record without what names the SDK (the default provider's version)."""
    return {
        r.urn: (r.type, r.name, r.parent, sorted(r.dependencies), _documents(r.properties), r.unknowns, r.custom)
        for r in stack.resources
        if r.type.startswith("aws:")
    }


# --- the incident in three languages ----------------------------------------------------------


def test_leaky_examples_plan_the_same_records(leaky: dict[str, LoadedStack]) -> None:
    python = _comparable(leaky["python"])
    assert len(python) == 7
    assert _comparable(leaky["typescript"]) == python
    assert _comparable(leaky["yaml"]) == python


def test_leaky_examples_are_blocked_with_the_same_findings_rule_by_rule() -> None:
    reports = {language: check_json(EXAMPLES / directory, "demo") for language, directory in LEAKY.items()}
    for language, (code, report) in reports.items():
        assert code == 1, language
        assert report["errors"] == [] and report["summary"]["blocking"] > 0, language

    def findings(report: dict) -> list[tuple]:
        return sorted((f["rule"], f["urn"], f["message"], f["blocking"]) for f in report["findings"])

    python = findings(reports["python"][1])
    assert {rule for rule, *_ in python} >= {"LD-KMS-001"}
    assert findings(reports["typescript"][1]) == python
    assert findings(reports["yaml"][1]) == python


def test_declarations_point_at_the_program_line(leaky: dict[str, LoadedStack]) -> None:
    ts_key = by_name(leaky["typescript"], "capture-key")
    assert ts_key.file.endswith("leaky-capture-ts/index.ts")
    line = (EXAMPLES / "leaky-capture-ts" / "index.ts").read_text().splitlines()[ts_key.line - 1]
    assert 'new aws.kms.Key("capture-key"' in line
    yaml_policy = by_name(leaky["yaml"], "capture-transcripts-policy")
    assert yaml_policy.file.endswith("leaky-capture-yaml/Pulumi.yaml")
    line = (EXAMPLES / "leaky-capture-yaml" / "Pulumi.yaml").read_text().splitlines()[yaml_policy.line - 1]
    assert line.strip() == "capture-transcripts-policy:"


def test_typescript_engine_records(leaky: dict[str, LoadedStack]) -> None:
    stack = leaky["typescript"]
    root = stack.resources[0]
    assert root.urn == "urn:pulumi:demo::leaky-capture::pulumi:pulumi:Stack::leaky-capture-demo" and not root.custom
    provider = by_name(stack, "default_7_48_0")  # the default provider named by @pulumi/aws's version
    assert provider.properties["region"] == "eu-west-1"
    policy = by_name(stack, "capture-transcripts-policy")
    bucket = by_name(stack, "capture-transcripts")
    assert policy.provider == provider.urn and policy.parent == root.urn
    assert bucket.urn in policy.dependencies


# --- Node.js: config, secrets, stack references, components, unknowns, errors --------------------


def test_node_components_keep_their_children_and_type_chains(node_features: LoadedStack) -> None:
    outer = by_name(node_features, "capture-data", "lockdown:test:EncryptedBucket")
    bucket = by_name(node_features, "capture-data", "aws:s3/bucket:Bucket")
    block = by_name(node_features, "capture-data-block")
    prefix = "urn:pulumi:test::features::"
    assert bucket.urn == prefix + "lockdown:test:EncryptedBucket$aws:s3/bucket:Bucket::capture-data"
    assert bucket.parent == outer.urn and block.parent == outer.urn and not outer.custom
    assert block.dependencies == [bucket.urn] and block.properties["bucket"] == bucket.id
    assert bucket.file.endswith("features/store.ts") and block.file.endswith("features/store.ts")
    replica = by_name(node_features, "replica")  # dependsOn a component: its children
    assert sorted(replica.dependencies) == sorted([bucket.urn, block.urn])
    assert replica.provider == by_name(node_features, "east").urn
    assert replica.properties["arn"].startswith("arn:aws:s3:::replica-")


def test_node_config_secrets_and_stack_references(node_features: LoadedStack) -> None:
    assert by_name(node_features, "password").properties["value"] == REDACTED
    assert by_name(node_features, "token").properties["description"] == REDACTED
    assert "do-not-print-me" not in json.dumps([r.properties for r in node_features.resources])
    queue = by_name(node_features, "events")
    bucket = by_name(node_features, "capture-data", "aws:s3/bucket:Bucket")
    assert queue.properties["tags"] == {"names": "alpha,beta", "origin": bucket.properties["bucket"].upper()}
    app = by_name(node_features, "app")
    assert app.properties["vpcId"] == "vpc-0abc" and "description" not in app.properties
    assert [w for w in node_features.warnings if "stack reference" in w] == [
        "stack reference 'acme/network/prod': output 'notGiven' not given, it is empty "
        "(pass --config stackref:acme/network/prod:notGiven=VALUE)"
    ]
    assert any("features:dbPassword is a secure value" in w for w in node_features.warnings)


def test_node_unknowns_are_listed(node_features: LoadedStack) -> None:
    topic = by_name(node_features, "home")
    assert topic.properties["tags"]["region"] == UNKNOWN and "tags.region" in topic.unknowns
    policy = by_name(node_features, "unknown-policy")
    assert policy.properties["policy"] == UNKNOWN and policy.unknowns == ["policy"]


def test_compiled_javascript_program() -> None:
    stack = load_program(NODE_PROGRAMS / "plain-js", "test")
    bucket = by_name(stack, "js-bucket")
    assert bucket.properties["tags"] == {"account": "111122223333"}
    assert bucket.file.endswith("plain-js/index.js") and bucket.line == 6


def test_es_module_javascript_program() -> None:
    stack = load_program(NODE_PROGRAMS / "esm-js", "test")
    bucket = by_name(stack, "esm-bucket")
    assert bucket.properties["tags"] == {"style": "esm"} and bucket.line == 4
    assert bucket.urn == "urn:pulumi:test::esm-js::aws:s3/bucket:Bucket::esm-bucket"


def test_node_exception_names_file_and_line() -> None:
    with pytest.raises(LockdownError, match=r"error-exception/index\.ts:6: Error: capture limit exceeded"):
        load_program(NODE_PROGRAMS / "error-exception", "test")


def test_node_program_that_never_settles_is_an_error_not_a_hang() -> None:
    with pytest.raises(LockdownError, match=r"ended before its resources were registered"):
        load_program(NODE_PROGRAMS / "error-hang", "test")


def test_node_missing_required_config_names_the_key() -> None:
    with pytest.raises(LockdownError, match=r"missing required config features:names .*--config names=VALUE"):
        load_program(NODE_PROGRAMS / "features", "missing")


def _copy_program(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules"))
    return target


def test_uninstalled_dependencies_say_to_run_npm_ci(tmp_path: Path) -> None:
    program = _copy_program(EXAMPLES / "leaky-capture-ts", tmp_path / "leaky")
    code, _ = check_json(program, "demo")
    result = CliRunner().invoke(main, ["check", "--program", str(program), "--stack", "demo"])
    assert code == 2 and result.exit_code == 2
    assert "not installed" in result.output and f"run `npm ci` in {program}" in result.output


def test_missing_node_toolchain_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = CliRunner().invoke(main, ["check", "--program", str(EXAMPLES / "leaky-capture-ts"), "--stack", "demo"])
    assert result.exit_code == 2 and "`node` is not on PATH" in result.output


# --- YAML ----------------------------------------------------------------------------------------


def test_yaml_config_secrets_invokes_and_stack_references(yaml_features: LoadedStack) -> None:
    assert by_name(yaml_features, "password").properties["value"] == REDACTED
    data = by_name(yaml_features, "data")
    assert data.properties["tags"] == {"names": "alpha,beta", "region": "eu-west-1"}
    app = by_name(yaml_features, "app")
    ref = by_name(yaml_features, "network-ref")
    assert app.properties["vpcId"] == "vpc-0abc" and app.dependencies == [ref.urn]
    assert "description" not in app.properties
    assert [w for w in yaml_features.warnings if "stack reference" in w] == [
        "stack reference 'acme/network/prod': output 'notGiven' not given, it is empty "
        "(pass --config stackref:acme/network/prod:notGiven=VALUE)"
    ]
    assert ref.type == "pulumi:pulumi:StackReference"


def test_yaml_references_unknowns_options_and_escapes(yaml_features: LoadedStack) -> None:
    data = by_name(yaml_features, "data")
    trail = by_name(yaml_features, "trail")
    assert trail.properties["s3BucketName"] == data.id and trail.dependencies == [data.urn]
    home = by_name(yaml_features, "home")
    assert home.properties["tags"] == {"region": UNKNOWN, "literal": "${not-a-reference}"}
    assert "tags.region" in home.unknowns
    replica = by_name(yaml_features, "replica")
    east = by_name(yaml_features, "east")
    assert replica.provider == east.urn and replica.dependencies == [data.urn]
    assert replica.properties["bucketRegionalDomainName"].endswith(".s3.us-east-1.amazonaws.com")
    assert data.provider == "urn:pulumi:test::yaml-features::pulumi:providers:aws::default"


def test_yaml_errors_name_the_line() -> None:
    with pytest.raises(LockdownError, match=r"bad-reference/Pulumi\.yaml:6: unknown reference \$\{nowhere\}"):
        load_program(YAML_PROGRAMS / "bad-reference", "test")
    with pytest.raises(LockdownError, match=r"missing required config yaml-features:dbPassword"):
        load_program(YAML_PROGRAMS / "features", "missing")


def test_unsupported_runtime_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: go\n")
    result = CliRunner().invoke(main, ["check", "--program", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 2 and "runtime is 'go'" in result.output


def test_locked_down_pipeline_in_yaml_has_no_finding() -> None:
    """The repository's pipeline in YAML (the cheaper transcription), with stacks/Pulumi.dev.yaml."""
    code, report = check_json(YAML_PROGRAMS / "lockdown-pipeline", "dev")
    assert report["errors"] == [], report["errors"]
    assert code == 0 and report["findings"] == []
    assert report["summary"]["resources"] >= 60
