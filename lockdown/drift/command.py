"""``lockdown drift`` and ``lockdown merge``: the click commands the main CLI registers.

Order matters for failing early: the output directory is checked, the desired state and the
policies are loaded (bad input: exit 2, nothing scanned) before any AWS call; the report is
written atomically. Both commands run through ``lockdown.console.run_guarded``, so every
failure, expected or not, is one line on stderr and exit 2, never a traceback.
Exit codes: 0 nothing matters, 1 drift or blocking findings, 2 incomplete scan or bad input.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from lockdown.atomic import check_output_directory
from lockdown.console import emit, run_guarded
from lockdown.errors import LockdownError
from lockdown.progress import Tracker, progress
from lockdown.progress import wanted as progress_wanted

FORMATS = ("markdown", "json", "html")


def run_drift(
    *,
    stack: str | None = None,
    state: str | Path | None = None,
    program: str | Path | None = None,
    regions: Iterable[str] = (),
    endpoint_url: str | None = None,
    settings_file: str | Path | None = None,
    policies: str | Path | None = None,
    fmt: str = "markdown",
    output: str | Path | None = None,
    workers: int | None = None,
    max_attempts: int | None = None,
    hooks: tuple[Any, ...] = (),
    tracker: Tracker | None = None,
) -> int:
    """Scan, compare, evaluate, report; returns the exit code. Raises ``LockdownError`` on bad input.

    ``tracker`` shows the stages and the AWS reads done (``lockdown.progress``; default: nothing).
    """
    from lockdown.drift import desired as desired_state
    from lockdown.drift.diff import compute_drift
    from lockdown.drift.render import RENDERERS
    from lockdown.drift.report import build_report, decide_matters
    from lockdown.drift.scan import DEFAULT_MAX_ATTEMPTS, DEFAULT_WORKERS, ClientSettings, scan
    from lockdown.engine import load_engine
    from lockdown.findings import check
    from lockdown.model import LoadedStack
    from lockdown.settings import load_settings_file, resolve

    if fmt not in RENDERERS:
        raise LockdownError(f"drift: unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    check_output_directory(_text(output))
    regions = tuple(regions) or _default_regions()
    tracker = tracker or Tracker()
    tracker.stage(f"reading the desired state {state}" if state else f"planning {program or '.'} offline")
    loaded = desired_state.load_desired(stack, state, program)
    overrides = load_settings_file(settings_file) if settings_file else {}
    settings = resolve(loaded.config, overrides, origin=str(settings_file or "settings"))
    engine = load_engine(policies)
    stack_name, project = loaded.stack or stack or "live", loaded.project or "live"
    client_settings = ClientSettings(
        endpoint_url=endpoint_url,
        workers=workers or DEFAULT_WORKERS,
        max_attempts=max_attempts or DEFAULT_MAX_ATTEMPTS,
        hooks=tuple(hooks),
    )
    result = scan(regions, stack=stack_name, project=project, settings=client_settings, tracker=tracker)
    tracker.stage("evaluating the policies on the live account")
    wanted = desired_state.comparable(loaded)
    items = compute_drift(wanted, result.resources, result.incomplete)
    live = LoadedStack(
        resources=result.resources, source="live", stack=stack_name, project=project, config=loaded.config
    )
    checked = check(live, engine, settings, readers=True)
    decide_matters(items, checked, result.resources)
    report = build_report(
        items=items,
        check=checked,
        live=result.resources,
        incomplete=result.incomplete,
        account_id=result.account_id,
        regions=result.regions,
        stack=loaded.stack or stack,
        project=loaded.project,
        desired_source=f"state {state}" if state else f"offline plan of {program or '.'}",
    )
    unmatched = [resource.name for resource in wanted if desired_state.identity(resource) is None]
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (", ..." if len(unmatched) > 5 else "")
        report["warnings"].append(
            f"{len(unmatched)} desired resource(s) have no known physical name and were not compared "
            f"(auto-named at plan time? use --state): {shown}"
        )
    emit(RENDERERS[fmt](report), _text(output))
    return int(report["summary"]["exitCode"])


def run_merge(paths: Iterable[str | Path], fmt: str = "markdown", output: str | Path | None = None) -> int:
    """Merge per-account JSON reports; the exit code is the merged report's."""
    from lockdown.drift.merge import merge_files
    from lockdown.drift.render import RENDERERS

    if fmt not in RENDERERS:
        raise LockdownError(f"merge: unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    check_output_directory(_text(output))
    merged = merge_files(list(paths))
    emit(RENDERERS[fmt](merged), _text(output))
    return int(merged["summary"]["exitCode"])


def _default_regions() -> tuple[str, ...]:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise LockdownError("drift: no region to scan: give --region (several allowed) or set AWS_REGION")
    return (region,)


def _text(output: str | Path | None) -> str | None:
    return str(output) if output else None


VERBOSE = click.option("--verbose", "-v", is_flag=True, help="Show the details of an error (a traceback).")


@click.command("drift")
@click.option("--stack", help="Stack name (plans the program offline when no --state is given).")
@click.option("--state", type=click.Path(dir_okay=False), help="Desired state: a `pulumi stack export` file.")
@click.option("--program", type=click.Path(file_okay=False), help="Pulumi program directory to plan offline.")
@click.option("--region", "regions", multiple=True, help="Region to scan (repeatable); default $AWS_REGION.")
@click.option("--endpoint-url", help="AWS endpoint override (an emulator such as moto).")
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False), help="Lockdown settings YAML.")
@click.option(
    "--policies", type=click.Path(file_okay=False), help="Policies directory (default: the bundled policies)."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report here (atomically) instead of stdout.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Concurrent AWS readers (default 16).")
@VERBOSE
def drift_command(verbose: bool, **options: Any) -> None:
    """Compare live AWS with the stack and report drift, findings and who can read each store."""
    with progress(progress_wanted(options["fmt"])) as tracker:
        code = run_guarded(lambda: run_drift(**options, tracker=tracker), verbose)
    sys.exit(code)


@click.command("merge")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the merged report here (atomically).")
@VERBOSE
def merge_command(files: tuple[str, ...], fmt: str, output: str | None, verbose: bool) -> None:
    """Merge per-account `lockdown drift --format json` reports into one report."""
    sys.exit(run_guarded(lambda: run_merge(files, fmt, output), verbose))
