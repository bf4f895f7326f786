"""The embedded engine: loading, metadata, fail-closed errors, one-pass evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockdown.engine import load_engine, load_policy_set
from lockdown.engine.embedded import EmbeddedEngine
from lockdown.errors import LockdownError
from lockdown.model import Resource
from tests.policy_fixtures import write_rule


def resource(name: str, type_: str = "aws:s3/bucket:Bucket") -> Resource:
    return Resource(urn=f"urn:pulumi:dev::p::{type_}::{name}", type=type_, name=name, properties={}, source="program")


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    write_rule(tmp_path)
    write_rule(tmp_path, package="named_worse", rule_id="LD-DEMO-002", bad="worse", enforcement="advisory")
    return tmp_path


def test_evaluates_every_rule_in_one_pass(policies: Path) -> None:
    engine = load_engine(policies)
    evaluation = engine.evaluate([resource("bad"), resource("worse"), resource("fine")], {})
    found = sorted((v.rule.id, v.urn.split("::")[-1]) for v in evaluation.violations)
    assert found == [("LD-DEMO-001", "bad"), ("LD-DEMO-002", "worse")]


def test_evaluates_a_subset_of_rules(policies: Path) -> None:
    engine = load_engine(policies)
    only = tuple(rule for rule in engine.rules if rule.id == "LD-DEMO-002")
    evaluation = engine.evaluate([resource("bad"), resource("worse")], {}, rules=only)
    assert [v.rule.id for v in evaluation.violations] == ["LD-DEMO-002"]


def test_metadata_is_read_from_the_comment_block(policies: Path) -> None:
    rule = load_policy_set(policies).rule("LD-DEMO-002")
    assert (rule.severity, rule.enforcement, rule.scope) == ("high", "advisory", "resource")
    assert rule.frameworks == ("SOC 2 CC6.1",)
    assert rule.path.endswith("rules/demo/named_worse.rego")


def test_syntax_error_is_a_load_error_naming_the_file(policies: Path) -> None:
    broken = write_rule(policies, package="broken", rule_id="LD-DEMO-003")
    broken.write_text(broken.read_text().replace("some resource in", "some resource inn"))
    with pytest.raises(LockdownError, match=r"broken\.rego:\d+:\d+"):
        load_engine(policies)


def test_undefined_function_is_a_load_error_not_a_silent_pass(policies: Path) -> None:
    broken = write_rule(policies, package="typo", rule_id="LD-DEMO-003")
    broken.write_text(broken.read_text().replace('resource.name == "bad"', 'lower_case(resource.name) == "bad"'))
    with pytest.raises(LockdownError, match=r"typo\.rego.*lower_case"):
        load_engine(policies)


def test_runtime_error_names_the_rule(policies: Path) -> None:
    broken = write_rule(policies, package="divides", rule_id="LD-DEMO-009")
    text = broken.read_text().replace(
        'resource.name == "bad"', 'resource.name == "bad"\n\tto_number(resource.name) > 0'
    )
    broken.write_text(text)
    engine = load_engine(policies)
    with pytest.raises(LockdownError, match="LD-DEMO-009"):
        engine.evaluate([resource("bad")], {})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("#   severity: high\n", ""), "missing severity"),
        (lambda t: t.replace("severity: high", "severity: urgent"), "severity 'urgent'"),
        (lambda t: t.replace("scope: resource", "scope: global"), "scope 'global'"),
        (lambda t: t.replace("# METADATA\n", ""), "no # METADATA"),
    ],
)
def test_incomplete_metadata_is_rejected(policies: Path, edit, message: str) -> None:
    rule_file = policies / "rules" / "demo" / "named_bad.rego"
    rule_file.write_text(edit(rule_file.read_text()))
    with pytest.raises(LockdownError, match=message):
        load_policy_set(policies)


def test_duplicate_rule_ids_are_rejected(policies: Path) -> None:
    write_rule(policies, package="again", rule_id="LD-DEMO-001")
    with pytest.raises(LockdownError, match="LD-DEMO-001 is already used"):
        load_policy_set(policies)


def test_rule_without_deny_is_rejected(policies: Path) -> None:
    rule_file = write_rule(policies, package="nodeny", rule_id="LD-DEMO-004", with_test=False)
    rule_file.write_text(rule_file.read_text().replace("deny contains violation", "denied contains violation"))
    with pytest.raises(LockdownError, match="defines no deny rule"):
        load_engine(policies)


def test_malformed_violation_fails_closed(policies: Path) -> None:
    rule_file = write_rule(policies, package="shape", rule_id="LD-DEMO-005", with_test=False)
    rule_file.write_text(
        rule_file.read_text().replace('{"urn": resource.urn, "msg"', '{"resource": resource.urn, "msg"')
    )
    engine = load_engine(policies)
    with pytest.raises(LockdownError, match="LD-DEMO-005 produced a violation without string urn and msg"):
        engine.evaluate([resource("bad")], {})


def test_missing_directory_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(LockdownError, match="does not exist"):
        load_policy_set(tmp_path / "nope")
    with pytest.raises(LockdownError, match=r"no \.rego files"):
        load_policy_set(tmp_path)


def test_settings_reach_the_rules_as_data_lockdown_config(tmp_path: Path) -> None:
    rule_file = write_rule(tmp_path, with_test=False)
    rule_file.write_text(
        rule_file.read_text().replace('resource.name == "bad"', "resource.name in data.lockdown.config.allowedReaders")
    )
    engine = EmbeddedEngine(load_policy_set(tmp_path))
    assert engine.evaluate([resource("x")], {"allowedReaders": ["x"]}).violations
    assert not engine.evaluate([resource("x")], {"allowedReaders": []}).violations


def test_bundled_policies_load_and_pass_their_own_tests() -> None:
    from lockdown.engine.tester import run_tests

    run = run_tests(load_policy_set())
    assert run.outcomes, "the bundled policies have tests"
    assert not run.failed, [f"{o.package}.{o.name}: {o.error}" for o in run.failed]


def test_typo_in_an_imported_library_function_is_a_load_error(policies: Path) -> None:
    lib = policies / "lib"
    lib.mkdir()
    (lib / "names.rego").write_text('package lockdown.lib.names\n\nimport rego.v1\n\nis_bad(name) if name == "bad"\n')
    rule_file = write_rule(policies, package="aliased", rule_id="LD-DEMO-006", with_test=False)
    text = rule_file.read_text().replace("import rego.v1\n", "import rego.v1\n\nimport data.lockdown.lib.names as n\n")
    rule_file.write_text(text.replace('resource.name == "bad"', "n.is_bad(resource.name)"))
    assert load_engine(policies).evaluate([resource("bad")], {}).violations
    rule_file.write_text(text.replace('resource.name == "bad"', "n.is_bda(resource.name)"))
    with pytest.raises(LockdownError, match=r"aliased\.rego:\d+:\d+: unknown function n\.is_bda"):
        load_engine(policies)


def test_rule_package_must_match_its_path_or_it_would_never_run(policies: Path) -> None:
    rule_file = policies / "rules" / "demo" / "named_bad.rego"
    rule_file.write_text(rule_file.read_text().replace("package lockdown.rules.demo.", "package lockdown.rulez.demo."))
    with pytest.raises(LockdownError, match="does not match its path"):
        load_policy_set(policies)


def test_rule_metadata_outside_the_rules_packages_is_rejected(tmp_path: Path) -> None:
    write_rule(tmp_path)
    lib = tmp_path / "lib"
    lib.mkdir()
    text = (tmp_path / "rules" / "demo" / "named_bad.rego").read_text()
    (lib / "stray.rego").write_text(text.replace("package lockdown.rules.demo.named_bad", "package lockdown.lib.stray"))
    with pytest.raises(LockdownError, match="would never run"):
        load_policy_set(tmp_path)


def test_no_coverage_data_is_zero_percent_not_a_pass() -> None:
    from lockdown.engine.tester import TestRun

    assert TestRun(outcomes=[], coverage=[]).coverage_percent == 0.0


def _narrowed_paths(policies: Path, rule_id: str) -> set[str]:
    from dataclasses import replace

    policy_set = load_policy_set(policies)
    narrowed = replace(policy_set, rules=tuple(rule for rule in policy_set.rules if rule.id == rule_id))
    return {Path(module.path).name for module in narrowed.production_modules()}


def test_a_narrowed_rule_set_loads_only_its_rules_modules(policies: Path) -> None:
    (policies / "lib").mkdir()
    (policies / "lib" / "names.rego").write_text('package lockdown.lib.names\n\nimport rego.v1\n\nbad := {"bad"}\n')
    assert _narrowed_paths(policies, "LD-DEMO-002") == {"names.rego", "named_worse.rego"}
    engine = EmbeddedEngine(load_policy_set(policies))
    only = tuple(rule for rule in engine.rules if rule.id == "LD-DEMO-002")
    from dataclasses import replace

    narrowed = EmbeddedEngine(replace(engine.policy_set, rules=only))
    found = narrowed.evaluate([resource("bad"), resource("worse")], {}).violations
    assert [(v.rule.id, v.urn.split("::")[-1]) for v in found] == [("LD-DEMO-002", "worse")]


def test_a_narrowed_rule_set_keeps_the_rule_modules_it_refers_to(policies: Path) -> None:
    worse = policies / "rules" / "demo" / "named_worse.rego"
    worse.write_text(worse.read_text().replace('resource.name == "worse"', "data.lockdown.rules.demo.named_bad.deny"))
    assert _narrowed_paths(policies, "LD-DEMO-002") == {"named_bad.rego", "named_worse.rego"}
    # Named only in a comment or a string: not a use.
    worse.write_text(
        worse.read_text().replace("data.lockdown.rules.demo.named_bad.deny", '"data.lockdown.rules.demo.named_bad"')
        + "# data.lockdown.rules.demo.named_bad\n"
    )
    assert _narrowed_paths(policies, "LD-DEMO-002") == {"named_worse.rego"}


@pytest.mark.parametrize("reference", ["data.lockdown.rules[k]", "data.lockdown.rules", "data"])
def test_a_dynamic_reference_to_the_rules_loads_every_module(policies: Path, reference: str) -> None:
    worse = policies / "rules" / "demo" / "named_worse.rego"
    worse.write_text(worse.read_text().replace('resource.name == "worse"', f"x := {reference}"))
    assert _narrowed_paths(policies, "LD-DEMO-002") == {"named_bad.rego", "named_worse.rego"}
