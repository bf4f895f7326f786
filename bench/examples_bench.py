"""How many real-world Pulumi Python programs the offline planner can plan.

    python bench/examples_bench.py DIR [--stack dev] [--config-file FILE] [--jobs N]

DIR holds checked-out Pulumi programs (every directory below it with a Pulumi.yaml is
one, e.g. the ``aws-py-*`` examples of the public pulumi/examples repository, fetched
outside this repository). Each is planned the way a user would run it, a fresh
``lockdown check --program P --stack dev`` (exit 0 or 1: it planned and was checked;
2: it did not), with no stack file, so the planner's "missing stack file = empty
config" path is exercised. ``--config-file`` is a JSON object mapping a program's path
relative to DIR to the ``KEY=VALUE`` list its README asks a user to set (the Pulumi CLI
would stop on the same missing config; ``{keys}`` in a value is a scratch directory, outside
the programs, holding dummy ``id``/``id.pub`` key files for programs that read key files;
bench/examples_config.json is the one for the aws-py-* examples). A program runs in its
project's virtualenv if it has one, else in ``PULUMI_PYTHON_CMD`` if set (as with the
Pulumi CLI), else in Lockdown's environment. Prints which programs planned, which failed
and the one-line reason, the count N/total, and checks that no file was created,
changed or removed in any program directory (a plan must not write).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    program: str
    planned: bool
    reason: str
    seconds: float
    changed: list[str]


def programs(root: Path) -> list[Path]:
    """Every directory under ``root`` that has a Pulumi.yaml, sorted."""
    return sorted({p.parent for p in root.rglob("Pulumi.yaml") if "node_modules" not in p.parts})


def snapshot(directory: Path) -> dict[str, str]:
    """Path -> content hash of every file below ``directory`` (bytecode caches excluded)."""
    files: dict[str, str] = {}
    for path in directory.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and "venv" not in path.parts:
            files[str(path.relative_to(directory))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def plan(program: Path, root: Path, stack: str, config: list[str]) -> Outcome:
    before = snapshot(program)
    command = [sys.executable, "-m", "lockdown.cli", "check", "--program", str(program), "--stack", stack]
    for item in config:
        command += ["--config", item]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    seconds = time.perf_counter() - started
    after = snapshot(program)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    planned = done.returncode in (0, 1)
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    reason = "" if planned else (lines[-1] if lines else f"exit code {done.returncode}")
    name = str(program.relative_to(root))
    return Outcome(name, planned, reason, seconds, changed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--config-file", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    root = args.directory.resolve()
    config = json.loads(args.config_file.read_text()) if args.config_file else {}
    keys = Path(tempfile.mkdtemp(prefix="examples-bench-keys-"))
    (keys / "id").write_text("example private key\n")
    (keys / "id.pub").write_text("ssh-ed25519 AAAAexample bench\n")
    config = {name: [item.replace("{keys}", str(keys)) for item in items] for name, items in config.items()}
    found = programs(root)
    if not found:
        print(f"{root}: no Pulumi.yaml below it", file=sys.stderr)
        return 2
    for program in found:
        for stale in program.glob("Pulumi.*.yaml"):
            print(f"note: {stale.relative_to(root)} exists; the no-stack-file path is not exercised there")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda p: plan(p, root, args.stack, config.get(str(p.relative_to(root)), [])), found))
    for outcome in outcomes:
        status = "planned" if outcome.planned else "FAILED "
        print(f"{status} {outcome.program:55} {outcome.seconds:5.1f} s  {outcome.reason}")
    wrote = [o for o in outcomes if o.changed]
    for outcome in wrote:
        print(f"WROTE   {outcome.program}: {', '.join(outcome.changed)}")
    planned = sum(o.planned for o in outcomes)
    print(f"\n{planned}/{len(outcomes)} programs planned; {len(wrote)} program directories changed")
    return 0 if not wrote else 1


if __name__ == "__main__":
    sys.exit(main())
