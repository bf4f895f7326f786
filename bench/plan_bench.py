"""How long the offline planner takes: plan only, and plan plus check (the whole command).

    python bench/plan_bench.py [--runs N]

Plans examples/leaky-capture and a generated program of about 50 resources (ten
components, each a bucket with its policy built from ``bucket.arn`` through
``get_policy_document``, public access block, encryption, versioning). Prints the
median wall time of ``load_program`` and of ``lockdown check --program ...`` run as a
user would run it (a fresh process). The target is under 2.5 s for plan plus check.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lockdown.loaders.program import load_program  # noqa: E402

PROGRAM = '''"""Generated: {count} components of 5 resources each."""

import pulumi
import pulumi_aws as aws


class Store(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("bench:index:Store", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(name, tags={{"data-classification": "restricted"}}, opts=child)
        aws.s3.BucketPublicAccessBlock(f"{{name}}-pab", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(f"{{name}}-sse", bucket=bucket.id,
            rules=[{{"apply_server_side_encryption_by_default": {{"sse_algorithm": "aws:kms"}}}}], opts=child)
        aws.s3.BucketVersioning(f"{{name}}-ver", bucket=bucket.id,
            versioning_configuration={{"status": "Enabled"}}, opts=child)
        doc = aws.iam.get_policy_document_output(statements=[{{
            "principals": [{{"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:role/reader"]}}],
            "actions": ["s3:GetObject"],
            "resources": [bucket.arn.apply(lambda arn: f"{{arn}}/*")],
        }}])
        aws.s3.BucketPolicy(f"{{name}}-policy", bucket=bucket.id, policy=doc.json, opts=child)
        self.register_outputs({{}})


for i in range({count}):
    Store(f"store{{i}}")
'''


def generated_program(directory: Path, count: int = 10) -> Path:
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  lockdown:accountIds: ['111122223333']\n"
        "  lockdown:allowedReaders: ['arn:aws:iam::111122223333:role/reader']\n"
    )
    (directory / "__main__.py").write_text(PROGRAM.format(count=count))
    return directory


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time (this process and its children: load-independent)."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def check_command(program: Path, stack: str) -> int:
    cmd = [
        sys.executable,
        "-m",
        "lockdown.cli",
        "check",
        "--program",
        str(program),
        "--stack",
        stack,
        "--format",
        "json",
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(ROOT / "examples" / "leaky-capture", "demo"), (generated_program(Path(tmp)), "bench")]
        for program, stack in cases:
            plan_wall, plan_cpu, loaded = timed(lambda p=program, s=stack: load_program(p, s), args.runs)
            count = sum(1 for r in loaded.resources if r.evaluated)
            check_wall, check_cpu, code = timed(lambda p=program, s=stack: check_command(p, s), args.runs)
            label = program.name if program.name != Path(tmp).name else "generated"
            print(
                f"{label}: {count} resources; plan {plan_wall:.2f} s wall ({plan_cpu:.2f} s CPU); "
                f"plan+check {check_wall:.2f} s wall ({check_cpu:.2f} s CPU), exit {code}; target < 2.5 s wall"
            )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
