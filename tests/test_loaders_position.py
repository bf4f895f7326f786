"""Source positions: where a preview's or an export's resources are declared in the program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockdown.loaders.position import declaration
from lockdown.loaders.preview import load_preview
from lockdown.loaders.state import load_state

FIXTURES = Path(__file__).parent / "fixtures"
PREVIEW = FIXTURES / "preview" / "python-v7-leaky.json"
STATE = FIXTURES / "state" / "v7-export-with-secrets.json"


def project(root: Path, name: str) -> Path:
    (root / "infra").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (root / "infra" / "__main__.py").write_text("import pulumi\n" * 50)
    return root


def positioned_preview(path: Path, position: str) -> Path:
    document = json.loads(PREVIEW.read_text())
    for step in document["steps"]:
        if step["urn"].endswith("::keystrokes-policy"):
            step["newState"]["sourcePosition"] = position
    path.write_text(json.dumps(document))
    return path


def by_name(loaded) -> dict:
    return {resource.name: resource for resource in loaded.resources}


def test_a_preview_position_becomes_the_resource_s_file_and_line(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path / "proj", "capture-pipeline")
    monkeypatch.chdir(root / "infra")
    loaded = load_preview(positioned_preview(tmp_path / "p.json", "project:///infra/__main__.py#17,1"))
    policy = by_name(loaded)["keystrokes-policy"]
    assert (policy.file, policy.line) == ("__main__.py", 17)
    assert loaded.file == str((root / "Pulumi.yaml").resolve())  # resources without a position: their project
    assert by_name(loaded)["keystrokes"].file is None


def test_the_project_is_also_found_beside_the_preview(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path / "proj", "capture-pipeline")
    monkeypatch.chdir(tmp_path)
    loaded = load_preview(positioned_preview(root / "preview.json", "project:///infra/__main__.py#3"))
    assert (by_name(loaded)["keystrokes-policy"].file, by_name(loaded)["keystrokes-policy"].line) == (
        "proj/infra/__main__.py",
        3,
    )


def test_another_project_s_files_are_never_used(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path / "proj", "someone-else")
    monkeypatch.chdir(root)
    loaded = load_preview(positioned_preview(tmp_path / "p.json", "project:///infra/__main__.py#17"))
    assert by_name(loaded)["keystrokes-policy"].file is None and loaded.file is None


@pytest.mark.parametrize(
    "position",
    ["project:///infra/missing.py#3", "project:///infra/__main__.py", "project:///infra/__main__.py#0", "file:///x#3"],
)
def test_positions_that_name_no_line_of_an_existing_file_are_ignored(tmp_path: Path, position: str) -> None:
    root = project(tmp_path / "proj", "capture-pipeline")
    assert declaration(position, root, {}) is None
    assert declaration("project:///infra/__main__.py#9,2", root, {})[1] == 9


def test_a_state_export_position_is_read_too(tmp_path: Path, monkeypatch) -> None:
    document = json.loads(STATE.read_text())
    first = next(r for r in document["deployment"]["resources"] if r["type"].startswith("aws:"))
    first["sourcePosition"] = "project:///infra/__main__.py#8"
    project_name = first["urn"].split("::")[1]
    root = project(tmp_path / "proj", project_name)
    monkeypatch.chdir(root)
    (tmp_path / "export.json").write_text(json.dumps(document))
    loaded = load_state(tmp_path / "export.json")
    located = next(r for r in loaded.resources if r.urn == first["urn"])
    assert (located.file, located.line) == ("infra/__main__.py", 8)
