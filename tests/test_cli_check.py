"""`lockdown check` end to end, as a user runs it: real CLI files in, reports and exit codes out."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
LEAKY = FIXTURES / "preview" / "python-v7-leaky.json"
LOCKED = FIXTURES / "preview" / "python-v7-locked.json"
TYPESCRIPT = FIXTURES / "preview" / "typescript-v6-component.json"
SECRETS_STATE = FIXTURES / "state" / "v7-export-with-secrets.json"
LEGACY_STATE = FIXTURES / "state" / "v6-legacy-inline-acl.json"


def lockdown(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args], capture_output=True, text=True, timeout=180, check=False
    )


def report(*args: str) -> tuple[int, dict]:
    done = lockdown("check", *args, "--format", "json")
    return done.returncode, json.loads(done.stdout)


def found(document: dict) -> set[tuple[str, str]]:
    return {(item["rule"], item["name"]) for item in document["findings"]}


def test_leaky_preview_is_blocked_naming_each_exposure() -> None:
    code, document = report("--preview-json", str(LEAKY))
    assert code == 1
    assert {("LD-S3-001", "keystrokes-policy"), ("LD-S3-004", "keystrokes-public-access")} <= found(document)
    assert {("LD-KMS-001", "capture-key"), ("LD-LOG-006", "keystrokes")} <= found(document)
    public = next(item for item in document["findings"] if item["rule"] == "LD-S3-001")
    assert "*" in public["message"] and public["blocking"] and public["remediation"]


def test_locked_down_preview_passes() -> None:
    code, document = report("--preview-json", str(LOCKED))
    assert code == 0
    assert document["summary"] == {"resources": 31, "findings": 0, "blocking": 0, "waived": 0}


def test_typescript_preview_with_v6_tokens_is_checked_like_a_python_one() -> None:
    code, document = report("--preview-json", str(TYPESCRIPT))
    assert code == 1
    assert {("LD-S3-001", "transcripts"), ("LD-S3-002", "transcripts")} <= found(document)


@pytest.mark.parametrize("state", [SECRETS_STATE, LEGACY_STATE])
def test_state_exports_are_checked(state: Path) -> None:
    code, document = report("--state", str(state))
    assert code == 1
    assert any(rule == "LD-S3-001" for rule, _ in found(document))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_no_secret_reaches_any_format(fmt: str) -> None:
    raw = json.loads(SECRETS_STATE.read_text())
    secrets = [
        value
        for resource in raw["deployment"]["resources"]
        for bag in (resource.get("inputs", {}), resource.get("outputs", {}))
        for value in _secret_payloads(bag)
    ]
    assert secrets, "the fixture holds secrets"
    done = lockdown("check", "--state", str(SECRETS_STATE), "--format", fmt, "--readers")
    assert done.returncode == 1
    for secret in secrets:
        assert secret not in done.stdout and secret not in done.stderr


def _secret_payloads(value: object) -> list[str]:
    if isinstance(value, dict):
        if value.get("4dabf18193072939515e22adb298388d"):
            return [str(value.get(key)) for key in ("ciphertext", "plaintext", "value") if value.get(key)]
        return [payload for item in value.values() for payload in _secret_payloads(item)]
    if isinstance(value, list):
        return [payload for item in value for payload in _secret_payloads(item)]
    return []


def test_settings_file_waivers_unblock_and_are_reported(tmp_path: Path) -> None:
    _, before = report("--preview-json", str(LEAKY))
    rules = sorted({item["rule"] for item in before["findings"] if item["blocking"]})
    expires = (date.today() + timedelta(days=30)).isoformat()
    accountable = {"owner": "platform", "ticket": "SEC-42", "approvers": ["alice", "bob"], "expires": expires}
    waivers = [{"rule": rule, "resource": "*", "reason": "SEC-42 accepted", **accountable} for rule in rules]
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"waivers": waivers}))
    code, after = report("--preview-json", str(LEAKY), "--settings", str(settings))
    assert code == 0
    assert after["summary"]["blocking"] == 0
    assert after["summary"]["waived"] == before["summary"]["blocking"]


def test_readers_report_names_who_can_read_each_store() -> None:
    code, document = report("--preview-json", str(LEAKY), "--readers")
    assert code == 1
    readers = document["readers"]
    assert any(entry["principal"] == "*" and not entry["allowed"] for entry in readers)


def test_output_file_is_written_whole_and_exit_code_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    done = lockdown("check", "--preview-json", str(LEAKY), "--format", "sarif", "--output", str(target))
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


@pytest.mark.parametrize("broken", sorted((FIXTURES / "preview" / "broken").iterdir()), ids=lambda p: p.name)
def test_broken_preview_exits_2_with_one_line_and_no_output(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    done = lockdown("check", "--preview-json", str(broken), "--format", "json", "--output", str(target))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(broken) in lines[0]
    # An incomplete run leaves no report behind for CI to upload as if it were one (issue 13).
    assert not target.exists()


@pytest.mark.parametrize("broken", sorted((FIXTURES / "state" / "broken").iterdir()), ids=lambda p: p.name)
def test_broken_state_exits_2_naming_the_file(broken: Path) -> None:
    done = lockdown("check", "--state", str(broken))
    assert done.returncode == 2
    assert str(broken) in done.stderr


def test_one_bad_source_does_not_hide_the_others() -> None:
    code, document = report(
        "--preview-json", str(LOCKED), "--state", str(FIXTURES / "state" / "broken" / "truncated.json")
    )
    assert code == 2
    assert document["summary"]["resources"] == 31 and len(document["errors"]) == 1


def test_a_preview_given_as_state_is_rejected() -> None:
    done = lockdown("check", "--state", str(LEAKY))
    assert done.returncode == 2 and str(LEAKY) in done.stderr


def test_missing_output_directory_is_an_error(tmp_path: Path) -> None:
    done = lockdown("check", "--preview-json", str(LOCKED), "--output", str(tmp_path / "no" / "such" / "dir.txt"))
    assert done.returncode == 2 and "output directory" in done.stderr
