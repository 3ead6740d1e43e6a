"""Publishing upgrades for review: push ``upgrade/<id>`` branches and the ledger's notes ref."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitupgrade.errors import UserError
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo.notes import NOTES_REF
from gitupgrade.repo.refs import read_ref
from gitupgrade.repo.remote import PushedRef, local_refs, push, require_remote

BRANCH_PREFIX = "refs/heads/upgrade/"


@dataclass(frozen=True)
class PublishResult:
    """What a push of upgrades did to each ref on the remote."""

    remote: str
    refs: tuple[PushedRef, ...]

    @property
    def ok(self) -> bool:
        """Whether every ref reached the remote."""
        return all(r.ok for r in self.refs)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "remote": self.remote,
            "ok": self.ok,
            "refs": [
                {"local_ref": r.local_ref, "remote_ref": r.remote_ref, "outcome": r.outcome, "summary": r.summary}
                for r in self.refs
            ],
        }


def upgrade_branches(repo: GitRepo) -> dict[str, CommitId]:
    """Every local ``upgrade/<id>`` branch: upgrade id to commit."""
    return {name.removeprefix(BRANCH_PREFIX): commit for name, commit in local_refs(repo, BRANCH_PREFIX).items()}


def push_upgrades(repo: GitRepo, upgrade_ids: list[str] | None, remote: str, force: bool = False) -> PublishResult:
    """Push the branches of ``upgrade_ids`` (None: every upgrade branch) and the notes ref.

    With None and no upgrade branch left (all merged), the notes ref alone is pushed.

    ``force`` pushes with ``--force-with-lease``: an upgrade regenerated on a new
    base replaces its old branch unless someone pushed to it meanwhile.
    """
    require_remote(repo, remote)
    branches = upgrade_branches(repo)
    wanted = sorted(branches) if upgrade_ids is None else [_normalize(i) for i in upgrade_ids]
    has_notes = read_ref(repo, NOTES_REF) is not None
    if not wanted and not has_notes:
        raise UserError(
            "there are no upgrade branches to push",
            hint="run git upgrade run first, or name upgrades with git upgrade push ID",
        )
    missing = [i for i in wanted if i not in branches]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise UserError(
            f"no branch upgrade/{missing[0]}{more}", hint="see git upgrade status for the upgrades and their branches"
        )
    refspecs = [f"{BRANCH_PREFIX}{i}:{BRANCH_PREFIX}{i}" for i in wanted]
    if has_notes:
        refspecs.append(f"{NOTES_REF}:{NOTES_REF}")
    return PublishResult(remote, tuple(push(repo, remote, refspecs, force_with_lease=force)))


def _normalize(upgrade_id: str) -> str:
    # Accept what people paste: the id, the branch name or the full ref.
    return upgrade_id.removeprefix("refs/heads/").removeprefix("upgrade/")
