"""Read-only views: ``status`` (queue counts, last and next scan, lists) and ``diff`` of an upgrade."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from gitupgrade.config import Config
from gitupgrade.errors import UserError
from gitupgrade.outcomes import UpgradeStatus as S
from gitupgrade.repo import CommitId, GitRepo, read_file
from gitupgrade.repo.lock import current_owner

if TYPE_CHECKING:
    from unidiff.patch import PatchedFile

    from gitupgrade.ledger import UpgradeLedger, UpgradeRecord


DONE_STATUSES = (S.MERGED, S.FAILED, S.REFUSED, S.REJECTED, S.ROLLED_BACK)
RECENT = 10


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def next_scan(last_scan_ts: str | None, config: Config, now: datetime) -> str | None:
    """When ``tick`` scans next (ISO UTC), or None for a manual schedule."""
    from gitupgrade.learning.schedule import next_scan_time

    due = next_scan_time(config, last_scan_ts, now)
    return None if due is None else due.strftime("%Y-%m-%dT%H:%M:%SZ")


def upgrade_status(
    repo: GitRepo, ledger: UpgradeLedger, config: Config, target: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The spec's status: queue counts, last scan, next auto scan, pending, in progress, recent."""
    from gitupgrade.integration.merged import detect_merged_elsewhere

    now = now or datetime.now(UTC)
    records = ledger.upgrades()
    # A reviewer may have merged an upgrade branch outside the tool (a pull request):
    # shown as merged here; the next runner records it in the ledger.
    elsewhere = {m.upgrade_id: m for m in detect_merged_elsewhere(repo, ledger, target)}
    records = [replace(r, status="merged") if r.id in elsewhere else r for r in records]
    owner = current_owner(repo)
    running_id = owner.upgrade_id if owner else None
    pending = [r for r in records if r.status == "pending" or (r.status == "in_progress" and r.id != running_id)]
    in_progress = [r for r in records if r.id == running_id]
    done = [r for r in records if r.status in DONE_STATUSES]
    today = [r for r in done if _ts(r.updated).date() == now.date()]
    scan = ledger.last_scan()
    return {
        "queue": {"pending": len(pending), "in_progress": len(in_progress), "completed_today": len(today)},
        "last_scan": None
        if scan is None
        else {
            "ts": scan["ts"],
            "commit": scan.get("commit"),
            "suggestions": len(scan.get("suggestion_ids") or []),
            "queued": len(scan.get("queued") or []),
            "filtered": scan.get("filtered"),
        },
        # `git upgrade tick` scans on this schedule whether or not it also runs upgrades
        "next_auto_scan": next_scan(scan["ts"] if scan else None, config, now),
        "auto_upgrade": bool(config["auto_upgrade_enabled"]),
        "runner": None if owner is None else owner.describe(),
        "pending": [_brief(r) for r in sorted(pending, key=lambda r: (-(r.priority or 0), r.created))],
        "in_progress": [_brief(r) for r in in_progress],
        "awaiting_review": [_brief(r) for r in records if r.status in ("awaiting_review", "approved")],
        "merged_elsewhere": sorted(elsewhere),
        "recently_completed": [
            {**_brief(r), "status": r.status, "failure_type": r.failure_type, "updated": r.updated}
            for r in sorted(done, key=lambda r: r.updated, reverse=True)[:RECENT]
        ],
    }


def _brief(record: UpgradeRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record.title,
        "type": record.type,
        "priority": record.priority,
        "risk_level": record.risk_level,
    }


@dataclass(frozen=True)
class FileChangeView:
    """One file of an upgrade's diff: path, change kind, lines in the new file, +/- counts."""

    path: str
    change: str
    lines: int
    added: int
    removed: int


@dataclass(frozen=True)
class UpgradeDiff:
    """What an upgrade changes (``diff --json``), with the patch text for ``--patch``."""

    upgrade_id: str
    type: str | None
    status: str
    title: str | None
    affected_modules: list[str]
    commit: str | None
    base_commit: str | None
    files: list[FileChangeView] = field(default_factory=list)
    patch: str = ""
    static_checks: str | None = None  # the validation's per-tool summary, e.g. "mypy 0→0, ruff 3→3"
    failure_type: str | None = None  # why validation refused it, when it did
    detail: str = ""

    def to_dict(self, with_patch: bool = False) -> dict[str, Any]:
        """Plain JSON-ready data (the patch text only when asked for)."""
        data = asdict(self)
        if not with_patch:
            data.pop("patch")
        return data


def upgrade_diff(repo: GitRepo, record: UpgradeRecord) -> UpgradeDiff:
    """The diff of an upgrade's commit against its parent (its base when built)."""
    # only diff reads commits and patches: status does not load them
    from unidiff.patch import PatchSet

    from gitupgrade.repo.commits import commit_parents
    from gitupgrade.repo.diffs import patch_text

    suggestion = record.suggestion or {}
    if record.commit is None:
        raise UserError(
            f"{record.id} has no commit yet ({record.status.replace('_', ' ')})",
            hint="run it first: git upgrade run " + record.id,
        )
    commit = CommitId(record.commit)
    parents = commit_parents(repo, commit)
    if parents:
        base = parents[0]
    else:  # a root commit: compared with the base it was built on
        assert record.base_commit is not None, f"{record.id}'s commit has no parent and no base"
        base = CommitId(record.base_commit)
    text = patch_text(repo, base, commit)
    files = [_file_view(repo, commit, patched) for patched in PatchSet(text)]
    return UpgradeDiff(
        record.id,
        record.type,
        record.status,
        record.title,
        list(suggestion.get("affected_modules") or []),
        commit,
        base,
        files,
        text,
        (record.static_checks or {}).get("summary"),
        record.failure_type,
        record.detail or "" if record.failure_type else "",
    )


def _file_view(repo: GitRepo, commit: CommitId, patched: PatchedFile) -> FileChangeView:
    if patched.is_added_file:
        change, path = "CREATE", patched.target_file
    elif patched.is_removed_file:
        change, path = "DELETE", patched.source_file
    else:
        change, path = "MODIFY", patched.target_file
    path = path[2:] if path.startswith(("a/", "b/")) else path
    data = read_file(repo, commit, path) if change != "DELETE" else None
    lines = len(data.splitlines()) if data is not None else 0
    return FileChangeView(path, change, lines, patched.added, patched.removed)
