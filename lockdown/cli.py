"""The ``lockdown`` command line.

Every command ends with exit code 0 (nothing blocking), 1 (blocking findings or drift
that matters) or 2 (the run could not be completed). Anything that goes wrong is one
line on stderr; ``--verbose`` adds the details (a user program's own traceback).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from typing import Any

import click

from lockdown import __version__
from lockdown.console import emit as _emit
from lockdown.console import fail as _fail
from lockdown.console import gc_paused, run_guarded
from lockdown.errors import LockdownError, PolicyError
from lockdown.reports import FORMATS as REPORT_FORMATS

#: What ``--policies`` defaults to (``lockdown.engine.policyset.DEFAULT_POLICIES``).
POLICIES_HELP = "Policies directory (default: the policies bundled with lockdown; in a checkout, its policies/)."


class LazyGroup(click.Group):
    """A group whose heavier subcommands (drift, merge) are imported only when run, keeping start-up fast."""

    lazy_commands = {"drift": "lockdown.drift.command:drift_command", "merge": "lockdown.drift.command:merge_command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands:
            import importlib

            module_name, attribute = self.lazy_commands[name].split(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lockdown")
def main() -> None:
    """Keep captured employee data readable only by its named readers."""


@main.command()
@click.option(
    "--stack", "stacks", multiple=True, metavar="NAME", help="Plan this stack of the program offline (repeatable)."
)
@click.option(
    "--program",
    type=click.Path(file_okay=False),
    help="Pulumi Python project to plan (default: the current directory).",
)
@click.option(
    "--preview-json", "previews", multiple=True, type=click.Path(dir_okay=False), help="A `pulumi preview --json` file."
)
@click.option("--state", "states", multiple=True, type=click.Path(dir_okay=False), help="A `pulumi stack export` file.")
@click.option(
    "--config", "config", multiple=True, metavar="KEY=VALUE", help="Pulumi stack config for planning a program."
)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(dir_okay=False),
    help="Lockdown settings YAML (overrides lockdown: config).",
)
@click.option("--policies", type=click.Path(file_okay=False), help=POLICIES_HELP)
@click.option("--opa-url", metavar="URL", help="Evaluate on this OPA server instead of the embedded engine.")
@click.option("--readers", is_flag=True, help="Include the reader report: who can read each restricted store, and how.")
@click.option("--format", "fmt", type=click.Choice(tuple(REPORT_FORMATS)), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report here (atomically) instead of stdout.")
@click.option(
    "--source-root",
    type=click.Path(exists=True, file_okay=False),
    help="Root that SARIF file locations are relative to (default: the git work tree of the current directory).",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    help="Waivers YAML (default: ./waivers.yaml if it exists).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Findings in this baseline are advisory; new ones block.",
)
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record this run's findings as a baseline.")
@click.option("--verbose", "-v", is_flag=True, help="Show details of errors, such as a program's traceback.")
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Warn instead of failing (exit 2) when a source cannot show every resource: a preview without "
    "--show-sames, a state with pending deletions or operations, a source with no resources.",
)
@click.option(
    "--expect-policies",
    type=click.Path(dir_okay=False),
    help="Fail (exit 2) unless the policies match this manifest (written by `lockdown rules --format manifest`).",
)
def check(**options: Any) -> None:
    """Evaluate the policies on a program, a preview or a state file."""
    with gc_paused():
        code = run_guarded(lambda: _check(**options), options["verbose"])
    sys.exit(code)


def _check(
    stacks: tuple[str, ...],
    program: str | None,
    previews: tuple[str, ...],
    states: tuple[str, ...],
    config: tuple[str, ...],
    settings_file: str | None,
    policies: str | None,
    opa_url: str | None,
    readers: bool,
    fmt: str,
    output: str | None,
    verbose: bool,
    source_root: str | None = None,
    waivers_file: str | None = None,
    baseline: str | None = None,
    write_baseline: str | None = None,
    allow_incomplete: bool = False,
    expect_policies: str | None = None,
) -> int:
    from lockdown import governance
    from lockdown.atomic import check_output_directory
    from lockdown.progress import progress, wanted
    from lockdown.reports import RenderOptions, render
    from lockdown.settings import load_settings_file

    check_output_directory(output)
    check_output_directory(write_baseline)
    overrides = load_settings_file(settings_file) if settings_file else {}
    known = governance.read_baseline(baseline) if baseline else frozenset()
    loaders = _source_loaders(stacks, program, previews, states, config, verbose)
    with progress(wanted(fmt)) as tracker:
        result, run, engine = _evaluate(
            loaders,
            policies,
            opa_url,
            overrides,
            settings_file,
            readers,
            verbose,
            waivers_file,
            known,
            tracker,
            allow_incomplete,
        )
    _check_policies(result, engine, expect_policies)
    for error in result.errors:
        _fail(error)
    governance.refuse_unmatched_waivers(result)
    if write_baseline:
        governance.write_baseline(write_baseline, result, run.today)
    color = output is None and fmt == "text" and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if color else None
    options = RenderOptions(color=color, readers=readers, width=width, remediation=verbose)
    if fmt == "sarif":
        options = _sarif_options(options, source_root)
    if result.errors and output:
        # An incomplete run leaves no report behind for CI to upload as if it were one.
        return result.exit_code
    _emit(render(result, fmt, options), output)
    return result.exit_code


def _sarif_options(options: Any, source_root: str | None) -> Any:
    """SARIF's locations and help links: the repository root, and where its rules are documented."""
    import dataclasses
    import os

    from lockdown.reports.sarif import find_source_root, rules_doc_url

    root = os.path.realpath(source_root) if source_root else str(find_source_root(os.getcwd()))
    return dataclasses.replace(options, source_root=root, rules_doc=rules_doc_url(os.environ, root))


