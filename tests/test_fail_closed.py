"""Issue 13, item by item: each way a run could pass what it did not check now fails closed.

The bad inputs themselves (exit 2, one line, nothing written, no secret) are in
tests/test_bad_inputs.py; this file holds what needs more than one bad file to show.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lockdown.documents import MAX_YAML_NODES, load_yaml
from lockdown.errors import LockdownError
from lockdown.loaders.program import secret_redactor
from lockdown.planner.project import ProjectSpec
from lockdown.settings import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
PREVIEW = ROOT / "tests" / "fixtures" / "preview" / "python-v7-locked.json"
FORMATS = ("text", "json", "sarif", "markdown")


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lockdown.cli", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout
    )


def preview_with(tmp_path: Path, *states: dict) -> Path:
    """The locked preview plus extra planned resources."""
    document = json.loads(PREVIEW.read_text())
    document["steps"] += [{"op": "create", "urn": s["urn"], "newState": s} for s in states]
    document["changeSummary"] = {"same": 32, "update": 1, "create": len(states)}
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document))
    return path


# -- 1. secrets never reach what the planner relays -------------------------------------------


def test_redactor_replaces_every_form_of_a_known_secret() -> None:
    spec = ProjectSpec(project="p", stack="dev", project_dir=ROOT, main=ROOT / "__main__.py")
    spec.secret_keys = ["p:db", "p:tokens"]
    spec.program_config = {"p:db": "pa'ss\\word", "p:tokens": '["tok-1234", "tok-5678"]', "p:plain": "visible"}
    redact = secret_redactor(spec, ["from-output-secret"])
    text = "db=pa'ss\\word repr='pa\\'ss\\\\word' json=\"pa'ss\\\\word\" tok-1234 tok-5678 from-output-secret visible"
    cleaned = redact(text)
    for secret in ("pa'ss", "tok-1234", "tok-5678", "from-output-secret"):
        assert secret not in cleaned
    assert "visible" in cleaned


# -- 2. unmodelled types that carry a policy ---------------------------------------------------


def test_replica_key_whose_policy_lets_anyone_decrypt_is_a_finding_in_every_format(tmp_path: Path) -> None:
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}
    urn = "urn:pulumi:dev::capture-pipeline::aws:kms/replicaKey:ReplicaKey::replica"
    replica = {
        "urn": urn,
        "type": "aws:kms/replicaKey:ReplicaKey",
        "custom": True,
        "inputs": {"policy": json.dumps(policy)},
    }
    path = preview_with(tmp_path, replica)
    for fmt in FORMATS:
        done = run_cli("check", "--preview-json", str(path), "--format", fmt)
        assert done.returncode == 1, (fmt, done.stderr)
        assert "LD-COV-001" in done.stdout, fmt


# -- 3. runs that did not see everything -------------------------------------------------------


def test_allow_incomplete_turns_the_refusal_into_a_warning(tmp_path: Path) -> None:
    hidden = ROOT / "tests" / "fixtures" / "bad-inputs" / "preview-without-show-sames.json"
    refused = run_cli("check", "--preview-json", str(hidden), "--format", "json")
    assert refused.returncode == 2 and "--show-sames" in refused.stderr
    accepted = run_cli("check", "--preview-json", str(hidden), "--format", "json", "--allow-incomplete")
    assert accepted.returncode != 2, accepted.stderr
    assert any("--show-sames" in warning for warning in json.loads(accepted.stdout)["warnings"])


# -- 5. YAML alias expansion is bounded ---------------------------------------------------------


def test_yaml_aliases_within_the_bound_still_load() -> None:
    assert load_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml", "settings file") == {"a": [1, 2], "b": [1, 2]}


def test_yaml_alias_expansion_over_the_bound_is_refused_quickly() -> None:
    levels = ["&l0 [" + ",".join(["x"] * 10) + "]"]
    levels += [f"&l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 7)]  # 10^7 leaves
    started = time.perf_counter()
    with pytest.raises(LockdownError, match=f"more than {MAX_YAML_NODES:,} YAML nodes"):
        load_yaml("v: [" + ", ".join(levels) + "]\n", "f.yaml", "settings file")
    assert time.perf_counter() - started < 5


# -- 6. the planner timeout holds when the program forks ---------------------------------------


def test_planner_timeout_kills_what_the_program_forked(tmp_path: Path) -> None:
    """The program forks a child that keeps the planner's pipes open; the run must still end."""
    program = tmp_path / "forker"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: forker\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text("import os, time\nif os.fork() == 0:\n    time.sleep(600)\ntime.sleep(600)\n")
    script = textwrap.dedent(
        f"""
        import lockdown.loaders.program as program
        from lockdown.errors import LockdownError
        program.TIMEOUT_SECONDS = 3
        try:
            program.load_program({str(program)!r}, "dev")
        except LockdownError as err:
            print(err)
        """
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=90, cwd=ROOT)
    assert "did not finish planning within 3 s" in done.stdout, done.stderr
    assert time.perf_counter() - started < 60


# -- 7. a runaway rule -------------------------------------------------------------------------


