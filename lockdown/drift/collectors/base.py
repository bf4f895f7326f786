"""What every collector shares: scan context, tasks, outcomes and the "could not read" record.

A collector never raises for an AWS error: a read it cannot make becomes an ``Incomplete``
entry naming the service, region, resource and error, so the report can say exactly what was
not read instead of calling it compliant. A read whose error means "not configured"
(``NoSuchBucketPolicy``) is not an error: it is the answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.model import UNKNOWN, Resource, make_urn

T = TypeVar("T")
#: The errors a read can end with; anything else is a bug, reported unread by the scanner.
AWS_ERRORS = (ClientError, BotoCoreError)


class Clients(Protocol):
    """Hands out boto3 clients; the scanner gives each worker thread its own."""

    def get(self, service: str, region: str) -> Any: ...


@dataclass(frozen=True)
class ScanContext:
    """Who and where is scanned, and how live records are named."""

    account_id: str
    regions: tuple[str, ...]
    stack: str
    project: str
    partition: str = "aws"


@dataclass(frozen=True)
class Incomplete:
    """One read the scan could not make. ``kind``/``identity`` say which desired records it hides
    (``identity`` None: every record of that kind in the region)."""

    service: str
    region: str
    resource: str
    error: str
    kind: str | None = None
    identity: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "region": self.region, "resource": self.resource, "error": self.error}


@dataclass
class Outcome:
    """What one task produced: records, unread resources, and follow-up tasks."""

    resources: list[Resource] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    """A unit of concurrent work: usually one resource's reads, or one listing."""

    label: str
    run: Callable[[Clients], Outcome]


@dataclass
class Reads:
    """The reads one task makes in one service and region, and what they produced.

    Every collector repeats one shape: make a read; on an AWS error note exactly what was not
    read (an ``Incomplete``) instead of raising; fan a listing out into one task per item. This
    is that shape once, so no collector can forget to note a failed read.
    """

    service: str
    region: str
    outcome: Outcome = field(default_factory=Outcome)

    def attempt(
        self, what: str, call: Callable[[], T], kinds: tuple[str | None, ...] = (None,), identity: str | None = None
    ) -> T | None:
        """``call()``; on an AWS error, ``None`` after noting ``what`` unread for each of ``kinds``.

        A read that answers nothing (``None``) is noted unread too: ``None`` always means "not read".
        """
        try:
            value = call()
        except AWS_ERRORS as err:
            self._unread(what, error_text(err), kinds, identity)
            return None
        if value is None:
            self._unread(what, "empty response", kinds, identity)
        return value

    def _unread(self, what: str, error: str, kinds: tuple[str | None, ...], identity: str | None) -> None:
        self.outcome.incomplete.extend(
            Incomplete(self.service, self.region, what, error, kind, identity) for kind in kinds
        )

    def fan_out(
        self, what: str, listing: Callable[[], list[T]], task: Callable[[T], Task], kinds: tuple[str, ...]
    ) -> bool:
        """One task per listed item; a failed listing is noted as ``"<what> (listing)"``. Returns success."""
        items = self.attempt(f"{what} (listing)", listing, kinds)
        self.outcome.tasks += [task(item) for item in items or []]
        return items is not None

    def read_property(
        self, resource: Resource, prop: str, what: str, call: Callable[[], Any], kind: str, identity: str
    ) -> bool:
        """Set ``prop`` from a read; when it fails the property is ``UNKNOWN`` (never a guessed value)."""
        try:
            resource.properties[prop] = call()
            return True
        except AWS_ERRORS as err:
            resource.properties[prop] = UNKNOWN
            resource.unknowns.append(prop)
            self._unread(what, error_text(err), (kind,), identity)
            return False


def per_region(ctx: ScanContext, label: str, collect: Callable[[Reads, Any], None], service: str) -> list[Task]:
    """One task per scanned region: ``collect(reads, client)`` with that region's client."""
    return [per_item(f"{label} {region}", service, region, collect) for region in ctx.regions]


def per_item(label: str, service: str, region: str, collect: Callable[[Reads, Any], None]) -> Task:
    """One task for one listed item: ``collect(reads, client)`` with the region's client of this thread."""

    def run(clients: Clients) -> Outcome:
        reads = Reads(service, region)
        collect(reads, clients.get(service, region))
        return reads.outcome

    return Task(label, run)


class Absent(Exception):
    """Raised by ``read`` when AWS answers that the configuration does not exist."""


_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._/@=+,-]")


def record(
    ctx: ScanContext, type_: str, identity: str, properties: dict[str, Any], *, id_: str | None = None
) -> Resource:
    """A live record with a synthesized URN; matching may later rename it to the stack's URN."""
    name = "live:" + _NAME_UNSAFE.sub("_", identity)
    return Resource(
        urn=make_urn(ctx.stack, ctx.project, type_, name),
        type=type_,
        name=name,
        properties=properties,
        source="live",
        id=id_ if id_ is not None else identity,
    )


def error_text(err: Exception) -> str:
    """An AWS error as one short line: code and message, never request ids or credentials."""
    if isinstance(err, ClientError):
        code, message = _code_and_message(err.response)
        return f"{code}: {message}"[:300] if message else code
    if isinstance(err, BotoCoreError):
        return f"{type(err).__name__}: {err}"[:300]
    return f"{type(err).__name__}: {err}"[:300]


def _code_and_message(response: dict[str, Any]) -> tuple[str, str]:
    """Code and message, also from error shapes botocore did not parse (a nested ``Errors``, raw XML)."""
    info = response.get("Error") or {}
    code, message = str(info.get("Code") or ""), " ".join(str(info.get("Message") or "").split())
    nested = (response.get("Errors") or {}).get("Error") if isinstance(response.get("Errors"), dict) else None
    if (not code or code.isdigit()) and isinstance(nested, dict):
        code, message = str(nested.get("Code") or code), " ".join(str(nested.get("Message") or message).split())
    xml_code, xml_message = _XML_CODE.search(message), _XML_MESSAGE.search(message)
    if (not code or code.isdigit()) and xml_code:
        code, message = xml_code.group(1), xml_message.group(1) if xml_message else ""
    return code or "Error", message


_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


def error_code(err: Exception) -> str:
    return _code_and_message(err.response)[0] if isinstance(err, ClientError) else ""


def read(call: Callable[..., dict[str, Any]], absent: tuple[str, ...] = (), **kwargs: Any) -> dict[str, Any]:
    """Make one read; raise ``Absent`` when the error code says "not configured"."""
    try:
        return call(**kwargs)
    except ClientError as err:
        if error_code(err) in absent:
            raise Absent(error_code(err)) from err
        raise


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated listing."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def policy_text(document: Any) -> str:
    """A policy document as the provider stores it: a JSON string (AWS may return it URL-encoded)."""
    if isinstance(document, dict):
        return json.dumps(document, sort_keys=True)
    text = str(document)
    if text.startswith("%7B") or text.startswith("%7b"):
        from urllib.parse import unquote

        text = unquote(text)
    return text


def tags_dict(items: list[dict[str, Any]] | None) -> dict[str, str]:
    """AWS ``[{Key, Value}]`` (or ``TagKey``/``TagValue``) tag lists as a mapping."""
    result: dict[str, str] = {}
    for item in items or []:
        key = item.get("Key", item.get("TagKey"))
        if key is not None:
            result[str(key)] = str(item.get("Value", item.get("TagValue", "")))
    return result
