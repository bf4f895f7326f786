"""Loaders for real Pulumi CLI files: ``pulumi preview --json`` and ``pulumi stack export``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from lockdown.errors import LockdownError
from lockdown.loaders.preview import load_preview
from lockdown.loaders.state import load_state
from lockdown.model import REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN, LoadedStack, Resource

FIXTURES = Path(__file__).parent / "fixtures"
PREVIEW = FIXTURES / "preview"
STATE = FIXTURES / "state"


def by_name(stack: LoadedStack, type_suffix: str, name: str) -> Resource:
    matches = [r for r in stack.resources if r.type.endswith(type_suffix) and r.name == name]
    assert len(matches) == 1, [(r.type, r.name) for r in stack.resources]
    return matches[0]


def write_json(tmp_path: Path, document: Any, name: str = "file.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def load_fixture(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


# ---------------------------------------------------------------- preview: a Python program, pulumi-aws v7


def test_python_preview_records() -> None:
    stack = load_preview(PREVIEW / "python-v7-leaky.json")
    assert (stack.source, stack.stack, stack.project) == ("preview", "dev", "capture-pipeline")
    assert all(r.source == "preview" for r in stack.resources)
    bucket = by_name(stack, ":Bucket", "keystrokes")
    assert bucket.urn == "urn:pulumi:dev::capture-pipeline::aws:s3/bucket:Bucket::keystrokes"
    assert bucket.type == "aws:s3/bucket:Bucket"
    assert bucket.parent == "urn:pulumi:dev::capture-pipeline::pulumi:pulumi:Stack::capture-pipeline-dev"
    assert bucket.provider == "urn:pulumi:dev::capture-pipeline::pulumi:providers:aws::default_7_11_0"
    assert bucket.id is None, "a resource still to be created has no physical id"
    assert bucket.properties["bucket"] == "keystrokes-7c1f2e9"
    assert bucket.properties["tags"] == {"data-classification": "restricted", "owner": UNKNOWN}
    policy = by_name(stack, ":BucketPolicy", "keystrokes-policy")
    assert policy.dependencies == [
        bucket.urn,
        by_name(stack, ":BucketPublicAccessBlock", "keystrokes-public-access").urn,
    ]
    assert json.loads(policy.properties["policy"])["Statement"][0]["Principal"] == "*"


def test_preview_unknowns_are_kept_and_listed_by_path() -> None:
    stack = load_preview(PREVIEW / "python-v7-leaky.json")
    bucket = by_name(stack, ":Bucket", "keystrokes")
    assert "tags.owner" in bucket.unknowns, "an unknown input stays unknown"
    assert "bucket" not in bucket.unknowns, "a known input wins over an unknown planned output"
    assert "arn" not in bucket.properties, "an unknown computed output the program never set is dropped"
    sse = by_name(stack, ":BucketServerSideEncryptionConfiguration", "keystrokes-sse")
    assert sse.properties["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == UNKNOWN
    assert "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId" in sse.unknowns
    assert sse.properties["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    for resource in stack.resources:
        for path in resource.unknowns:
            assert _value_at(resource.properties, path) == UNKNOWN, (resource.name, path)


def test_v7_bucket_with_no_inputs_gets_no_not_known_at_plan_time_findings(tmp_path: Path) -> None:
    """``aws.s3.Bucket("b")`` with no arguments: ``inputs: {}``, the mirrored ``policy``/``acl`` outputs unknown."""
    from lockdown.engine import load_engine
    from lockdown.findings import check
    from lockdown.settings import resolve

    document = load_fixture(PREVIEW / "python-v7-leaky.json")
    stack_step, provider_step, bucket_step = document["steps"][:3]
    bucket_step["newState"]["inputs"] = {}
    assert bucket_step["newState"]["outputs"]["policy"] == UNKNOWN == bucket_step["newState"]["outputs"]["acl"]
    document["steps"] = [stack_step, provider_step, bucket_step]
    stack = load_preview(write_json(tmp_path, document))
    bucket = by_name(stack, ":Bucket", "keystrokes")
    assert "policy" not in bucket.properties and "acl" not in bucket.properties
    assert bucket.unknowns == ["tags.owner", "tagsAll.owner"], "an unknown nested in a planned output stays listed"
    result = check(stack, load_engine(FIXTURES.parents[1] / "policies"), resolve(stack.config))
    assert [f.message for f in result.findings if "not known at plan time" in f.message] == []


def test_preview_secrets_stay_redacted_and_defaults_are_dropped() -> None:
    stack = load_preview(PREVIEW / "python-v7-leaky.json")
    secret = by_name(stack, ":SecretVersion", "ingest-token")
    assert secret.properties["secretString"] == REDACTED
    for resource in stack.resources:
        assert "__defaults" not in json.dumps(resource.properties), resource.name


def test_preview_config_is_kept_as_given() -> None:
    stack = load_preview(PREVIEW / "python-v7-leaky.json")
    assert stack.config["lockdown:allowedReaders"] == '["arn:aws:iam::111122223333:role/capture-analyst"]'
    assert stack.config["capture-pipeline:ingestToken"] == REDACTED
    assert stack.config["aws:region"] == "eu-west-1"


def test_deleted_resources_are_not_checked() -> None:
    stack = load_preview(PREVIEW / "python-v7-leaky.json")
    assert "legacy-exports" not in {r.name for r in stack.resources}
    assert len({r.urn for r in stack.resources}) == len(stack.resources)


def test_stack_root_and_provider_are_in_the_graph_but_not_evaluated() -> None:
    stack = load_preview(PREVIEW / "python-v7-locked.json")
    root = by_name(stack, "pulumi:pulumi:Stack", "capture-pipeline-dev")
    provider = by_name(stack, "pulumi:providers:aws", "default_7_11_0")
    assert (root.custom, root.evaluated) == (False, False)
    assert (provider.custom, provider.evaluated) == (True, False)
    assert provider.id == "6b1d0c2e-4f3a-4b5c-9d8e-7f6a5b4c3d2e"
    new_provider = by_name(load_preview(PREVIEW / "python-v7-leaky.json"), "pulumi:providers:aws", "default_7_11_0")
    assert new_provider.id is None, "the unknown sentinel is not a physical id"
    assert by_name(stack, ":BucketVersioning", "keystrokes-versioning").evaluated
    assert stack.warnings == [], "every unchanged resource is in the preview (--show-sames)"


# ---------------------------------------------------------------- preview: a TypeScript program, v6, component


def test_typescript_preview_with_component_and_v6_tokens() -> None:
    stack = load_preview(PREVIEW / "typescript-v6-component.json")
    assert (stack.stack, stack.project) == ("staging", "capture-web")
    component = by_name(stack, "capture:storage:SecureBucket", "transcripts")
    assert (component.custom, component.evaluated) == (False, False)
    bucket = by_name(stack, "aws:s3/bucketV2:BucketV2", "transcripts")
    assert bucket.parent == component.urn
    assert bucket.urn.endswith("::capture:storage:SecureBucket$aws:s3/bucketV2:BucketV2::transcripts")
    assert bucket.id == "transcripts-5e0c2b1", "a same step keeps the physical id"
    pab = by_name(stack, ":BucketPublicAccessBlock", "transcripts")
    assert pab.properties["blockPublicPolicy"] is False, "an update step is checked with its new state"
    policy = by_name(stack, ":BucketPolicy", "transcripts")
    assert "444455556666" in policy.properties["policy"], "a replace step is checked with its new state"
    assert "old-logs" not in {r.name for r in stack.resources}
    assert stack.warnings == [], "all four unchanged resources are in the preview"


def test_hidden_unchanged_resources_make_the_preview_incomplete(tmp_path: Path) -> None:
    document = load_fixture(PREVIEW / "typescript-v6-component.json")
    document["steps"] = [s for s in document["steps"] if s["op"] != "same" or "Stack" in s["urn"]]
    stack = load_preview(write_json(tmp_path, document))
    assert len(stack.incomplete) == 1 and not stack.warnings
    assert "3 unchanged resource(s)" in stack.incomplete[0] and "--show-sames" in stack.incomplete[0]


def test_replacement_steps_yield_one_record(tmp_path: Path) -> None:
    document = load_fixture(PREVIEW / "typescript-v6-component.json")
    replace = next(s for s in document["steps"] if s["op"] == "replace")
    create_replacement = copy.deepcopy(replace)
    create_replacement["op"] = "create-replacement"
    delete_replaced = {"op": "delete-replaced", "urn": replace["urn"], "oldState": replace["oldState"]}
    document["steps"] += [create_replacement, delete_replaced]
    stack = load_preview(write_json(tmp_path, document))
    assert [r.urn for r in stack.resources].count(replace["urn"]) == 1


def test_unfamiliar_op_is_checked_with_a_warning(tmp_path: Path) -> None:
    document = load_fixture(PREVIEW / "python-v7-leaky.json")
    document["steps"][2]["op"] = "teleport"
    stack = load_preview(write_json(tmp_path, document))
    assert "keystrokes" in {r.name for r in stack.resources}
    assert any("teleport" in warning for warning in stack.warnings)


def test_failed_preview_is_an_error(tmp_path: Path) -> None:
    document = load_fixture(PREVIEW / "python-v7-leaky.json")
    document["diagnostics"] = [
        {
            "urn": document["steps"][2]["urn"],
            "message": "error: AccessDenied\n",
            "severity": "error",
        }
    ]
    with pytest.raises(LockdownError, match=r"the preview failed.*AccessDenied"):
        load_preview(write_json(tmp_path, document))


def test_step_without_new_state_is_an_error(tmp_path: Path) -> None:
    document = load_fixture(PREVIEW / "python-v7-leaky.json")
    del document["steps"][3]["newState"]
    with pytest.raises(LockdownError, match=r"steps\[3\] \(create .*keystrokes-public-access\) has no newState"):
        load_preview(write_json(tmp_path, document))


# ---------------------------------------------------------------- stack export


def test_state_export_records() -> None:
    stack = load_state(STATE / "v7-export-with-secrets.json")
    assert (stack.source, stack.stack, stack.project) == ("state", "prod", "capture-pipeline")
    assert stack.config == {} and stack.warnings == []
    bucket = by_name(stack, ":Bucket", "keystrokes")
    assert bucket.id == "keystrokes-prod-4a6b8c0"
    assert bucket.properties["arn"] == "arn:aws:s3:::keystrokes-prod-4a6b8c0", "known outputs are merged in"
    assert bucket.unknowns == []
    sse = by_name(stack, ":BucketServerSideEncryptionConfiguration", "keystrokes-sse")
    assert sse.properties["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert sse.dependencies == [bucket.urn, by_name(stack, ":Key", "capture-key").urn]
    provider = by_name(stack, "pulumi:providers:aws", "default_7_11_0")
    assert provider.id == "2d4e9c1f-6a0b-4f3e-9d8c-7b6a5f4e3d2c" and not provider.evaluated
    assert bucket.provider == provider.urn


def test_state_secrets_are_redacted_and_never_kept() -> None:
    path = STATE / "v7-export-with-secrets.json"
    stack = load_state(path)
    secret = by_name(stack, ":SecretVersion", "ingest-token")
    assert secret.properties["secretString"] == REDACTED
    assert secret.properties["secretBinary"] == REDACTED
    root = by_name(stack, "pulumi:pulumi:Stack", "capture-pipeline-prod")
    assert root.properties["ingestToken"] == REDACTED
    loaded = json.dumps([r.to_input() for r in stack.resources])
    for ciphertext in _ciphertexts(load_fixture(path)):
        assert ciphertext not in loaded
    assert SECRET_SIG_KEY not in loaded


def test_plaintext_secrets_from_show_secrets_are_redacted(tmp_path: Path) -> None:
    document = load_fixture(STATE / "v7-export-with-secrets.json")
    resource = document["deployment"]["resources"][-1]
    resource["inputs"]["secretString"] = {SECRET_SIG_KEY: SECRET_SIG_VALUE, "plaintext": '"tok-9f8e7d6c5b4a"'}
    resource["outputs"]["secretString"] = {SECRET_SIG_KEY: SECRET_SIG_VALUE, "plaintext": '"tok-9f8e7d6c5b4a"'}
    stack = load_state(write_json(tmp_path, document))
    assert "tok-9f8e7d6c5b4a" not in json.dumps([r.to_input() for r in stack.resources])


def test_v6_legacy_bucket_keeps_inline_acl_and_policy() -> None:
    stack = load_state(STATE / "v6-legacy-inline-acl.json")
    bucket = by_name(stack, "aws:s3/bucket:Bucket", "screen-transcripts")
    assert bucket.properties["acl"] == "public-read"
    assert json.loads(bucket.properties["policy"])["Statement"][0]["Principal"] == "*"
    assert bucket.properties["versioning"] == {"enabled": False, "mfaDelete": False}
    assert bucket.properties["tags"] == {"data-classification": "restricted"}


def test_version_4_export_is_accepted(tmp_path: Path) -> None:
    document = load_fixture(STATE / "v7-export-with-secrets.json")
    document["version"] = 4
    document["features"] = ["refreshBeforeUpdate"]
    assert len(load_state(write_json(tmp_path, document)).resources) == 10


def test_never_deployed_stack_exports_no_resources(tmp_path: Path) -> None:
    document = {"version": 3, "deployment": {"manifest": {"time": "0001-01-01T00:00:00Z", "magic": "", "version": ""}}}
    stack = load_state(write_json(tmp_path, document))
    assert stack.resources == [] and stack.stack is None


def test_resources_pending_deletion_and_pending_operations_make_the_state_incomplete(tmp_path: Path) -> None:
    document = load_fixture(STATE / "v7-export-with-secrets.json")
    old = copy.deepcopy(document["deployment"]["resources"][2])
    old["delete"] = True
    old["id"] = "keystrokes-prod-old"
    document["deployment"]["resources"].append(old)
    document["deployment"]["pending_operations"] = [{"resource": old, "type": "deleting"}]
    stack = load_state(write_json(tmp_path, document))
    assert [r.id for r in stack.resources if r.name == "keystrokes"] == ["keystrokes-prod-4a6b8c0"]
    assert len(stack.incomplete) == 2 and not stack.warnings
    assert "waiting for deletion" in stack.incomplete[0] and "pending operation" in stack.incomplete[1]


# ---------------------------------------------------------------- what is rejected

BROKEN = [
    (load_preview, PREVIEW / "broken" / "not-json.txt", "is not JSON"),
    (load_preview, PREVIEW / "broken" / "truncated.json", "truncated"),
    (load_preview, PREVIEW / "broken" / "wrong-shape.json", "expected a JSON object, got list"),
    (load_preview, PREVIEW / "broken" / "no-steps.json", "no 'steps' key"),
    (load_preview, PREVIEW / "broken" / "resource-without-type.json", r"steps\[2\]\.newState .* has no type"),
    (load_preview, STATE / "v7-export-with-secrets.json", "stack export` file; use --state"),
    (load_state, STATE / "broken" / "truncated.json", "truncated"),
    (load_state, STATE / "broken" / "version-2.json", "unsupported stack export version 2"),
    (load_state, STATE / "broken" / "resource-without-urn.json", r"deployment\.resources\[2\] has no urn"),
    (load_state, PREVIEW / "python-v7-leaky.json", "preview --json` output; use --preview-json"),
    (load_state, PREVIEW / "broken" / "not-json.txt", "is not JSON"),
    (load_state, FIXTURES / "does-not-exist.json", "cannot read stack export file"),
]


@pytest.mark.parametrize(("loader", "path", "message"), BROKEN, ids=lambda v: getattr(v, "name", None))
def test_broken_files_are_one_line_errors_naming_the_file(loader, path: Path, message: str) -> None:
    with pytest.raises(LockdownError, match=message) as caught:
        loader(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and "\n" not in text


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": "3", "deployment": {}}, "unsupported stack export version '3'"),
        ({"version": 5, "deployment": {}}, "unsupported stack export version 5"),
        ({"version": 3, "checkpoint": {"stack": "dev", "latest": {}}}, "backend checkpoint"),
        ({"manifest": {}, "resources": []}, "bare deployment"),
        ({"version": 3, "deployment": []}, "deployment must be an object"),
        ({"version": 3, "deployment": {"resources": {}}}, "resources must be a list"),
        ({"version": 3, "deployment": {"resources": ["x"]}}, r"resources\[0\] must be an object"),
        ({"version": 3, "deployment": {"resources": [{"urn": "bucket", "type": "t"}]}}, "malformed urn"),
        (
            {"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:s::p::t::n", "type": "t", "outputs": []}]}},
            "outputs must be an object",
        ),
        (
            {
                "version": 3,
                "deployment": {"resources": [{"urn": "urn:pulumi:s::p::t::n", "type": "t", "dependencies": "x"}]},
            },
            "dependencies must be a list",
        ),
    ],
)
def test_malformed_state_is_rejected(tmp_path: Path, document: Any, message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        load_state(write_json(tmp_path, document))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"steps": []}, "preview has no steps"),
        ({"steps": {}}, "steps must be a list"),
        ({"steps": ["create"]}, r"steps\[0\] must be an object"),
        ({"steps": [{"urn": "urn:pulumi:s::p::t::n"}]}, r"steps\[0\] has no op"),
        ({"steps": [{"op": "create", "newState": {"type": "t"}}]}, "has no urn"),
        (
            {"config": ["a"], "steps": [{"op": "same", "newState": {"urn": "urn:pulumi:s::p::t::n", "type": "t"}}]},
            "config",
        ),
    ],
)
def test_malformed_preview_is_rejected(tmp_path: Path, document: Any, message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        load_preview(write_json(tmp_path, document))


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    with pytest.raises(LockdownError, match="preview file is empty"):
        load_preview(path)


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "state.bin"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(LockdownError, match=r"not UTF-8|not JSON"):
        load_state(path)


# ---------------------------------------------------------------- helpers


def _value_at(properties: dict[str, Any], path: str) -> Any:
    """Follow a path of the ``a.b[0].c`` form (test helper; the fixtures use plain keys)."""
    value: Any = properties
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


def _ciphertexts(value: Any) -> list[str]:
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE:
            return [value["ciphertext"]]
        return [c for item in value.values() for c in _ciphertexts(item)]
    if isinstance(value, list):
        return [c for item in value for c in _ciphertexts(item)]
    return []
