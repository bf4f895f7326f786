"""The wheel, installed alone into a fresh virtual environment and used from an unrelated directory.

This is what a user does in their own repository: ``pip install pulumi-lockdown``, then
``lockdown check`` on their program, ``lockdown rules``, ``lockdown test``, and the policy pack
launched from the installed package (``pulumi preview --policy-pack $(lockdown pack-path)``).
The sdist is built from a copy of this checkout and the wheel from the sdist (``python -m
build``, as a release is built), so both must carry the policies.

Installing the dependencies needs PyPI or pip's cache: the whole module shares one environment,
with requirements.txt as a constraint file so the versions (and the cache) are the pinned ones.
Nothing of the checkout is importable in that environment: commands run with a PATH holding
only the new environment, without PYTHONPATH, from a directory outside the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import lockdown
from lockdown.engine.policyset import load_policy_set
from tests.test_pack import pack_verdicts, repository_check, stack_config_strings
from tests.test_pack_support import launch

REPO = Path(__file__).resolve().parents[1]
#: What is not part of the source a release is built from.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "out"
)


@dataclass(frozen=True)
class Installed:
    """A fresh environment with the wheel installed, and a directory that is not the repository."""

    venv: Path
    wheel: Path
    elsewhere: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOCKDOWN_", "VIRTUAL_ENV"))}
        env.pop("PYTHONPATH", None)
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{os.defpath}"
        return env

    def lockdown(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.venv / "bin" / "lockdown"), *args],
            cwd=self.elsewhere,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def run(command: list[str | Path], timeout: float) -> None:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{' '.join(map(str, command))}: exit {result.returncode}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source, dist, venv, elsewhere = root / "source", root / "dist", root / "venv", root / "elsewhere"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    run([sys.executable, "-m", "build", "--outdir", dist, source], timeout=600)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    run([sys.executable, "-m", "venv", venv], timeout=120)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    run([*pip, "--constraint", REPO / "requirements.txt", wheels[0]], timeout=900)
    elsewhere.mkdir()
    return Installed(venv=venv, wheel=wheels[0], elsewhere=elsewhere)


def test_the_wheel_declares_its_dependencies_and_carries_every_policy_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert installed.wheel.name.startswith("pulumi_lockdown-")
    assert re.search(r"^Name: pulumi-lockdown$", metadata, re.MULTILINE)
    assert re.search(r"^License-Expression: Apache-2.0$", metadata, re.MULTILINE)
    required = {
        Requirement(line.removeprefix("Requires-Dist: "))
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ")
    }
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert {str(r) for r in required} == {str(Requirement(text)) for text in declared}
    assert "click" in {r.name for r in required}  # `lockdown --version` died without it
    policies = REPO / "policies"
    shipped = {
        p.relative_to(policies).as_posix() for p in policies.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    assert {f"lockdown/policies/{name}" for name in shipped} <= names
    assert "lockdown/policies/pack/PulumiPolicy.yaml" in names
    assert "lockdown/drift/render/templates/report.html.j2" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_version(installed: Installed) -> None:
    result = installed.lockdown("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"lockdown, version {lockdown.__version__}"


def test_the_installed_package_and_its_bundled_policies_are_used(installed: Installed) -> None:
    code = "import lockdown.engine.policyset as p; print(p.__file__); print(p.DEFAULT_POLICIES)"
    result = subprocess.run(
        [str(installed.python), "-c", code],
        cwd=installed.elsewhere,
        env=installed.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    module, policies = map(Path, result.stdout.split())
    site = installed.venv.resolve()
    assert module.is_relative_to(site) and policies.is_relative_to(site)
    assert policies.name == "policies" and policies.parent.name == "lockdown"


def test_check_on_a_copied_example_blocks_with_the_checkouts_findings(installed: Installed) -> None:
    shutil.copytree(REPO / "examples" / "leaky-capture", installed.elsewhere / "leaky-capture")
    args = ["check", "--program", "leaky-capture", "--stack", "demo", "--format", "json"]
    result = installed.lockdown(*args)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["blocking"] > 0
    here = subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args],
        cwd=installed.elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert here.returncode == 1, here.stderr
    verdicts = [(f["rule"], f["name"], f["blocking"]) for f in report["findings"]]
    assert verdicts == [(f["rule"], f["name"], f["blocking"]) for f in json.loads(here.stdout)["findings"]]


def test_rules_lists_every_rule_of_the_repository(installed: Installed) -> None:
    result = installed.lockdown("rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert sorted(rule["id"] for rule in json.loads(result.stdout)) == sorted(
        rule.id for rule in load_policy_set(REPO / "policies").rules
    )


def test_the_policy_unit_tests_run_and_pass(installed: Installed) -> None:
    result = installed.lockdown("test", timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    passed = re.search(r"^(\d+) passed, 0 failed$", result.stdout, re.MULTILINE)
    assert passed, result.stdout[-500:]
    assert int(passed.group(1)) == result.stdout.count("PASS ") >= 2 * len(load_policy_set(REPO / "policies").rules)


def test_the_pack_launches_from_the_installed_package_with_the_checkouts_verdicts(
    installed: Installed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pulumi preview --policy-pack $(lockdown pack-path)``: the CLI's launch, then a deployment's calls."""
    from lockdown.loaders.program import load_program

    result = installed.lockdown("pack-path")
    assert result.returncode == 0, result.stderr
    pack_dir = Path(result.stdout.strip())
    assert pack_dir.is_relative_to(installed.venv.resolve()) and (pack_dir / "PulumiPolicy.yaml").is_file()
    planned = load_program(REPO / "examples" / "leaky-capture", "demo")
    expected = repository_check(planned)
    config = stack_config_strings(planned)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    with launch(python=installed.python, pack_dir=pack_dir, stack="demo", stack_config=config) as pack:
        names = {policy.name for policy in pack.info().policies}
        assert names == {rule.id.lower() for rule in load_policy_set(REPO / "policies").rules} | {"lockdown-settings"}
        pack.configure({})
        pack.configure_stack(config, dry_run=False, stack="demo")
        assert pack_verdicts(pack, pack.run(planned.resources)) == expected
    assert any(blocking for *_key, blocking in expected)
