"""``lockdown test``: run every ``test_`` rule of every ``*_test.rego`` with regorus.

Tests are found by name in the module text (regorus cannot list a package's rules),
evaluated one by one so a failure names its test, and measured with regorus's line
coverage over the non-test modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lockdown.engine.embedded import EmbeddedEngine, regorus_error
from lockdown.engine.policyset import PolicySet

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]+)\b", re.MULTILINE)


@dataclass(frozen=True)
class TestOutcome:
    package: str
    name: str
    path: str
    passed: bool
    error: str | None = None


@dataclass
class FileCoverage:
    path: str
    covered: int
    not_covered: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.covered + len(self.not_covered)


@dataclass
class TestRun:
    outcomes: list[TestOutcome]
    coverage: list[FileCoverage]

    @property
    def failed(self) -> list[TestOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]

    @property
    def coverage_percent(self) -> float:
        total = sum(item.total for item in self.coverage)
        # No coverage data at all is 0%, so --min-coverage can never pass vacuously.
        return 100.0 * sum(item.covered for item in self.coverage) / total if total else 0.0


def run_tests(policy_set: PolicySet) -> TestRun:
    """Run every test rule; a test passes only when it evaluates to ``true``."""
    engine = EmbeddedEngine(policy_set, include_tests=True).regorus
    engine.set_enable_coverage(True)
    engine.clear_coverage_data()
    outcomes = []
    for module in policy_set.modules:
        if module.is_test:
            for name in dict.fromkeys(_TEST_RULE.findall(module.text)):
                outcomes.append(_run_one(engine, module.package, name, module.path))
    return TestRun(outcomes=outcomes, coverage=_coverage(engine, policy_set))


def _run_one(engine, package: str, name: str, path: str) -> TestOutcome:
    try:
        value = engine.eval_query(f"data.{package}.{name}")
    except RuntimeError as err:
        return TestOutcome(package, name, path, passed=False, error=regorus_error(err))
    results = value.get("result") or []
    passed = bool(results) and all(expr.get("value") is True for row in results for expr in row["expressions"])
    return TestOutcome(package, name, path, passed=passed, error=None if passed else "did not evaluate to true")


def _coverage(engine, policy_set: PolicySet) -> list[FileCoverage]:
    import json

    report = json.loads(engine.get_coverage_report_as_json())
    production = {module.path for module in policy_set.production_modules()}
    return [
        FileCoverage(path=item["path"], covered=len(item["covered"]), not_covered=sorted(item["not_covered"]))
        for item in report.get("files", [])
        if item["path"] in production
    ]


def format_run(run: TestRun, show_coverage: bool, root: Path) -> str:
    """Plain-text results: one line per test, then coverage and a closing summary line."""
    lines = [
        f"{'PASS' if o.passed else 'FAIL'} {o.package}.{o.name}" + (f": {o.error}" if o.error else "")
        for o in run.outcomes
    ]
    if show_coverage:
        lines.append("")
        lines.append(f"coverage of {root}:")
        for item in sorted(run.coverage, key=lambda c: c.path):
            percent = 100.0 * item.covered / item.total if item.total else 100.0
            missing = f"  not covered: lines {', '.join(map(str, item.not_covered))}" if item.not_covered else ""
            lines.append(f"  {percent:6.1f}%  {item.path}{missing}")
        lines.append(f"total coverage: {run.coverage_percent:.1f}%")
    passed = len(run.outcomes) - len(run.failed)
    lines.append(f"{passed} passed, {len(run.failed)} failed")
    return "\n".join(lines)
