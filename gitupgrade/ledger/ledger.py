"""The UpgradeLedger: events written to git notes first, then indexed in SQLite.

Writes append JSON lines to the notes of ``refs/notes/upgrades`` (one notes commit
per call, by compare-and-swap) and then index them. Reads go through the index,
which first catches up with the notes tip by itself (after a fetch, a notes merge
or another process's write), so a read never waits for a runner's lock.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gitupgrade.config import Config
from gitupgrade.errors import GitUpgradeError
from gitupgrade.ledger import events as ev
from gitupgrade.ledger import stats
from gitupgrade.ledger.catchup import NotesIndexer, file_version
from gitupgrade.ledger.index import IngestResult, LedgerIndex
from gitupgrade.ledger.provenance import CloneIdentity
from gitupgrade.ledger.spec_log import SpecLedgerLog
from gitupgrade.ledger.state import UpgradeRecord
from gitupgrade.ledger.text import redact_data
from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo import notes as git_notes
from gitupgrade.spec_forms import as_repo, config_of

DEFAULT_DB_NAME = "ledger.db"


class UpgradeLedger(SpecLedgerLog):
    """The audit trail of scans, upgrades, rollbacks and learning, for one repository."""

    def __init__(self, repo: GitRepo | str | os.PathLike[str], config: Config | None = None) -> None:
        self.repo = as_repo(repo)  # the spec's form: a path, and the repository's config at HEAD
        self.config = config_of(self.repo, config)
        self.warnings: list[str] = []
        self._index: LedgerIndex | None = None
        self._identity: CloneIdentity | None = None

    # -- where things live -------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        """The index file: ``ledger_db_path`` (relative to the git dir) or ``<state dir>/ledger.db``."""
        configured = self.config.get("ledger_db_path")
        if not configured:
            return self.repo.state_dir / DEFAULT_DB_NAME
        path = Path(configured).expanduser()
        return path if path.is_absolute() else self.repo.common_dir / path

    @property
    def identity(self) -> CloneIdentity:
        """This clone's key: it signs what we write, so we know our events from a remote's."""
        if self._identity is None:
            self._identity = CloneIdentity.load(self.repo.state_dir)
        return self._identity

    @property
    def index(self) -> LedgerIndex:
        """The SQLite index, opened (and created) on first use."""
        if self._index is None:
            self._index = LedgerIndex(self.db_path, functools.partial(file_version, self.repo), self.identity.is_ours)
        return self._index

    @property
    def indexer(self) -> NotesIndexer:
        """What keeps the index in step with the notes."""
        return NotesIndexer(self.repo, self.index)

    def close(self) -> None:
        """Close the index connection."""
        if self._index is not None:
            self._index.close()
            self._index = None

    # -- writing -----------------------------------------------------------------------

    def append(self, event_kind: str, commit: str, /, **payload: Any) -> dict[str, Any]:
        """Record one event of any kind in the note of ``commit``; returns the event."""
        return self.append_many([(event_kind, commit, payload)])[0]

    def append_many(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Record several events in one notes commit (for batches and imports)."""
        written: list[dict[str, Any]] = []
        lines: dict[CommitId, list[str]] = {}
        for kind, commit, payload in items:
            if kind == ev.UPGRADE_EXECUTED:
                payload = self._with_file_versions(payload)
            # Credentials in URLs (a base_url with a password, an api_key parameter) never reach the notes.
            event = self.identity.sign(ev.make_event(kind, redact_data(payload)))
            written.append(event)
            lines.setdefault(self.resolve(commit), []).append(ev.serialize(event))
        if not written:
            return []
        first = written[0]
        message = (
            f"ledger: {first['event']} {first['upgrade_id'] or ''}".rstrip()
            if len(written) == 1
            else f"ledger: {len(written)} events"
        )
        old_tip, new_tip = git_notes.append_note_lines(self.repo, lines, message)
        with self.index.write() as conn:
            self.index.ingest(conn, lines.items(), old_tip, new_tip)
        return written

    # -- reading -----------------------------------------------------------------------

    def catch_up(self) -> IngestResult:
        """Index what the notes gained since the index last looked (a no-op when current)."""
        result = self.indexer.catch_up()
        self.warnings.extend(result.warnings)
        return result

    def reindex(self) -> dict[str, Any]:
        """Rebuild the whole index from the notes; returns counts and seconds."""
        started = time.perf_counter()
        tip = git_notes.notes_tip(self.repo)
        result = self.indexer.rebuild(tip)
        self.warnings.extend(result.warnings)
        notes = sum(1 for _ in git_notes.iter_notes(self.repo, tip))
        return {
            "notes_tip": tip,
            "notes": notes,
            "events": result.events,
            "skipped": result.skipped,
            "seconds": round(time.perf_counter() - started, 3),
        }

    def upgrade(self, upgrade_id: str) -> UpgradeRecord | None:
        """The current state of one upgrade, or None when the ledger does not know it."""
        self.catch_up()
        row = self.index.conn.execute("SELECT record FROM upgrades WHERE id = ?", (upgrade_id,)).fetchone()
        return UpgradeRecord.from_dict(json.loads(row[0])) if row else None

    def upgrades(self, status: str | None = None) -> list[UpgradeRecord]:
        """Every upgrade (or those in ``status``), oldest first."""
        self.catch_up()
        query = "SELECT record FROM upgrades" + (" WHERE status = ?" if status else "") + " ORDER BY created, id"
        rows = self.index.conn.execute(query, (status,) if status else ())
        return [UpgradeRecord.from_dict(json.loads(r[0])) for r in rows]

    def events(self, upgrade_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """The events of one upgrade and/or one kind (all when both are None), in time order."""
        self.catch_up()
        clauses, params = [], []
        if upgrade_id is not None:
            clauses.append("upgrade_id = ?")
            params.append(upgrade_id)
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.index.conn.execute(f"SELECT line FROM events{where} ORDER BY ts, hash", params)
        return [json.loads(r[0]) for r in rows]

    def last_scan(self) -> dict[str, Any] | None:
        """The latest scan event, or None before the first scan."""
        self.catch_up()
        row = self.index.conn.execute(
            "SELECT line FROM events WHERE kind = ? ORDER BY ts DESC, hash DESC LIMIT 1", (ev.SCAN,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get_upgrade_statistics(self, now: datetime | None = None) -> dict[str, Any]:
        """Totals, success rate, rollbacks, recent (30 days) count, per-type success, file changes."""
        self.catch_up()
        with self.index.snapshot() as conn:
            return stats.get_upgrade_statistics(conn, now or datetime.now(UTC))

    def analyze_failure_patterns(self) -> dict[str, Any]:
        """Failures grouped by failure type and upgrade type, with recommendations."""
        self.catch_up()
        with self.index.snapshot() as conn:
            return stats.analyze_failure_patterns(conn)

    def overview(self, now: datetime | None = None) -> dict[str, Any]:
        """Everything ``git upgrade ledger`` shows, from one consistent snapshot."""
        self.catch_up()
        with self.index.snapshot() as conn:
            scan = conn.execute(
                "SELECT line FROM events WHERE kind = ? ORDER BY ts DESC, hash DESC LIMIT 1", (ev.SCAN,)
            ).fetchone()
            # one query of the outcomes for the statistics and the failure patterns alike
            counts = stats.outcome_counts(conn)
            statistics = stats.get_upgrade_statistics(conn, now or datetime.now(UTC), counts)
            learning = self.config["learning"]
            # the switches of the spec's learning section: which patterns the overview reports
            if not learning["success_pattern_tracking"]:
                statistics["type_statistics"] = None
            failures = stats.analyze_failure_patterns(conn, counts) if learning["failure_pattern_analysis"] else None
            return {
                "statistics": statistics,
                "indicators": stats.indicators(conn),
                "failure_analysis": failures,
                "last_upgrades": stats.last_upgrades(conn),
                "last_scan": json.loads(scan[0]) if scan else None,
            }

    # -- sharing -----------------------------------------------------------------------

    def sync(self, remote: str | None = None, attempts: int = 3) -> dict[str, Any]:
        """Fetch ``remote``'s ledger, merge it with cat_sort_uniq, push the result, index it."""
        name = remote or self.config.get_path("integration.remote")
        before = git_notes.notes_tip(self.repo)
        fetched = pushed = False
        for _ in range(attempts):
            tracking = git_notes.fetch_notes(self.repo, name)
            if tracking is not None:
                fetched = True
                git_notes.merge_notes(self.repo, tracking)
            if git_notes.notes_tip(self.repo) is None:
                break  # nothing on either side
            pushed = git_notes.push_notes(self.repo, name)
            if pushed:
                break
        else:
            raise GitUpgradeError(f"{name} kept changing its ledger while syncing", hint="run git upgrade sync again")
        result = self.indexer.catch_up()
        if result.skipped:
            # One line for the lot: each skipped line is remembered and not reported again.
            self.warnings.append(f"skipped {result.skipped} invalid events from {name}: {result.summary()}")
        return {
            "remote": name,
            "fetched": fetched,
            "pushed": pushed,
            "tip_before": before,
            "tip_after": git_notes.notes_tip(self.repo),
            "events_indexed": result.events,
            "skipped": result.skipped,
            "skipped_reasons": dict(result.reasons.most_common()),
        }

    # -- helpers -----------------------------------------------------------------------

    def _with_file_versions(self, payload: dict[str, Any]) -> dict[str, Any]:
        # The execution records the blob and checksum of each file it wrote, so the note
        # stays complete after the upgrade branch is gone and reindexing reads no trees.
        commit, files = payload.get("commit"), payload.get("files")
        if not isinstance(commit, str) or not isinstance(files, list) or "file_versions" in payload:
            return payload
        versions = []
        for item in files:
            if isinstance(item, dict) and isinstance(item.get("path"), str) and item.get("change") != "DELETE":
                found = file_version(self.repo, commit, item["path"])
                if found is not None:
                    versions.append({"path": item["path"], "blob": found[0], "sha256": found[1]})
        return {**payload, "file_versions": versions}

    def resolve(self, commit: str) -> CommitId:
        """A full commit id for ``commit`` (a full id is taken as is, even if not fetched here)."""
        if len(commit) == 40 and all(c in "0123456789abcdef" for c in commit):
            return CommitId(commit)
        return self.repo.resolve_commit(commit)
