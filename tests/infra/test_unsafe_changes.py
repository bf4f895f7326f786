"""One unsafe change at a time: `lockdown check` must fail the pipeline and name the change.

The project (Pulumi.yaml, infra/, stacks/) is copied to a temporary directory; each case
edits one safe setting into an unsafe one, in the program's source or in the dev stack's
config, exactly as a pull request would, and runs the real command line as a subprocess:

    python -m lockdown.cli check --program <copy> --stack dev --format json

The unchanged copy must exit 0 (and so must the staging and prod stacks, checked from the
repository root); each changed copy must exit 1 with a new blocking finding on the resource
that was changed, whose message says what is wrong.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "111111111111"


@dataclass(frozen=True)
class Change:
    """One edit of one file in the copied project, and how the finding must name it."""

    id: str
    file: str
    old: str
    new: str
    #: Regex on the finding's resource type and name (what was changed).
    resource: str
    #: Regex on the finding's rule title and message (what is wrong).
    says: str
    #: How many distinct resources the change must be named on (one per bucket it touches).
    min_named: int = 1


CHANGES = [
    Change(
        id="allowlist-widened-to-account-root",
        file="stacks/Pulumi.dev.yaml",
        old="  lockdown:allowedReaders:\n",
        new=f"  lockdown:allowedReaders:\n    - arn:aws:iam::{ACCOUNT}:root\n",
        # The allowlist feeds the curated tier's key policy and bucket policies.
        resource=r"curated-key|curated-policy|model-artifacts-policy",
        says=rf"{ACCOUNT}",
        min_named=3,
    ),
    Change(
        id="public-access-block-off",
        file="infra/lockdown_pipeline/storage.py",
        old="block_public_policy=True,",
        new="block_public_policy=False,",
        resource=r"bucketPublicAccessBlock",
        says=r"blockPublicPolicy",
        min_named=5,
    ),
    Change(
        id="retention-removed",
        file="infra/lockdown_pipeline/storage.py",
        old="expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),",
        new="",
        resource=r"(?i)lifecycle|bucket",
        says=r"(?i)retention|expir|lifecycle",
        min_named=5,
    ),
    Change(
        id="raw-bucket-data-events-dropped",
        file="infra/lockdown_pipeline/pipeline.py",
        old="                storage.raw.arn,\n",
        new="",
        resource=r"raw-captures",
        says=r"(?i)data event",
    ),
    Change(
        id="all-data-events-dropped",
        file="infra/lockdown_pipeline/audit.py",
        old='values=[pulumi.Output.concat(arn, "/") for arn in args.restricted_bucket_arns],',
        new="values=[],",
        resource=r"raw-captures|curated|model-artifacts|access-logs",
        says=r"(?i)data event",
        min_named=4,
    ),
    Change(
        id="decrypt-granted-to-anyone",
        file="infra/lockdown_pipeline/storage.py",
        old='policy.key_use_via_s3("RawReadersDecryptViaS3", [auditor],',
        new='policy.key_use_via_s3("RawReadersDecryptViaS3", ["*"],',
        resource=r"raw-key",
        says=r"(?i)\*.*decrypt|decrypt.*\*",
    ),
]


def copy_project(dest: Path) -> Path:
    shutil.copy2(ROOT / "Pulumi.yaml", dest / "Pulumi.yaml")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "infra", dest / "infra", ignore=ignore)
    shutil.copytree(ROOT / "stacks", dest / "stacks", ignore=ignore)
    return dest


def apply(project: Path, change: Change) -> None:
    path = project / change.file
    text = path.read_text(encoding="utf-8")
    # Exactly one occurrence: if the program is refactored, this test must be updated, not silently pass.
    assert text.count(change.old) == 1, f"{change.id}: expected one {change.old!r} in {change.file}"
    path.write_text(text.replace(change.old, change.new), encoding="utf-8")


def check(project: Path | None, stack: str = "dev") -> tuple[int, dict[str, Any], str]:
    """Run the real CLI on the project (the repository's own when None); return exit code, JSON report, stderr."""
    program = ["--program", str(project)] if project is not None else []
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lockdown.cli",
            "check",
            *program,
            "--stack",
            stack,
            "--policies",
            str(ROOT / "policies"),
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        report = {}
    return proc.returncode, report, proc.stderr


def blocking(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report.get("findings", []) if f.get("blocking")]


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {f.get('rule')} {f.get('type')} {f.get('name')}: {f.get('message')}" for f in findings)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    return check(copy_project(tmp_path_factory.mktemp("unchanged")))


def test_unchanged_pipeline_passes(baseline: tuple[int, dict[str, Any], str]) -> None:
    code, report, stderr = baseline
    assert code == 0, f"exit {code}: {stderr.strip()}\n{describe(blocking(report))}"
    assert report["summary"]["blocking"] == 0
    assert report["summary"]["resources"] >= 80


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_other_stacks_pass_from_the_repository_root(stack: str) -> None:
    code, report, stderr = check(None, stack)
    assert code == 0, f"{stack}: exit {code}: {stderr.strip()}\n{describe(blocking(report))}"
    assert report["summary"]["blocking"] == 0


@pytest.mark.parametrize("change", CHANGES, ids=[c.id for c in CHANGES])
def test_one_unsafe_change_fails_the_check_and_is_named(
    change: Change, tmp_path: Path, baseline: tuple[int, dict[str, Any], str]
) -> None:
    project = copy_project(tmp_path)
    apply(project, change)
    code, report, stderr = check(project)
    assert code == 1, f"{change.id}: expected exit 1, got {code}: {stderr.strip()}"
    before = {(f["rule"], f["urn"]) for f in blocking(baseline[1])}
    new = [f for f in blocking(report) if (f["rule"], f["urn"]) not in before]
    assert new, f"{change.id}: no new blocking finding"
    named = [
        f
        for f in new
        if re.search(change.resource, f"{f.get('type')} {f.get('name')} {f.get('urn')}")
        and re.search(change.says, f"{f.get('title')} {f.get('message')}")
    ]
    assert len({f["urn"] for f in named}) >= change.min_named, (
        f"{change.id}: expected the change named on {change.min_named} resource(s); new findings:\n{describe(new)}"
    )
