"""Benchmark: ``lockdown check --preview-json`` on synthetic previews of 1,000 / 5,000 / 10,000 resources.

Each size is a ``pulumi preview --json`` file in the real format (a Python program's
preview with pulumi-aws v7 tokens, unknown planned outputs and ``__defaults``), in two shapes:

- ``groups``: groups of ten resources: a bucket with its public access block, encryption,
  versioning, logging, lifecycle and bucket policy, a KMS key, a role and the role's
  inline policy (plus the stack, the provider and one CloudTrail trail). About one group
  in ten is misconfigured (a public bucket policy, an incomplete public access block, S3
  reads on ``*``, a key policy open to ``*``...).
- ``environments``: many complete environments (``bench/environments.py``): each with its
  own buckets, roles whose inline and managed policies name their buckets and key, its own
  trail, log groups, Kinesis and Firehose streams, and replication into the next
  environment. This is the shape issue 12 measured quadratic.

When Checkov is installed (``pip install -r requirements-bench.txt``, never a runtime
dependency) the same environments are also written as a ``terraform show -json`` plan and
checked with ``checkov -f PLAN --framework terraform_plan``, in the same rounds; without it
the bench prints "skipped".

Every run is a whole process, as CI runs it:
``python -m lockdown.cli check --preview-json F --format json --output OUT``, timed
for wall clock, with peak memory from the child's own ``rusage`` (``os.wait4``).
Then the largest file is profiled in-process to show where the time goes: JSON parse,
normalization into records, engine input conversion, policy load (whose checks
``lockdown check`` runs in a worker while it reads the preview), evaluation.

Targets on the 2-core reference machine: 10,000 resources in under 3 s and 400 MB,
and cost that grows linearly (the 10k/1k ratio of the variable part close to 10).

Usage: ``python bench/check_bench.py [--sizes 1000,5000,10000] [--repeat 5] [--shapes groups,environments]
[--profile]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import environments  # noqa: E402

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK, PROJECT = "bench", "capture-pipeline"
ACCOUNT = "111122223333"
ROOT_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_11_0"
PROVIDER_REF = f"{PROVIDER_URN}::{UNKNOWN}"
GROUP_SIZE = 10
KEY_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/platform-key-admin"
WALL_TARGET_S = 3.0
RSS_TARGET_MB = 400.0
MISCONFIGURATIONS = ("public-policy", "open-pab", "read-star", "open-key", "no-encryption")


# ---------------------------------------------------------------- synthetic preview


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _step(type_: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any], deps: list[str]) -> dict[str, Any]:
    urn = _urn(type_, name)
    new_state = {
        "urn": urn,
        "custom": True,
        "type": type_,
        "parent": ROOT_URN,
        "inputs": {"__defaults": [], **inputs},
        "outputs": outputs,
        "dependencies": deps,
        "provider": PROVIDER_REF,
        "propertyDependencies": {key: [d for d in deps if "Bucket::" in d] for key in inputs},
    }
    return {"op": "create", "urn": urn, "provider": PROVIDER_REF, "newState": new_state, "detailedDiff": None}


def _group(index: int) -> list[dict[str, Any]]:
    """Ten resources around one bucket; one group in ten carries one misconfiguration."""
    bad = MISCONFIGURATIONS[(index // 10) % len(MISCONFIGURATIONS)] if index % 10 == 3 else None
    name = f"capture-{index:05d}"
    bucket = f"{name}-7c1f2e9"
    bucket_urn = _urn("aws:s3/bucket:Bucket", name)
    key_urn = _urn("aws:kms/key:Key", f"{name}-key")
    role_urn = _urn("aws:iam/role:Role", f"{name}-reader")
    reader = f"arn:aws:iam::{ACCOUNT}:role/{name}-reader"
    tags = {"data-classification": "restricted", "owner": "data-platform", "pipeline": name}
    on = {"bucket": UNKNOWN, "id": UNKNOWN, "region": "eu-west-1"}
    pab = {key: bad != "open-pab" for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls")}
    pab["restrictPublicBuckets"] = bad != "open-pab"
    principal: Any = "*" if bad == "public-policy" else {"AWS": reader}
    read_resource: Any = "*" if bad == "read-star" else [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    key_principal: Any = "*" if bad == "open-key" else {"AWS": reader}
    # The key ARN is known (an existing key), so encryption is decidable at plan time.
    sse_default = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{index:08d}-0000"}
    both = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    bucket_policy = _policy(
        [
            {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": both[1]},
            {
                "Sid": "Perimeter",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:GetObject*", "s3:ListBucket*"],
                "Resource": both,
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [reader]}},
            },
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": both,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ]
    )
    key_policy = _policy(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": KEY_ADMIN},
                "Action": ["kms:Describe*", "kms:Put*"],
                "Resource": "*",
            },
            {"Effect": "Allow", "Principal": key_principal, "Action": ["kms:Decrypt"], "Resource": "*"},
        ]
    )
    steps = [
        _step(
            "aws:s3/bucket:Bucket",
            name,
            {"bucket": bucket, "forceDestroy": False, "tags": {"__defaults": [], **tags}},
            {"arn": UNKNOWN, "bucket": bucket, "id": UNKNOWN, "region": "eu-west-1", "tags": tags, "tagsAll": tags},
            [],
        ),
        _step(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{name}-pab",
            {"bucket": UNKNOWN, **pab},
            {**on, **pab},
            [bucket_urn],
        ),
        _step(
            "aws:s3/bucketVersioning:BucketVersioning",
            f"{name}-versioning",
            {"bucket": UNKNOWN, "versioningConfiguration": {"__defaults": [], "status": "Enabled"}},
            {**on, "versioningConfiguration": {"status": "Enabled", "mfaDelete": UNKNOWN}},
            [bucket_urn],
        ),
        _step(
            "aws:s3/bucketLogging:BucketLogging",
            f"{name}-logging",
            {"bucket": UNKNOWN, "targetBucket": "access-logs-0a1b2c3", "targetPrefix": f"{name}/"},
            {**on, "targetBucket": "access-logs-0a1b2c3", "targetPrefix": f"{name}/"},
            [bucket_urn],
        ),
        _step(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            f"{name}-lifecycle",
            {"bucket": UNKNOWN, "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 30}}]},
            {**on, "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 30, "date": UNKNOWN}}]},
            [bucket_urn],
        ),
        _step(
            "aws:s3/bucketPolicy:BucketPolicy",
            f"{name}-policy",
            {"bucket": UNKNOWN, "policy": bucket_policy},
            {**on, "policy": bucket_policy},
            [bucket_urn],
        ),
        _step(
            "aws:kms/key:Key",
            f"{name}-key",
            {"description": f"{name} data key", "enableKeyRotation": True, "policy": key_policy},
            {"arn": UNKNOWN, "id": UNKNOWN, "keyId": UNKNOWN, "enableKeyRotation": True, "policy": key_policy},
            [],
        ),
        _step(
            "aws:iam/role:Role",
            f"{name}-reader",
            {
                "name": f"{name}-reader",
                "assumeRolePolicy": _policy(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "sagemaker.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                        }
                    ]
                ),
            },
            {"arn": UNKNOWN, "id": UNKNOWN, "name": f"{name}-reader", "uniqueId": UNKNOWN},
            [],
        ),
        _step(
            "aws:iam/rolePolicy:RolePolicy",
            f"{name}-reader-read",
            {
                "role": UNKNOWN,
                "policy": _policy([{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": read_resource}]),
            },
            {"id": UNKNOWN, "role": UNKNOWN},
            [role_urn],
        ),
    ]
    if bad != "no-encryption":
        steps.insert(
            2,
            _step(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"{name}-sse",
                {
                    "bucket": UNKNOWN,
                    "rules": [{"applyServerSideEncryptionByDefault": sse_default, "bucketKeyEnabled": True}],
                },
                {**on, "rules": [{"applyServerSideEncryptionByDefault": sse_default, "bucketKeyEnabled": True}]},
                [bucket_urn, key_urn],
            ),
        )
    return steps


def synthetic_preview(resources: int) -> dict[str, Any]:
    """A ``pulumi preview --json`` document with about ``resources`` resources."""
    # One trail records S3 data events of every bucket ("arn:aws:s3" selects all of them).
    trail = _step(
        "aws:cloudtrail/trail:Trail",
        "audit-trail",
        {
            "name": "capture-audit",
            "s3BucketName": "audit-logs-0a1b2c3",
            "enableLogging": True,
            "isMultiRegionTrail": True,
            "enableLogFileValidation": True,
            "cloudWatchLogsGroupArn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:capture-audit:*",
            "cloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs",
            "kmsKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f6c2d9e-8b7a-4c3d-a1e2-5f4b3c2d1e0f",
            "eventSelectors": [
                {
                    "readWriteType": "All",
                    "includeManagementEvents": True,
                    "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
                }
            ],
        },
        {"arn": UNKNOWN, "id": UNKNOWN, "homeRegion": UNKNOWN},
        [],
    )
    steps = [*environments.stack_steps(), trail]
    index = 0
    while len(steps) < resources:
        steps.extend(_group(index))
        index += 1
    del steps[resources:]
    config = {
        "aws:region": "eu-west-1",
        "lockdown:accountIds": json.dumps([ACCOUNT]),
        "lockdown:keyAdministrators": json.dumps([KEY_ADMIN]),
        "lockdown:allowedReaders": json.dumps(
            [f"arn:aws:iam::{ACCOUNT}:role/capture-{i:05d}-reader" for i in range(index)]
        ),
    }
    return {"config": config, "steps": steps, "duration": 1, "changeSummary": {"create": len(steps)}}


# ---------------------------------------------------------------- whole-process runs


POLICIES: list[str] = []  # ["--policies", DIR] when given


def run_check(preview: Path, out: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one ``lockdown check`` process."""
    command = [sys.executable, "-m", "lockdown.cli", "check", "--preview-json", str(preview), *POLICIES]
    # --allow-incomplete: the start-up baseline's preview holds no resource the rules evaluate.
    command += ["--format", "json", "--output", str(out), "--allow-incomplete"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"lockdown check failed on {preview} (exit {process.returncode}): {stderr.strip()}")
    return wall, usage.ru_maxrss / 1024, process.returncode


