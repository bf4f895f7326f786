"""Driving the policy pack as the Pulumi CLI does: a subprocess speaking the Analyzer gRPC protocol.

The CLI starts ``python -u -m pulumi.policy <engine-address> .`` in the pack directory
with ``PULUMI_PROJECT``/``PULUMI_STACK``/``PULUMI_DRY_RUN``/``PULUMI_CONFIG`` set, reads
the port the pack prints, then calls ``GetAnalyzerInfo``, ``Configure``,
``ConfigureStack``, ``Analyze`` per resource and ``AnalyzeStack``. Resources are sent as
the engine sends them: camelCase properties in a ``Struct``, secrets in their signed
envelope, unknowns as the sentinel string. Also used by ``bench/pack_bench.py``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from lockdown.model import REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE, Resource

REPO = Path(__file__).resolve().parents[1]
PACK_DIR = REPO / "policies" / "pack"
#: What the test puts in a secret envelope: it must never come back in a diagnostic.
SECRET_PLAINTEXT = "hunter2-plaintext-must-not-leak"
ENFORCEMENT_NAMES = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory"}


@dataclass
class Diagnostic:
    """One diagnostic as the engine receives it, with the call that produced it."""

    policy: str
    enforcement: str
    urn: str
    message: str
    call: str


@dataclass
class Pack:
    """A running pack process and a stub connected to it."""

    process: subprocess.Popen
    port: int
    started: float
    answered_info: float = 0.0
    channel: Any = None
    stub: Any = None
    stderr_lines: list[str] = field(default_factory=list)

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        if self.process.stderr:
            self.stderr_lines = self.process.stderr.read().decode(errors="replace").splitlines()
            self.process.stderr.close()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> Pack:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the calls the engine makes --------------------------------------------------------

    def info(self) -> Any:
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)

    def configure(self, policy_config: dict[str, dict[str, Any]]) -> None:
        """``Configure`` as the CLI sends pack configuration: per policy, an enforcement level and properties."""
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, config in policy_config.items():
            entry = request.policyConfig[name]
            level = config.get("enforcementLevel")
            if level:
                entry.enforcementLevel = getattr(analyzer_pb2, level.upper())
            entry.properties.update({k: v for k, v in config.items() if k != "enforcementLevel"})
        self.stub.Configure(request, timeout=10)

    def configure_stack(self, config: dict[str, str], dry_run: bool, stack: str = "dev") -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project="lockdown", organization="organization", dry_run=dry_run
        )
        for key, value in config.items():
            request.config[key] = value
        self.stub.ConfigureStack(request, timeout=10)

    def analyze(self, resource: Resource, secrets: frozenset[str] = frozenset()) -> list[Diagnostic]:
        response = self.stub.Analyze(analyze_request(resource, secrets), timeout=30)
        # A resource policy's diagnostic is about the resource analyzed (pulumi_policy leaves urn empty).
        return diagnostics(response, f"Analyze {resource.name}", default_urn=resource.urn)

    def analyze_stack(self, resources: list[Resource]) -> list[Diagnostic]:
        response = self.stub.AnalyzeStack(stack_request(resources), timeout=60)
        return diagnostics(response, "AnalyzeStack")

    def run(self, resources: list[Resource]) -> list[Diagnostic]:
        """What a deployment does: ``Analyze`` every resource, then ``AnalyzeStack``."""
        found: list[Diagnostic] = []
        for resource in resources:
            found.extend(self.analyze(resource))
        found.extend(self.analyze_stack(resources))
        return found


def launch(
    *,
    policies: Path | None = None,
    dry_run: bool = False,
    stack_config: dict[str, Any] | None = None,
    stack: str = "dev",
    timeout: float = 20.0,
    raw_config: str | None = None,
    python: str | Path = sys.executable,
    pack_dir: Path = PACK_DIR,
) -> Pack:
    """Start the pack exactly as the CLI does and wait for the port it prints.

    ``python`` and ``pack_dir`` default to this checkout's; the wheel test passes an installed package's.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOCKDOWN_", "GITHUB_"))}
    env.update(
        PULUMI_PROJECT="lockdown",
        PULUMI_STACK=stack,
        PULUMI_DRY_RUN="true" if dry_run else "false",
        PULUMI_CONFIG=raw_config if raw_config is not None else json.dumps(stack_config or {}),
    )
    if policies is not None:
        env["LOCKDOWN_POLICIES"] = str(Path(policies).resolve())
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(python), "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=pack_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    port = _read_port(process, started + timeout)
    pack = Pack(process=process, port=port, started=started)
    pack.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    pack.stub = analyzer_pb2_grpc.AnalyzerStub(pack.channel)
    return pack


def _read_port(process: subprocess.Popen, deadline: float) -> int:
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or process.poll() is not None:
            process.kill()
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise AssertionError(f"policy pack did not print its port (exit {process.returncode}): {err[-2000:]}")
        ready, _, _ = select.select([process.stdout], [], [], min(remaining, 0.2))
        if ready:
            chunk = os.read(process.stdout.fileno(), 1)
            if not chunk:
                continue
            line += chunk
    return int(line.strip())


# -- the engine's wire format ---------------------------------------------------------------


def wire_value(value: Any, path: str, secrets: frozenset[str]) -> Any:
    """A record's value as the engine sends it: a redacted value becomes a secret envelope."""
    if value == REDACTED or path in secrets:
        inner = SECRET_PLAINTEXT if value == REDACTED else value
        return {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": inner}
    if isinstance(value, dict):
        return {k: wire_value(v, f"{path}.{k}" if path else k, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_value(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    return value


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def analyze_request(resource: Resource, secrets: frozenset[str] = frozenset()) -> Any:
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        urn=resource.urn,
        name=resource.name,
        properties=to_struct(wire_value(resource.properties, "", secrets)),
        options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
    )
    if resource.provider:
        request.provider.CopyFrom(_provider(resource.provider))
    return request


def stack_request(resources: list[Resource]) -> Any:
    request = analyzer_pb2.AnalyzeStackRequest()
    for resource in resources:
        properties = dict(resource.properties)
        if resource.id is not None:
            properties.setdefault("id", resource.id)
        item = request.resources.add(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            properties=to_struct(wire_value(properties, "", frozenset())),
            parent=resource.parent or "",
            dependencies=resource.dependencies,
        )
        if resource.provider:
            item.provider.CopyFrom(_provider(resource.provider))
    return request


def _provider(urn: str) -> Any:
    return analyzer_pb2.AnalyzerProviderResource(type=urn.split("::")[2], urn=urn, name=urn.rsplit("::", 1)[-1])


def diagnostics(response: Any, call: str, default_urn: str = "") -> list[Diagnostic]:
    return [
        Diagnostic(
            policy=d.policyName,
            enforcement=ENFORCEMENT_NAMES.get(d.enforcementLevel, str(d.enforcementLevel)),
            urn=d.urn or default_urn,
            message=d.message,
            call=call,
        )
        for d in response.diagnostics
    ]