def test_a_recursive_rule_is_a_policy_error_not_a_crash(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    (policies / "rules" / "bad").mkdir()
    (policies / "rules" / "bad" / "runaway.rego").write_text(
        textwrap.dedent(
            """\
            # METADATA
            # title: Runaway
            # description: Calls itself until the engine's stack overflows.
            # custom:
            #   id: LD-BAD-002
            #   severity: high
            #   enforcement: mandatory
            #   scope: resource
            #   remediation: none
            package lockdown.rules.bad.runaway

            import rego.v1

            deny contains {"urn": r.urn, "msg": "x"} if {
            \tsome r in input.resources
            \tdepth(1) > 0
            }

            depth(n) := depth(n + 1)
            """
        )
    )
    done = run_cli("check", "--preview-json", str(PREVIEW), "--policies", str(policies))
    assert done.returncode == 2, done.stderr
    assert "runaway.rego:19: function data.lockdown.rules.bad.runaway.depth calls itself" in done.stderr


# -- 8. settings -------------------------------------------------------------------------------


def test_published_settings_schema_is_the_one_enforced() -> None:
    published = json.loads((ROOT / "docs" / "schemas" / "settings.schema.json").read_text())
    assert published == json.loads(json.dumps(SCHEMA))


@pytest.mark.parametrize(
    ("settings", "rule"),
    [
        ("protectedClassifications: []\n", "LD-SET-002"),
        ("defaultClassification: public\n", "LD-SET-002"),
        ("classificationTag: whatever\n", "LD-SET-002"),
        ("maxRetentionDays: 100000\n", "LD-SET-003"),
        ("allowedReaders: ['arn:aws:iam::999999999999:role/outsider']\n", "LD-SET-001"),
    ],
)
def test_settings_that_switch_protection_off_are_findings(tmp_path: Path, settings: str, rule: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(settings)
    done = run_cli("check", "--preview-json", str(PREVIEW), "--settings", str(path), "--format", "json")
    assert done.returncode == 1, done.stderr
    assert rule in {finding["rule"] for finding in json.loads(done.stdout)["findings"] if finding["blocking"]}


def test_settings_that_widen_access_head_every_report(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("maxLogRetentionDays: 400\n")
    reports = {}
    for fmt in FORMATS:
        done = run_cli("check", "--preview-json", str(PREVIEW), "--settings", str(path), "--format", fmt)
        reports[fmt] = done.stdout
    reader = "arn:aws:iam::111122223333:role/capture-analyst"
    assert reports["text"].splitlines()[0].startswith("Settings that widen access or weaken a rule")
    assert reader in reports["text"].split("LD-", 1)[0] and "maxLogRetentionDays: 400" in reports["text"]
    markdown_head = reports["markdown"].split("<details", 1)[0]
    assert reader in markdown_head and "maxLogRetentionDays: 400" in markdown_head
    sarif_settings = json.loads(reports["sarif"])["runs"][0]["properties"]["settings"]
    json_settings = json.loads(reports["json"])["settings"]
    for entries in (sarif_settings, json_settings):
        assert {"setting": "maxLogRetentionDays", "value": 400} in [
            {k: e[k] for k in ("setting", "value")} for e in entries
        ]
        assert any(entry["value"] == reader for entry in entries)


# -- 9. the policy manifest ---------------------------------------------------------------------


def test_the_report_carries_the_policy_manifest() -> None:
    done = run_cli("check", "--preview-json", str(PREVIEW), "--format", "json")
    policies = json.loads(done.stdout)["policies"]
    assert policies["rules"]["LD-S3-002"]["enforcement"] == "mandatory"
    assert policies["library"].startswith("sha256:") and policies["digest"].startswith("sha256:")


@pytest.mark.parametrize("change", ["delete a rule", "switch a rule to advisory", "edit the library"])
def test_a_weakened_policy_set_fails_against_the_pinned_manifest(tmp_path: Path, change: str) -> None:
    manifest = tmp_path / "policies.json"
    pinned = run_cli("rules", "--format", "manifest", "--output", str(manifest))
    assert pinned.returncode == 0, pinned.stderr
    assert run_cli("check", "--preview-json", str(PREVIEW), "--expect-policies", str(manifest)).returncode == 0
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    rule = policies / "rules" / "s3" / "public_acl.rego"
    if change == "delete a rule":
        rule.unlink()
        (policies / "rules" / "s3" / "public_acl_test.rego").unlink()
        expected = "rule LD-S3-"
    elif change == "switch a rule to advisory":
        rule.write_text(rule.read_text().replace("enforcement: mandatory", "enforcement: advisory"))
        expected = "enforcement changed from mandatory to advisory"
    else:
        library = policies / "lib" / "principals.rego"
        library.write_text(library.read_text() + "\n# harmless-looking edit\n")
        expected = "the library (policies/lib, readers) was edited"
    done = run_cli(
        "check", "--preview-json", str(PREVIEW), "--policies", str(policies), "--expect-policies", str(manifest)
    )
    assert done.returncode == 2
    assert "the policies differ from the pinned manifest" in done.stderr and expected in done.stderr
