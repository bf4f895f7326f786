"""Plan a directory of TypeScript Pulumi programs offline, and time plan + check of the TypeScript
leaky example.

    .venv/bin/python bench/ts_examples_bench.py /work/scratch/pulumi-examples-ts [--rounds 3]

DIR holds one program per sub-directory (``index.ts``), e.g. ``aws-ts-*`` programs of the public
pulumi/examples repository, fetched outside this repository (that code is never committed here).
What a program needs to run and the repository does not carry is written into its directory when
missing: a ``Pulumi.yaml`` (``runtime: nodejs``), a ``Pulumi.bench.yaml`` stack file (region,
account, the config the program requires) and files the program reads. ``--install`` copies
``tests/programs-node/package.json`` and its lockfile into DIR and runs ``npm ci`` there, so every
program resolves the same ``@pulumi/pulumi``, ``@pulumi/aws`` and ``ts-node``.

Figures are wall-clock and the CPU time of the child processes (the planner and node); on a
shared machine the wall-clock figures carry the load, the CPU figures much less.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lockdown.errors import LockdownError  # noqa: E402
from lockdown.loaders.program import load_program  # noqa: E402

STACK = "bench"
BASE_CONFIG = {"aws:region": "us-west-2", "lockdown:accountIds": ["111122223333"]}
#: Config a program requires (``config.require*``), as its README tells users to set it.
PROGRAM_CONFIG = {
    "aws-ts-lambda-secrets": {"lambdawithsecrets": {"envvars": {"MODE": "bench"}, "secrets": {"apikey": "x"}}},
}
#: Files a program reads at plan time.
PROGRAM_FILES = {"aws-ts-stepfunctions": {"Pulumi.README.md": "# stepfunctions\n"}}


def prepare(program: Path) -> None:
    """Write the project and stack files a fetched program lacks (never overwriting any)."""
    name = program.name
    project = program / "Pulumi.yaml"
    if not project.exists():
        project.write_text(f"name: {name}\nruntime: nodejs\n")
    stack = program / f"Pulumi.{STACK}.yaml"
    if not stack.exists():
        config = dict(BASE_CONFIG)
        config.update({f"{name}:{k}": v for k, v in PROGRAM_CONFIG.get(name, {}).items()})
        stack.write_text(json.dumps({"config": config}, indent=2) + "\n")  # JSON is YAML
    for filename, text in PROGRAM_FILES.get(name, {}).items():
        if not (program / filename).exists():
            (program / filename).write_text(text)


def install(directory: Path) -> None:
    for filename in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / "tests" / "programs-node" / filename, directory / filename)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], cwd=directory, check=True
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plan_all(directory: Path) -> int:
    programs = sorted(p for p in directory.iterdir() if (p / "index.ts").is_file())
    print(f"{'program':45} {'records':>7} {'aws':>4} {'wall s':>7} {'cpu s':>6}  result")
    planned = 0
    for program in programs:
        prepare(program)
        start, cpu = time.perf_counter(), _children_cpu()
        try:
            stack = load_program(program, STACK)
        except LockdownError as err:
            print(
                f"{program.name:45} {'-':>7} {'-':>4} {time.perf_counter() - start:7.2f} "
                f"{_children_cpu() - cpu:6.2f}  FAILED: {err}"
            )
            continue
        wall, used = time.perf_counter() - start, _children_cpu() - cpu
        aws = sum(1 for r in stack.resources if r.type.startswith("aws:"))
        planned += 1
        print(
            f"{program.name:45} {len(stack.resources):7} {aws:4} {wall:7.2f} {used:6.2f}  "
            f"planned ({len(stack.warnings)} warnings)"
        )
    print(f"{planned} of {len(programs)} programs planned offline")
    return planned


def time_leaky(rounds: int) -> None:
    """``lockdown check --program examples/leaky-capture-ts --stack demo``, as a user runs it."""
    lockdown = ROOT / ".venv" / "bin" / "lockdown"
    command = [str(lockdown), "check", "--program", str(ROOT / "examples" / "leaky-capture-ts"), "--stack", "demo"]
    walls, cpus = [], []
    for _ in range(rounds):
        start, cpu = time.perf_counter(), _children_cpu()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        if result.returncode != 1:
            raise SystemExit(f"leaky example: expected exit 1 (blocked), got {result.returncode}: {result.stderr}")
    print(
        f"leaky-capture-ts plan + check ({rounds} rounds): wall median {statistics.median(walls):.2f} s "
        f"(min {min(walls):.2f}, max {max(walls):.2f}); CPU median {statistics.median(cpus):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="one TypeScript Pulumi program per sub-directory")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the leaky example's plan + check")
    parser.add_argument("--install", action="store_true", help="install the shared node_modules into DIR first")
    args = parser.parse_args()
    if args.install:
        install(args.directory)
    plan_all(args.directory.resolve())
    time_leaky(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
