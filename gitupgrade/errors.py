"""The error taxonomy of gitupgrade, each kind mapped to one exit code.

Library code raises these and never prints or exits; ``gitupgrade.cli.errors``
turns them into one line on stderr and the exit code below.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of ``git upgrade``."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    BUG = 3
    INTERRUPTED = 130


class GitUpgradeError(Exception):
    """Base of every error we raise on purpose; ``hint`` says what to do next.

    ``details`` are lines shown under the message (each escaped on its own, so text
    from outside can never start a line of its own).
    """

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None, details: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join((message, *details)))
        self.message = message
        self.hint = hint
        self.details = details


class UserError(GitUpgradeError):
    """Bad input from the user: a wrong argument, path, revision or config value."""

    exit_code = ExitCode.USAGE


class ConfigError(UserError):
    """The configuration is invalid; the message names the key path."""


class NotARepositoryError(UserError):
    """No git repository where one was expected, or one without commits."""


class NoTargetBranchError(UserError):
    """The branch to upgrade is not known (detached HEAD) or does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message, hint="check out the branch to upgrade, or set integration.target_branch")


class GitOperationError(GitUpgradeError):
    """A git operation failed; the message names the operation."""

    def __init__(self, operation: str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"git {operation} failed: {detail}", hint)
        self.operation = operation


class RefMovedError(GitUpgradeError):
    """A ref changed between reading it and updating it (compare-and-swap lost)."""


class LockHeldError(GitUpgradeError):
    """Another runner holds the upgrade lock."""


class RefusedError(GitUpgradeError):
    """A change was refused to protect the user's work; nothing was changed."""
