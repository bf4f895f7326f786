"""The OPA server backend, against a local double of OPA's documented REST API.

No OPA binary can be installed here; ``tests/opa_double.py`` serves the Policy and
Data API on 127.0.0.1 and evaluates with regorus. The backend must give exactly the
embedded engine's findings, and fail closed on every error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from lockdown.engine import load_engine, load_policy_set
from lockdown.engine import opa as opa_module
from lockdown.engine.embedded import EmbeddedEngine
from lockdown.engine.evaluation import Evaluation
from lockdown.engine.opa import AGGREGATE_ID, OpaEngine, parse_opa_url, upload_order
from lockdown.errors import LockdownError, PolicyError
from lockdown.loaders.preview import load_preview
from lockdown.loaders.state import load_state
from lockdown.model import LoadedStack, Resource
from lockdown.settings import resolve
from tests.opa_double import OpaDouble
from tests.policy_fixtures import write_rule

FIXTURES = Path(__file__).parent / "fixtures"
STACKS = [
    *(("preview", path) for path in sorted((FIXTURES / "preview").glob("*.json"))),
    *(("state", path) for path in sorted((FIXTURES / "state").glob("*.json"))),
]

SETTINGS_RULE = """# METADATA
# title: Reader outside the allowlist
# description: Flags role names missing from the allowlist.
# custom:
#   id: LD-DEMO-010
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   remediation: Add the reader to the allowlist.
package lockdown.rules.demo.allowlist

import rego.v1

deny contains violation if {
	some resource in input.resources
	resource.type == "aws:iam/role:Role"
	arn := object.get(resource.properties, "arn", "")
	not arn in data.lockdown.config.allowedReaders
	violation := {"urn": resource.urn, "msg": sprintf("%s is not an allowed reader", [resource.name])}
}
"""

READERS_MODULE = """package lockdown.readers

import rego.v1

