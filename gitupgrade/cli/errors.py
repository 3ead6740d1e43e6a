"""One place that turns exceptions into a one-line message and an exit code."""

from __future__ import annotations

import platform
import sys
import traceback
from typing import Any

import click

from gitupgrade.cli.output import show_library_notes
from gitupgrade.errors import ExitCode, GitUpgradeError
from gitupgrade.ledger.text import escape, redact


def report_bug(exc: BaseException) -> str:
    """The one-paragraph bug report for an unexpected exception (exit 3)."""
    from gitupgrade import __version__
    from gitupgrade.repo.core import library_versions

    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    location = f" at {where.filename}:{where.lineno}" if where else ""
    return (
        f"bug: unexpected {type(exc).__name__}: {exc}{location}\n"
        f"please report it with: gitupgrade {__version__}, Python {platform.python_version()}, "
        f"{library_versions()}"
    )


def run_guarded(invoke: Any) -> int:
    """Call ``invoke()`` (click's main in non-standalone mode) and map every outcome to an exit code."""
    show_library_notes()
    try:
        result = invoke()
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return ExitCode.USAGE
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "git upgrade"
        click.echo(f"error: {exc.format_message()}", err=True)
        click.echo(f"hint: see '{command} --help'", err=True)
        return ExitCode.USAGE
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except GitUpgradeError as exc:
        # One line each: an id or a title from the ledger must not forge a hint line.
        click.echo(f"error: {escape(redact(exc.message))}", err=True)
        if exc.hint:
            click.echo(f"hint: {escape(redact(exc.hint))}", err=True)
        return exc.exit_code
    except (KeyboardInterrupt, click.Abort):
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug of ours
        click.echo(redact(report_bug(exc)), err=True)
        return ExitCode.BUG
    return result if isinstance(result, int) else ExitCode.OK
