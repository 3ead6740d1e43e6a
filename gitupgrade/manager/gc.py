"""``git upgrade gc``: prune backup refs past ``backup_retention_days`` and stale staging state."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from gitupgrade.config import Config
from gitupgrade.manager.ids import upgrade_time
from gitupgrade.repo import GitRepo
from gitupgrade.repo.branches import BACKUP_PREFIX, delete_ref, list_refs

DAY = 86400.0


@dataclass(frozen=True)
class GcReport:
    """Backup refs removed and kept, baseline cache files removed."""

    removed: list[str] = field(default_factory=list)
    kept: int = 0
    baselines_removed: int = 0
    retention_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)


def collect(repo: GitRepo, config: Config, now: float | None = None, dry_run: bool = False) -> GcReport:
    """Delete backups whose upgrade and commit are both older than the retention period."""
    now = time.time() if now is None else now
    days = int(config["backup_retention_days"])
    cutoff = now - days * DAY
    removed: list[str] = []
    kept = 0
    for entry in list_refs(repo, BACKUP_PREFIX):
        upgrade_id = entry.name.removeprefix(BACKUP_PREFIX).split("/")[0]
        queued = upgrade_time(upgrade_id)
        newest = max(entry.commit_time, queued.timestamp() if queued else 0.0)
        if newest < cutoff:
            if not dry_run:
                delete_ref(repo, entry.name)
            removed.append(entry.name)
        else:
            kept += 1
    stale = 0
    for path in (repo.state_dir / "baselines").glob("*.json"):
        if path.stat().st_mtime < cutoff:
            stale += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return GcReport(removed, kept, stale, days)