def _evaluate(
    loaders: list[tuple[str, Callable[[], Any]]],
    policies: str | None,
    opa_url: str | None,
    overrides: dict[str, Any],
    settings_file: str | None,
    readers: bool,
    verbose: bool,
    waivers_file: str | None,
    baseline: frozenset[tuple[str, str]] = frozenset(),
    tracker: Any = None,
    allow_incomplete: bool = False,
) -> tuple[Any, Any, Any]:
    """Load the engine and the waivers file, check every source; the result, the run (its date), the engine."""
    from lockdown import governance
    from lockdown.engine import load_engine
    from lockdown.progress import Tracker

    tracker = tracker or Tracker()

    try:
        # The policy checks run in the background while the first source is read; a policy
        # error surfaces at its first evaluation and stops the whole run (PolicyError).
        tracker.stage("loading the policies")
        engine = load_engine(policies, opa_url, background_checks=True)
        run = governance.Run(governance.file_waivers(waivers_file, engine.rules), baseline)
        result = _check_sources(
            loaders, engine, overrides, settings_file, readers, verbose, run, tracker, allow_incomplete
        )
        return result, run, engine
    except BaseException:
        _cancel_plans(loaders)
        raise


def _check_sources(
    loaders: list[tuple[str, Callable[[], Any]]],
    engine: Any,
    overrides: dict[str, Any],
    settings_file: str | None,
    readers: bool,
    verbose: bool,
    run: Any = None,
    tracker: Any = None,
    allow_incomplete: bool = False,
) -> Any:
    """Load and check each source in turn; a source that fails is an error that does not hide the others."""
    from lockdown.findings import CheckResult, check
    from lockdown.governance import Run
    from lockdown.progress import Tracker
    from lockdown.settings import from_pulumi_config, resolve

    run = run or Run()
    tracker = tracker or Tracker()

    result = CheckResult(rules=engine.rules)
    for number, (label, load) in enumerate(loaders, start=1):
        tracker.stage(f"checking {label}" + (f" ({number}/{len(loaders)})" if len(loaders) > 1 else ""))
        try:
            loaded = load()
            settings = resolve(loaded.config, overrides, origin=settings_file or label, config_origin=label)
            if not overrides and not from_pulumi_config(loaded.config):
                loaded.warnings.append(
                    f"{label}: no lockdown: settings in the stack config and no --settings file: evaluated with the "
                    "strictest defaults (nobody is an allowed reader)"
                )
            waivers_origin = (settings_file if "waivers" in overrides else None) or label
            result.merge(check(loaded, engine, settings, readers=readers, **run.options(waivers_origin)))
            _incomplete(label, loaded, result, allow_incomplete)
        except PolicyError:
            raise
        except LockdownError as err:
            result.errors.append(str(err))
            result.sources.append(label)
            if verbose and err.detail:
                click.echo(err.detail, err=True)
    return result


def _check_policies(result: Any, engine: Any, expect_policies: str | None) -> None:
    """Every report carries the policy manifest; a pinned one that differs is an error (exit 2)."""
    from lockdown.engine.manifest import check_expected, policy_manifest

    result.policies = policy_manifest(engine.policy_set)
    problem = check_expected(expect_policies, result.policies) if expect_policies else None
    if problem:
        result.errors.append(problem)


def _incomplete(label: str, loaded: Any, result: Any, allow: bool) -> None:
    """A source that cannot show every resource fails the run (exit 2) unless --allow-incomplete."""
    reasons = list(loaded.incomplete)
    if not any(resource.evaluated for resource in loaded.resources):
        reasons.append("it holds no resources to check (an empty export, or a program that registers nothing)")
    for reason in reasons:
        if allow:
            result.warnings.append(f"{label}: {reason}")
        else:
            result.errors.append(f"{label}: incomplete: {reason} (--allow-incomplete to accept this)")


