"""Upgrades a reviewer merged somewhere else (a pull request, a manual ``git merge``).

An upgrade awaiting review whose commit became reachable from its target branch,
locally or on a remote-tracking copy of it, was merged even though our ledger
does not say so. Rebase and squash merges rewrite the commit, so a commit of
the target's new history carrying the upgrade's ``Upgrade-Id:`` trailer counts too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.history import first_parents, has_commit, is_ancestor, walk
from gitupgrade.repo.remote import local_refs

if TYPE_CHECKING:
    from gitupgrade.ledger import UpgradeRecord


# Statuses of an upgrade whose branch is still out for review.
REVIEW_STATUSES = ("awaiting_review", "approved")
WALK_LIMIT = 2000  # commits of the target's history looked at per upgrade


class UpgradeSource(Protocol):
    """What we read from the ledger: its upgrades (UpgradeLedger fits)."""

    def upgrades(self, status: str | None = None) -> list[Any]: ...


class MergeRecorder(UpgradeSource, Protocol):
    """A ledger that can also record merges (UpgradeLedger fits)."""

    def log_merge(
        self, upgrade_id: str, merge_commit: str, target_branch: str, fast_forward: bool, commit: str | None = None
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class MergedElsewhere:
    """An upgrade found merged into ``target_ref`` by ``merge_commit`` (how: reachable or trailer)."""

    upgrade_id: str
    target_ref: str
    merge_commit: CommitId
    fast_forward: bool
    how: str


def find_merged_elsewhere(repo: GitRepo, ledger: UpgradeSource, default_target: str | None = None) -> list[str]:
    """The ids of upgrades merged outside git upgrade and not yet recorded as merged."""
    return [found.upgrade_id for found in detect_merged_elsewhere(repo, ledger, default_target)]


def record_merged_elsewhere(
    repo: GitRepo, ledger: MergeRecorder, default_target: str | None = None
) -> list[MergedElsewhere]:
    """Find upgrades merged elsewhere and log an ``upgrade_merged`` event for each (a ledger write)."""
    found = detect_merged_elsewhere(repo, ledger, default_target)
    for item in found:
        ledger.log_merge(item.upgrade_id, item.merge_commit, _branch_name(item.target_ref), item.fast_forward)
    return found


def detect_merged_elsewhere(
    repo: GitRepo, ledger: UpgradeSource, default_target: str | None = None
) -> list[MergedElsewhere]:
    """Like :func:`find_merged_elsewhere`, with where and by which commit each was merged.

    ``default_target`` is the branch for upgrades whose record names none
    (``integration.target_branch`` or the current branch).
    """
    found = []
    for record in ledger.upgrades():
        if record.status not in REVIEW_STATUSES:
            continue
        target = record.target_branch or default_target
        if not target:
            continue
        for ref, tip in _target_tips(repo, target).items():
            hit = _merged_into(repo, record, tip)
            if hit is not None:
                found.append(MergedElsewhere(record.id, ref, *hit))
                break
    return found


def _target_tips(repo: GitRepo, branch: str) -> dict[str, CommitId]:
    # The local branch first, then its copies on each remote (a merged pull request
    # shows up there after a fetch, before the local branch is pulled).
    tips: dict[str, CommitId] = {}
    local = local_refs(repo, f"refs/heads/{branch}")
    tips.update({ref: commit for ref, commit in local.items() if ref == f"refs/heads/{branch}"})
    for ref, commit in local_refs(repo, "refs/remotes/").items():
        parts = ref.split("/", 3)  # refs, remotes, <remote>, <branch>
        if len(parts) == 4 and parts[3] == branch:
            tips[ref] = commit
    return tips


def _branch_name(ref: str) -> str:
    # refs/heads/main -> main; refs/remotes/origin/main -> main (the branch the upgrade targets).
    if ref.startswith("refs/heads/"):
        return ref.removeprefix("refs/heads/")
    return ref.split("/", 3)[3]


def _merged_into(repo: GitRepo, record: UpgradeRecord, tip: CommitId) -> tuple[CommitId, bool, str] | None:
    commit = record.commit
    if commit and has_commit(repo, commit) and is_ancestor(repo, CommitId(commit), tip):
        merge = _merge_commit(repo, CommitId(commit), tip)
        return merge, merge == commit, "reachable"
    hide = [CommitId(record.base_commit)] if record.base_commit and has_commit(repo, record.base_commit) else []
    trailer = re.compile(rf"^Upgrade-Id:\s*{re.escape(record.id)}\s*$", re.MULTILINE)
    for count, info in enumerate(walk(repo, tip, hide)):
        if count >= WALK_LIMIT:
            break
        # A rollback carries the upgrade's id too, with a rollback type.
        if trailer.search(info.message) and not re.search(r"^Upgrade-Type:\s*rollback:", info.message, re.MULTILINE):
            return info.id, False, "trailer"
    return None


def _merge_commit(repo: GitRepo, commit: CommitId, tip: CommitId) -> CommitId:
    """The commit of the target's first-parent line that brought ``commit`` in."""
    merge = tip
    for candidate in first_parents(repo, tip, WALK_LIMIT):
        if not is_ancestor(repo, commit, candidate):
            break
        merge = candidate
    return merge
