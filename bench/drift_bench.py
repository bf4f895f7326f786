"""Drift scan at scale: N buckets with their settings in moto, a fixed latency per AWS call.

Run: ``python bench/drift_bench.py [--buckets 1000] [--latency-ms 50] [--workers 16]``

moto runs in a subprocess on 127.0.0.1 and seeding in another, so the scanner's memory is
measured alone. ``--floor`` first scans with no injected latency: on a small machine moto's own
request handling (one process, serialized by the GIL) can exceed the injected latency. Every AWS
call the scanner makes sleeps ``--latency-ms`` first (a botocore ``before-send`` hook), as
real AWS answers in tens of milliseconds. Reported: calls per bucket (target <= 8), wall
time against the ideal ``calls x latency / workers`` (target within 2x), peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3
from botocore.config import Config

from lockdown.drift.scan import ClientSettings, scan

REGION = "eu-west-1"
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **ENV},
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return process, endpoint
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("moto server did not start")


def seed(endpoint: str, count: int) -> None:
    """Buckets as the stack creates them: tags, PAB, ownership, SSE, versioning, lifecycle, policy, logging."""
    config = Config(s3={"addressing_style": "path"}, max_pool_connections=16)
    s3 = boto3.session.Session().client("s3", region_name=REGION, endpoint_url=endpoint, config=config)
    logs = "bench-access-logs"
    s3.create_bucket(Bucket=logs, CreateBucketConfiguration={"LocationConstraint": REGION})
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": ["s3:PutObject"],
        "Resource": f"arn:aws:s3:::{logs}/*",
    }
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))

    def one(index: int) -> None:
        name = f"bench-capture-{index:05d}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "data-classification", "Value": "restricted"}]})
        flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(flags, True))
        s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/capture"}}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        expire = {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [expire]})
        deny = {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
        s3.put_bucket_logging(
            Bucket=name, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{name}/"}}
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(count)))


class Latency:
    """Sleeps before every request and counts calls per service and operation."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def hook(self, client: Any) -> None:
        client.meta.events.register("before-send", self._before_send)

    def _before_send(self, request: Any, event_name: str = "", **_: Any) -> None:
        _, service, operation = [*event_name.split("."), "", ""][:3]
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1
        time.sleep(self.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument(
        "--floor", action="store_true", help="first scan with no injected latency (the emulator's own cost)"
    )
    parser.add_argument("--seed-only", metavar="ENDPOINT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(ENV)
    if args.seed_only:
        seed(args.seed_only, args.buckets)
        return
    process, endpoint = start_moto()
    try:
        started = time.monotonic()
        # Seeding runs in its own process so the peak memory below is the scanner's alone.
        subprocess.run([sys.executable, __file__, "--buckets", str(args.buckets), "--seed-only", endpoint], check=True)
        print(f"seeded {args.buckets} buckets (+1 log bucket) in {time.monotonic() - started:.1f} s")
        if args.floor:
            measure(args, endpoint, 0.0)
        measure(args, endpoint, args.latency_ms / 1000)
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(args: argparse.Namespace, endpoint: str, seconds: float) -> None:
    latency = Latency(seconds)
    settings = ClientSettings(endpoint_url=endpoint, workers=args.workers, hooks=(latency.hook,))
    started = time.monotonic()
    result = scan([REGION], stack="bench", project="bench", settings=settings)
    wall = time.monotonic() - started
    print(f"--- injected latency {seconds * 1000:.0f} ms per call, {args.workers} workers")
    report(args, latency, result, wall)


def report(args: argparse.Namespace, latency: Latency, result: Any, wall: float) -> None:
    total = sum(latency.calls.values())
    s3_calls = sum(count for name, count in latency.calls.items() if name.startswith("s3."))
    buckets = args.buckets + 1
    ideal = total * latency.seconds / args.workers
    listings = latency.calls["s3.ListBuckets"]
    print(f"records: {len(result.resources)}, unread: {len(result.incomplete)}")
    per_bucket = (s3_calls - listings) / buckets
    print(
        f"AWS calls: {total} in all, {s3_calls} to S3 ({listings} listing); per bucket: {per_bucket:.2f} (target <= 8)"
    )
    ratio = f"ratio {wall / ideal:.2f} (target <= 2)" if ideal else "no latency injected"
    print(f"wall time: {wall:.1f} s; ideal calls x latency / workers = {ideal:.1f} s; {ratio}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of the scanning process): {peak:.1f} MiB")
    top = ", ".join(f"{name} {count}" for name, count in latency.calls.most_common(12))
    print(f"calls by operation: {top}")
    if result.incomplete:
        print("first unread:", result.incomplete[0])


if __name__ == "__main__":
    main()
