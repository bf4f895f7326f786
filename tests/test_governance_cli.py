"""Waivers files, baselines and `lockdown waivers list` through the command line, on a frozen date."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lockdown import waivers
from lockdown.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
LEAKY = FIXTURES / "preview" / "python-v7-leaky.json"
TODAY = date(2026, 12, 3)
PREFIX = "urn:pulumi:dev::capture-pipeline::"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waivers, "today", lambda: TODAY)


def run(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.stdout, done.stderr


def check_json(*args: str) -> tuple[int, dict]:
    code, out, err = run("check", "--format", "json", *args)
    assert out, err
    return code, json.loads(out)


def accountable(rule: str, resource: str, **changes: object) -> dict:
    entry = {
        "rule": rule,
        "resource": resource,
        "reason": "legacy",
        "owner": "data-platform",
        "ticket": "SEC-1",
        "approvers": ["alice", "bob"],
        "expires": "2027-01-10",
    }
    return {**entry, **changes}


def write_waivers(path: Path, *entries: dict) -> Path:
    path.write_text(yaml.safe_dump({"waivers": list(entries)}, sort_keys=False))
    return path


def test_a_waivers_file_unblocks_for_its_lifetime_then_the_finding_blocks_again(tmp_path, monkeypatch) -> None:
    _, before = check_json("--preview-json", str(LEAKY))
    blocking = sorted({(f["rule"], f["name"]) for f in before["findings"] if f["blocking"]})
    entries = [accountable(rule, name) for rule, name in blocking]
    path = write_waivers(tmp_path / "w.yaml", *entries)
    code, after = check_json("--preview-json", str(LEAKY), "--waivers", str(path))
    assert code == 0 and after["summary"]["waived"] == before["summary"]["blocking"]
    monkeypatch.setattr(waivers, "today", lambda: date(2027, 1, 10))
    code, expired = check_json("--preview-json", str(LEAKY), "--waivers", str(path))
    assert code == 1 and expired["summary"]["blocking"] == before["summary"]["blocking"]
    assert all("ran out on 2027-01-10" in f["message"] for f in expired["findings"] if f["blocking"])


def test_the_default_waivers_file_is_read_and_warns_when_expiry_is_near(tmp_path, monkeypatch) -> None:
    write_waivers(tmp_path / "waivers.yaml", accountable("LD-S3-001", "keystrokes-policy", expires="2026-12-10"))
    monkeypatch.chdir(tmp_path)
    code, document = check_json("--preview-json", str(LEAKY))
    assert code == 1  # the other findings still block
    waived = [f for f in document["findings"] if f["waiver"]]
    assert [(f["rule"], f["name"]) for f in waived] == [("LD-S3-001", "keystrokes-policy")]
    assert any("waivers.yaml: waiver 1" in w and "expires in 7 days (2026-12-10)" in w for w in document["warnings"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (accountable("LD-S3-001", "no-such-resource"), "waiver 1 (LD-S3-001 on no-such-resource) matches no finding"),
        (accountable("LD-S3-001", "*", expires="9999-12-31"), "more than 90 days ahead"),
        (accountable("LD-NOPE-001", "*"), "names rule 'LD-NOPE-001', which does not exist"),
        (accountable("LD-S3-001", "*", approvers=["alice"]), "needs 2 distinct approvers, has 1"),
        ({"rule": "LD-S3-001", "resource": "*", "reason": "r", "expires": "2027-01-01"}, "missing owner, ticket"),
    ],
)
def test_a_bad_waiver_is_one_line_exit_2_and_nothing_written(tmp_path: Path, entry: dict, message: str) -> None:
    path = write_waivers(tmp_path / "w.yaml", entry)
    output = tmp_path / "report.md"
    code, out, err = run("check", "--preview-json", str(LEAKY), "--waivers", str(path), "--output", str(output))
    assert code == 2 and not out
    assert message in err and len(err.strip().splitlines()) == 1 and err.startswith("lockdown: error: ")
    assert not output.exists()


def test_an_unquoted_yaml_date_in_settings_works(tmp_path: Path) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "waivers:\n  - {rule: LD-S3-001, resource: keystrokes-policy, reason: r, owner: o, ticket: T-1,\n"
        "     approvers: [a, b], expires: 2027-01-01}\n"
    )
    code, document = check_json("--preview-json", str(LEAKY), "--settings", str(settings))
    assert code == 1
    assert [f["waiver"]["expires"] for f in document["findings"] if f["waiver"]] == ["2027-01-01"]


def test_waivers_list_shows_days_left_soonest_first(tmp_path: Path) -> None:
    path = write_waivers(
        tmp_path / "w.yaml",
        accountable("LD-S3-001", "keystrokes-policy", expires="2027-02-01"),
        accountable("LD-S3-004", "*", expires="2026-12-10", approvers=["carol"]),
        accountable("LD-KMS-002", "*", expires="2026-12-01", approvers=["carol"]),
    )
    code, out, _ = run("waivers", "list", "--waivers", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["status", "days", "left"]
    assert [line.split("  ")[0] for line in lines[1:]] == ["expired", "expires soon", "in force"]
    assert " 7 " in lines[2] and "60" in lines[3] and "LD-S3-004" in lines[2]
    code, out, _ = run("waivers", "list", "--waivers", str(path), "--format", "json")
    assert [entry["days_left"] for entry in json.loads(out)["waivers"]] == [0, 7, 60]
    bad = write_waivers(tmp_path / "bad.yaml", accountable("LD-S3-001", "*", approvers=["alice"]))
    code, _, err = run("waivers", "list", "--waivers", str(bad))
    assert code == 2 and "distinct approvers" in err


def changed_stack(tmp_path: Path, *, new_bucket: bool) -> Path:
    """The leaky preview with unrelated changes: steps reordered, a key's description edited, maybe a new bucket."""
    document = json.loads(LEAKY.read_text())
    steps = list(reversed(document["steps"]))
    for step in steps:
        if step["urn"].endswith("::capture-key"):
            step["newState"]["inputs"]["description"] = "edited in an unrelated change"
    if new_bucket:
        bucket = copy.deepcopy(next(s for s in steps if s["urn"] == PREFIX + "aws:s3/bucket:Bucket::keystrokes"))
        bucket["urn"] = bucket["newState"]["urn"] = PREFIX + "aws:s3/bucket:Bucket::screenshots"
        bucket["newState"]["inputs"]["bucket"] = "screenshots"
        steps.append(bucket)
    document["steps"] = steps
    path = tmp_path / f"changed-{new_bucket}.json"
    path.write_text(json.dumps(document))
    return path


