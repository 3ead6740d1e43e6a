"""Finishing or undoing a merge into a checkout that a crash interrupted.

The journal written by ``gitupgrade.repo.checkout_writer`` says which ref was moving
from which commit to which, and every path with its old and new blob. If the ref
moved, the merge is finished (paths still at their old content get the new one);
if not, it is undone (paths at their new content get the old one back). A path
whose content is neither is the user's: it is left alone and named. The ref's
``.lock`` and, when the index was being written, the checkout's ``index.lock`` are
removed, as they are the dead writer's. Costs one stat when there is no journal.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from gitupgrade.repo.checkout_writer import (
    TEMP_MARK,
    MergeJournal,
    clear_journal,
    current_blob,
    journal_path,
    put_blob,
    removals_first,
    update_index,
)
from gitupgrade.repo.core import GitRepo, git_operation, open_checkout
from gitupgrade.repo.lock import current_owner, process_alive
from gitupgrade.repo.names import RefName
from gitupgrade.repo.refs import read_ref

LAST_RECOVERY = "last-recovery.txt"


@dataclass(frozen=True)
class Recovery:
    """What recovery did: finished, undone or left; the user's files it left alone."""

    label: str
    branch: str
    outcome: str
    kept: tuple[str, ...] = ()
    removed_locks: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the user."""
        text = f"recovered an interrupted merge of {self.label} into {self.branch}: {self.outcome}"
        if self.removed_locks:
            text += f"; removed the stale {', '.join(self.removed_locks)}"
        if self.kept:
            text += f"; left {', '.join(self.kept)} as they are (changed since, by someone else)"
        return text


def recover_interrupted_merge(repo: GitRepo, holding_lock: bool = False) -> Recovery | None:
    """Finish or undo a merge a dead process left half done; None when there is none.

    ``holding_lock``: the caller holds the runner lock. Without it, recovery waits for
    a live runner (it may be the one writing the journal right now).
    """
    path = journal_path(repo)
    if not path.exists():
        return None
    try:
        journal = MergeJournal.from_json(path.read_text())
    except (OSError, ValueError, TypeError, KeyError):
        clear_journal(repo)  # written by temp file and rename: unreadable means not ours
        return None
    if process_alive(journal.pid, journal.process_start):
        return None
    if not holding_lock and current_owner(repo) is not None:
        return None
    with git_operation("recover an interrupted merge"):
        recovery = _recover(repo, journal)
    clear_journal(repo)
    (repo.common_dir / "upgrade" / LAST_RECOVERY).write_text(recovery.describe() + "\n")
    return recovery


def _recover(repo: GitRepo, journal: MergeJournal) -> Recovery:
    removed = []
    ref_lock = repo.common_dir / f"{journal.ref}.lock"
    if ref_lock.exists():
        ref_lock.unlink()
        removed.append(f"{journal.ref}.lock")
    checkout = Path(journal.checkout)
    git_dir = Path(open_checkout(repo, checkout).path)
    index_lock = git_dir / "index.lock"
    if journal.phase == "index" and index_lock.exists():
        index_lock.unlink()
        removed.append("index.lock")
    _remove_temp_files(checkout, journal)
    current = read_ref(repo, RefName(journal.ref))
    branch = journal.ref.removeprefix("refs/heads/")
    if current not in (journal.old, journal.new):
        # someone moved the branch by hand since: the files are theirs to judge now
        return Recovery(journal.label, branch, "left as it was (the branch moved since)", (), tuple(removed))
    to_new = current == journal.new
    kept = []
    for change in removals_first(journal.changes, to_new):
        want, other = (change.new, change.old) if to_new else (change.old, change.new)
        now = current_blob(checkout, change.path)
        if now == want:
            continue
        if now != other:
            kept.append(change.path)
            continue
        mode = change.new_mode if to_new else change.old_mode
        put_blob(repo, checkout, change.path, want, mode)
    # every entry follows the branch's commit; a kept file then shows as the user's change
    update_index(repo, checkout, journal.changes, to_new=to_new)
    outcome = "finished" if to_new else "undone"
    return Recovery(journal.label, branch, outcome, tuple(kept), tuple(removed))


def _remove_temp_files(checkout: Path, journal: MergeJournal) -> None:
    for change in journal.changes:
        target = checkout / change.path
        pattern = f".{glob.escape(target.name)}.*{TEMP_MARK}"
        for stray in target.parent.glob(pattern) if target.parent.is_dir() else ():
            stray.unlink(missing_ok=True)


def take_last_recovery(repo: GitRepo) -> str | None:
    """The line describing the last recovery, once (``status`` shows it, then forgets it)."""
    path = repo.common_dir / "upgrade" / LAST_RECOVERY
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return text or None