def _source_loaders(
    stacks: tuple[str, ...],
    program: str | None,
    previews: tuple[str, ...],
    states: tuple[str, ...],
    config: tuple[str, ...],
    verbose: bool,
) -> list[tuple[str, Callable[[], Any]]]:
    """What to check, as (label, loader) pairs; loaders run one by one so one bad source does not hide the others."""
    loaders: list[tuple[str, Callable[[], Any]]] = []
    for path in previews:
        loaders.append((path, lambda path=path: _load_preview(path)))
    for path in states:
        loaders.append((path, lambda path=path: _load_state(path)))
    if (previews or states) and (stacks and not program):
        raise LockdownError(
            "--stack plans a program offline; use it with --program, or give only --preview-json/--state"
        )
    if program and not stacks:
        raise LockdownError("--program needs --stack NAME: the stack whose config to plan with")
    if config and not stacks:
        raise LockdownError("--config sets stack config for planning a program; use it with --stack")
    program_dir = program or "."
    for stack in stacks:
        loaders.append((f"{program_dir} (stack {stack})", _start_program(program_dir, stack, config, verbose)))
    if not loaders:
        raise LockdownError("nothing to check: give --stack NAME, --preview-json FILE or --state FILE")
    return loaders


def _cancel_plans(loaders: list[tuple[str, Callable[[], Any]]]) -> None:
    """Stop the plans already started when the run fails before collecting them."""
    for _label, load in loaders:
        pending = getattr(load, "__self__", None)
        if pending is not None and hasattr(pending, "cancel"):
            pending.cancel()


def _load_preview(path: str) -> Any:
    from lockdown.loaders.preview import load_preview

    loaded = load_preview(path)
    loaded.file = loaded.file or path
    return loaded


def _load_state(path: str) -> Any:
    from lockdown.loaders.state import load_state

    loaded = load_state(path)
    loaded.file = loaded.file or path
    return loaded


def _start_program(program_dir: str, stack: str, config: tuple[str, ...], verbose: bool) -> Callable[[], Any]:
    """Start planning now, in its own process, so it overlaps loading the policies; return its result getter."""
    from lockdown.loaders.program import start_program

    try:
        return start_program(program_dir, stack, list(config), verbose=verbose).result
    except LockdownError as err:
        failure = err

        def fail() -> Any:
            raise failure

        return fail


@main.command("test")
@click.option("--policies", type=click.Path(file_okay=False), help=POLICIES_HELP)
@click.option("--coverage", is_flag=True, help="Report line coverage of the policies.")
@click.option("--min-coverage", type=float, default=None, help="Fail when total coverage is below this percentage.")
def test_command(policies: str | None, coverage: bool, min_coverage: float | None) -> None:
    """Run the policies' own unit tests (test_ rules in *_test.rego)."""

    def action() -> int:
        from lockdown.engine.policyset import load_policy_set
        from lockdown.engine.tester import format_run, run_tests

        policy_set = load_policy_set(policies)
        run = run_tests(policy_set)
        click.echo(format_run(run, coverage or min_coverage is not None, policy_set.root))
        if not run.outcomes:
            _fail(f"{policy_set.root}: no test_ rules found in *_test.rego files")
            return 2
        if min_coverage is not None and run.coverage_percent < min_coverage:
            _fail(f"policy coverage {run.coverage_percent:.1f}% is below the required {min_coverage:.1f}%")
            return 1
        return 1 if run.failed else 0

    sys.exit(run_guarded(action))


@main.command("rules")
@click.option("--policies", type=click.Path(file_okay=False), help=POLICIES_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("markdown", "json", "manifest")),
    default="markdown",
    show_default=True,
    help="manifest: rule ids, enforcement and digests, for lockdown check --expect-policies.",
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
def rules_command(policies: str | None, fmt: str, output: str | None) -> None:
    """List the rules with their metadata (generates docs/rules.md)."""

    def action() -> int:
        from lockdown.engine.embedded import EmbeddedEngine
        from lockdown.engine.policyset import load_policy_set
        from lockdown.rulesdoc import render_rules

        policy_set = load_policy_set(policies)
        EmbeddedEngine(policy_set, include_tests=True)  # a catalogue of policies that do not compile is an error
        if fmt == "manifest":
            import json

            from lockdown.engine.manifest import policy_manifest

            _emit(json.dumps(policy_manifest(policy_set), indent=2), output)
            return 0
        _emit(render_rules(policy_set, fmt), output)
        return 0

    sys.exit(run_guarded(action))


