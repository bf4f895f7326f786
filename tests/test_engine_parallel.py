"""Evaluating a large stack on two cores gives exactly the one-process findings and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import lockdown.engine.embedded as embedded
from lockdown.engine import load_policy_set
from lockdown.engine.embedded import EmbeddedEngine
from lockdown.errors import LockdownError
from lockdown.loaders.preview import load_preview
from lockdown.loaders.state import load_state
from lockdown.model import Resource
from lockdown.settings import resolve
from tests.policy_fixtures import write_rule, write_rule_calling_an_unknown_function

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def forced_split(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Take the two-process path on any stack, and record that it was taken."""
    calls: list[int] = []
    real = embedded.evaluate_groups

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(embedded, "can_fork", lambda resources: True)
    monkeypatch.setattr(embedded, "evaluate_groups", spy)
    return calls


@pytest.mark.parametrize(
    "stack",
    [
        load_preview(FIXTURES / "preview" / "python-v7-leaky.json"),
        load_preview(FIXTURES / "preview" / "typescript-v6-component.json"),
        load_state(FIXTURES / "state" / "v7-export-with-secrets.json"),
    ],
    ids=["leaky", "typescript", "state"],
)
def test_two_processes_give_the_one_process_findings(stack, forced_split: list[int]) -> None:
    policy_set = load_policy_set()
    settings = resolve(stack.config)
    single = EmbeddedEngine(policy_set).evaluate(stack.resources, settings)
    split = EmbeddedEngine(policy_set, parallel=True).evaluate(stack.resources, settings)
    assert forced_split, "the two-process path was taken"
    assert single.violations, "the fixture has findings"
    assert [(v.rule.id, v.urn, v.message) for v in split.violations] == [
        (v.rule.id, v.urn, v.message) for v in single.violations
    ]


def _bad_bucket() -> Resource:
    """A bucket the demo rules flag (named "bad")."""
    return Resource(
        urn="urn:pulumi:d::p::aws:s3/bucket:Bucket::bad",
        type="aws:s3/bucket:Bucket",
        name="bad",
        properties={},
        source="state",
    )


def _s3_rule_that_fails(root: Path) -> None:
    rule = write_rule(root, package="fails", rule_id="LD-DEMO-009", with_test=False)
    text = rule.read_text().replace("lockdown.rules.demo.fails", "lockdown.rules.s3.fails")
    text = text.replace('resource.name == "bad"', 'resource.name == "bad"\n\tto_number(resource.name) > 0')
    (root / "rules" / "s3").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "s3" / "fails.rego").write_text(text)
    rule.unlink()


def _iam_rule(root: Path) -> None:
    """A demo rule in the area the main process evaluates (``iam``), so that the split has two groups."""
    rule = write_rule(root, with_test=False)
    (root / "rules" / "iam").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "iam" / "named_bad.rego").write_text(
        rule.read_text().replace("lockdown.rules.demo.named_bad", "lockdown.rules.iam.named_bad")
    )
    rule.unlink()


def test_a_rule_failing_in_the_worker_is_an_error_naming_it(tmp_path: Path, forced_split: list[int]) -> None:
    _iam_rule(tmp_path)
    _s3_rule_that_fails(tmp_path)
    engine = EmbeddedEngine(load_policy_set(tmp_path), parallel=True)
    with pytest.raises(LockdownError, match="LD-DEMO-009"):
        engine.evaluate([_bad_bucket()], {})
    assert forced_split


def test_a_worker_that_dies_is_an_error_never_a_pass() -> None:
    import os

    from lockdown.engine.parallel import evaluate_groups

    def eval_group(index: int) -> dict:
        if index == 1:
            os._exit(3)  # the worker dies without a word
        return {}

    with pytest.raises(LockdownError, match="ended abnormally"):
        evaluate_groups(eval_group, ((), ()), {})


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork the check worker even if earlier tests left threads running."""
    monkeypatch.setattr(embedded, "fork_is_safe", lambda: True)


def test_background_checks_stop_the_first_evaluation(tmp_path: Path, forkable: None) -> None:
    from lockdown.errors import PolicyError

    write_rule_calling_an_unknown_function(tmp_path)
    engine = EmbeddedEngine(load_policy_set(tmp_path), background_checks=True)
    assert engine._pending_checks is not None, "the checks run in a worker, not in the constructor"
    with pytest.raises(PolicyError, match=r"named_bad\.rego:\d+:\d+: unknown function is_bda"):
        engine.evaluate([_bad_bucket()], {})


def test_background_checks_that_pass_change_nothing(forkable: None) -> None:
    stack = load_preview(FIXTURES / "preview" / "python-v7-leaky.json")
    settings = resolve(stack.config)
    policy_set = load_policy_set()
    checked = EmbeddedEngine(policy_set).evaluate(stack.resources, settings)
    engine = EmbeddedEngine(policy_set, background_checks=True)
    assert engine._pending_checks is not None
    background = engine.evaluate(stack.resources, settings)
    assert checked.violations
    assert [(v.rule.id, v.urn, v.message) for v in background.violations] == [
        (v.rule.id, v.urn, v.message) for v in checked.violations
    ]


def test_a_check_worker_that_dies_is_an_error_never_a_pass() -> None:
    import os

    from lockdown.engine.parallel import ForkedTask

    with pytest.raises(LockdownError, match="policy check failed: its worker process ended abnormally"):
        ForkedTask(lambda: os._exit(0), "policy check").result()
