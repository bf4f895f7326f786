"""docs/rules.md is generated from the rules' metadata and must not go stale."""

from __future__ import annotations

import json
from pathlib import Path

from lockdown.engine import load_policy_set
from lockdown.rulesdoc import render_rules

REPO = Path(__file__).resolve().parents[1]


def test_docs_rules_md_is_up_to_date() -> None:
    generated = render_rules(load_policy_set(), "markdown")
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/rules.md is stale: run `lockdown rules --output docs/rules.md`"


def test_every_rule_has_a_deny_and_an_allow_example() -> None:
    text = render_rules(load_policy_set(), "markdown")
    assert "none found" not in text


def test_json_catalogue_lists_every_rule_with_its_metadata() -> None:
    policy_set = load_policy_set()
    catalogue = json.loads(render_rules(policy_set, "json"))
    assert sorted(item["id"] for item in catalogue) == sorted(rule.id for rule in policy_set.rules)
    assert all(item["frameworks"] and item["remediation"] for item in catalogue)
