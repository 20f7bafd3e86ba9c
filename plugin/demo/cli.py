"""``hireloop demo``: the whole product in one command, with nothing configured.

A fresh SQLite database in a temporary folder, the sandbox ATS (a local Greenhouse), and
hireloop on a local port; then, through the public HTTP contract only: apply the example
Senior PM loop, move the sample candidate through the loop's stages with signed webhooks,
submit four interviewers' scorecards with their link tokens, run the worker so the verdict
note lands in the sandbox, and print the verdict. Without ``--once`` it keeps serving and
prints the pages to open; with ``--once`` it exits 0 when every step worked, 1 otherwise.
The steps are in ``runner``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import click

from plugin.demo.errors import DemoError
from plugin.demo.runner import Demo


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """The demo prints its own progress; library chatter goes only where it is asked for."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    previous = root.level
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(previous)


@click.command("demo")
@click.option("--once", is_flag=True, help="Run the whole demo, print the verdict and exit.")
@click.option("--port", type=int, default=None, help="hireloop's port (default 5000, or free).")
def demo_command(once: bool, port: int | None) -> None:
    """A sandbox Greenhouse, a Senior PM loop, four interviewers, and a verdict written back."""
    with suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    click.echo("hireloop demo: a sandbox Greenhouse, a Senior PM loop, four interviewers.\n")
    demo = Demo(once=once, port=port)
    failure: str | None = None
    with _quiet_logging():
        try:
            demo.run()
        except DemoError as exc:
            failure = str(exc)
        except Exception as exc:  # the demo must end with a message, not a traceback
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            demo.close()
    if failure is not None:
        step = demo.progress.step
        click.echo(f"{step:>2}. \u2717 {failure}", err=True)
        click.echo("The demo stopped; nothing outside its temporary folder was changed.", err=True)
        sys.exit(1)
