"""The pre-push gate: parse what git says is being pushed and check each pushed range.

githooks(5): git runs ``pre-push REMOTE-NAME URL`` with one stdin line per ref,
``<local ref> SP <local oid> SP <remote ref> SP <remote oid>``. A zero local id
is a deletion (nothing to check); a zero remote id is a new branch, compared
with its merge-base with what the remote already has (or, with no common
history, every finding is new).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitupgrade.errors import UserError
from gitupgrade.integration.check import CheckResult, compare
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.history import has_commit, merge_base, newest_of
from gitupgrade.repo.remote import remote_default_ref, remote_tracking_refs

SKIPPED_PREFIXES = ("refs/notes/",)  # the ledger and other notes carry no code


@dataclass(frozen=True)
class RefUpdate:
    """One ref git is about to push."""

    local_ref: str
    local_oid: str
    remote_ref: str
    remote_oid: str

    @property
    def is_deletion(self) -> bool:
        """``git push origin :branch`` or ``--delete``: the local side is the zero id."""
        return _is_zero(self.local_oid)

    @property
    def is_new(self) -> bool:
        """The remote does not have the ref yet."""
        return _is_zero(self.remote_oid)


@dataclass(frozen=True)
class RefVerdict:
    """The check of one pushed ref: its result, or why it was skipped."""

    update: RefUpdate
    result: CheckResult | None = None
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        """Whether this ref may be pushed."""
        return self.result is None or self.result.passed


@dataclass(frozen=True)
class PushCheck:
    """The verdicts of every ref of one push."""

    remote: str
    verdicts: tuple[RefVerdict, ...]

    @property
    def passed(self) -> bool:
        """Whether the whole push may go ahead (git pushes all refs or none)."""
        return all(v.passed for v in self.verdicts)


def parse_pre_push(text: str) -> list[RefUpdate]:
    """The ref updates of a pre-push hook's stdin; blank lines are ignored."""
    updates = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not all(_is_oid(p) for p in (parts[1], parts[3])):
            raise UserError(
                f"pre-push input line {number} is not '<local ref> <local oid> <remote ref> <remote oid>': {line!r}",
                hint="git upgrade hook run-pre-push is meant to be run by git's pre-push hook",
            )
        updates.append(RefUpdate(*parts))
    return updates


def check_push(repo: GitRepo, remote: str, updates: list[RefUpdate], config_file: Path | None = None) -> PushCheck:
    """Check every pushed range; the same (base, head) pair is analysed once."""
    done: dict[tuple[CommitId | None, CommitId], CheckResult] = {}
    verdicts = []
    for update in updates:
        reason = _skip_reason(repo, update)
        if reason:
            verdicts.append(RefVerdict(update, skipped=reason))
            continue
        head = repo.resolve_commit(update.local_oid)
        base = push_base(repo, remote, update, head)
        if (base, head) not in done:
            done[(base, head)] = compare(repo, base, head, config_file, against=_against(update, base))
        verdicts.append(RefVerdict(update, result=done[(base, head)]))
    return PushCheck(remote, tuple(verdicts))


def push_base(repo: GitRepo, remote: str, update: RefUpdate, head: CommitId) -> CommitId | None:
    """What the pushed commits are compared with.

    An update of a known remote commit: the merge-base with it (a force-push
    compares with the shared history). A new branch, or a remote commit we have
    not fetched: the newest merge-base with the remote's refs we know, the
    remote's default branch first; None when no history is shared.
    """
    if not update.is_new and has_commit(repo, update.remote_oid):
        return merge_base(repo, head, CommitId(update.remote_oid))
    known = remote_tracking_refs(repo, remote)
    default = remote_default_ref(repo, remote)
    ordered = sorted(known, key=lambda ref: (ref != default, ref))
    bases = [merge_base(repo, head, known[ref]) for ref in ordered]
    return newest_of(repo, [b for b in bases if b is not None])


def _skip_reason(repo: GitRepo, update: RefUpdate) -> str | None:
    if update.is_deletion:
        return "deletion"
    if update.local_ref.startswith(SKIPPED_PREFIXES) or update.remote_ref.startswith(SKIPPED_PREFIXES):
        return "notes, not code"
    if not has_commit(repo, update.local_oid):
        try:
            repo.resolve_commit(update.local_oid)  # an annotated tag peels to its commit
        except UserError:
            return "not a commit"
    return None


def _against(update: RefUpdate, base: CommitId | None) -> str:
    if base is None:
        return "nothing (no shared history with the remote)"
    return update.remote_ref if not update.is_new else f"merge-base with the remote ({base[:8]})"


def _is_zero(oid: str) -> bool:
    # The zero id has as many digits as the object format's ids (40 for SHA-1, 64 for SHA-256).
    return set(oid) == {"0"}


def _is_oid(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
