"""The capture processor's redaction: what reaches the raw bucket must hold no secrets.

The Lambda code is loaded from infra/capture_processor/handler.py by path (it is deployed
as a standalone file, not as part of a package).
"""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HANDLER = Path(__file__).resolve().parents[2] / "infra" / "capture_processor" / "handler.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lockdown_capture_processor", HANDLER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


h = _load()


def record(event: Any, record_id: str = "r1") -> dict[str, str]:
    data = base64.b64encode(json.dumps(event).encode()).decode()
    return {"recordId": record_id, "data": data, "approximateArrivalTimestamp": 1764400000000}


def stored(result: dict[str, Any]) -> dict[str, Any]:
    assert result["result"] == "Ok"
    raw = base64.b64decode(result["data"]).decode("utf-8")
    assert raw.endswith("\n") and raw.count("\n") == 1  # one JSON object per line
    return json.loads(raw)


def run(*events: Any) -> list[dict[str, Any]]:
    return h.handler({"records": [record(e, f"r{i}") for i, e in enumerate(events)]}, None)["records"]


# ---- password and secret fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {"event": "keystroke", "field": {"type": "password", "name": "login"}, "keys": "hunter2"},
        {"event": "keystroke", "field_type": "password", "text": "hunter2"},
        {"event": "keystroke", "input_type": "current-password", "keys": "hunter2"},
        {"event": "keystroke", "field": {"type": "text", "is_password": True}, "keys": "hunter2"},
        {"event": "keystroke", "secure_input": True, "keys": "hunter2"},
        {"event": "change", "field": {"type": "otp", "value": "hunter2"}},
    ],
)
def test_password_field_content_never_reaches_storage(event: dict[str, Any]) -> None:
    (result,) = run(event)
    out = stored(result)
    assert "hunter2" not in json.dumps(out)
    assert h.PASSWORD in json.dumps(out)
    assert out["redacted"] == "password"
    assert out["event"] == event["event"]  # metadata survives


def test_secret_named_keys_are_blanked_anywhere() -> None:
    event = {
        "event": "form_submit",
        "form": {
            "username": "jdoe",
            "Password": "hunter2",
            "nested": [{"api_key": "AKIA123"}, {"sessionId": "s3cr3t"}],
        },
        "headers": {"Authorization": "Bearer xyz"},
    }
    out = stored(run(event)[0])
    text = json.dumps(out)
    for secret in ("hunter2", "AKIA123", "Bearer xyz"):
        assert secret not in text
    assert out["form"]["username"] == "jdoe"
    assert out["form"]["Password"] == h.SECRET


# ---- private messages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {
            "event": "screen_text",
            "application": "Slack",
            "channel_type": "direct_message",
            "screen_text": "meet me at 6",
        },
        {"event": "keystroke", "application": "Notes", "is_private": True, "keys": "meet me at 6"},
        {"event": "screen_text", "application": "WhatsApp", "window_title": "Mum", "screen_text": "meet me at 6"},
        {"event": "keystroke", "app": "teams", "conversation_type": "group_dm", "text": "meet me at 6"},
    ],
)
def test_private_message_content_is_removed_but_metadata_kept(event: dict[str, Any]) -> None:
    out = stored(run(event)[0])
    assert "meet me at 6" not in json.dumps(out)
    assert out["redacted"] == "private-message"
    assert out.get("application", out.get("app")) == event.get("application", event.get("app"))


def test_public_channel_in_a_messaging_app_keeps_its_text() -> None:
    event = {
        "event": "screen_text",
        "application": "Slack",
        "channel_type": "public_channel",
        "screen_text": "deploy at 6",
    }
    out = stored(run(event)[0])
    assert out["screen_text"] == "deploy at 6" and "redacted" not in out


# ---- personal identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "identifier", "placeholder"),
    [
        ("mail jane.doe+hr@example.co.uk today", "jane.doe+hr@example.co.uk", "[EMAIL]"),
        ("call +44 20 7946 0958 now", "7946 0958", "[PHONE]"),
        ("call (555) 123-4567 now", "123-4567", "[PHONE]"),
        ("card 4111 1111 1111 1111 exp", "4111 1111 1111 1111", "[CARD]"),
        ("ssn 123-45-6789", "123-45-6789", "[NATIONAL-ID]"),
        ("iban GB82 WEST 1234 5698 7654 32", "GB82 WEST", "[IBAN]"),
        ("host 192.168.10.20 down", "192.168.10.20", "[IP]"),
    ],
)
def test_personal_identifiers_in_text_become_placeholders(text: str, identifier: str, placeholder: str) -> None:
    out = stored(run({"event": "screen_text", "application": "Browser", "screen_text": text})[0])
    assert identifier not in out["screen_text"]
    assert placeholder in out["screen_text"]


def test_identifiers_are_redacted_in_every_string_field() -> None:
    event = {"event": "click", "window_title": "Inbox - jane@example.com", "target": {"label": "Call 555-123-4567"}}
    text = json.dumps(stored(run(event)[0]))
    assert "jane@example.com" not in text and "555-123-4567" not in text


@pytest.mark.parametrize("text", ["order 12345 shipped", "on 2026-11-29 at 10:30", "version 3.2 ready", "x=10 y=20"])
def test_ordinary_text_is_kept(text: str) -> None:
    assert h.redact_text(text) == text


def test_mouse_events_pass_unchanged() -> None:
    event = {"event": "mouse_move", "x": 100, "y": 200, "timestamp": "2026-11-29T08:41:58Z", "device_id": "ws-042"}
    assert stored(run(event)[0]) == event


# ---- Firehose contract ---------------------------------------------------------------------------


def test_firehose_round_trip_keeps_record_ids_and_order() -> None:
    events = [{"event": "click", "n": i} for i in range(5)]
    results = run(*events)
    assert [r["recordId"] for r in results] == [f"r{i}" for i in range(5)]
    assert [stored(r) for r in results] == events


@pytest.mark.parametrize(
    "data",
    [
        "not base64!!",
        base64.b64encode(b"\xff\xfe not utf-8").decode(),
        base64.b64encode(b"{not json").decode(),
        base64.b64encode(b'["a list", "not an object"]').decode(),
        base64.b64encode(b'"password hunter2"').decode(),
    ],
)
def test_malformed_records_fail_and_are_never_passed_through(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    (result,) = h.handler({"records": [{"recordId": "bad", "data": data}]}, None)["records"]
    assert result == {"recordId": "bad", "result": "ProcessingFailed", "data": ""}
    logged = capsys.readouterr().out
    assert "hunter2" not in logged and "bad" in logged  # the log names the record, never its content


def test_one_bad_record_does_not_fail_the_batch() -> None:
    batch = {"records": [record({"event": "click"}, "ok"), {"recordId": "bad", "data": "%%%"}]}
    results = h.handler(batch, None)["records"]
    assert [(r["recordId"], r["result"]) for r in results] == [("ok", "Ok"), ("bad", "ProcessingFailed")]


def test_redaction_error_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("bug in redaction")

    monkeypatch.setattr(h, "redact_event", boom)
    (result,) = run({"event": "keystroke", "keys": "hunter2"})
    assert result["result"] == "ProcessingFailed" and result["data"] == ""


def test_not_a_firehose_event_is_an_error() -> None:
    with pytest.raises(ValueError, match="Firehose"):
        h.handler({"Records": []}, None)
