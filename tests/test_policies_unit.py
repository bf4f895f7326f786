"""Python-side checks of the Rego library: its unit tests pass with coverage, every rule
carries the metadata the engine and reports rely on, resource-scoped rules keep the scope
invariant the deployment gate depends on, and no rule uses a regorus-hostile reference form.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

os.environ.pop("RUST_BACKTRACE", None)
import regorus

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
# The areas this suite owns; other areas are checked by their own suites.
OWNED = [
    POLICIES / "lib",
    POLICIES / "rules" / "s3",
    POLICIES / "rules" / "iam",
    POLICIES / "rules" / "kms",
    POLICIES / "readers",
    POLICIES / "rules" / "access",
]
OWN_LIB = [
    "config", "types", "classification", "policy", "actions", "principals", "resources", "s3", "iam", "reads",
    "wildcard", "arn",
]  # fmt: skip
OWN = "111111111111"
READER = f"arn:aws:iam::{OWN}:role/reader"
CONFIG = {"allowedReaders": [READER], "accountIds": [OWN], "organizationId": "o-abc123", "keyAdministrators": []}
FRAMEWORK = re.compile(
    r"^(CIS AWS Foundations \d+(\.\d+)*|SOC 2 [A-Z]+\d+(\.\d+)?|ISO 27001 A\.\d+(\.\d+)*|GDPR Art\. \d+.*)$"
)


def rego_files(areas: list[Path]) -> list[Path]:
    return sorted(p for area in areas for p in area.rglob("*.rego") if _owned_lib(p) or areas == [POLICIES])


def _owned_lib(path: Path) -> bool:
    """Library modules of other areas (e.g. services.rego) are checked by their own suites."""
    return path.parent != POLICIES / "lib" or path.stem.removesuffix("_test") in OWN_LIB


def rule_files(areas: list[Path]) -> list[Path]:
    return [p for p in rego_files(areas) if "/rules/" in p.as_posix() and not p.name.endswith("_test.rego")]


def package_of(path: Path) -> str:
    match = re.search(r"^package\s+([\w.]+)", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path}: no package"
    return match.group(1)


def metadata(path: Path) -> dict[str, Any]:
    """The first comment block, which must sit directly above `package`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    block: list[str] = []
    for line in lines:
        if line.startswith("#"):
            block.append(line[2:] if line.startswith("# ") else line[1:])
            continue
        assert line.startswith("package "), f"{path}: METADATA block must be directly above package"
        break
    assert block and block[0].strip() == "METADATA", f"{path}: no # METADATA block"
    return yaml.safe_load("\n".join(block[1:]))


@lru_cache(maxsize=1)
def engine() -> regorus.Engine:
    eng = regorus.Engine()
    eng.set_enable_coverage(True)
    for path in rego_files([POLICIES]):
        eng.add_policy_from_file(str(path))
    return eng


def test_every_rego_test_passes_and_owned_code_is_covered() -> None:
    eng = engine()
    failures = []
    for path in rego_files(OWNED):
        if not path.name.endswith("_test.rego"):
            continue
        pkg = package_of(path)
        for name in sorted(set(re.findall(r"^(test_\w+)\s+if", path.read_text(encoding="utf-8"), re.M))):
            if json.loads(eng.eval_rule_as_json(f"data.{pkg}.{name}")) is not True:
                failures.append(f"{pkg}.{name}")
    assert not failures, failures
    report = json.loads(eng.get_coverage_report_as_json())
    covered = total = 0
    for entry in report["files"]:
        path = Path(entry["path"]).resolve()
        if path.name.endswith("_test.rego") or not any(path.is_relative_to(area) for area in OWNED):
            continue
        if path.parent.name == "lib" and path.stem not in OWN_LIB:
            continue
        covered += len(entry.get("covered", []))
        total += len(entry.get("covered", [])) + len(entry.get("not_covered", []))
    assert total > 0
    assert covered / total > 0.9, f"coverage {covered / total:.1%}"


def test_every_area_rego_test_passes() -> None:
    """The Rego tests of every area (logging, capture, training, Lake Formation included), not
    only of the areas this suite checks in depth."""
    eng = engine()
    failures = []
    for path in rego_files([POLICIES]):
        if path.name.endswith("_test.rego"):
            pkg = package_of(path)
            for name in sorted(set(re.findall(r"^(test_\w+)\s+if", path.read_text(encoding="utf-8"), re.M))):
                if json.loads(eng.eval_rule_as_json(f"data.{pkg}.{name}")) is not True:
                    failures.append(f"{pkg}.{name}")
    assert not failures, failures


