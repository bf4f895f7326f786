"""The repository's own rules on the live graph: out-of-band changes bring new findings."""

from __future__ import annotations

import json
from pathlib import Path

import drift_stack as stack
import pytest

from lockdown.drift.command import run_drift
from lockdown.engine import load_engine
from lockdown.errors import LockdownError


def findings_by_urn(moto: str, tmp_path: Path, name: str) -> tuple[int, dict[str, set[str]], dict]:
    output = tmp_path / f"{name}.json"
    code = run_drift(
        state=tmp_path / "state.json", regions=[stack.REGION], endpoint_url=moto, fmt="json", output=output
    )
    report = json.loads(output.read_text())
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["urn"], set()).add(finding["message"])
    return code, found, report


def require_bundled_policies() -> None:
    """Fail, never skip, when the bundled policies do not load: a broken rule set must not pass CI."""
    try:
        load_engine()
    except LockdownError as err:
        pytest.fail(f"bundled policies do not load: {err}", pytrace=False)


def test_broken_bundled_policies_fail_the_test_instead_of_skipping_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise LockdownError("policies/s3/public.rego:3: rego_parse_error")

    monkeypatch.setattr(f"{__name__}.load_engine", broken)
    with pytest.raises(pytest.fail.Exception, match=r"bundled policies do not load: .*rego_parse_error"):
        require_bundled_policies()


def test_out_of_band_changes_raise_findings_from_the_bundled_rules(moto: str, tmp_path: Path) -> None:
    require_bundled_policies()
    (tmp_path / "state.json").write_text(json.dumps(stack.deploy(moto)))
    _, before, _ = findings_by_urn(moto, tmp_path, "before")

    stack.attach_public_read(moto)
    stack.switch_off_public_access_block(moto)
    stack.add_role_reading_everything(moto, {"Service": "ec2.amazonaws.com"})
    code, after, report = findings_by_urn(moto, tmp_path, "after")

    urn = f"urn:pulumi:{stack.STACK}::{stack.PROJECT}"
    policy_urn = f"{urn}::aws:s3/bucketPolicy:BucketPolicy::{stack.RAW}-policy"
    pab_urn = f"{urn}::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::{stack.RAW}-pab"
    assert after.get(policy_urn, set()) - before.get(policy_urn, set()), "no new finding on the public bucket policy"
    assert pab_urn in after and pab_urn not in before
    role_urns = {u for u in after if "analytics-everything" in u}
    assert role_urns and not any("analytics-everything" in u for u in before)
    assert any(e["principal"] == "*" and e["store_name"] == stack.RAW for e in report["readers"])
    assert code == 1
