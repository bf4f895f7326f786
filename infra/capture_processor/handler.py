"""Firehose processing Lambda: redact captures before anything is stored.

Workstation agents put one JSON object per interaction event into the Firehose stream
(keystrokes, clicks, mouse movements, screen transcriptions). Firehose hands batches of
base64-encoded records to this function; what it returns as ``Ok`` is what lands in the
raw bucket. Redaction, in order:

1. **Password and secret fields**: an event typed into a password/secret field, or any key
   whose name says it holds a secret, loses its content entirely.
2. **Private-message content**: events from direct/private conversations (by channel type,
   or by a messaging application and a private window) keep their metadata but lose all text.
3. **Personal identifiers** in the text that remains: e-mail addresses, phone numbers,
   payment card numbers (Luhn-checked), national identifiers, IBANs and IP addresses become
   typed placeholders (``[EMAIL]``, ``[PHONE]`` ...).

A record that is not base64, not UTF-8 JSON, not an object, or that fails redaction is
returned as ``ProcessingFailed`` with no content: it is never passed through as ``Ok``.
(Firehose then writes the *original* record under ``processing-failed/`` in the raw bucket,
which is restricted to the privacy auditor and expires with the raw retention, so a
redaction bug is investigated rather than silently losing or leaking data.)

Standard library only: the function has no network access (private subnets, no egress).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

PASSWORD = "[REDACTED:password]"
SECRET = "[REDACTED:secret]"
PRIVATE_MESSAGE = "[REDACTED:private-message]"

#: Keys whose values are free text typed or seen by the employee.
TEXT_KEYS = frozenset(
    {
        "text",
        "keys",
        "value",
        "screen_text",
        "transcript",
        "content",
        "message",
        "body",
        "title",
        "window_title",
        "clipboard",
    }
)
#: Field types of the focused input that hold secrets.
SECRET_FIELD_TYPES = frozenset(
    {"password", "secret", "pin", "otp", "one-time-code", "current-password", "new-password"}
)
#: Key names that hold a secret wherever they appear.
SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|credential|private[_-]?key|otp|pin(code)?|cvv|cvc|session[_-]?id|cookie|authorization)$",
    re.IGNORECASE,
)
#: Channel types that mark a conversation as private.
PRIVATE_CHANNELS = frozenset({"direct", "direct_message", "dm", "im", "mpim", "private", "private_message", "group_dm"})
#: Applications whose conversations are private unless marked as a public channel.
MESSAGING_APPS = frozenset(
    {
        "slack",
        "teams",
        "microsoft teams",
        "signal",
        "whatsapp",
        "telegram",
        "messages",
        "imessage",
        "discord",
        "skype",
        "zoom chat",
    }
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}(?!\w)")
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")


class MalformedRecord(ValueError):
    """A record that cannot be decoded into a JSON object."""


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[CARD]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    if _DATE.match(found):
        return found  # a date such as 2026-11-29, not a phone number
    # Seven or more digits written as a phone number; shorter runs are counts, times, ids.
    return "[PHONE]" if len(re.sub(r"\D", "", found)) >= 7 else found


def redact_text(text: str) -> str:
    """Replace personal identifiers in free text with typed placeholders (order matters)."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IBAN.sub("[IBAN]", text)
    text = _CARD.sub(_card, text)
    text = _SSN.sub("[NATIONAL-ID]", text)
    text = _IPV4.sub("[IP]", text)
    text = _PHONE.sub(_phone, text)
    return text


def _is_password_event(event: dict[str, Any]) -> bool:
    field = event.get("field")
    field_type = field.get("type") if isinstance(field, dict) else event.get("field_type", event.get("input_type"))
    if isinstance(field_type, str) and field_type.lower() in SECRET_FIELD_TYPES:
        return True
    if isinstance(field, dict) and (field.get("is_password") is True or field.get("secure") is True):
        return True
    return event.get("is_password") is True or event.get("secure_input") is True


def _is_private_message(event: dict[str, Any]) -> bool:
    channel = event.get("channel_type", event.get("conversation_type"))
    if isinstance(channel, str) and channel.lower() in PRIVATE_CHANNELS:
        return True
    if event.get("is_private") is True:
        return True
    app = event.get("application", event.get("app"))
    if isinstance(app, str) and app.lower() in MESSAGING_APPS:
        # In a messaging application, anything not explicitly a public channel is private.
        return not (isinstance(channel, str) and channel.lower() in {"public", "public_channel", "channel"})
    return False


def _blank_text(value: Any, replacement: str) -> Any:
    """Replace every text leaf under a key in TEXT_KEYS (recursively) with ``replacement``."""
    if isinstance(value, dict):
        return {
            k: (replacement if k.lower() in TEXT_KEYS and value[k] is not None else _blank_text(v, replacement))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blank_text(v, replacement) for v in value]
    return value


def _scrub(value: Any) -> Any:
    """Secret-named keys lose their values; all remaining strings lose personal identifiers."""
    if isinstance(value, dict):
        return {
            k: (SECRET if isinstance(k, str) and SECRET_KEY.search(k) and value[k] is not None else _scrub(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as it may be stored."""
    redacted = dict(event)
    if _is_password_event(redacted):
        redacted = _blank_text(redacted, PASSWORD)
        redacted["redacted"] = "password"
    elif _is_private_message(redacted):
        redacted = _blank_text(redacted, PRIVATE_MESSAGE)
        redacted["redacted"] = "private-message"
    return _scrub(redacted)


def decode_record(data: str) -> dict[str, Any]:
    """Firehose record data (base64 of UTF-8 JSON) to an event object."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError, TypeError) as err:
        raise MalformedRecord("record data is not base64") from err
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MalformedRecord("record is not UTF-8 JSON") from err
    if not isinstance(event, dict):
        raise MalformedRecord("record is not a JSON object")
    return event


def encode_record(event: dict[str, Any]) -> str:
    """One JSON object per line, so Glue and Athena read the delivered objects directly."""
    line = json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n"
    return base64.b64encode(line.encode("utf-8")).decode("ascii")


def process_record(record: dict[str, Any]) -> dict[str, Any]:
    """One Firehose record to its transformation result. Never returns unredacted content."""
    record_id = record.get("recordId", "")
    try:
        event = decode_record(record.get("data", ""))
        return {"recordId": record_id, "result": "Ok", "data": encode_record(redact_event(event))}
    except Exception as err:  # noqa: BLE001 - fail closed: whatever went wrong, nothing passes through
        # Only the error class is logged: never the record, which may hold what we failed to redact.
        print(json.dumps({"level": "WARN", "recordId": record_id, "error": type(err).__name__}))
        return {"recordId": record_id, "result": "ProcessingFailed", "data": ""}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point for Firehose data transformation."""
    records = event.get("records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise ValueError("not a Firehose transformation event")
    return {"records": [process_record(r if isinstance(r, dict) else {}) for r in records]}