def write_preview(size: int, path: Path, shape: str = "groups") -> None:
    """Write a synthetic preview from a separate process.

    Linux carries a process's peak RSS across ``exec``, so every ``lockdown check`` started
    by a bench process that had just built a 10,000-resource preview in memory would report
    at least that much as its own peak; the bench process must stay small.
    """
    maker = {"groups": "check_bench.synthetic_preview", "environments": "environments.preview"}[shape]
    code = f"import json, sys, check_bench, environments; doc = {maker}(int(sys.argv[1])); "
    code += "open(sys.argv[2], 'w').write(json.dumps(doc, indent=4))"
    subprocess.run([sys.executable, "-c", code, str(size), str(path)], check=True, cwd=Path(__file__).parent)


def write_plan(size: int, path: Path) -> None:
    """Write the environments shape as a Terraform plan (``terraform show -json``)."""
    code = "import json, sys, environments; doc = environments.terraform_plan(int(sys.argv[1])); "
    code += "open(sys.argv[2], 'w').write(json.dumps(doc, indent=4))"
    subprocess.run([sys.executable, "-c", code, str(size), str(path)], check=True, cwd=Path(__file__).parent)


def checkov_command() -> list[str] | None:
    """The Checkov executable: $CHECKOV, else ``checkov`` on PATH or beside this Python."""
    found = (
        os.environ.get("CHECKOV")
        or shutil.which("checkov")
        or shutil.which("checkov", path=Path(sys.executable).parent)
    )
    return [found] if found else None