@pytest.mark.parametrize("path", rule_files(OWNED), ids=lambda p: p.stem)
def test_rule_metadata_and_layout(path: Path) -> None:
    meta = metadata(path)
    custom = meta["custom"]
    area = path.parent.name
    assert package_of(path) == f"lockdown.rules.{area}.{path.stem}"
    assert meta["title"] and meta["description"]
    assert re.fullmatch(rf"LD-{area.upper()}-\d{{3}}", custom["id"]), custom["id"]
    assert custom["severity"] in {"critical", "high", "medium", "low"}
    assert custom["enforcement"] in {"mandatory", "advisory"}
    assert custom["scope"] in {"resource", "stack"}
    assert custom["remediation"]
    assert custom["frameworks"] and all(FRAMEWORK.match(f) for f in custom["frameworks"]), custom["frameworks"]
    test = path.with_name(f"{path.stem}_test.rego")
    assert test.exists(), f"{path.name} has no test file"
    text = test.read_text(encoding="utf-8")
    assert package_of(test) == f"lockdown.rules.{area}.{path.stem}_test"
    names = re.findall(r"^(test_\w+)\s+if", text, re.M)
    assert any("denied" in n for n in names), "no deny case"
    assert any("allowed" in n for n in names), "no allow case"


def test_rule_ids_are_unique() -> None:
    ids = [metadata(p)["custom"]["id"] for p in rule_files([POLICIES / "rules"])]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _lib_module(name: str) -> Path:
    """The file of package lockdown.lib.<name>: lib/<name>.rego, or lib/<name>/model.rego for a
    library with sub-packages (lib/access)."""
    single = POLICIES / "lib" / f"{name}.rego"
    return single if single.exists() else POLICIES / "lib" / name / "model.rego"


def test_no_import_alias_rule_references() -> None:
    """regorus evaluates `alias.rule` by building the whole aliased package (slow, and inside
    functions sometimes undefined): rules of other packages are named by their data path."""
    offenders = []
    for path in rego_files(OWNED):
        if path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        aliases = [m.group(1) for m in re.finditer(r"^import data\.lockdown\.lib\.(\w+)$", text, re.M)]
        lib_rules = {a: _rule_names(_lib_module(a)) for a in aliases}
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for m in re.finditer(r'(?<![.\w"/\-:])(\w+)\.([a-z_]\w*)\b(?!\s*\()', line):
                if m.group(1) in lib_rules and m.group(2) in lib_rules[m.group(1)]:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {m.group(0)}")
    assert not offenders, offenders


def _rule_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(?:default\s+)?([a-z_]\w*)\s*(?::=|contains\b|\[|if\b)", line)
        if m and not re.match(r"^(?:default\s+)?[a-z_]\w*\(", line):
            names.add(m.group(1))
    return names


# ---------------------------------------------------------------------------
# Scope invariant: a resource-scoped rule finds for a resource alone exactly what it finds for
# that resource in the whole stack.


def _res(type_: str, name: str, props: dict[str, Any], deps: list[str] | None = None) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:dev::lockdown::{type_}::{name}",
        "type": type_,
        "name": name,
        "id": props.get("bucket"),
        "properties": props,
        "parent": None,
        "dependencies": deps or [],
        "provider": None,
        "unknowns": [],
        "source": "preview",
    }


