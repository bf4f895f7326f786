"""The SARIF report, validated against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import lockdown
from lockdown.engine import load_engine
from lockdown.engine.policyset import load_policy_set
from lockdown.findings import CheckResult, check
from lockdown.model import LoadedStack
from lockdown.reports import RenderOptions
from lockdown.reports.sarif import default_rules_doc, find_source_root, fingerprint, render, rules_doc_url
from tests.test_reports_common import RULES, empty_result, finding, mixed_result, rule

REPO = Path(__file__).resolve().parents[1]
#: The official schema, kept in the repository (origin and licence: tests/schemas/README.md).
SCHEMA_PATH = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
RULES_DOC = REPO / "docs" / "rules.md"


@cache
def validator() -> jsonschema.protocols.Validator:
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"SARIF schema not found at {SCHEMA_PATH.resolve()}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def sarif(result: CheckResult, readers: bool = False, **options: Any) -> dict[str, Any]:
    data = json.loads(render(result, RenderOptions(readers=readers, **options)))
    errors = sorted(validator().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return data


def test_schema_validation_catches_a_broken_log() -> None:
    """The validator really validates: a log without a message on a result is rejected."""
    data = json.loads(render(mixed_result(), RenderOptions()))
    del data["runs"][0]["results"][0]["message"]
    assert list(validator().iter_errors(data))


@pytest.mark.parametrize(
    "result",
    [empty_result(), empty_result(resources=0), mixed_result(), mixed_result(errors=["engine: boom"])],
    ids=["empty", "no-resources", "mixed", "errors"],
)
@pytest.mark.parametrize("readers", [False, True])
def test_valid_against_the_official_schema(result: CheckResult, readers: bool) -> None:
    data = sarif(result, readers)
    assert data["version"] == "2.1.0"
    assert len(data["runs"]) == 1


def test_driver_lists_every_rule_with_help_and_properties() -> None:
    driver = sarif(empty_result())["runs"][0]["tool"]["driver"]
    assert driver["name"] == "lockdown" and driver["version"] == lockdown.__version__
    assert driver["informationUri"].startswith("https://")
    assert [item["id"] for item in driver["rules"]] == sorted(r.id for r in RULES)
    kms = next(item for item in driver["rules"] if item["id"] == "LD-KMS-001")
    assert kms["shortDescription"]["text"] == "Title of LD-KMS-001"
    assert kms["fullDescription"]["text"].startswith("Description of LD-KMS-001")
    assert "Fix LD-KMS-001" in kms["help"]["text"] and "GDPR Art. 32" in kms["help"]["text"]
    assert "Fix LD-KMS-001" in kms["help"]["markdown"] and "- CIS AWS Foundations 2.1.4" in kms["help"]["markdown"]
    assert kms["defaultConfiguration"]["level"] == "warning"
    props = kms["properties"]
    assert (props["severity"], props["enforcement"], props["scope"]) == ("medium", "advisory", "resource")
    assert {"CIS AWS Foundations 2.1.4", "GDPR Art. 32"} <= set(props["tags"])
    s3 = next(item for item in driver["rules"] if item["id"] == "LD-S3-001")
    assert s3["defaultConfiguration"]["level"] == "error"


def test_results_point_at_their_rule_and_resource() -> None:
    run = sarif(mixed_result())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 5
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        (location,) = item["locations"][0]["logicalLocations"]
        assert location["kind"] == "resource"
        assert location["fullyQualifiedName"].startswith("urn:pulumi:prod::capture::")
        assert location["fullyQualifiedName"].endswith("::" + location["name"])
    first = run["results"][0]
    assert first["ruleId"] == "LD-S3-001" and first["level"] == "error"
    assert first["message"]["text"] == "raw-events-policy lets * read s3:GetObject"
    advisory = next(item for item in run["results"] if item["ruleId"] == "LD-KMS-001")
    assert advisory["level"] == "warning"


def test_fingerprints_are_stable_and_distinct() -> None:
    run = sarif(mixed_result())["runs"][0]
    prints = [next(iter(item["partialFingerprints"].values())) for item in run["results"]]
    assert len(set(prints)) == len(prints)
    again = sarif(mixed_result())["runs"][0]
    assert prints == [next(iter(item["partialFingerprints"].values())) for item in again["results"]]
    f = mixed_result().findings[1]
    assert fingerprint(f) == fingerprint(replace(f, message="other wording", file="infra/x.py", line=99))
    assert fingerprint(f) != fingerprint(replace(f, urn=f.urn + "-2"))


def test_waived_findings_are_suppressed_with_the_reason() -> None:
    run = sarif(mixed_result())["runs"][0]
    suppressed = [item for item in run["results"] if "suppressions" in item]
    assert len(suppressed) == 1
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"] == "Accepted by security review SEC-42"
    assert suppressed[0]["properties"]["blocking"] is False


def test_warnings_and_errors_are_notifications_and_errors_fail_the_execution() -> None:
    ok = sarif(mixed_result())["runs"][0]["invocations"][0]
    assert ok["executionSuccessful"] is True
    assert [(n["level"], n["message"]["text"]) for n in ok["toolExecutionNotifications"]] == [
        ("warning", "aws:s3/bucketPolicy:BucketPolicy raw-events-policy: policy is unknown at plan time")
    ]
    failed = sarif(mixed_result(errors=["rule LD-X: eval failed"]))["runs"][0]["invocations"][0]
    assert failed["executionSuccessful"] is False
    assert ("error", "rule LD-X: eval failed") in [
        (n["level"], n["message"]["text"]) for n in failed["toolExecutionNotifications"]
    ]
    assert failed["exitCode"] == 2


def test_readers_in_run_properties() -> None:
    run = sarif(mixed_result(), readers=True)["runs"][0]
    readers = run["properties"]["readers"]
    assert {(r["store_name"], r["principal"], r["allowed"]) for r in readers} == {
        ("raw-events", "arn:aws:iam::111111111111:role/analytics", True),
        ("raw-events", "*", False),
        ("transcripts", "arn:aws:iam::999999999999:root", False),
    }
    assert "readers" not in sarif(mixed_result())["runs"][0]["properties"]


def test_a_finding_of_an_unlisted_rule_still_gets_a_valid_rule_index() -> None:
    result = empty_result()
    stray = rule("LD-IAM-009", severity="high")
    result.findings = [finding(stray, "role")]
    run = sarif(result)["runs"][0]
    (item,) = run["results"]
    assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == "LD-IAM-009"


def test_special_characters_stay_valid() -> None:
    result = empty_result()
    result.findings = [finding(RULES[0], 'b"<&>|\n', message='tab\tnewline\nquote" é ✓ {0} {{x}}')]
    (item,) = sarif(result)["runs"][0]["results"]
    # SARIF reads {0} as a placeholder: literal braces are doubled (SARIF 2.1.0, 3.11.5).
    assert item["message"]["text"] == 'tab\tnewline\nquote" é ✓ {{0}} {{{{x}}}}'


def test_a_finding_with_a_source_file_gets_a_location_relative_to_the_source_root(tmp_path: Path) -> None:
    (tmp_path / "infra" / "my stack").mkdir(parents=True)
    result = empty_result()
    base = finding(RULES[0], "bucket")
    declared = tmp_path / "infra" / "my stack" / "storage.py"
    result.findings = [replace(base, file=str(declared), line=42), replace(base, name="other", file=str(declared))]
    run = sarif(result, source_root=str(tmp_path))["runs"][0]
    first, second = (item["locations"][0]["physicalLocation"] for item in run["results"])
    assert first == {
        "artifactLocation": {"uri": "infra/my%20stack/storage.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42},
    }
    assert second == {"artifactLocation": {"uri": "infra/my%20stack/storage.py", "uriBaseId": "%SRCROOT%"}}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    assert "physicalLocation" not in sarif(mixed_result())["runs"][0]["results"][0]["locations"][0]


def test_a_relative_file_is_read_from_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "infra").mkdir()
    monkeypatch.chdir(tmp_path / "infra")
    result = empty_result()
    result.findings = [replace(finding(RULES[0], "bucket"), file="__main__.py", line=3)]
    (item,) = sarif(result, source_root=str(tmp_path))["runs"][0]["results"]
    assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/__main__.py"


def test_a_file_outside_the_source_root_is_absolute_and_announced(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    outside = tmp_path / "preview.json"
    result = empty_result()
    result.findings = [replace(finding(RULES[0], "bucket"), file=str(outside))]
    run = sarif(result, source_root=str(tmp_path / "repo"))["runs"][0]
    (item,) = run["results"]
    assert item["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": outside.resolve().as_uri()}
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("1 finding(s) point at files outside the source root" in note for note in notes)


def test_rules_link_to_their_section_of_the_rules_documentation() -> None:
    rules = sarif(empty_result())["runs"][0]["tool"]["driver"]["rules"]
    default = f"https://github.com/lockdown-governance/lockdown/blob/v{lockdown.__version__}/docs/rules.md"
    assert [item["helpUri"] for item in rules] == [f"{default}#{item['id'].lower()}" for item in rules]
    custom = "https://git.example.com/org/repo/blob/abc/docs/rules.md"
    rules = sarif(empty_result(), rules_doc=custom)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == f"{custom}#{rules[0]['id'].lower()}"


def test_every_rule_anchor_exists_in_the_generated_rules_documentation() -> None:
    """The bundled rules' help links land on a heading of docs/rules.md as GitHub renders it."""
    engine = load_engine(None, None)
    result = check(LoadedStack(resources=[], source="test"), engine, {})
    anchors = {_github_slug(line.lstrip("#")) for line in RULES_DOC.read_text().splitlines() if line.startswith("#")}
    links = [item["helpUri"] for item in sarif(result)["runs"][0]["tool"]["driver"]["rules"]]
    assert len(links) == len(load_policy_set(None).rules) > 30
    missing = [link for link in links if link.split("#", 1)[1] not in anchors]
    assert not missing


