"""Reports as CI reads them, from `lockdown check` runs.

SARIF as code scanning receives it, from a check run in a subdirectory of a repository: each
log must validate against the official schema, and every location must name, relative to the
repository root, a file of the repository (and a line of it), wherever the check ran from.
JUnit of a run whose findings are all advisory: zero failures, as its exit code 0 says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.policy_fixtures import write_rule
from tests.test_reports_sarif import validator

REPO = Path(__file__).resolve().parents[1]
LEAKY_PROGRAM = REPO / "examples" / "leaky-capture"
LEAKY_PREVIEW = REPO / "tests" / "fixtures" / "preview" / "python-v7-leaky.json"


def lockdown(cwd: Path, *args: str, fmt: str = "sarif") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", "check", *args, "--format", fmt],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=cwd,
        env={**_environment(), "PYTHONPATH": str(REPO)},
    )


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}


def git_repository(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)
    return path


def valid_log(done: subprocess.CompletedProcess) -> dict[str, Any]:
    assert done.returncode == 1, done.stderr
    log = json.loads(done.stdout)
    errors = list(validator().iter_errors(log))
    assert not errors, errors[:3]
    return log


def resolved_locations(log: dict[str, Any], repository: Path) -> list[tuple[str, Path, int | None]]:
    """Every result's (rule, file, line), resolved the way code scanning does: from the repository root."""
    (run,) = log["runs"]
    assert unquote(urlsplit(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]).path) == f"{repository.resolve()}/"
    located = []
    for result in run["results"]:
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith(("/", "file:", ".."))
        path = repository / unquote(artifact["uri"])
        assert path.resolve().is_relative_to(repository.resolve()) and path.is_file(), artifact
        line = location["physicalLocation"].get("region", {}).get("startLine")
        if line is not None:
            assert 1 <= line <= len(path.read_text().splitlines())
        located.append((result["ruleId"], path, line))
    return located


def test_program_checked_from_a_subdirectory_points_at_its_declarations(tmp_path: Path) -> None:
    repository = git_repository(tmp_path / "repo")
    shutil.copytree(LEAKY_PROGRAM, repository / "stacks" / "leaky")
    (repository / "stacks" / "tools").mkdir()
    log = valid_log(lockdown(repository / "stacks" / "tools", "--program", "../leaky", "--stack", "demo"))
    located = resolved_locations(log, repository)
    assert len(located) >= 5
    program = repository / "stacks" / "leaky" / "__main__.py"
    source = program.read_text().splitlines()
    for rule, path, line in located:
        assert path == program and line is not None, rule
    names = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in log["runs"][0]["results"]}
    policy = names["capture-transcripts-policy"]["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert '"capture-transcripts-policy"' in source[policy - 1]


def _preview_with_positions(path: Path, lines: dict[str, int]) -> None:
    """The leaky preview as the engine writes it, each named resource with its ``sourcePosition``."""
    document = json.loads(LEAKY_PREVIEW.read_text())
    for step in document["steps"]:
        name = step["urn"].rsplit("::", 1)[-1]
        if name in lines and step.get("newState"):
            step["newState"]["sourcePosition"] = f"project:///infra/__main__.py#{lines[name]},5"
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("with_git", [True, False], ids=["git-root", "source-root-option"])
def test_preview_checked_from_a_subdirectory_gets_program_lines(tmp_path: Path, with_git: bool) -> None:
    repository = git_repository(tmp_path / "repo") if with_git else tmp_path / "repo"
    project = repository / "pipeline"
    (project / "infra").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: capture-pipeline\nruntime: python\nmain: infra/\n")
    (project / "infra" / "__main__.py").write_text("".join(f"# line {n}\n" for n in range(1, 41)))
    preview = tmp_path / "preview.json"  # written outside the repository, as a CI job may
    _preview_with_positions(preview, {"keystrokes-policy": 12, "capture-key": 30})
    extra = () if with_git else ("--source-root", str(repository))
    log = valid_log(lockdown(project / "infra", "--preview-json", str(preview), *extra))
    located = resolved_locations(log, repository)
    by_name = {
        result["locations"][0]["logicalLocations"][0]["name"]: where
        for result, where in zip(log["runs"][0]["results"], located, strict=True)
    }
    assert by_name["keystrokes-policy"][1:] == (project / "infra" / "__main__.py", 12)
    assert by_name["capture-key"][1:] == (project / "infra" / "__main__.py", 30)
    # Resources the preview gives no position for point at the project they belong to.
    assert by_name["keystrokes-public-access"][1:] == (project / "Pulumi.yaml", None)


def test_junit_of_a_run_with_advisory_findings_only_has_zero_failures(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    write_rule(policies, package="advisory_name", rule_id="LD-DEMO-001", bad="keystrokes", enforcement="advisory")
    write_rule(policies, package="blocking_name", rule_id="LD-DEMO-002", bad="nothing-is-named-this")
    done = lockdown(tmp_path, "--preview-json", str(LEAKY_PREVIEW), "--policies", str(policies), fmt="junit")
    assert done.returncode == 0, done.stderr
    root = ET.fromstring(done.stdout.encode())
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "1")
    (skipped,) = root.iter("skipped")
    assert skipped.get("message").startswith("advisory, not blocking: ") and "keystrokes" in skipped.get("message")