def _doc(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def sample_stack() -> list[dict[str, Any]]:
    """A mixed stack: good and bad buckets, keys, grants, roles and attachments, v6 and v7."""
    out: list[dict[str, Any]] = []
    for i in range(6):
        bad = i % 2 == 0
        phys = f"b{i}-bucket"
        tags = {"data-classification": ["restricted", "public", "internal"][i % 3]}
        bucket_type = "aws:s3/bucketV2:BucketV2" if i % 4 == 0 else "aws:s3/bucket:Bucket"
        out.append(
            _res(bucket_type, f"b{i}", {"bucket": phys, "tags": tags, "acl": "public-read" if bad else "private"})
        )
        flags = {
            f: not (bad and f == "ignorePublicAcls")
            for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        }
        out.append(
            _res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"b{i}-pab", {"bucket": phys, **flags})
        )
        out.append(
            _res(
                "aws:s3/bucketAclV2:BucketAclV2",
                f"b{i}-acl",
                {"bucket": phys, "acl": "authenticated-read" if bad else "private"},
            )
        )
        out.append(
            _res(
                "aws:s3/bucketPolicy:BucketPolicy",
                f"b{i}-policy",
                {
                    "bucket": phys,
                    "policy": _doc(
                        [
                            {
                                "Effect": "Allow",
                                "Principal": "*" if bad else {"AWS": READER},
                                "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{phys}/*",
                            }
                        ]
                    ),
                },
            )
        )
    for i in range(4):
        bad = i % 2 == 0
        key_statements = [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OWN}:root" if bad else READER},
                "Action": "kms:*" if bad else "kms:Decrypt",
                "Resource": "*",
            }
        ]
        out.append(
            _res(
                "aws:kms/key:Key",
                f"k{i}",
                {
                    "keyId": f"k{i}",
                    "enableKeyRotation": not bad,
                    "policy": _doc(key_statements),
                    "tags": {"data-classification": "public" if i == 3 else "restricted"},
                },
            )
        )
        out.append(
            _res("aws:kms/keyPolicy:KeyPolicy", f"k{i}-policy", {"keyId": f"k{i}", "policy": _doc(key_statements)})
        )
        out.append(
            _res(
                "aws:kms/grant:Grant",
                f"k{i}-grant",
                {
                    "keyId": f"k{i}",
                    "granteePrincipal": READER if not bad else f"arn:aws:iam::{OWN}:role/x",
                    "operations": ["Decrypt"],
                },
            )
        )
        role = f"r{i}"
        managed = ["arn:aws:iam::aws:policy/ReadOnlyAccess"] if bad else []
        inline = [
            {
                "name": "all",
                "policy": _doc([{"Effect": "Allow", "Action": "s3:*" if bad else "s3:PutObject", "Resource": "*"}]),
            }
        ]
        out.append(
            _res(
                "aws:iam/role:Role",
                role,
                {
                    "name": role,
                    "arn": f"arn:aws:iam::{OWN}:role/{role}",
                    "managedPolicyArns": managed,
                    "inlinePolicies": inline,
                    "assumeRolePolicy": _doc([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]),
                },
            )
        )
        out.append(
            _res(
                "aws:iam/rolePolicy:RolePolicy",
                f"{role}-inline",
                {
                    "role": role,
                    "policy": _doc([{"Effect": "Allow", "Action": "kms:*" if bad else "kms:Decrypt", "Resource": "*"}]),
                },
            )
        )
        out.append(
            _res(
                "aws:iam/policy:Policy",
                f"p{i}",
                {
                    "name": f"p{i}",
                    "arn": f"arn:aws:iam::{OWN}:policy/p{i}",
                    "policy": _doc(
                        [{"Effect": "Allow", "NotAction": "iam:*" if bad else "s3:GetObject", "Resource": "*"}]
                    ),
                },
            )
        )
        att_arn = "arn:aws:iam::aws:policy/AdministratorAccess" if bad else f"arn:aws:iam::{OWN}:policy/p{i}"
        out.append(
            _res(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{role}-att", {"role": role, "policyArn": att_arn}
            )
        )
        out.append(
            _res("aws:iam/policyAttachment:PolicyAttachment", f"{role}-patt", {"roles": [role], "policyArn": att_arn})
        )
    out.append(
        _res(
            "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
            "account",
            {
                "blockPublicAcls": True,
                "blockPublicPolicy": False,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
        )
    )
    return out


def _resource_rules() -> list[str]:
    return [package_of(p) for p in rule_files(OWNED) if metadata(p)["custom"]["scope"] == "resource"]


@pytest.mark.parametrize("package", _resource_rules())
def test_resource_scope_invariant(package: str) -> None:
    eng = regorus.Engine()
    for path in rego_files([POLICIES]):
        if not path.name.endswith("_test.rego"):
            eng.add_policy_from_file(str(path))
    eng.add_data({"lockdown": {"config": CONFIG}})
    stack = sample_stack()

    def deny(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        eng.set_input({"resources": resources})
        return json.loads(eng.eval_rule_as_json(f"data.{package}.deny"))

    whole = deny(stack)
    assert whole, f"{package}: the sample stack should exercise the rule"
    for resource in stack:
        in_stack = sorted(json.dumps(f, sort_keys=True) for f in whole if f["urn"] == resource["urn"])
        alone = sorted(json.dumps(f, sort_keys=True) for f in deny([resource]))
        assert alone == in_stack, resource["urn"]