readers contains {"store": resource.urn, "readers": ["everyone"]} if {
	some resource in input.resources
	startswith(resource.type, "aws:s3/bucket")
}
"""


@pytest.fixture
def double() -> Iterator[OpaDouble]:
    # regorus engines must be dropped by the thread that made them: collect the main thread's
    # leftovers here, before the double's thread could trigger a collection that drops them.
    gc.collect()
    with OpaDouble() as running:
        yield running


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    write_rule(root, package="named_bad", rule_id="LD-DEMO-001", bad="keystrokes")
    write_rule(root, package="named_worse", rule_id="LD-DEMO-002", bad="transcripts", enforcement="advisory")
    (root / "rules" / "demo" / "allowlist.rego").write_text(SETTINGS_RULE)
    (root / "readers").mkdir()
    (root / "readers" / "readers.rego").write_text(READERS_MODULE)
    return root


def as_tuples(evaluation: Evaluation) -> list[tuple[str, str, str]]:
    return sorted((v.rule.id, v.urn, v.message) for v in evaluation.violations)


def load(kind: str, path: Path) -> LoadedStack:
    return load_preview(path) if kind == "preview" else load_state(path)


# ---------------------------------------------------------------- same findings as the embedded engine


@pytest.mark.parametrize(("kind", "path"), STACKS, ids=lambda v: getattr(v, "name", v))
def test_same_findings_as_embedded_on_demo_rules(double: OpaDouble, policies: Path, kind: str, path: Path) -> None:
    stack = load(kind, path)
    settings = resolve(stack.config)
    policy_set = load_policy_set(policies)
    embedded = EmbeddedEngine(policy_set).evaluate(stack.resources, settings, readers=True)
    opa = OpaEngine(policy_set, double.url).evaluate(stack.resources, settings, readers=True)
    assert as_tuples(opa) == as_tuples(embedded)
    assert opa.readers == embedded.readers
    if path.name == "python-v7-leaky.json":
        assert embedded.violations, "the leaky preview must produce findings on the demo rules"


def test_same_findings_as_embedded_on_the_bundled_policies(double: OpaDouble) -> None:
    policy_set = load_policy_set()
    embedded_engine = EmbeddedEngine(policy_set)  # a bundled policy set that does not load fails here
    opa_engine = OpaEngine(policy_set, double.url)
    for kind, path in STACKS:
        stack = load(kind, path)
        settings = resolve(stack.config)
        embedded = embedded_engine.evaluate(stack.resources, settings, readers=True)
        opa = opa_engine.evaluate(stack.resources, settings, readers=True)
        assert as_tuples(opa) == as_tuples(embedded), path.name
        assert opa.readers == embedded.readers, path.name


def test_settings_reach_the_rules(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url)
    stack = load_state(FIXTURES / "state" / "v7-export-with-secrets.json")
    role = "arn:aws:iam::111122223333:role/capture-analyst"
    flagged = {v.rule.id for v in engine.evaluate(stack.resources, resolve({})).violations}
    allowed = {v.rule.id for v in engine.evaluate(stack.resources, resolve({}, {"allowedReaders": [role]})).violations}
    assert "LD-DEMO-010" in flagged and "LD-DEMO-010" not in allowed
    assert double.data["lockdown"]["config"]["allowedReaders"] == [role]


def test_a_subset_of_rules(double: OpaDouble, policies: Path) -> None:
    policy_set = load_policy_set(policies)
    engine = OpaEngine(policy_set, double.url)
    resources = [
        Resource(urn="urn:pulumi:s::p::t::keystrokes", type="t", name="keystrokes", properties={}, source="state")
    ]
    only = (policy_set.rule("LD-DEMO-001"),)
    evaluation = engine.evaluate(resources, resolve({}), rules=only)
    assert [(v.rule.id, v.urn) for v in evaluation.violations] == [("LD-DEMO-001", resources[0].urn)]
    assert ("POST", "/v1/data/lockdown/rules/demo/named_bad/deny") in double.requests


# ---------------------------------------------------------------- what is pushed


def test_pushes_every_production_module_and_the_aggregate(double: OpaDouble, policies: Path) -> None:
    policy_set = load_policy_set(policies)
    OpaEngine(policy_set, double.url)
    expected = {f"lockdown/{module.path}" for module in policy_set.production_modules()} | {AGGREGATE_ID}
    assert set(double.policies) == expected
    assert not any(pid.endswith("_test.rego") for pid in double.policies)


def test_stale_lockdown_modules_are_removed_and_others_kept(double: OpaDouble, policies: Path) -> None:
    double.policies["lockdown/policies/rules/demo/removed.rego"] = "package lockdown.rules.demo.removed\n"
    double.policies["team/authz.rego"] = "package team.authz\n\nimport rego.v1\n\nallow := true\n"
    OpaEngine(load_policy_set(policies), double.url)
    assert "lockdown/policies/rules/demo/removed.rego" not in double.policies
    assert "team/authz.rego" in double.policies


def test_upload_order_does_not_matter(double: OpaDouble, policies: Path) -> None:
    """A rule calling a library uploaded after it is retried once the library is in."""
    (policies / "zz").mkdir()
    (policies / "zz" / "helpers.rego").write_text(
        'package lockdown.zz.helpers\n\nimport rego.v1\n\nis_bad(name) if name == "keystrokes"\n'
    )
    rule = policies / "rules" / "demo" / "named_bad.rego"
    rule.write_text(
        rule.read_text()
        .replace("import rego.v1", "import rego.v1\n\nimport data.lockdown.zz.helpers")
        .replace('resource.name == "keystrokes"', "helpers.is_bad(resource.name)")
    )
    policy_set = load_policy_set(policies)
    stack = load_preview(FIXTURES / "preview" / "python-v7-leaky.json")
    opa = OpaEngine(policy_set, double.url).evaluate(stack.resources, resolve({}))
    assert as_tuples(opa) == as_tuples(EmbeddedEngine(policy_set).evaluate(stack.resources, resolve({})))
    assert "LD-DEMO-001" in {v.rule.id for v in opa.violations}


def test_libraries_are_uploaded_before_their_users(double: OpaDouble, policies: Path) -> None:
    texts = {
        "rule": "package lockdown.rules.x\nimport data.lockdown.lib.b\ndeny := b.f(1)\n",
        "b": "package lockdown.lib.b\nimport data.lockdown.lib.a\nf(x) := a.g(x)\n",
        "a": "package lockdown.lib.a\ng(x) := x\n",
        "other": "package lockdown.lib.ab\n",
    }
    order = upload_order(texts)
    assert order.index("a") < order.index("b") < order.index("rule")
    OpaEngine(load_policy_set(policies), double.url)
    puts = [path for method, path in double.requests if method == "PUT" and path.startswith("/v1/policies/")]
    assert len(puts) == len(double.policies), "one upload per module: no retries needed"


def test_failed_uploads_are_retried_when_the_order_is_wrong(
    double: OpaDouble, policies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opa_module, "upload_order", lambda texts: sorted(texts, reverse=True))
    (policies / "lib").mkdir()
    (policies / "lib" / "names.rego").write_text(
        'package lockdown.lib.names\n\nimport rego.v1\n\nis_bad(name) if name == "keystrokes"\n'
    )
    rule = policies / "rules" / "demo" / "named_bad.rego"
    rule.write_text(
        rule.read_text()
        .replace("import rego.v1", "import rego.v1\n\nimport data.lockdown.lib.names")
        .replace('resource.name == "keystrokes"', "names.is_bad(resource.name)")
    )
    policy_set = load_policy_set(policies)
    engine = OpaEngine(policy_set, double.url)
    puts = [path for method, path in double.requests if method == "PUT" and path.startswith("/v1/policies/")]
    assert len(puts) > len(double.policies), "the rule was refused once, then accepted"
    stack = load_preview(FIXTURES / "preview" / "python-v7-leaky.json")
    assert "LD-DEMO-001" in {v.rule.id for v in engine.evaluate(stack.resources, resolve({})).violations}


# ---------------------------------------------------------------- fail closed


def test_syntax_error_names_the_file_and_line(double: OpaDouble, policies: Path) -> None:
    rule = policies / "rules" / "demo" / "named_bad.rego"
    rule.write_text(rule.read_text().replace("some resource in input.resources", "some resource in input.resources {"))
    with pytest.raises(LockdownError, match=r"policy error: policies/rules/demo/named_bad\.rego:\d+:\d+: "):
        OpaEngine(load_policy_set(policies), double.url)


def test_undefined_function_names_the_file(double: OpaDouble, policies: Path) -> None:
    rule = policies / "rules" / "demo" / "named_bad.rego"
    rule.write_text(rule.read_text().replace('resource.name == "keystrokes"', 'resource.name == lower_case("x")'))
    with pytest.raises(LockdownError, match=r"policies/rules/demo/named_bad\.rego:\d+:\d+: .*lower_case"):
        OpaEngine(load_policy_set(policies), double.url)


def test_rule_without_deny_is_a_load_error(double: OpaDouble, policies: Path) -> None:
    rule = policies / "rules" / "demo" / "named_bad.rego"
    rule.write_text(rule.read_text().replace("deny contains", "flagged contains"))
    with pytest.raises(LockdownError, match=r"named_bad\.rego: rule LD-DEMO-001 defines no deny rule"):
        OpaEngine(load_policy_set(policies), double.url)


def test_evaluation_error_is_an_error_naming_the_url(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url)
    double.fail(
        500,
        method="POST",
        body={"code": "internal_error", "message": "eval_conflict_error: functions must not produce multiple outputs"},
    )
    with pytest.raises(LockdownError, match=rf"OPA server {double.url}: POST .* failed: HTTP 500: eval_conflict_error"):
        engine.evaluate([], resolve({}))


def test_server_error_while_loading_names_the_url(double: OpaDouble, policies: Path) -> None:
    double.fail(500, method="PUT", path_prefix="/v1/policies/")
    with pytest.raises(LockdownError, match=rf"OPA server {double.url}: PUT /v1/policies/.* failed"):
        OpaEngine(load_policy_set(policies), double.url)


def test_settings_rejected_is_an_error(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url)
    double.fail(
        400, method="PUT", path_prefix="/v1/data/", body={"code": "invalid_parameter", "message": "path conflict"}
    )
    with pytest.raises(LockdownError, match=r"PUT /v1/data/lockdown/config failed: .*path conflict"):
        engine.evaluate([], resolve({}))


def test_undefined_result_is_an_error(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url)
    del double.policies[AGGREGATE_ID]  # someone else's deployment replaced the server's policies
    with pytest.raises(LockdownError, match=r"aggregate/checked is undefined"):
        engine.evaluate([], resolve({}))


def test_another_run_changing_the_server_settings_is_detected(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url)
    other = OpaEngine(load_policy_set(policies), double.url)
    original_put = engine._put_settings

    def put_then_overwritten(settings: dict) -> None:
        original_put(settings)
        other._put_settings(dict(settings, allowedReaders=["arn:aws:iam::999999999999:role/someone-else"]))

    engine._put_settings = put_then_overwritten
    with pytest.raises(LockdownError, match="changed during the check"):
        engine.evaluate([], resolve({}))


def test_connection_refused_names_the_url(policies: Path) -> None:
    with OpaDouble() as gone:
        url = gone.url
    with pytest.raises(LockdownError, match=rf"OPA server {url}: cannot connect \(connection refused\)"):
        OpaEngine(load_policy_set(policies), url)


def test_timeout_names_the_url(double: OpaDouble, policies: Path) -> None:
    engine = OpaEngine(load_policy_set(policies), double.url, timeout=0.3)
    double.delay = 0.6
    with pytest.raises(LockdownError, match=rf"OPA server {double.url}: .* timed out"):
        engine.evaluate([], resolve({}))
    double.delay = 0


def test_load_engine_uses_opa_only_when_asked(double: OpaDouble, policies: Path) -> None:
    assert isinstance(load_engine(policies), EmbeddedEngine)
    assert double.requests == [], "nothing is contacted without --opa-url"
    assert isinstance(load_engine(policies, double.url), OpaEngine)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8181", ("127.0.0.1", 8181, False)),
        ("https://opa.internal:8443/", ("opa.internal", 8443, True)),
        ("http://localhost", ("localhost", 80, False)),
    ],
)
def test_parse_opa_url(url: str, expected: tuple[str, int, bool]) -> None:
    assert parse_opa_url(url) == expected


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8181", "ftp://h:1", "http://h:1/v1/data", "http://user:pw@h:1", "http://h:99999", "http://"]
)
def test_bad_opa_urls_are_rejected(url: str) -> None:
    with pytest.raises(LockdownError, match="--opa-url"):
        parse_opa_url(url)


def test_a_finding_outside_its_rules_kinds_fails_the_run(double: OpaDouble, policies: Path) -> None:
    """The OPA backend checks the rules' ``kinds`` like the embedded one (lockdown.engine.kinds)."""
    rule_file = policies / "rules" / "demo" / "named_bad.rego"
    rule_file.write_text(
        rule_file.read_text().replace("#   scope: resource\n", "#   scope: resource\n#   kinds: [unmodelled]\n")
    )
    (policies / "lib").mkdir()
    (policies / "lib" / "types.rego").write_text('package lockdown.lib.types\n\nkinds := {"t": "bucket"}\n')
    engine = OpaEngine(load_policy_set(policies), double.url)
    resources = [
        Resource(urn="urn:pulumi:s::p::t::keystrokes", type="t", name="keystrokes", properties={}, source="state")
    ]
    with pytest.raises(PolicyError, match="rule LD-DEMO-001 reported a resource of type t"):
        engine.evaluate(resources, resolve({}))
    assert ("POST", "/v1/data/lockdown/lib/types/kinds") in double.requests