def test_a_baseline_keeps_existing_findings_advisory_across_unrelated_changes(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, original = check_json("--preview-json", str(LEAKY), "--write-baseline", str(baseline))
    assert code == 1
    recorded = json.loads(baseline.read_text())
    assert recorded["format"] == "lockdown-baseline/1" and recorded["created"] == "2026-12-03"
    assert {(e["urn"], e["rule"]) for e in recorded["findings"]} == {
        (f["urn"], f["rule"]) for f in original["findings"]
    }

    code, same = check_json(
        "--preview-json", str(changed_stack(tmp_path, new_bucket=False)), "--baseline", str(baseline)
    )
    assert code == 0 and same["summary"]["blocking"] == 0
    assert len(same["findings"]) == len(original["findings"])
    assert all(f["baselined"] for f in same["findings"])

    code, grown = check_json(
        "--preview-json", str(changed_stack(tmp_path, new_bucket=True)), "--baseline", str(baseline)
    )
    assert code == 1
    blocking = {f["name"] for f in grown["findings"] if f["blocking"]}
    assert blocking == {"screenshots"}
    assert {f["name"] for f in grown["findings"] if not f["baselined"]} == {"screenshots"}
    # recording again from the reordered stack gives the same baseline, byte for byte
    again = tmp_path / "again.json"
    check_json("--preview-json", str(changed_stack(tmp_path, new_bucket=False)), "--write-baseline", str(again))
    assert again.read_text() == baseline.read_text()


def test_baseline_findings_are_listed_apart_in_the_comment(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run("check", "--preview-json", str(LEAKY), "--write-baseline", str(baseline), "--format", "json")
    code, out, _ = run("check", "--preview-json", str(LEAKY), "--baseline", str(baseline), "--format", "markdown")
    assert code == 0
    assert "<summary>Existing findings in the baseline (" in out and "### Blocking findings" not in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "baseline is not valid JSON"),
        ('{"findings": []}', "not a Lockdown baseline"),
        (
            '{"format": "lockdown-baseline/1", "findings": [{"urn": "u"}]}',
            "baseline finding 1 must have a urn and a rule",
        ),
    ],
)
def test_a_bad_baseline_is_one_line_exit_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    code, out, err = run("check", "--preview-json", str(LEAKY), "--baseline", str(path))
    assert code == 2 and message in err and not out


def test_no_baseline_is_written_when_the_check_could_not_finish(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    baseline = tmp_path / "baseline.json"
    code, _, err = run(
        "check", "--preview-json", str(LEAKY), "--preview-json", str(broken), "--write-baseline", str(baseline)
    )
    assert code == 2 and "baseline not written" in err and not baseline.exists()


def test_an_unquoted_yaml_date_in_a_stack_file_works(tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(Path(__file__).parent / "programs" / "aws-v6", program)
    with (program / "Pulumi.test.yaml").open("a") as stack_file:
        stack_file.write(
            "  lockdown:waivers:\n    - rule: LD-S3-001\n      resource: legacy-policy\n      reason: r\n"
            "      owner: o\n      ticket: T-1\n      approvers: [a, b]\n      expires: 2027-01-01\n"
        )
    code, document = check_json("--program", str(program), "--stack", "test")
    assert code == 1
    assert [(f["rule"], f["waiver"]["expires"]) for f in document["findings"] if f["waiver"]] == [
        ("LD-S3-001", "2027-01-01")
    ]


def test_waivers_list_with_no_waivers_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("waivers", "list")[:2] == (0, "no waivers\n")
