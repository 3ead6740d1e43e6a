"""What a refactoring strategy returns: a frozen value, never an exception for a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion


class ChangeKind(str, Enum):
    """How a strategy touched one file."""

    CREATE = "CREATE"
    MODIFY = "MODIFY"
    DELETE = "DELETE"


class Status(str, Enum):
    """The outcome of one strategy run."""

    APPLIED = "applied"  # files changed in the work dir; ready to validate
    REFUSED = "refused"  # could not prove the change safe; nothing changed
    FAILED = "failed"  # the strategy itself broke; nothing changed


@dataclass(frozen=True)
class FileChange:
    """One file a strategy created, modified or deleted (repository-relative path)."""

    path: str
    kind: ChangeKind


@dataclass(frozen=True)
class RefactorResult:
    """The result of applying one suggestion.

    ``summary`` is a few lines for the commit message body and the pull request:
    what moved where and why it is safe. ``title``, when set, names what the change
    did for the commit's subject (else the suggestion's title is used). ``refusals`` lists the parts that were
    left alone, each with its reason (a partial application is still APPLIED).
    ``strategy`` names who wrote the change (``rule:<type>`` or ``llm:<provider>/<model>``).
    ``failure_type`` classifies a REFUSED or FAILED result for the ledger
    (``refused``, ``llm_invalid_diff``, ``llm_unavailable``, ``llm_timeout`` ...).
    """

    status: Status
    suggestion_id: str
    strategy: str
    changes: tuple[FileChange, ...] = ()
    reason: str = ""
    summary: str = ""
    refusals: tuple[str, ...] = field(default_factory=tuple)
    failure_type: str | None = None
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "status": self.status.value,
            "suggestion_id": self.suggestion_id,
            "strategy": self.strategy,
            "changes": [{"path": c.path, "kind": c.kind.value} for c in self.changes],
            "reason": self.reason,
            "summary": self.summary,
            "title": self.title,
            "refusals": list(self.refusals),
            "failure_type": self.failure_type,
            "success": self.status is Status.APPLIED,
        }

    @classmethod
    def refused(cls, suggestion_id: str, strategy: str, reason: str, failure_type: str = "refused") -> RefactorResult:
        """A refusal: nothing was changed, ``reason`` says why."""
        return cls(Status.REFUSED, suggestion_id, strategy, reason=reason, failure_type=failure_type)

    @classmethod
    def failed(
        cls, suggestion_id: str, strategy: str, reason: str, failure_type: str = "strategy_error"
    ) -> RefactorResult:
        """A failure of the strategy itself: nothing was changed."""
        return cls(Status.FAILED, suggestion_id, strategy, reason=reason, failure_type=failure_type)


class Strategy(Protocol):
    """The plug-in contract of a refactoring: declared type and description.

    ``apply`` edits files inside ``workdir`` only (the staging worktree, never
    the user's checkout), and only the files of ``suggestion.affected_modules``
    plus the new modules it creates. It restores every file it touched before
    returning REFUSED or FAILED. A strategy may also register a light ``precheck``
    (see ``registry.register``): the reason it can never apply a suggestion, so that
    it is not queued.
    """

    type: str
    description: str

    def apply(self, workdir: Path, suggestion: Suggestion, config: Config) -> RefactorResult:
        """Apply the suggestion to the files under ``workdir``."""
        ...
