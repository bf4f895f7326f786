"""What the package declares: its name, dependencies, licence, changelog, pack and default policies.

The wheel itself is built and installed in ``tests/test_wheel.py``; these checks are fast and
catch the drift between files that must agree (pyproject and requirements.txt, the pack's
version and requirements and the package's version).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner
from packaging.requirements import Requirement

import lockdown
from lockdown.cli import main
from lockdown.engine import policyset

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PACK = REPO / "policies" / "pack"


def pins(path: Path) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` line of a requirements file."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{path.name}: {line} is not pinned"
            found[requirement.name.lower()] = specifier.version
    return found


def test_the_distribution_name_is_not_the_unrelated_lockdown_project_and_the_command_is_lockdown() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == "pulumi-lockdown"
    assert project["scripts"] == {"lockdown": "lockdown.cli:entry"}


def test_every_dependency_is_declared_and_pinned_within_its_range() -> None:
    """pyproject's ranges are what a user's resolver sees; requirements.txt pins what the tests ran with."""
    declared = {Requirement(text).name.lower(): Requirement(text) for text in PYPROJECT["project"]["dependencies"]}
    pinned = pins(REPO / "requirements.txt")
    assert set(declared) == set(pinned), "requirements.txt and pyproject.toml must list the same runtime packages"
    for name, requirement in declared.items():
        assert requirement.specifier.contains(pinned[name]), f"{name}=={pinned[name]} is outside {requirement}"


def test_the_pack_names_the_toolkit_at_its_version_and_the_repositorys_pins() -> None:
    import yaml

    manifest = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert manifest["version"] == lockdown.__version__
    pack_pins = pins(PACK / "requirements.txt")
    assert pack_pins.pop(PYPROJECT["project"]["name"]) == lockdown.__version__
    repository = pins(REPO / "requirements.txt")
    assert {name: repository.get(name) for name in pack_pins} == pack_pins


def test_licence_is_the_apache_2_text_the_metadata_names() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text


def test_changelog_keeps_an_unreleased_section() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in text
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings and headings[0] == "[Unreleased]"


def test_nothing_reads_outside_the_repository() -> None:
    """Tests and code run on a clone alone: no path into a directory beside the checkout."""
    outside = re.compile(r"\.\./shared|/work/shared|[\"']shared[\"'] */|/ *[\"']shared[\"']")
    files = [REPO / "setup.py"] + [
        path
        for folder in ("lockdown", "tests", "bench", "scripts", "policies", "infra", ".ci", ".github")
        for path in (REPO / folder).rglob("*")
        if path.is_file() and path.suffix in {".py", ".sh", ".yml", ".yaml", ".rego", ".toml", ""}
    ]
    offenders = [
        str(path.relative_to(REPO))
        for path in files
        if path != Path(__file__).resolve() and outside.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders


def test_in_a_checkout_the_default_policies_are_the_repositorys() -> None:
    """No bundled copy in a source tree (setup.py makes it in the wheel only), so policies/ is read in place."""
    assert not policyset.BUNDLED_POLICIES.exists()
    assert policyset.DEFAULT_POLICIES == REPO / "policies"


def test_pack_path_prints_the_pack_directory() -> None:
    result = CliRunner().invoke(main, ["pack-path"])
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == PACK
