"""Moving refs safely: every update is a compare-and-swap against the value read before."""

from __future__ import annotations

import pygit2

from gitupgrade.errors import RefMovedError
from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import ZERO_ID, CommitId, RefName


def read_ref(repo: GitRepo, ref: RefName) -> CommitId | None:
    """The object id a direct ref points at, or None when the ref does not exist."""
    with git_operation(f"read ref {ref}"):
        found = repo.raw.references.get(ref)
        if found is None:
            return None
        return CommitId(str(found.resolve().target))


def compare_and_swap(
    repo: GitRepo, ref: RefName, new: CommitId | None, expected: CommitId | None, message: str
) -> None:
    """Point ``ref`` at ``new`` (None deletes it) only if it still points at ``expected``.

    ``expected`` None means the ref must not exist yet. The ref is locked while the
    value is compared, so two writers cannot both win; the loser gets
    :class:`RefMovedError` and nothing changes.
    """
    with git_operation(f"update ref {ref}"):
        with repo.raw.transaction() as txn:
            txn.lock_ref(ref)
            current = read_ref(repo, ref)
            if (current or None) != (expected or None):
                raise RefMovedError(
                    f"{ref} moved: expected {_short(expected)}, found {_short(current)}",
                    hint="someone else updated it meanwhile; the work will be redone on the new value",
                )
            if new is None:
                txn.remove(ref)
            else:
                txn.set_target(ref, pygit2.Oid(hex=new), message=message)


def _short(commit: CommitId | None) -> str:
    return "nothing" if commit is None or commit == ZERO_ID else commit[:10]
