"""Settings resolution (strictest defaults, lockdown: config, --settings wins) and waivers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lockdown.errors import LockdownError
from lockdown.settings import DEFAULTS, load_settings_file, resolve
from lockdown.waivers import find_waiver, parse_waivers


def test_missing_settings_take_their_strictest_meaning() -> None:
    settings = resolve({})
    assert settings["allowedReaders"] == []
    assert settings["defaultClassification"] == "restricted"
    assert settings == DEFAULTS


def test_stack_config_under_the_lockdown_namespace_is_read_and_json_strings_decoded() -> None:
    config = {
        "lockdown:allowedReaders": '["arn:aws:iam::111111111111:role/training"]',
        "lockdown:organizationId": "o-abc1234567",
        "aws:region": "eu-west-1",
        "pipeline:retention": "30",
    }
    settings = resolve(config)
    assert settings["allowedReaders"] == ["arn:aws:iam::111111111111:role/training"]
    assert settings["organizationId"] == "o-abc1234567"


def test_settings_file_wins_over_stack_config(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("allowedReaders:\n  - arn:aws:iam::111111111111:role/a\nlockdown:maxRetentionDays: 7\n")
    settings = resolve({"lockdown:allowedReaders": ["arn:aws:iam::111111111111:role/b"]}, load_settings_file(path))
    assert settings["allowedReaders"] == ["arn:aws:iam::111111111111:role/a"]
    assert settings["maxRetentionDays"] == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("allowedReaders: [unclosed", "not valid YAML"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("allowedReadres: []\n", "unknown Lockdown setting 'allowedReadres'"),
        ("maxRetentionDays: forever\n", "must be a whole number"),
        ("maxRetentionDays: 0\n", "must be a whole number of days, at least 1, got 0"),
        ("organizationId: [1]\n", "must be an AWS Organizations id"),
    ],
)
def test_bad_settings_files_fail_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    with pytest.raises(LockdownError, match=message) as caught:
        resolve({}, load_settings_file(path), origin=str(path))
    assert "\n" not in str(caught.value)


def test_unreadable_settings_file(tmp_path: Path) -> None:
    with pytest.raises(LockdownError, match="cannot read settings file"):
        load_settings_file(tmp_path / "missing.yaml")


def test_waivers_match_rule_and_resource_glob_and_expire() -> None:
    entries = [
        {"rule": "LD-S3-001", "resource": "*::raw-bucket", "reason": "migration", "expires": "2030-01-01"},
        {"rule": "LD-S3-002", "resource": "old", "reason": "legacy", "expires": date(2020, 1, 1)},
    ]
    active, warnings = parse_waivers(entries, date(2026, 11, 29))
    assert len(active) == 1 and "expired on 2020-01-01" in warnings[0]
    assert find_waiver(active, "LD-S3-001", "urn:pulumi:dev::p::aws:s3/bucket:Bucket::raw-bucket", "raw-bucket")
    assert find_waiver(active, "LD-S3-003", "urn:pulumi:dev::p::aws:s3/bucket:Bucket::raw-bucket", "raw-bucket") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"rule": "LD-1", "resource": "x", "expires": "2030-01-01"}, "missing reason"),
        ({"rule": "LD-1", "resource": "x", "reason": "r", "expires": "soon"}, "must be a date"),
        ("LD-1", "must be a mapping"),
    ],
)
def test_bad_waivers_are_errors(entry, message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        parse_waivers([entry], date(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accountIds: [012345670123]\n", "quote account ids"),
        ("accountIds: ['1234']\n", "quoted 12-digit AWS account ids, got '1234'"),
    ],
)
def test_account_ids_must_be_twelve_digit_strings(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    with pytest.raises(LockdownError, match=message):
        resolve({}, load_settings_file(path))


def test_yaml_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("allowedReaders:\n  - a\n bad: [\n")
    with pytest.raises(LockdownError, match=r"not valid YAML: line \d+: "):
        load_settings_file(path)


def test_a_waiver_expiry_written_as_a_datetime_is_a_date() -> None:
    from datetime import datetime

    entry = {"rule": "LD-1", "resource": "x", "reason": "r", "expires": datetime(2030, 1, 1, 10, 0)}
    active, _ = parse_waivers([entry], date(2026, 1, 1))
    assert active[0].expires == date(2030, 1, 1)


def test_errors_name_where_the_bad_value_came_from(tmp_path: Path) -> None:
    with pytest.raises(LockdownError, match=r"^preview\.json: unknown Lockdown setting 'allowReaders'"):
        resolve(
            {"lockdown:allowReaders": "[]"},
            {"organizationId": "o-abc1234567"},
            origin="s.yaml",
            config_origin="preview.json",
        )
    with pytest.raises(LockdownError, match=r"^s\.yaml: setting 'maxRetentionDays' must be a whole number of days"):
        resolve({}, {"maxRetentionDays": -1}, origin="s.yaml", config_origin="preview.json")
