"""Small policy directories written on the fly, for engine tests independent of the real rules."""

from __future__ import annotations

from pathlib import Path

RULE_TEMPLATE = """# METADATA
# title: {title}
# description: Flags resources named {bad}.
# custom:
#   id: {rule_id}
#   severity: {severity}
#   enforcement: {enforcement}
#   scope: resource
#   remediation: Rename the resource.
#   frameworks:
#     - SOC 2 CC6.1
package lockdown.rules.demo.{package}

import rego.v1

deny contains violation if {{
	some resource in input.resources
	resource.name == "{bad}"
	violation := {{"urn": resource.urn, "msg": sprintf("%s is named {bad}", [resource.urn])}}
}}
"""

TEST_TEMPLATE = """package lockdown.rules.demo.{package}_test

import rego.v1

import data.lockdown.rules.demo.{package}

test_denies_bad_name if {{
	count({package}.deny) == 1 with input as {{"resources": [{{"urn": "u", "name": "{bad}"}}]}}
}}

test_allows_other_name if {{
	count({package}.deny) == 0 with input as {{"resources": [{{"urn": "u", "name": "fine"}}]}}
}}
"""


def write_rule(
    root: Path,
    package: str = "named_bad",
    rule_id: str = "LD-DEMO-001",
    bad: str = "bad",
    enforcement: str = "mandatory",
    severity: str = "high",
    with_test: bool = True,
) -> Path:
    """Write one demo rule (and its test) under ``root/rules/demo``; return the rule file."""
    folder = root / "rules" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    values = {"package": package, "rule_id": rule_id, "bad": bad, "enforcement": enforcement, "severity": severity}
    rule_file = folder / f"{package}.rego"
    rule_file.write_text(RULE_TEMPLATE.format(title=f"Resource named {bad}", **values))
    if with_test:
        (folder / f"{package}_test.rego").write_text(TEST_TEMPLATE.format(**values))
    return rule_file


def write_rule_calling_an_unknown_function(root: Path) -> Path:
    """A demo rule that calls ``is_bda``, a typo no module defines: found only by the load-time checks."""
    rule_file = write_rule(root, with_test=False)
    rule_file.write_text(rule_file.read_text().replace('resource.name == "bad"', "is_bda(resource.name)"))
    return rule_file