def run_checkov(command: list[str], plan: Path) -> float:
    """Wall seconds of one Checkov run on a Terraform plan (failed checks are its exit 1)."""
    args = [*command, "-f", str(plan), "--framework", "terraform_plan", "--quiet", "--compact", "-o", "json"]
    started = time.perf_counter()
    done = subprocess.run([*args, "--skip-download"], capture_output=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"checkov failed on {plan} (exit {done.returncode}): {done.stderr.decode()[-500:]}")
    return wall


def measure(sizes: list[int], repeat: int, workdir: Path, shape: str = "groups") -> list[dict[str, Any]]:
    """Best of ``repeat`` runs per size; the rounds go over every size in turn, so that a slow
    phase of the machine (its speed varies by up to 2x over minutes) hits every size alike.
    For the environments shape, Checkov runs on the same resources in the same rounds."""
    previews, plans = {}, {}
    checkov = checkov_command() if shape == "environments" else None
    for size in sizes:
        previews[size] = workdir / f"preview-{shape}-{size}.json"
        write_preview(size, previews[size], shape)
        if checkov:
            plans[size] = workdir / f"plan-{size}.json"
            write_plan(size, plans[size])
    runs: dict[int, list[tuple[float, float, int]]] = {size: [] for size in sizes}
    checkov_runs: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(repeat):
        for size in sizes:
            runs[size].append(run_check(previews[size], workdir / f"report-{shape}-{size}.json"))
            if checkov:
                checkov_runs[size].append(run_checkov(checkov, plans[size]))
    rows = []
    for size in sizes:
        report = json.loads((workdir / f"report-{shape}-{size}.json").read_text())
        rows.append(
            {
                "resources": report["summary"]["resources"],
                "file_mb": previews[size].stat().st_size / 1e6,
                "wall_s": min(run[0] for run in runs[size]),
                "rss_mb": max(run[1] for run in runs[size]),
                "findings": report["summary"]["findings"],
                "exit": runs[size][0][2],
                "checkov_s": min(checkov_runs[size]) if checkov else None,
            }
        )
    return rows


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast the machine is right now."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def baseline(workdir: Path) -> float:
    """Wall time of the same command on a 2-resource preview: start-up and policy load."""
    preview = workdir / "preview-0.json"
    write_preview(2, preview)
    return min(run_check(preview, workdir / "report-0.json")[0] for _ in range(3))


