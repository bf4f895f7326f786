"""The CI workflows: valid against GitHub's workflow schema, and wired to the gate.

``check-jsonschema --builtin-schema vendor.github-workflows`` ships the schema inside the
package, so the validation runs offline; a typo in a key fails here, not on GitHub.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
STACKS = ["dev", "staging", "prod"]


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "check-jsonschema"
    assert executable.exists(), "check-jsonschema is not installed in the test environment (requirements-dev.txt)"
    return subprocess.run(
        [str(executable), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def test_every_workflow_is_valid_against_the_github_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"pull-request.yml", "deploy.yml", "drift.yml", "pulumi-stack.yml"}
    result = check_jsonschema(*files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [("runs-on: ubuntu-latest", "run-on: ubuntu-latest"), ("timeout-minutes: 20", "timeout-minutes: twenty")],
)
def test_a_typo_in_a_workflow_is_caught(tmp_path: Path, old: str, new: str) -> None:
    broken = tmp_path / "pull-request.yml"
    text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = check_jsonschema(broken)
    assert result.returncode != 0


def test_pull_request_checks_every_stack_uploads_sarif_and_comments() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    check = workflow["jobs"]["check"]
    assert check["strategy"]["matrix"]["stack"] == STACKS
    script = runs(check)
    assert 'lockdown check --stack "$STACK" --format sarif --output "lockdown-$STACK.sarif"' in script
    assert "--format markdown" in script
    assert "pip install -r requirements.txt -e ." in script
    assert {
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
        "marocchino/sticky-pull-request-comment",
    } <= set(uses(check))
    assert check["permissions"]["security-events"] == "write"
    # The exit code decides the job, after the reports were uploaded.
    assert 'test "${EXIT_CODE:-2}" = "0"' in runs(check)
    preview = workflow["jobs"]["preview"]
    assert preview["uses"] == "./.github/workflows/pulumi-stack.yml"
    assert preview["with"]["command"] == "preview" and preview["needs"] == "check"


def test_the_gate_runs_on_preview_and_up_with_the_official_pulumi_action() -> None:
    job = load("pulumi-stack.yml")["jobs"]["pulumi"]
    assert "pulumi/actions" in uses(job)
    assert "aws-actions/configure-aws-credentials" in uses(job)
    script = runs(job)
    assert 'pulumi preview --non-interactive --diff --policy-pack policies/pack --stack "$STACK"' in script
    assert 'pulumi up --non-interactive --yes --policy-pack policies/pack --stack "$STACK"' in script
    assert job["permissions"]["id-token"] == "write"  # OIDC, no long-lived AWS keys


def test_deploy_runs_up_per_stack_in_order_behind_environments() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert [jobs[s]["with"]["stack"] for s in STACKS] == STACKS
    assert all(jobs[s]["with"]["command"] == "up" and jobs[s]["with"]["environment"] == s for s in STACKS)
    assert jobs["staging"]["needs"] == "dev" and jobs["prod"]["needs"] == "staging"


def test_drift_runs_nightly_and_keeps_reports_and_exit_code() -> None:
    workflow = load("drift.yml")
    assert workflow["on"]["schedule"][0]["cron"]
    job = workflow["jobs"]["drift"]
    script = runs(job)
    assert 'lockdown merge "drift-$STACK.json" --format html --output "drift-$STACK.html"' in script
    assert 'lockdown drift --stack "$STACK" --format json --output "drift-$STACK.json"' in script
    upload = next(step for step in steps(job) if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
    assert 'test "${EXIT_CODE:-2}" = "0"' in script


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_shell_steps_parse() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in document["jobs"].values():
            for step in job.get("steps", []):
                if "run" in step:
                    result = subprocess.run(
                        ["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False
                    )
                    assert result.returncode == 0, f"{path.name}: {step.get('name')}: {result.stderr}"
