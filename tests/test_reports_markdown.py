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


def test_blocking_table_first_then_collapsed_advisory_and_waived() -> None:
    text = render(mixed_result(), RenderOptions())
    blocking = text.index("### Blocking findings")
    advisory = text.index("<summary>Advisory findings (1)</summary>")
    waived = text.index("<summary>Waived findings (1)</summary>")
    warnings = text.index("### Warnings")
    assert blocking < advisory < waived < warnings
    blocking_part = text[blocking : text.index("<details>")]
    assert blocking_part.count("| Rule |") == 1
    assert [row[0] for row in table_rows(blocking_part)] == ["LD-S3-001", "LD-S3-002", "LD-S3-002"]
    assert table_rows(blocking_part)[0] == [
        "LD-S3-001",
        "critical",
        "raw-events-policy (aws:s3/bucketPolicy:BucketPolicy)",
        r"raw-events-policy lets \* read s3:GetObject",
        "Fix LD-S3-001 by doing the right thing.",
    ]
    # Each collapsed table sits inside its own <details> block.
    assert text.count("<details>") == text.count("</details>") == 2
    advisory_part = text[text.rindex("<details>", 0, advisory) : text.index("</details>", advisory)]
    assert "LD-KMS-001" in advisory_part and "LD-S3-001" not in advisory_part
    waived_part = text[waived : text.index("</details>", waived)]
    assert "Accepted by security review SEC-42 (until 2027-01-31)" in waived_part


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
    assert len(row) == 5
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
    assert "more not shown" in text


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