@main.command("report")
@click.option(
    "--framework", type=click.Choice(("cis", "soc2", "iso27001", "gdpr")), required=True, help="The framework."
)
@click.option("--stack", "stacks", multiple=True, metavar="NAME", help="Plan this stack of the program (repeatable).")
@click.option("--program", type=click.Path(file_okay=False), help="Pulumi Python project (default: .).")
@click.option("--preview-json", "previews", multiple=True, type=click.Path(dir_okay=False), help="A preview JSON.")
@click.option("--state", "states", multiple=True, type=click.Path(dir_okay=False), help="A stack export.")
@click.option("--config", "config", multiple=True, metavar="KEY=VALUE", help="Pulumi stack config for planning.")
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False), help="Lockdown settings YAML.")
@click.option(
    "--waivers", "waivers_file", type=click.Path(dir_okay=False), help="Waivers YAML (default: ./waivers.yaml)."
)
@click.option("--policies", type=click.Path(file_okay=False), help=POLICIES_HELP)
@click.option(
    "--output-dir", type=click.Path(file_okay=False), default=".", show_default=True, help="Where to write the report."
)
@click.option("--verbose", "-v", is_flag=True, help="Show details of errors, such as a program's traceback.")
def report_command(**options: Any) -> None:
    """Compliance evidence: each control of a framework, its rules, pass/fail per stack (Markdown and HTML)."""
    sys.exit(run_guarded(lambda: _report(**options), options["verbose"]))


def _report(
    framework: str,
    stacks: tuple[str, ...],
    program: str | None,
    previews: tuple[str, ...],
    states: tuple[str, ...],
    config: tuple[str, ...],
    settings_file: str | None,
    waivers_file: str | None,
    policies: str | None,
    output_dir: str,
    verbose: bool,
) -> int:
    """Check the sources like ``check`` does, then write ``lockdown-<framework>.md`` and ``.html``."""
    from pathlib import Path

    from lockdown import governance
    from lockdown.atomic import check_output_directory, write_atomic
    from lockdown.reports import compliance
    from lockdown.settings import load_settings_file

    check_output_directory(Path(output_dir) / f"lockdown-{framework}.md")
    overrides = load_settings_file(settings_file) if settings_file else {}
    loaders = _source_loaders(stacks, program, previews, states, config, verbose)
    result, run, _engine = _evaluate(loaders, policies, None, overrides, settings_file, False, verbose, waivers_file)
    if result.errors:  # evidence from a partial run would claim controls it did not check
        raise LockdownError(f"no report written: {result.errors[0]}")
    governance.refuse_unmatched_waivers(result)
    data = compliance.context(result, framework, run.today)
    markdown, page = compliance.render_markdown(data), compliance.render_html(data)
    target = Path(output_dir)
    write_atomic(target / f"lockdown-{framework}.md", markdown)
    write_atomic(target / f"lockdown-{framework}.html", page)
    click.echo(
        f"wrote {target / f'lockdown-{framework}.md'} and .html: {len(data['controls'])} controls, "
        f"{data['counts']['fail']} failing"
    )
    return 1 if data["counts"]["fail"] else 0


@main.group("waivers")
def waivers_group() -> None:
    """Inspect waivers (waivers.yaml, --waivers FILE, the waivers setting of --settings)."""


@waivers_group.command("list")
@click.option(
    "--waivers", "waivers_file", type=click.Path(dir_okay=False), help="Waivers YAML (default: ./waivers.yaml)."
)
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False), help="Lockdown settings YAML.")
@click.option("--policies", type=click.Path(file_okay=False), help=POLICIES_HELP)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def waivers_list(waivers_file: str | None, settings_file: str | None, policies: str | None, fmt: str) -> None:
    """Every waiver with its days left, soonest first; a bad waiver is an error (exit 2)."""

    def action() -> int:
        import json

        from lockdown.engine.policyset import load_policy_set
        from lockdown.governance import render_waiver_list, waivers_to_list

        listed = waivers_to_list(waivers_file, settings_file, load_policy_set(policies).rules)
        click.echo(json.dumps({"waivers": listed}, indent=2) if fmt == "json" else render_waiver_list(listed))
        return 0

    sys.exit(run_guarded(action))


@main.command("pack-path")
def pack_path_command() -> None:
    """Print the directory of the bundled policy pack: `pulumi preview --policy-pack $(lockdown pack-path)`."""

    def action() -> int:
        from lockdown.engine.policyset import DEFAULT_POLICIES

        pack = DEFAULT_POLICIES / "pack"
        if not (pack / "PulumiPolicy.yaml").is_file():
            raise LockdownError(f"{pack}: no policy pack here (PulumiPolicy.yaml missing)")
        click.echo(str(pack))
        return 0

    sys.exit(run_guarded(action))


def entry() -> None:
    """The console script: like ``main``, but usage errors are one line and exit 2 too."""
    try:
        code = main.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        _fail(err.format_message())
        sys.exit(2)
    except click.Abort:
        _fail("aborted")
        sys.exit(2)
    sys.exit(code or 0)


if __name__ == "__main__":
    entry()
