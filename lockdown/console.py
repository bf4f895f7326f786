"""What every command shares: one-line errors on stderr, exit code 2 on failure, output files.

Both the main command line and the drift commands run their bodies through
``run_guarded`` so that no failure, expected or not, ever ends as a pass or as a
traceback with an exit code that means something else.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from lockdown.errors import LockdownError


def fail(message: str) -> None:
    """Print one error line on stderr."""
    click.echo(f"lockdown: error: {' '.join(str(message).split())}", err=True)


def run_guarded(action: Callable[[], int], verbose: bool = False) -> int:
    """Run a command body, turning every failure into one line on stderr and exit code 2."""
    try:
        return action()
    except LockdownError as err:
        fail(str(err))
        if verbose and err.detail:
            click.echo(err.detail, err=True)
        return 2
    except KeyboardInterrupt:
        fail("interrupted")
        return 2
    except Exception as err:  # noqa: BLE001 - fail closed: a crash is never a pass
        fail(f"internal error: {type(err).__name__}: {err}")
        if verbose:
            import traceback

            click.echo(traceback.format_exc(), err=True)
        return 2


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a command's body.

    A check builds about a million small objects (the preview, its records, the engine
    input) and keeps them to the end, so the collector's passes over them free nothing:
    about 0.1 s at 10,000 resources, and pages a forked worker would otherwise copy.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def emit(text: str, output: str | None) -> None:
    """Write a report to ``output`` atomically, or to stdout."""
    if output:
        from lockdown.atomic import write_atomic

        write_atomic(output, text if text.endswith("\n") else text + "\n")
    else:
        click.echo(text.rstrip("\n"))
