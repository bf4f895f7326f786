"""Using the second core: half the rules of a large stack, and the policy checks, in forked workers.

regorus holds the GIL and an engine is bound to its thread, so the second core needs a
process. A worker is an ``os.fork`` of this one (``ForkedTask``): it inherits the engine,
its data and its input, and writes only its result (JSON) to a pipe; nothing is
serialized on the way in.

- Evaluation: above ``PARALLEL_MIN_RESOURCES`` the worker is forked after the input is
  loaded and evaluates one group of rules while this process evaluates the other. The
  groups are fixed at load time by area: this process takes ``access`` and ``iam``, whose
  rules share the library's costliest part (which identities can read protected data, the
  reader roles), the worker every other area. On 10,000 resources of the environments shape
  that is about 3.5 s against 2.7 s of CPU (the split it replaced, ``s3`` in the worker, was
  4.2 s against 2.0 s). The merged results
  go through the same ``collect_violations`` in the same rule order as the one-pass
  evaluation, so findings and their order are identical. A rule failing in the worker is
  reported as in one process (the first failing rule in rule order wins).
- Policy checks (``lockdown check``): the load-time checks of the policies run in a
  worker while this process reads the stack, and are awaited before any evaluation.

A worker that dies or says nothing is an error, never a pass.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, NoReturn

from lockdown.engine.metadata import Rule
from lockdown.errors import LockdownError

PARALLEL_PACKAGE = "lockdown_engine.parallel"
PARALLEL_MIN_RESOURCES = 2000
#: The areas this process evaluates; the worker takes every other.
PARENT_AREAS = frozenset({"access", "iam"})


def area(rule: Rule) -> str:
    """``s3`` for ``lockdown.rules.s3.tls_only``."""
    parts = rule.package.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["lockdown", "rules"] else ""


def split_rules(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], tuple[Rule, ...]] | None:
    """(parent group, worker group), or None when one of them would be empty."""
    parent = tuple(rule for rule in rules if area(rule) in PARENT_AREAS)
    worker = tuple(rule for rule in rules if area(rule) not in PARENT_AREAS)
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


def fork_is_safe() -> bool:
    """A fork copies only the calling thread: safe when there is no other (planners, servers)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def can_fork(resources: int) -> bool:
    """Large enough to pay for a worker, and safe to fork."""
    return resources > PARALLEL_MIN_RESOURCES and fork_is_safe()


class ForkedTask:
    """``task()`` running in a forked child of this process; ``result()`` waits for its value.

    The child inherits everything (the engine, its policies and input); only the result
    crosses back, as JSON on a pipe. A ``LockdownError`` in the child is raised again by
    ``result()``, with its ``rule_id``; a child that dies or says nothing is an error, never
    a pass.
    """

    def __init__(self, task: Callable[[], Any], name: str) -> None:
        self._name = name
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _run_child(task, write_fd)
        os.close(write_fd)
        self._pid = pid
        self._read_fd = read_fd

    def result(self) -> Any:
        try:
            with os.fdopen(self._read_fd, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(self._pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
            raise LockdownError(f"{self._name} failed: its worker process ended abnormally (wait status {status})")
        payload = json.loads(data)
        if "error" in payload:
            error = LockdownError(payload["error"])
            error.rule_id = payload.get("rule")  # type: ignore[attr-defined]
            raise error
        return payload["value"]


def _run_child(task: Callable[[], Any], write_fd: int) -> NoReturn:
    """The child's whole life: run the task, write its result, exit without returning to the caller."""
    status = 0
    try:
        try:
            payload = {"value": task()}
        except LockdownError as err:
            payload = {"error": str(err), "rule": getattr(err, "rule_id", None)}
        with os.fdopen(write_fd, "wb") as out:
            out.write(json.dumps(payload).encode())
    except BaseException:  # noqa: BLE001 - any failure is a non-zero exit the parent reports
        status = 1
    finally:
        os._exit(status)


def evaluate_groups(
    eval_group: Callable[[int], dict[str, Any]], groups: tuple[tuple[Rule, ...], tuple[Rule, ...]], rank: dict[str, int]
) -> dict[str, Any]:
    """Every rule's deny set: group 1 in a forked worker, group 0 here, merged.

    ``eval_group(index)`` evaluates one group on the already loaded input and returns its
    results, or raises LockdownError naming the failing rule; ``rank`` orders rule ids so
    that, when both groups fail, the error is the one the one-pass evaluation gives.
    """
    worker = ForkedTask(lambda: eval_group(1), "evaluation")
    local_error: LockdownError | None = None
    results: dict[str, Any] = {}
    try:
        results = eval_group(0)
    except LockdownError as err:
        local_error = err
    try:
        results.update(worker.result())
    except LockdownError as worker_error:
        if local_error is None or _rank(worker_error, rank) < _rank(local_error, rank):
            raise
    if local_error is not None:
        raise local_error
    return results


def _rank(error: LockdownError, rank: dict[str, int]) -> int:
    """Where the failing rule comes in rule order (an error naming no rule comes last)."""
    return rank.get(getattr(error, "rule_id", None), len(rank))  # type: ignore[arg-type]