def _github_slug(heading: str) -> str:
    """GitHub's heading ids (github-slugger): lower case, drop punctuation but ``-`` and ``_``, spaces to ``-``."""
    kept = "".join(char for char in heading.strip().lower() if char.isalnum() or char in "-_ ")
    return kept.replace(" ", "-")


def test_rules_doc_is_the_repository_s_own_on_github_actions(tmp_path: Path) -> None:
    actions = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "f00d"}
    assert rules_doc_url(actions, tmp_path) == default_rules_doc()  # the repository documents no rules
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules.md").write_text("# rules\n")
    assert rules_doc_url(actions, tmp_path) == "https://github.com/acme/infra/blob/f00d/docs/rules.md"
    assert rules_doc_url({}, tmp_path) == default_rules_doc()
    assert default_rules_doc().endswith(f"/blob/v{lockdown.__version__}/docs/rules.md")


def test_source_root_is_the_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra" / "app").mkdir(parents=True)
    assert find_source_root(tmp_path / "repo" / "infra" / "app") == (tmp_path / "repo").resolve()
    (tmp_path / "worktree" / "sub").mkdir(parents=True)
    (tmp_path / "worktree" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/w\n")  # a worktree: .git is a file
    assert find_source_root(tmp_path / "worktree" / "sub") == (tmp_path / "worktree").resolve()
    (tmp_path / "plain").mkdir()
    assert find_source_root(tmp_path / "plain").parent == tmp_path.resolve()


def test_security_severity_falls_in_github_s_band_for_each_severity() -> None:
    bands = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}
    result = empty_result()
    result.rules = tuple(rule(f"LD-X-00{n}", severity=name) for n, name in enumerate(bands))
    for item in sarif(result)["runs"][0]["tool"]["driver"]["rules"]:
        low, high = bands[item["properties"]["severity"]]
        score = item["properties"]["security-severity"]
        assert isinstance(score, str) and low <= float(score) <= high
