"""Settings resolution (strictest defaults, lockdown: config, --settings wins); waivers: test_waivers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockdown.errors import LockdownError
from lockdown.settings import DEFAULTS, load_settings_file, resolve


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
