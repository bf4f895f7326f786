"""The GitHub Action (``action.yml``) and the pre-commit hooks (``.pre-commit-hooks.yaml``) other repositories use.

Each file is validated against a schema (GitHub's action schema built into check-jsonschema;
for the hook manifest, which check-jsonschema has no schema for, ``tests/schemas/``), and the
commands they run are run here: the action's check and verdict steps with the outputs file
GitHub gives them, and each hook's entry and arguments as pre-commit runs them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
HOOKS_SCHEMA = REPO / "tests" / "schemas" / "pre-commit-hooks.schema.json"
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
BIN = Path(sys.executable).parent


def check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess:
    executable = BIN / "check-jsonschema"
    assert executable.exists(), "check-jsonschema is not installed in the test environment (requirements-dev.txt)"
    return subprocess.run([str(executable), *map(str, args)], capture_output=True, text=True, timeout=60, check=False)


def action_step(name: str) -> dict[str, Any]:
    steps = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]
    return next(step for step in steps if step.get("name") == name)


def run_step(step: dict[str, Any], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """A composite step's script as the runner runs ``shell: bash``, with this environment's lockdown on PATH."""
    assert step["shell"] == "bash"
    full = {**os.environ, **env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# -- action.yml --------------------------------------------------------------------------------


def test_the_action_is_valid_against_githubs_schema() -> None:
    result = check_jsonschema("--builtin-schema", "vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("old", "new"), [("using: composite", "using: compose"), ("shell: bash", "shel: bash")])
def test_a_typo_in_the_action_is_caught(tmp_path: Path, old: str, new: str) -> None:
    broken = tmp_path / "action.yml"
    text = ACTION.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert check_jsonschema("--builtin-schema", "vendor.github-actions", broken).returncode != 0


def test_the_action_installs_itself_pinned_and_uploads_sarif() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    install = action_step("Install Lockdown")["run"]
    assert '--constraint "$GITHUB_ACTION_PATH/requirements.txt" "$GITHUB_ACTION_PATH"' in install
    upload = action_step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    # Inputs reach the scripts through the environment only (no script injection).
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_actions_check_step_writes_valid_sarif_and_its_exit_code(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "leaky-capture", tmp_path / "program")
    outputs = tmp_path / "github-output"
    outputs.touch()
    env = {
        "STACKS": "demo",
        "PROGRAM": "program",
        "SETTINGS": "",
        "POLICIES": "",
        "SARIF_FILE": "lockdown.sarif",
        "GITHUB_OUTPUT": str(outputs),
    }
    result = run_step(action_step("lockdown check"), env, tmp_path)
    assert result.returncode == 0, result.stderr  # the verdict is the last step's, after the upload
    assert outputs.read_text(encoding="utf-8").splitlines() == ["exit-code=1", "sarif-file=lockdown.sarif"]
    sarif = json.loads((tmp_path / "lockdown.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert not list(jsonschema.validators.validator_for(schema)(schema).iter_errors(sarif))
    assert sarif["runs"][0]["results"]


@pytest.mark.parametrize(
    ("exit_code", "fail_on_findings", "expected"),
    [("0", "true", 0), ("1", "true", 1), ("1", "false", 0), ("2", "false", 2), ("", "true", 2)],
)
def test_the_actions_last_step_decides_the_job(
    tmp_path: Path, exit_code: str, fail_on_findings: str, expected: int
) -> None:
    """Blocking findings fail unless turned off; an incomplete check, or none at all, always fails."""
    step = action_step("Fail on blocking findings (1) or an incomplete check (2)")
    result = run_step(step, {"EXIT_CODE": exit_code, "FAIL_ON_FINDINGS": fail_on_findings}, tmp_path)
    assert result.returncode == expected


def test_the_actions_scripts_parse() -> None:
    for step in yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]:
        if "run" in step:
            result = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{step['name']}: {result.stderr}"


# -- .pre-commit-hooks.yaml ------------------------------------------------------------------------


def hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_the_hook_manifest_is_valid() -> None:
    assert check_jsonschema("--check-metaschema", HOOKS_SCHEMA).returncode == 0
    result = check_jsonschema("--schemafile", HOOKS_SCHEMA, HOOKS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(hooks()) == {"lockdown-check", "lockdown-test"}


@pytest.mark.parametrize(
    ("old", "new"),
    [("  entry: lockdown check", "  entyr: lockdown check"), ("pass_filenames: false", "pass_filenames: nope")],
)
def test_a_typo_in_the_hook_manifest_is_caught(tmp_path: Path, old: str, new: str) -> None:
    broken = tmp_path / ".pre-commit-hooks.yaml"
    text = HOOKS.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert check_jsonschema("--schemafile", HOOKS_SCHEMA, broken).returncode != 0


def run_hook(hook: dict[str, Any], args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """What pre-commit runs: the entry split as a shell would, then the arguments (no file names)."""
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"])
    command[0] = str(BIN / command[0])
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


def test_the_check_hook_blocks_a_commit_of_the_leaky_program(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "leaky-capture", tmp_path / "program")
    hook = hooks()["lockdown-check"]
    assert hook["args"] == ["--stack", "dev"]  # the default a user overrides with their stacks
    result = run_hook(hook, ["--program", "program", "--stack", "demo"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "blocking" in result.stdout


def test_the_test_hook_runs_the_policies_tests() -> None:
    result = run_hook(hooks()["lockdown-test"], ["--policies", "policies"], REPO)
    assert result.returncode == 0, result.stdout[-1000:] + result.stderr
    assert " passed, 0 failed" in result.stdout
