"""Showing a run's progress: a live line on a terminal; asked for in a pipe, one plain line per stage.

On a terminal (stderr) a single transient line names the upgrade, its stage and the
time spent in it, refreshed while the tests run; it disappears before the results
are printed. Piped or redirected there is none unless ``--progress`` asks for it, as
with git's own commands; then each stage is one line, ``progress: <id> <stage>``,
with no control characters, so logs stay readable and greppable.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import click
from rich.console import RenderableType
from rich.live import Live
from rich.spinner import Spinner

from gitupgrade.cli.output import console, is_interactive
from gitupgrade.manager.progress import NO_PROGRESS, Progress, Stage


class LineProgress:
    """One line on stderr per stage entered."""

    def stage(self, upgrade_id: str, stage: Stage) -> None:
        """Print ``progress: <id> <stage>``."""
        click.echo(f"progress: {upgrade_id} {stage.value}", err=True)


class LiveProgress:
    """A spinner line on the terminal: upgrade, stage, seconds in the stage."""

    def __init__(self) -> None:
        self.upgrade_id = ""
        self.current: Stage | None = None
        self.since = time.monotonic()
        self.spinner = Spinner("dots", text="starting")
        self.live: Live | None = None

    def stage(self, upgrade_id: str, stage: Stage) -> None:
        """Switch the line to ``stage`` of ``upgrade_id`` and restart its clock."""
        self.upgrade_id, self.current, self.since = upgrade_id, stage, time.monotonic()
        if self.live is not None:
            self.live.refresh()  # show the new stage now, not at the next tick

    def render(self) -> RenderableType:
        """The line as it reads now (Live calls this on every refresh)."""
        if self.current is not None:
            elapsed = time.monotonic() - self.since
            self.spinner.update(text=f"{self.upgrade_id}  {self.current.value}  {elapsed:.0f}s")
        return self.spinner


@contextlib.contextmanager
def run_progress(wanted: bool | None = None) -> Iterator[Progress]:
    """The progress reporter for ``run``: ``wanted`` None means on a terminal only (git's rule)."""
    interactive = is_interactive()
    if wanted is False or (wanted is None and not interactive):
        yield NO_PROGRESS
        return
    if not interactive:
        yield LineProgress()
        return
    live_progress = LiveProgress()
    live = Live(get_renderable=live_progress.render, console=console(stderr=True), transient=True, refresh_per_second=4)
    with live:
        live_progress.live = live
        yield live_progress
