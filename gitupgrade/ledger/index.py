"""The SQLite index of the ledger: created atomically, WAL, short IMMEDIATE transactions.

The index is a cache over the notes. Every note line becomes one ``events`` row
keyed by the hash of the line, plus rows in the spec's tables; the current state
of each touched upgrade is folded again after each ingest. ``meta.notes_tip``
remembers which notes commit the index has caught up with.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitupgrade.errors import GitUpgradeError
from gitupgrade.ledger import events as ev
from gitupgrade.ledger.rows import FileResolver, insert_derived
from gitupgrade.ledger.schema import INDEX_VERSION, SCHEMA, TABLES
from gitupgrade.ledger.state import fold

BUSY_TIMEOUT_MS = 30_000
REBUILT_NOTE = "ledger index was unreadable; rebuilt from refs/notes/upgrades"
_log = logging.getLogger(__name__)

# Whether this clone wrote a line, given the line and its event (see provenance.py);
# None treats every event as foreign.
Verifier = Callable[[str, dict[str, Any]], bool]


@dataclass
class IngestResult:
    """What one ingest added: new events, and warnings for lines it skipped."""

    events: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """``2 bad id, 1 path outside the repository``: why lines were skipped, most common first."""
        return ", ".join(f"{count} {reason}" for reason, count in self.reasons.most_common())


class LedgerIndex:
    """One connection to the index file at ``path`` (created on first use)."""

    def __init__(self, path: Path, resolve: FileResolver | None = None, verify: Verifier | None = None) -> None:
        self.path = path
        self.resolve = resolve
        self.verify = verify
        try:
            self.conn = _connect(path)
        except sqlite3.DatabaseError:
            # Not a database any more (a torn copy, a stray file): it is only a cache, so
            # keep it aside for a post-mortem and start a new one that the notes will fill.
            path.replace(path.with_name(f"{path.name}.corrupt-{uuid.uuid4().hex[:8]}"))
            self.conn = _connect(path)
            _log.warning(REBUILT_NOTE)
        self._check_version()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so two writers queue instead of failing."""
        with _index_errors(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent state (WAL never blocks it)."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    def indexed_tip(self) -> str | None:
        """The notes commit the index has caught up with."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'notes_tip'").fetchone()
        return row[0] if row and row[0] else None

    def clear(self, conn: sqlite3.Connection) -> None:
        """Empty every table but the schema version (inside a write transaction)."""
        for table in TABLES:
            if table != "meta":
                conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM meta WHERE key = 'notes_tip'")

    def ingest(
        self,
        conn: sqlite3.Connection,
        notes: Iterable[tuple[str, list[str]]],
        old_tip: str | None,
        new_tip: str | None,
        fresh: bool = False,
    ) -> IngestResult:
        """Index the lines of ``notes`` (annotated commit, lines) inside a write transaction.

        Lines already indexed are skipped by hash. ``meta.notes_tip`` moves from
        ``old_tip`` to ``new_tip`` only if it still is ``old_tip``: a concurrent writer
        that indexed out of order leaves the tip behind, and the next read catches up.
        ``fresh`` (right after :meth:`clear`) skips looking up which lines are known.
        """
        result = IngestResult()
        touched: dict[str, dict[str, dict[str, Any]]] = {}
        for annotated, lines in notes:
            digests = {ev.line_hash(line): line for line in lines if line.strip()}
            known = set() if fresh else _known(conn, digests)
            for digest, line in digests.items():
                if digest in known:
                    continue
                try:
                    event = ev.parse_line(line)
                except ev.MalformedLineError as exc:
                    result.skipped += 1
                    result.reasons[exc.category] += 1
                    result.warnings.append(f"skipped a malformed ledger line in the note of {annotated[:10]}: {exc}")
                    conn.execute("INSERT OR IGNORE INTO skipped_lines VALUES (?,?,?)", (digest, annotated, str(exc)))
                    continue
                ours = bool(self.verify is not None and self.verify(line, event))
                conn.execute(
                    "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?)",
                    (digest, event["ts"], event["event"], event.get("upgrade_id"), annotated, line, int(ours)),
                )
                event["_ours"] = ours
                insert_derived(conn, digest, event, self.resolve)
                if event.get("upgrade_id"):
                    touched.setdefault(event["upgrade_id"], {})[digest] = event
                result.events += 1
        # After clear() the batch holds every event of each upgrade: no need to read them back.
        self._refold(conn, touched if fresh else self._all_events(conn, set(touched)))
        if new_tip is not None:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('notes_tip', NULL)")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'notes_tip' AND value IS ?", (new_tip, old_tip))
        return result

    def _all_events(self, conn: sqlite3.Connection, upgrade_ids: set[str]) -> dict[str, dict[str, dict[str, Any]]]:
        """Every indexed event of these upgrades, by upgrade and line hash."""
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM touched")
        conn.executemany("INSERT OR IGNORE INTO touched VALUES (?)", ((i,) for i in upgrade_ids))
        grouped: dict[str, dict[str, dict[str, Any]]] = {}
        query = "SELECT e.upgrade_id, e.hash, e.line, e.ours FROM events e JOIN touched t ON e.upgrade_id = t.id"
        for upgrade_id, digest, line, ours in conn.execute(query):
            grouped.setdefault(upgrade_id, {})[digest] = {**json.loads(line), "_ours": bool(ours)}
        return grouped

    def _refold(self, conn: sqlite3.Connection, grouped: dict[str, dict[str, dict[str, Any]]]) -> None:
        """Write the folded state of each upgrade, with its latest execution for the statistics."""
        rows = []
        for upgrade_id, by_digest in grouped.items():
            items = sorted(by_digest.items(), key=lambda item: (item[1]["ts"], item[0]))
            record = fold(upgrade_id, [event for _, event in items])
            if record is None:
                continue
            executions = [(d, event) for d, event in items if event["event"] == ev.UPGRADE_EXECUTED]
            last, last_event = executions[-1] if executions else (None, {})
            rows.append(
                (
                    upgrade_id,
                    record.status,
                    record.type,
                    record.created,
                    record.updated,
                    last,
                    last_event.get("status"),
                    last_event.get("ts"),
                    json.dumps(record.to_dict()),
                )
            )
        conn.executemany("INSERT OR REPLACE INTO upgrades VALUES (?,?,?,?,?,?,?,?,?)", rows)

    def _check_version(self) -> None:
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError:
            tables, row = set(), None
        if row and row[0] == str(INDEX_VERSION) and tables.issuperset(TABLES):
            return
        if not row or not tables.issuperset(TABLES):
            # Emptied, truncated or missing tables (not another version's index): say so once.
            _log.warning(REBUILT_NOTE)
        # Another version's index: a cache, so drop it and let the next read rebuild it.
        with self.write() as conn:
            for table in TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _statements(SCHEMA):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(INDEX_VERSION),))


def _connect(path: Path) -> sqlite3.Connection:
    with _index_errors(path):
        _create_atomically(path)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def _index_errors(path: Path) -> Iterator[None]:
    """Turn SQLite and OS failures (a lock held too long, a full disk) into our error type."""
    try:
        yield
    except (sqlite3.OperationalError, OSError) as exc:
        raise GitUpgradeError(
            f"the ledger index {path} failed: {exc}",
            hint="try again; if it persists, delete it and run git upgrade reindex",
        ) from exc


def _known(conn: sqlite3.Connection, digests: dict[str, str]) -> set[str]:
    if not digests:
        return set()
    known: set[str] = set()
    keys = list(digests)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for table in ("events", "skipped_lines"):
            known.update(r[0] for r in conn.execute(f"SELECT hash FROM {table} WHERE hash IN ({marks})", chunk))
    return known


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _create_atomically(path: Path) -> None:
    """Create the index file with its full schema, or not at all.

    The schema is written into a private file that is then hard-linked into place,
    so a concurrent opener sees either no file or a complete one.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        conn = sqlite3.connect(scratch)
        with conn:
            for statement in _statements(SCHEMA):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(INDEX_VERSION),))
        conn.close()
        with contextlib.suppress(FileExistsError):
            os.link(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