# ---------------------------------------------------------------- in-process profile


def profile(preview: Path) -> list[tuple[str, float]]:
    """Seconds per stage for one check of ``preview``, in process."""
    from lockdown.engine import load_engine
    from lockdown.engine.evaluation import build_input
    from lockdown.findings import check
    from lockdown.loaders.preview import load_preview
    from lockdown.settings import resolve

    stages: list[tuple[str, float]] = []

    def timed(label: str, action: Any) -> Any:
        started = time.perf_counter()
        value = action()
        stages.append((label, time.perf_counter() - started))
        return value

    timed("json parse (json.loads of the file)", lambda: json.loads(preview.read_bytes()))
    loaded = timed("load_preview (parse + normalize into records)", lambda: load_preview(preview))
    stages.append(("  of which normalization and records", stages[1][1] - stages[0][1]))
    policies = POLICIES[1] if POLICIES else None
    timed("policy load (parse, check every module)", lambda: load_engine(policies))
    engine = timed(
        "  the same in lockdown check (checks in a worker)", lambda: load_engine(policies, background_checks=True)
    )
    settings = resolve(loaded.config)
    timed("engine input conversion (build_input)", lambda: build_input(loaded.resources))
    timed("check (input conversion + evaluation + findings)", lambda: check(loaded, engine, settings))
    stages.append(("  of which evaluation and findings", stages[-1][1] - stages[-2][1]))
    return stages


def slowest_rules(preview: Path, top: int = 5) -> list[tuple[float, str, str]]:
    """Seconds each rule takes alone on ``preview`` (evaluation dominates: this says where)."""
    from lockdown.engine import load_engine
    from lockdown.loaders.preview import load_preview
    from lockdown.settings import resolve

    loaded = load_preview(preview)
    settings = resolve(loaded.config)
    engine = load_engine(POLICIES[1] if POLICIES else None)
    started = time.perf_counter()
    engine.evaluate(loaded.resources, settings, rules=())
    overhead = time.perf_counter() - started
    timings = []
    for rule in engine.rules:
        started = time.perf_counter()
        engine.evaluate(loaded.resources, settings, rules=(rule,))
        timings.append((time.perf_counter() - started - overhead, rule.id, rule.path))
    return sorted(timings, reverse=True)[:top]


