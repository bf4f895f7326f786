"""Reading Pulumi.yaml, stack config and --config overrides (no program is run here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockdown.errors import LockdownError
from lockdown.model import REDACTED
from lockdown.planner.project import parse_override, qualify, read_project


def _write(path: Path, text: str) -> None:
    path.write_text(text)


def _python_project_without_stack(root: Path) -> None:
    _write(root / "Pulumi.yaml", "name: demo\nruntime: python\n")
    _write(root / "__main__.py", "")


def make_project(root: Path, stack_config: str, project_extra: str = "", main: str = "") -> Path:
    (root / "Pulumi.yaml").write_text(f"name: demo\nruntime: python\n{main}{project_extra}")
    program = root / (main.split(":", 1)[1].strip() if main else "")
    program.mkdir(parents=True, exist_ok=True)
    (program / "__main__.py").write_text("")
    (root / "Pulumi.dev.yaml").write_text(stack_config)
    return root


def test_keys_without_namespace_belong_to_the_project() -> None:
    assert qualify("bucketName", "demo") == "demo:bucketName"
    assert qualify("aws:region", "demo") == "aws:region"
    assert parse_override('readers=["a","b"]', "demo") == ("demo:readers", ["a", "b"])
    assert parse_override("aws:region=eu-west-1", "demo") == ("aws:region", "eu-west-1")
    assert parse_override("note={not json", "demo") == ("demo:note", "{not json")


def test_override_without_equals_is_an_error() -> None:
    with pytest.raises(LockdownError, match="expected KEY=VALUE"):
        parse_override("region", "demo")


def test_plain_structured_and_secure_values(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        "config:\n  aws:region: us-east-1\n  count: 3\n  flag: true\n"
        "  obj:\n    a: [1, 2]\n  pw:\n    secure: v1:abc\n",
    )
    spec = read_project(tmp_path, "dev")
    assert spec.program_config["demo:count"] == "3"
    assert spec.program_config["demo:flag"] == "true"
    assert json.loads(spec.program_config["demo:obj"]) == {"a": [1, 2]}
    assert spec.program_config["demo:pw"] == REDACTED
    assert spec.secret_keys == ["demo:pw"]
    assert spec.config_view == {
        "aws:region": "us-east-1",
        "demo:count": "3",
        "demo:flag": "true",
        "demo:obj": {"a": [1, 2]},
        "demo:pw": REDACTED,
    }
    assert len(spec.warnings) == 1 and "demo:pw" in spec.warnings[0] and "--config" in spec.warnings[0]


def test_secure_value_overridden_is_used_but_never_shown(tmp_path: Path) -> None:
    make_project(tmp_path, "config:\n  pw:\n    secure: v1:abc\n")
    spec = read_project(tmp_path, "dev", ["pw=hunter2"])
    assert spec.program_config["demo:pw"] == "hunter2"
    assert spec.config_view["demo:pw"] == REDACTED
    assert spec.warnings == []


def test_project_level_defaults_and_overrides(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        "config:\n  b: fromstack\n",
        project_extra="config:\n  a:\n    type: integer\n    default: 7\n  b: x\n",
    )
    spec = read_project(tmp_path, "dev", ["c=1"])
    assert spec.program_config == {"demo:a": "7", "demo:b": "fromstack", "demo:c": "1"}


def test_stack_reference_outputs_are_not_config(tmp_path: Path) -> None:
    make_project(tmp_path, "config: {}\n")
    spec = read_project(tmp_path, "dev", ["stackref:acme/net/prod:vpcId=vpc-1", 'stackref:net:ids=["a"]'])
    assert spec.stackrefs == {"acme/net/prod": {"vpcId": "vpc-1"}, "net": {"ids": ["a"]}}
    assert spec.program_config == {}


def test_main_and_stack_config_dir(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text(
        "name: demo\nruntime:\n  name: python\nmain: infra/\nstackConfigDir: stacks\n"
    )
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "__main__.py").write_text("")
    (tmp_path / "stacks" / "Pulumi.prod.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    spec = read_project(tmp_path, "prod")
    assert spec.main == (tmp_path / "infra" / "__main__.py").resolve()
    assert spec.program_config == {"aws:region": "eu-west-1"}


def test_stack_without_a_stack_file_has_empty_config_and_a_warning(tmp_path: Path) -> None:
    """As the Pulumi CLI runs it: no Pulumi.<stack>.yaml is empty stack config, project config still applies."""
    _write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\nconfig:\n  size:\n    default: small\n")
    _write(tmp_path / "__main__.py", "")
    spec = read_project(tmp_path, "org/demo/dev", ["aws:region=eu-west-1"])
    assert spec.program_config == {"demo:size": "small", "aws:region": "eu-west-1"}
    (warning,) = spec.warnings
    assert "stack 'org/demo/dev' has no config file (Pulumi.dev.yaml)" in warning and "empty stack config" in warning


@pytest.mark.parametrize(
    ("setup", "stack", "message"),
    [
        (lambda p: None, "dev", "no Pulumi.yaml"),
        (
            lambda p: (_python_project_without_stack(p), (p / "Pulumi.dev.yaml").mkdir()),
            "dev",
            "Pulumi.dev.yaml: cannot read stack 'dev' config file",
        ),
        (lambda p: (p / "Pulumi.yaml").write_text("name: demo\nruntime: go\n"), "dev", "runs python, nodejs, yaml"),
        (
            lambda p: (p / "Pulumi.yaml").write_text("name: demo\nmain: nowhere/\n"),
            "dev",
            "main 'nowhere/' does not exist",
        ),
        (lambda p: (p / "Pulumi.yaml").write_text("name: [unclosed\n"), "dev", "not valid YAML"),
    ],
)
def test_project_errors_name_the_file(tmp_path: Path, setup, stack: str, message: str) -> None:
    setup(tmp_path)
    with pytest.raises(LockdownError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_project(tmp_path, stack)
