"""Benchmark: Rego evaluation alone (no process start, no file parsing) at 1,000 / 5,000 / 10,000 resources.

The stacks are the synthetic previews of ``bench/check_bench.py`` (same generators: ``--shape
groups`` or ``environments``), loaded
into records once; the embedded engine is loaded once. Each size is timed as one
``engine.evaluate`` (all rules in one pass; above 2,000 resources half of them in a forked
worker), best of ``--repeat`` runs, in wall and CPU seconds (CPU time of this process and
of the worker, so a busy machine distorts it less). Then, for the
largest size, each rule is evaluated alone (``rules=(rule,)``) and the slowest ones are
printed: a rule's cost includes the library indexes it needs, so rules that share an
index each pay for it here, while the one-pass evaluation pays for it once.

Usage: ``python bench/rules_bench.py [--sizes 1000,5000,10000] [--repeat 3] [--top 10] [--policies DIR]
[--shape groups|environments]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from check_bench import synthetic_preview  # noqa: E402
from environments import preview as environments_preview  # noqa: E402

from lockdown.engine import load_engine  # noqa: E402
from lockdown.loaders.preview import load_preview  # noqa: E402
from lockdown.settings import resolve  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the evaluation worker)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall and CPU seconds of ``repeat`` runs of ``action``, and its last value."""
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        value = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return min(walls), min(cpus), value


def load_stack(size: int, workdir: Path, shape: str = "groups") -> tuple[list[Any], dict[str, Any]]:
    """The records and resolved settings of a synthetic preview of ``size`` resources."""
    preview = workdir / f"preview-{size}.json"
    maker = environments_preview if shape == "environments" else synthetic_preview
    preview.write_text(json.dumps(maker(size)))
    loaded = load_preview(preview)
    return loaded.resources, resolve(loaded.config)


def per_rule(engine: Any, resources: list[Any], settings: dict[str, Any], repeat: int) -> list[tuple[float, str, str]]:
    """CPU seconds of each rule evaluated alone, minus the cost of an evaluation of no rule."""
    overhead = timed(partial(engine.evaluate, resources, settings, rules=()), repeat)[1]
    costs = []
    for rule in engine.rules:
        cpu = timed(partial(engine.evaluate, resources, settings, rules=(rule,)), repeat)[1]
        costs.append((cpu - overhead, rule.id, rule.path))
    return sorted(costs, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated resource counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--top", type=int, default=10, help="slowest rules to print (0: none)")
    parser.add_argument("--policies", default=None, help="policy directory (default: the repository's)")
    parser.add_argument("--shape", default="groups", choices=["groups", "environments"], help="stack shape")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    wall, cpu, engine = timed(lambda: load_engine(args.policies), 1)
    print(f"policy load: {wall:.2f} s wall, {cpu:.2f} s CPU ({len(engine.rules)} rules)")
    print(f"{'resources':>9} {'wall s':>7} {'CPU s':>7} {'CPU ms/1k':>9} {'findings':>8}")
    with tempfile.TemporaryDirectory(prefix="lockdown-rules-bench-") as tmp:
        largest: tuple[list[Any], dict[str, Any]] | None = None
        for size in sizes:
            resources, settings = load_stack(size, Path(tmp), args.shape)
            run = partial(engine.evaluate, resources, settings)
            wall, cpu, result = timed(run, args.repeat)
            per_k = cpu / size * 1000 * 1000
            print(f"{size:>9,} {wall:>7.3f} {cpu:>7.3f} {per_k:>9.1f} {len(result.violations):>8}")
            largest = (resources, settings)
        if args.top and largest:
            resources, settings = largest
            print(f"\nslowest rules alone at {len(resources):,} resources (CPU s, library indexes included):")
            for cost, rule_id, path in per_rule(engine, resources, settings, max(1, args.repeat - 1))[: args.top]:
                print(f"  {cost:7.3f}  {rule_id:<12} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
