"""One place that turns exceptions into a one-line message and an exit code."""

from __future__ import annotations

import errno
import os
import platform
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from gitupgrade.cli.output import show_library_notes
from gitupgrade.errors import ExitCode, GitUpgradeError, UserError
from gitupgrade.interrupt import interrupted, sigint_deferred
from gitupgrade.ledger.text import escape, redact

# Errors of the machine, not of our code: a full disk or quota, an I/O error, a read-only
# file system. They are reported like git reports them (one line, exit 1), not as a bug.
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS})
# Options whose value is a file system path, which may legitimately be any bytes.
_PATH_OPTIONS = ("-C", "--config")


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


def check_arguments(args: Sequence[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python hands such bytes over as surrogates).

    Ids, revisions and names end up in git notes, SQLite and JSON, which all need text;
    only the values of path options may be any bytes, as file names may.
    """
    previous = ""
    for position, arg in enumerate(args, start=1):
        is_path = previous in _PATH_OPTIONS or arg.startswith(tuple(f"{o}=" for o in _PATH_OPTIONS))
        previous = arg
        if is_path:
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = repr(arg.encode("utf-8", "surrogateescape"))[2:-1]
            raise UserError(
                f"argument {position} is not valid UTF-8: '{shown}'",
                hint="ids, revisions and names are text; check the argument's encoding",
            ) from None


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that flush from
    # failing a second time with a traceback ("Exception ignored ...").
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _writing_stdout(exc: BaseException) -> bool:
    # A failed write discards the buffered text, so stdout cannot be probed afterwards:
    # look instead for a frame of the failed call that was writing to it (click's echo
    # holds it as ``file``, a rich console as ``self.file``).
    streams = {id(sys.stdout), id(getattr(sys.stdout, "buffer", None))}
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if id(value) in streams or id(getattr(value, "file", None)) in streams:
                return True
        tb = tb.tb_next
    return False


def report_environment_error(exc: OSError) -> str:
    """The one line for a write that the machine refused (full disk, I/O error)."""
    reason = exc.strerror or str(exc)
    if _writing_stdout(exc):
        _silence_stdout()
        return f"error: cannot write to standard output: {reason}"
    where = f" ({exc.filename})" if exc.filename else ""
    return f"error: {reason}{where}"


def _interrupted() -> int:
    with sigint_deferred():
        click.echo("interrupted", err=True)
    return ExitCode.INTERRUPTED


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
        if interrupted(exc):
            return _interrupted()
        # One line each: an id or a title from the ledger must not forge a hint line.
        click.echo(f"error: {escape(redact(exc.message))}", err=True)
        for line in exc.details:
            click.echo(escape(redact(line)), err=True)
        if exc.hint:
            click.echo(f"hint: {escape(redact(exc.hint))}", err=True)
        return exc.exit_code
    except (KeyboardInterrupt, click.Abort):
        return _interrupted()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say, as with git.
        _silence_stdout()
        return ExitCode.OK
    except OSError as exc:
        if exc.errno not in _ENVIRONMENT_ERRNOS:
            click.echo(report_bug(exc), err=True)
            return ExitCode.BUG
        click.echo(report_environment_error(exc), err=True)
        return ExitCode.FAILURE
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug of ours
        if interrupted(exc):
            return _interrupted()  # an error left behind by Ctrl-C is not a bug
        click.echo(redact(report_bug(exc)), err=True)
        return ExitCode.BUG
    return result if isinstance(result, int) else ExitCode.OK
