"""The markdown report: a pull request comment, blocking first, the rest collapsed."""

from __future__ import annotations

import re

from lockdown.findings import CheckResult
from lockdown.reports import RenderOptions
from lockdown.reports.markdown import GITHUB_COMMENT_LIMIT, cell, length, render
from tests.test_reports_common import RULES, empty_result, finding, mixed_result, reader


def table_rows(text: str) -> list[list[str]]:
    """Data rows of every table, split on unescaped pipes."""
    lines = text.splitlines()
    rows = []
    for index, line in enumerate(lines):
        header = index + 1 < len(lines) and lines[index + 1].startswith("| ---")
        if line.startswith("| ") and not line.startswith("| ---") and not header:
            rows.append([part.strip() for part in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_verdict_line_and_counts_come_first() -> None:
    lines = render(mixed_result(), RenderOptions()).splitlines()
    assert lines[0] == "## ❌ Lockdown: 3 blocking findings"
    assert lines[2] == "7 resources, 5 findings, 3 blocking, 1 waived"


def test_verdicts() -> None:
    assert render(empty_result(), RenderOptions()).startswith("## ✅ Lockdown: nothing to report\n")
    passing = empty_result()
    passing.findings = [finding(RULES[2], "key", type_="aws:kms/key:Key")]
    assert render(passing, RenderOptions()).startswith("## ✅ Lockdown: no blocking findings\n")
    failed = mixed_result(errors=["boom"])
    assert render(failed, RenderOptions()).startswith("## ❌ Lockdown could not complete the check (1 error)\n")
    errors_only = empty_result()
    errors_only.errors = ["a", "b"]
    assert render(errors_only, RenderOptions()).startswith("## ❌ Lockdown could not complete the check (2 errors)")


def test_nothing_to_report_is_just_the_verdict() -> None:
    text = render(empty_result(), RenderOptions())
    assert text == "## ✅ Lockdown: nothing to report\n\n5 resources, 0 findings, 0 blocking, 0 waived\n"


def test_waived_first_then_blocking_by_resource_then_collapsed_advisory() -> None:
    text = render(mixed_result(), RenderOptions())
    waived = text.index("### Waived findings")
    blocking = text.index("### Blocking findings, by resource")
    advisory = text.index("<summary>Advisory findings (1)</summary>")
    warnings = text.index("### Warnings")
    assert waived < blocking < advisory < warnings
    waived_part = text[waived:blocking]
    assert "<details>" not in waived_part
    assert "Accepted by security review SEC-42 (SEC-42, owner data-platform, approved by alice, bob" in waived_part
    blocking_part = text[blocking : text.index("<details>")]
    # one table per resource, most severe resource first
    assert blocking_part.count("| Rule | Severity | Message | Remediation |") == 2
    assert re.findall(r"^#### (.*)$", blocking_part, re.M) == [
        "raw-events-policy (aws:s3/bucketPolicy:BucketPolicy)",
        "transcripts-policy (aws:s3/bucketPolicy:BucketPolicy)",
    ]
    assert [row[0] for row in table_rows(blocking_part)] == ["LD-S3-001", "LD-S3-002", "LD-S3-002"]
    assert table_rows(blocking_part)[0] == [
        "LD-S3-001",
        "critical",
        r"raw-events-policy lets \* read s3:GetObject",
        "Fix LD-S3-001 by doing the right thing.",
    ]
    assert text.count("<details>") == text.count("</details>") == 1
    advisory_part = text[text.rindex("<details>", 0, advisory) : text.index("</details>", advisory)]
    assert "LD-KMS-001" in advisory_part and "LD-S3-001" not in advisory_part


def test_errors_section_comes_right_after_the_verdict() -> None:
    text = render(mixed_result(errors=["policies/a.rego: syntax error"]), RenderOptions())
    assert text.index("### Errors") < text.index("### Blocking findings")
    assert "- policies/a.rego: syntax error" in text


def test_cells_escape_pipes_newlines_and_markup() -> None:
    assert cell("a|b") == r"a\|b"
    assert cell("line1\nline2\r\nline3") == "line1<br>line2<br>line3"
    assert cell("<script>@team [x](y) *b* `c`") == r"\<script\>\@team \[x\](y) \*b\* \`c\`"
    assert cell("back\\slash") == "back\\\\slash"
    assert cell("x" * 2000).endswith("…") and len(cell("x" * 2000)) == 1000


def test_hostile_message_cannot_break_the_table() -> None:
    result = empty_result()
    result.findings = [finding(RULES[0], "b|c", message="a | b\n| --- |\n</details><details>")]
    text = render(result, RenderOptions())
    (row,) = table_rows(text[text.index("### Blocking") :])
    assert len(row) == 4
    assert "</details>" not in text and "<details>" not in text


def test_reader_report_as_a_table_per_store() -> None:
    text = render(mixed_result(), RenderOptions(readers=True))
    section = text[text.index("### Who can read restricted data") :]
    assert "<summary>raw-events: 2 principals, 1 not allowed</summary>" in section
    assert "<summary>transcripts: 1 principal, 1 not allowed</summary>" in section
    assert section.count("| Principal | Path | Allowed? |") == 2
    assert table_rows(section)[0] == [r"\*", "bucket policy (raw-events-policy)", "NO"]
    assert "Who can read" not in render(mixed_result(), RenderOptions())
    assert "The policies reported no restricted data store." in render(empty_result(), RenderOptions(readers=True))


def test_store_with_only_allowed_readers_is_collapsed() -> None:
    result = empty_result()
    result.readers = [reader("ok-bucket", "arn:aws:iam::111111111111:role/a", allowed=True)]
    text = render(result, RenderOptions(readers=True))
    assert "<details>\n<summary>ok-bucket: 1 principal, all allowed</summary>" in text


def big_result(count: int) -> CheckResult:
    result = empty_result()
    s3_1, _, kms_1, _ = RULES
    long = "principal arn:aws:iam::999999999999:role/x can read s3:GetObject on arn:aws:s3:::bucket/* " * 3
    result.findings = [finding(s3_1, f"policy-{i:05d}", message=long) for i in range(count)]
    result.findings += [finding(kms_1, f"key-{i:05d}", type_="aws:kms/key:Key", message=long) for i in range(count)]
    result.readers = [reader(f"store-{i:04d}", f"arn:aws:iam::1:role/r{i}", allowed=False) for i in range(count)]
    result.warnings = [f"warning {i}" for i in range(20)]
    return result


def test_long_reports_are_truncated_under_the_github_limit_with_a_note() -> None:
    text = render(big_result(400), RenderOptions(readers=True))
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "⚠️ **Truncated:**" in text
    match = re.search(r"Not shown: (\d+) blocking findings, 400 advisory findings, 20 warnings, 400 readers\.", text)
    assert match
    # What blocks is kept first, as many rows as fit; everything of lower priority gives way.
    shown = sum(f"policy-{i:05d} (" in text for i in range(400))
    assert shown > 100 and shown + int(match.group(1)) == 400
    assert "key-00000" not in text and "warning 0" not in text and "store-0000" not in text
    assert text.count("<details") == text.count("</details>")


def test_truncation_keeps_priorities_and_balanced_html() -> None:
    result = big_result(40)
    full = render(result, RenderOptions(readers=True), limit=10**7)
    assert "Truncated" not in full
    limit = len(full) - 4000
    text = render(result, RenderOptions(readers=True), limit=limit)
    assert len(text) <= limit
    assert "Truncated" in text
    assert text.count("<details") == text.count("</details>")
    assert all(f"policy-{i:05d}" in text for i in range(40))
    assert "warning 19" in text
    assert "readers" in text.split("Not shown:")[1].split(".")[0]


def test_small_report_is_not_truncated() -> None:
    assert "Truncated" not in render(mixed_result(), RenderOptions(readers=True))


def test_every_limit_is_respected_and_html_stays_balanced() -> None:
    result = big_result(30)
    full = render(result, RenderOptions(readers=True), limit=10**7)
    for limit in [*range(3000, len(full) + 1, 1500), len(full) - 1, len(full)]:
        text = render(result, RenderOptions(readers=True), limit=limit)
        assert len(text) <= limit
        assert text.count("<details") == text.count("</details>")
        assert text.startswith("## ❌ Lockdown: 30 blocking findings")
        assert ("Truncated" in text) == (len(full) > limit)


def test_limit_counts_utf16_units_like_github() -> None:
    result = big_result(30)
    result.findings = [f.__class__(**{**f.__dict__, "message": "🔥" * 200}) for f in result.findings]
    text = render(result, RenderOptions(readers=True), limit=20_000)
    assert length(text) <= 20_000 < len(text.encode("utf-16-le"))
    assert length("🔥a") == 3


def in_force(rule_id: str, resource: str, matched: int, days_left: int = 20) -> dict:
    return {
        "rule": rule_id,
        "resource": resource,
        "reason": "accepted",
        "owner": "data-platform",
        "ticket": "SEC-9",
        "approvers": ["alice", "bob"],
        "expires": "2026-12-23",
        "origin": "waivers.yaml: waiver 1",
        "matched": matched,
        "days_left": days_left,
    }


def test_waivers_in_force_and_waived_findings_are_shown_unfolded_at_the_top() -> None:
    """A waiver for every resource must not turn into a quiet 'no blocking findings'."""
    result = empty_result()
    result.findings = [
        finding(RULES[0], f"b{i}", waiver={**in_force("LD-S3-001", "*", 3), "reason": "r"}) for i in range(3)
    ]
    result.waivers = [in_force("LD-S3-001", "*", 3)]
    text = render(result, RenderOptions())
    lines = text.splitlines()
    assert lines[0] == "## ✅ Lockdown: no blocking findings, 3 waived findings (see below)"
    assert text.index("### Waivers in force") < text.index("### Waived findings")
    assert "<details>" not in text
    waivers_table = text[text.index("### Waivers in force") : text.index("### Waived findings")]
    assert table_rows(waivers_table) == [
        ["LD-S3-001", r"\*", "3", "accepted", "data-platform", "SEC-9", "alice, bob", "2026-12-23 (20 days left)"]
    ]
    assert len(table_rows(text[text.index("### Waived findings") :])) == 3


def with_fix(rule, code: str):
    from dataclasses import replace

    return replace(rule, fix_python=code)


def test_a_rule_with_fix_python_gets_a_suggestion_naming_the_resource() -> None:
    code = 'aws.s3.BucketPublicAccessBlock(\n    "$name-public-access",\n'
    code += "    bucket=$var.id,\n    block_public_acls=True,\n)"
    fixed = with_fix(RULES[1], code)
    result = empty_result()
    result.rules = (RULES[0], fixed)
    result.findings = [finding(fixed, "raw-events"), finding(RULES[0], "raw-events")]
    text = render(result, RenderOptions())
    assert text.count("<summary>Suggested change for LD-S3-002 (Pulumi Python)</summary>") == 1
    block = text[text.index("```python") :]
    assert block.splitlines()[1:5] == [
        "aws.s3.BucketPublicAccessBlock(",
        '    "raw-events-public-access",',
        "    bucket=raw_events.id,",
        "    block_public_acls=True,",
    ]
    assert "LD-S3-001 (Pulumi Python)" not in text
    assert text.count("<details>") == text.count("</details>") == 1


def test_a_hostile_name_cannot_escape_the_suggestion() -> None:
    fixed = with_fix(RULES[1], 'x = "$name" # $var\ny = "```"')
    result = empty_result()
    result.rules = (fixed,)
    result.findings = [finding(fixed, "a`b</details><img src=x>\n@team")]
    text = render(result, RenderOptions())
    code = text[text.index("````python") + len("````python") : text.index("\n````\n")]
    assert 'x = "a_b_/details__img_src_x___team" # a_b__details__img_src_x___team' in code
    assert "</details>" not in code and "@team" not in code
    assert text.count("<details>") == text.count("</details>") == 1


def test_hundreds_of_resources_with_suggestions_stay_under_the_limit_with_counts() -> None:
    fixed = with_fix(RULES[0], 'aws.s3.BucketPolicy("$name", bucket=$var.id, policy=deny_public)\n' * 10)
    result = empty_result()
    result.rules = (fixed, RULES[1])
    result.findings = [finding(fixed, f"bucket-{i:04d}") for i in range(600)]
    result.findings += [finding(RULES[1], f"bucket-{i:04d}") for i in range(600)]
    text = render(result, RenderOptions())
    assert length(text) <= GITHUB_COMMENT_LIMIT
    match = re.search(r"Not shown: (\d+) blocking findings\.", text)
    assert match
    shown = len(table_rows(text))
    assert shown > 100 and shown + int(match.group(1)) == 1200
    assert text.count("<details>") == text.count("</details>") == len(re.findall("^#### ", text, re.M))


def test_every_rule_suggestion_is_valid_python_once_filled_in() -> None:
    import ast

    from lockdown.engine.policyset import load_policy_set
    from lockdown.reports.markdown import _suggestion

    fixes = {rule.id: rule.fix_python for rule in load_policy_set().rules if rule.fix_python}
    assert len(fixes) >= 8
    for rule_id, template in fixes.items():
        lines = _suggestion(rule_id, template, "raw-events")
        code = "\n".join(lines[lines.index("```python") + 1 : lines.index("```")])
        assert "$" not in code, rule_id
        ast.parse(code)
