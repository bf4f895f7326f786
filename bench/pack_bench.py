"""Benchmark of the deployment gate: start-up and per-resource latency over gRPC.

Starts the pack as the Pulumi CLI does (``python -u -m pulumi.policy`` in
``policies/pack``), measures the time from launch until ``GetAnalyzerInfo`` is answered
(target: under 2 s), then sends ``Analyze`` for a few hundred realistic resources and
reports the mean and p95 latency per call as the engine sees it (target: well under
10 ms), and one ``AnalyzeStack`` over all of them.

    python bench/pack_bench.py [--resources 300] [--policies DIR]
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


def synthetic_stack(count: int) -> list[Resource]:
    """A mix of the resource kinds the rules look at, some compliant and some not."""
    resources: list[Resource] = []
    index = 0
    while len(resources) < count:
        name = f"capture-{index}"
        bucket = f"{name}-bucket"
        resources += [
            _resource(
                "aws:s3/bucket:Bucket",
                name,
                {
                    "bucket": bucket,
                    "arn": f"arn:aws:s3:::{bucket}",
                    "acl": "public-read" if index % 7 == 0 else None,
                    "tags": {"data-classification": "restricted", "owner": "team-data"},
                },
            ),
            _resource(
                "aws:s3/bucketPolicy:BucketPolicy",
                f"{name}-policy",
                {
                    "bucket": bucket,
                    "policy": (
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                        + ('"*"' if index % 5 == 0 else f'{{"AWS":"arn:aws:iam::{ACCOUNT}:role/reader"}}')
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
                "aws:kms/key:Key",
                f"{name}-key",
                {"enableKeyRotation": index % 2 == 0, "description": "capture data key"},
            ),
            _resource(
                "aws:cloudwatch/logGroup:LogGroup",
                f"{name}-logs",
                {"name": f"/lockdown/{name}", "retentionInDays": 30, "kmsKeyId": None},
            ),
        ]
        index += 1
    return resources[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--policies", type=Path, default=REPO / "policies")
    args = parser.parse_args()
    resources = synthetic_stack(args.resources)
    with launch(policies=args.policies, dry_run=False) as pack:
        info = pack.info()
        startup = time.perf_counter() - pack.started
        pack.configure({})
        pack.configure_stack({}, dry_run=False)
        pack.analyze(resources[0])  # warm the channel
        latencies = []
        for resource in resources:
            begin = time.perf_counter()
            pack.analyze(resource)
            latencies.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        pack.analyze_stack(resources)
        stack_seconds = time.perf_counter() - begin
    mean_ms = statistics.fmean(latencies) * 1000
    p95_ms = sorted(latencies)[int(len(latencies) * 0.95) - 1] * 1000
    print(f"policies: {len(info.policies) - 1} rules from {args.policies}")
    print(f"start-up: GetAnalyzerInfo answered {startup:.2f} s after launch (target < 2 s)")
    print(f"Analyze: mean {mean_ms:.2f} ms, p95 {p95_ms:.2f} ms per resource over {len(latencies)} (target << 10 ms)")
    print(f"AnalyzeStack: {stack_seconds * 1000:.0f} ms for {len(resources)} resources")
    return 0 if startup < 2.0 and mean_ms < 10.0 else 1


if __name__ == "__main__":
    sys.exit(main())