# ---------------------------------------------------------------- report


def print_table(rows: list[dict[str, Any]], start_up: float) -> bool:
    print(f"{'resources':>9} {'file MB':>8} {'wall s':>7} {'peak MB':>8} {'findings':>8}  target")
    ok = True
    for row in rows:
        meets = row["wall_s"] < WALL_TARGET_S and row["rss_mb"] < RSS_TARGET_MB
        ok = ok and (meets or row["resources"] < 9_900)
        print(
            f"{row['resources']:>9,} {row['file_mb']:>8.1f} {row['wall_s']:>7.2f} {row['rss_mb']:>8.0f} "
            f"{row['findings']:>8}  {'meets' if meets else 'MISSES'} (< {WALL_TARGET_S:g} s, < {RSS_TARGET_MB:g} MB)"
        )
    print_checkov(rows)
    print(f"start-up and policy load (2 resources): {start_up:.2f} s")
    small, large = rows[0], rows[-1]
    if large["resources"] > small["resources"]:
        size_ratio = large["resources"] / small["resources"]
        variable = [(row["wall_s"] - start_up) / row["resources"] * 1000 for row in rows]
        wall_ratio = (large["wall_s"] - start_up) / max(small["wall_s"] - start_up, 1e-6)
        print(
            "per 1,000 resources beyond start-up: " + ", ".join(f"{v:.3f} s" for v in variable) + f"; growth "
            f"{wall_ratio:.1f}x for {size_ratio:.0f}x the resources "
            f"({'linear' if wall_ratio <= size_ratio * 1.3 else 'WORSE THAN LINEAR'})"
        )
    return ok


def print_checkov(rows: list[dict[str, Any]]) -> None:
    """Checkov on the same resources as a Terraform plan, when this shape has it."""
    if "checkov_s" not in rows[0]:
        return
    if rows[0]["checkov_s"] is None:
        print("checkov: skipped (not installed: pip install -r requirements-bench.txt, or set CHECKOV)")
        return
    for row in rows:
        ratio = row["checkov_s"] / max(row["wall_s"], 1e-6)
        print(
            f"checkov on the same {row['resources']:,} resources (Terraform plan): "
            f"{row['checkov_s']:.2f} s, {ratio:.1f}x lockdown's time"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated resource counts")
    parser.add_argument("--repeat", type=int, default=5, help="rounds over every size (the fastest run counts)")
    parser.add_argument("--profile", action="store_true", help="also break down the largest run in process")
    parser.add_argument("--policies", metavar="DIR", help="policies directory (default: the repository's policies/)")
    parser.add_argument("--shapes", default="groups,environments", help="comma-separated: groups, environments")
    args = parser.parse_args()
    if args.policies:
        POLICIES.extend(["--policies", str(Path(args.policies).resolve())])
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="lockdown-bench-") as tmp:
        workdir = Path(tmp)
        speed_before = machine_speed()
        start_up = baseline(workdir)
        ok = True
        for shape in args.shapes.split(","):
            print(f"\nshape: {shape}")
            rows = measure(sizes, args.repeat, workdir, shape)
            ok = print_table(rows, start_up) and ok
        print(
            f"machine speed: a 2M-iteration Python loop took {speed_before:.3f} s before the runs and "
            f"{machine_speed():.3f} s after (0.07 s when this 2-core machine runs at full speed)"
        )
        if args.profile:
            shape = args.shapes.split(",")[-1]  # the shape measured last
            print(f"\nwhere the time goes for {sizes[-1]:,} resources of shape {shape} (in process):")
            for label, seconds in profile(workdir / f"preview-{shape}-{sizes[-1]}.json"):
                print(f"  {label:<52} {seconds:6.3f} s")
            print(f"\nslowest rules alone on {sizes[0]:,} resources of shape {shape} (in process):")
            for seconds, rule_id, path in slowest_rules(workdir / f"preview-{shape}-{sizes[0]}.json"):
                print(f"  {rule_id:<12} {path:<60} {seconds:6.3f} s")
    print("\nresult:", "meets the targets" if ok else "MISSES the targets")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
