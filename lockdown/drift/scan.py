"""The live scan: run every collector's tasks on a bounded thread pool.

boto3 sessions and clients are not shared between threads: each worker builds its own
session and one client per (service, region), with botocore's ``standard`` retry mode (backoff
with jitter on throttling). A task that fails in an unexpected way is recorded as unread, never
dropped: the report must list what the scan could not see.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors import COLLECTORS
from lockdown.drift.collectors.base import Incomplete, Outcome, ScanContext, Task, error_text
from lockdown.errors import LockdownError
from lockdown.model import Resource
from lockdown.progress import Tracker

DEFAULT_WORKERS = 16
DEFAULT_MAX_ATTEMPTS = 5

ClientHook = Callable[[Any], None]


@dataclass
class ScanResult:
    """Everything read from the account, and everything that could not be."""

    account_id: str
    regions: tuple[str, ...]
    resources: list[Resource] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)


@dataclass(frozen=True)
class ClientSettings:
    """How clients are built: endpoint (an emulator), retries, and hooks (tests, benchmarks)."""

    endpoint_url: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    workers: int = DEFAULT_WORKERS
    hooks: tuple[ClientHook, ...] = ()


class ThreadClients:
    """One boto3 session per thread, one client per (service, region) per thread.

    The sessions share one botocore data loader: loading and parsing the service models is
    most of the cost of a client (time and memory), and the parsed data is read-only.
    """

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._loader = _shared_loader()

    def get(self, service: str, region: str) -> Any:
        cache = getattr(self._local, "clients", None)
        if cache is None:
            cache = self._local.clients = {}
            core = botocore.session.get_session()
            core.register_component("data_loader", self._loader)
            self._local.session = boto3.session.Session(botocore_session=core)
        key = (service, region)
        if key not in cache:
            cache[key] = self._build(self._local.session, service, region)
        return cache[key]

    def _build(self, session: Any, service: str, region: str) -> Any:
        config = Config(
            retries={"mode": "standard", "total_max_attempts": self.settings.max_attempts},
            max_pool_connections=max(10, self.settings.workers),
            connect_timeout=10,
            read_timeout=30,
            s3={"addressing_style": "path"} if self.settings.endpoint_url else None,
        )
        client = session.client(service, region_name=region, endpoint_url=self.settings.endpoint_url, config=config)
        if self.settings.endpoint_url and service == "s3control":
            client.meta.events.register("before-sign.s3-control.*", _strip_account_host)
        for hook in self.settings.hooks:
            hook(client)
        return client


@functools.cache
def _shared_loader() -> Any:
    """One botocore data loader per process: it caches the parsed service models (read-only)."""
    return botocore.session.get_session().get_component("data_loader")


def _strip_account_host(request: Any, **_: Any) -> None:
    """S3 Control puts the account id in the host name; an emulator on an IP cannot resolve it."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(request.url)
    host = parts.hostname or ""
    account = request.headers.get("x-amz-account-id")
    if account:
        account = account.decode() if isinstance(account, bytes) else account
        if host.startswith(f"{account}."):
            netloc = parts.netloc.replace(f"{account}.", "", 1)
            request.url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def account_id(clients: ThreadClients, region: str) -> str:
    """The scanned account; without it nothing can be attributed, so failure stops the run."""
    try:
        return str(clients.get("sts", region).get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as err:
        raise LockdownError(
            f"cannot identify the AWS account to scan (sts:GetCallerIdentity): {error_text(err)}"
        ) from err


def scan(
    regions: Iterable[str],
    *,
    stack: str,
    project: str,
    settings: ClientSettings | None = None,
    collectors: Iterable[ModuleType] = COLLECTORS,
    tracker: Tracker | None = None,
) -> ScanResult:
    """Read every collector's resources in ``regions``, concurrently; ``tracker`` counts the reads done."""
    settings = settings or ClientSettings()
    regions = tuple(dict.fromkeys(regions))
    if not regions:
        raise LockdownError("drift: at least one --region is needed (or AWS_REGION / AWS_DEFAULT_REGION)")
    clients = ThreadClients(settings)
    ctx = ScanContext(account_id=account_id(clients, regions[0]), regions=regions, stack=stack, project=project)
    result = ScanResult(account_id=ctx.account_id, regions=regions)
    initial = [task for module in collectors for task in module.tasks(ctx)]
    tracker = tracker or Tracker()
    tracker.stage(f"reading AWS account {ctx.account_id} ({', '.join(regions)})", total=len(initial))
    with ThreadPoolExecutor(max_workers=max(1, settings.workers), thread_name_prefix="drift") as pool:
        pending: dict[Future[Outcome], Task] = {pool.submit(_run, task, clients): task for task in initial}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending.pop(future)
                outcome = future.result()
                result.resources.extend(outcome.resources)
                result.incomplete.extend(outcome.incomplete)
                pending.update({pool.submit(_run, task, clients): task for task in outcome.tasks})
                tracker.add(len(outcome.tasks))
                tracker.advance()
    result.resources.sort(key=lambda resource: resource.urn)
    result.incomplete.sort(key=lambda item: (item.service, item.region, item.resource))
    return result


def _run(task: Task, clients: ThreadClients) -> Outcome:
    """Run a task; anything unexpected becomes an unread entry rather than a lost resource."""
    try:
        return task.run(clients)
    except Exception as err:  # noqa: BLE001 - fail closed: report it as unread
        service = task.label.split(" ", 1)[0]
        return Outcome(incomplete=[Incomplete(service, "-", task.label, error_text(err))])
