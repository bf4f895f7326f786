"""Evaluating a large stack on two cores: half the rules in a forked worker, half in this process.

regorus holds the GIL and an engine is bound to its thread, so the second core needs a
process. The worker is an ``os.fork`` of this one taken after the input is loaded: it
inherits the engine, its data and its input, evaluates its group and writes the group's
``deny`` sets (JSON) to a pipe; nothing is serialized on the way in. The groups are fixed
at load time by area (``s3``, whose rules share the bucket policy indexes, against the
rest: about 2.6 s against 2.4 s of CPU at 10,000 resources).

The merged results go through the same ``collect_violations`` in the same rule order as
the one-pass evaluation, so findings and their order are identical. A rule failing in
the worker is reported as in one process (the first failing rule in rule order wins);
a worker that dies or says nothing is an error, never a pass.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

from lockdown.engine.metadata import Rule
from lockdown.errors import LockdownError

PARALLEL_PACKAGE = "lockdown_engine.parallel"
PARALLEL_MIN_RESOURCES = 2000
WORKER_AREAS = frozenset({"s3"})


def area(rule: Rule) -> str:
    """``s3`` for ``lockdown.rules.s3.tls_only``."""
    parts = rule.package.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["lockdown", "rules"] else ""


def split_rules(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], tuple[Rule, ...]] | None:
    """(parent group, worker group), or None when one of them would be empty."""
    worker = tuple(rule for rule in rules if area(rule) in WORKER_AREAS)
    parent = tuple(rule for rule in rules if area(rule) not in WORKER_AREAS)
    return (parent, worker) if parent and worker else None


def group_module(groups: tuple[tuple[Rule, ...], ...]) -> str:
    """A generated module with one ``group_<n>`` object (rule id -> deny set) per group."""
    lines = [f"package {PARALLEL_PACKAGE}", "", "import rego.v1", ""]
    for index, group in enumerate(groups):
        entries = ",\n".join(f"\t{json.dumps(rule.id)}: {rule.deny_ref}" for rule in group)
        lines.append(f"group_{index} := {{\n{entries},\n}}\n")
    return "\n".join(lines)


def group_ref(index: int) -> str:
    return f"data.{PARALLEL_PACKAGE}.group_{index}"


def can_fork(resources: int) -> bool:
    """Large enough to pay for a worker, and safe to fork (no other thread: planners, servers)."""
    return resources > PARALLEL_MIN_RESOURCES and hasattr(os, "fork") and threading.active_count() == 1


def evaluate_groups(
    eval_group: Any, groups: tuple[tuple[Rule, ...], tuple[Rule, ...]], rank: dict[str, int]
) -> dict[str, Any]:
    """Every rule's deny set: group 1 in a forked worker, group 0 here, merged.

    ``eval_group(index)`` evaluates one group on the already loaded input and returns its
    results, or raises LockdownError naming the failing rule; ``rank`` orders rule ids so
    that, when both groups fail, the error is the one the one-pass evaluation gives.
    """
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the caller's code
        status = 0
        try:
            os.close(read_fd)
            try:
                payload = {"results": eval_group(1)}
            except LockdownError as err:
                payload = {"error": str(err), "rule": getattr(err, "rule_id", None)}
            data = json.dumps(payload).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001 - any failure is a non-zero exit the parent reports
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    local_error: LockdownError | None = None
    results: dict[str, Any] = {}
    try:
        try:
            results = eval_group(0)
        except LockdownError as err:
            local_error = err
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
        raise LockdownError(f"evaluation failed: the evaluation worker ended abnormally (wait status {status})")
    payload = json.loads(data)
    if "error" in payload:
        worker_error = LockdownError(payload["error"])
        worker_rank = rank.get(payload.get("rule"), len(rank))
        local_rank = rank.get(getattr(local_error, "rule_id", None), len(rank)) if local_error else len(rank) + 1
        raise worker_error if worker_rank < local_rank else local_error  # type: ignore[misc]
    if local_error is not None:
        raise local_error
    results.update(payload["results"])
    return results
