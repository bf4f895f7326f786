"""Waivers: accountable fields, expiry on a frozen date, two approvers for critical rules, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from lockdown.engine import load_engine
from lockdown.errors import LockdownError
from lockdown.findings import check
from lockdown.settings import load_settings_file, resolve
from lockdown.waivers import find_waiver, load_waivers, parse_waivers, read_waivers_file
from tests.policy_fixtures import write_rule
from tests.test_check_core import stack

TODAY = date(2026, 12, 3)


def waiver(**changes: object) -> dict:
    entry = {
        "rule": "LD-DEMO-001",
        "resource": "bad",
        "reason": "legacy bucket, migration in progress",
        "owner": "data-platform",
        "ticket": "SEC-42",
        "approver": "alice",
        "expires": "2027-01-15",
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


@pytest.fixture
def engine(tmp_path: Path):
    write_rule(tmp_path)
    write_rule(tmp_path, package="public", rule_id="LD-DEMO-009", bad="public", severity="critical")
    return load_engine(tmp_path)


def run(engine, names: tuple[str, ...], entries: list, today: date = TODAY):
    return check(stack(*names), engine, resolve({}, {"waivers": entries}), today=today)


def test_a_waived_finding_stays_reported_with_its_reason_and_does_not_block(engine) -> None:
    result = run(engine, ("bad",), [waiver()])
    assert result.exit_code == 0
    [finding] = result.findings
    assert not finding.blocking
    assert finding.waiver["reason"] == "legacy bucket, migration in progress"
    assert finding.waiver["owner"] == "data-platform" and finding.waiver["approvers"] == ["alice"]
    assert result.waivers[0]["matched"] == 1 and result.waivers[0]["days_left"] == 43


def test_a_waiver_stops_applying_on_its_expiry_date_and_the_finding_says_so(engine) -> None:
    entries = [waiver(expires="2026-12-10")]
    day_before = run(engine, ("bad",), entries, today=date(2026, 12, 9))
    assert day_before.exit_code == 0
    on_the_day = run(engine, ("bad",), entries, today=date(2026, 12, 10))
    assert on_the_day.exit_code == 1
    [finding] = on_the_day.findings
    assert finding.blocking and finding.waiver is None
    assert "waiver for this finding (SEC-42, owner data-platform) ran out on 2026-12-10" in finding.message
    assert any("expired on 2026-12-10" in warning for warning in on_the_day.warnings)
    assert on_the_day.waivers == []


def test_a_waiver_expiring_within_14_days_is_a_warning(engine) -> None:
    soon = run(engine, ("bad",), [waiver(expires="2026-12-17")])
    assert any("expires in 14 days (2026-12-17)" in warning for warning in soon.warnings)
    later = run(engine, ("bad",), [waiver(expires="2026-12-18")])
    assert not any("expires in" in warning for warning in later.warnings)


def test_a_waiver_may_run_90_days_and_not_one_more() -> None:
    assert parse_waivers([waiver(expires=TODAY + timedelta(days=90))], TODAY)[0]
    with pytest.raises(LockdownError, match="more than 90 days ahead"):
        parse_waivers([waiver(expires=TODAY + timedelta(days=91))], TODAY)
    with pytest.raises(LockdownError, match="more than 90 days ahead"):
        parse_waivers([waiver(resource="*", expires="9999-12-31")], TODAY)


def test_critical_rules_need_two_distinct_approvers(engine) -> None:
    one = waiver(rule="LD-DEMO-009", resource="public")
    with pytest.raises(LockdownError, match="critical rule LD-DEMO-009: it needs 2 distinct approvers, has 1"):
        run(engine, ("public",), [one])
    same_twice = waiver(rule="LD-DEMO-009", resource="public", approver=["alice", "Alice "])
    with pytest.raises(LockdownError, match="has 1"):
        run(engine, ("public",), [same_twice])
    two = waiver(rule="LD-DEMO-009", resource="public", approver=None, approvers=["alice", "bob"])
    assert run(engine, ("public",), [two]).exit_code == 0
    # a high-severity rule needs one
    assert run(engine, ("bad",), [waiver()]).exit_code == 0


def test_a_waiver_for_a_rule_that_does_not_exist_is_an_error(engine) -> None:
    with pytest.raises(LockdownError, match="names rule 'LD-NOPE-001', which does not exist"):
        run(engine, ("bad",), [waiver(rule="LD-NOPE-001")])


def test_a_waiver_matching_no_finding_is_reported_unmatched(engine) -> None:
    result = run(engine, ("bad",), [waiver(), waiver(resource="other")])
    assert result.unmatched_waivers() == [
        "settings: waiver 2 (LD-DEMO-001 on other) matches no finding: remove or fix it"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owner": None}, "waiver 1 is missing owner"),
        ({"ticket": " "}, "waiver 1 is missing ticket"),
        ({"approver": []}, "waiver 1 is missing approver"),
        ({"reason": None, "expires": None}, "waiver 1 is missing reason, expires"),
        ({"expires": "soon"}, "expires must be a date"),
        ({"owner": ["a"]}, "owner must be text"),
        ({"approved_by": "x"}, "unknown field 'approved_by'"),
        ({"approvers": ["bob"]}, "both approver and approvers"),
    ],
)
def test_malformed_waivers_are_errors(changes: dict, message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        parse_waivers([waiver(**changes)], TODAY)


def test_a_waiver_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(LockdownError, match="must be a mapping"):
        parse_waivers(["LD-1"], TODAY)


def test_unquoted_yaml_dates_are_dates_and_settings_stay_json(tmp_path: Path) -> None:
    """An unquoted ``expires: 2027-01-15`` is a YAML date: it must neither crash nor be refused."""
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump({"waivers": [waiver(expires=date(2027, 1, 15))]}))
    assert "expires: 2027-01-15\n" in path.read_text()
    settings = resolve({}, load_settings_file(path))
    assert settings["waivers"][0]["expires"] == "2027-01-15"
    active, _ = parse_waivers(settings["waivers"], TODAY)
    assert active[0].expires == date(2027, 1, 15)
    stamp = load_waivers([waiver(expires=datetime(2027, 1, 15, 10, 0))], TODAY)
    assert stamp.active[0].expires == date(2027, 1, 15)


def test_globs_match_the_urn_or_the_name() -> None:
    active, _ = parse_waivers([waiver(resource="urn:pulumi:dev::*::raw-*")], TODAY)
    urn = "urn:pulumi:dev::p::aws:s3/bucket:Bucket::raw-bucket"
    assert find_waiver(active, "LD-DEMO-001", urn, "raw-bucket")
    assert find_waiver(active, "LD-DEMO-002", urn, "raw-bucket") is None
    assert find_waiver(active, "LD-DEMO-001", urn.replace("dev", "prod"), "raw-bucket") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- rule: x\n", "must be a YAML mapping with one key, 'waivers'"),
        ("waivers: {rule: x}\n", "'waivers' must be a list"),
        ("waivers: [\n", "not valid YAML: line"),
    ],
)
def test_bad_waivers_files_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    with pytest.raises(LockdownError, match=message):
        read_waivers_file(path)
