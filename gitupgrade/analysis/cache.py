"""The facts cache: one SQLite file under the git dir, keyed by blob id.

Facts depend only on a blob's bytes and on the settings that shape them (the
facts version and the clone window), so a rescan re-parses only changed blobs.
The cache is disposable: a damaged file is deleted and rebuilt, and any SQLite
error makes the scan run uncached rather than fail.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gitupgrade.analysis.extract import MAX_FILE_LINES
from gitupgrade.analysis.facts import FACTS_VERSION

CACHE_FILE = "analysis-cache.sqlite3"
_SCHEMA_VERSION = 1
_BATCH = 500  # below SQLite's bound-parameter limit


def cache_key(min_clone_lines: int) -> str:
    """The settings a facts row was computed with (clone fingerprints depend on Python's tuple hash)."""
    version = f"v{FACTS_VERSION}/py{sys.version_info[0]}.{sys.version_info[1]}"
    return f"{version}/clone{min_clone_lines}/lines{MAX_FILE_LINES}"


class FactsCache:
    """Facts rows by (blob id, settings key)."""

    def __init__(self, state_dir: Path, key: str) -> None:
        self.path = state_dir / CACHE_FILE
        self.key = key
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError:
            # Not a database any more (a crash mid-write, a stray file): rebuild from scratch.
            self.path.unlink(missing_ok=True)
            try:
                self._conn = self._open()
            except sqlite3.Error:
                self._conn = None

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        with conn:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS facts (blob_id TEXT NOT NULL, key TEXT NOT NULL, "
                "row TEXT NOT NULL, PRIMARY KEY (blob_id, key)) WITHOUT ROWID"
            )
            found = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if found is None:
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(_SCHEMA_VERSION),))
            elif found[0] != str(_SCHEMA_VERSION):
                conn.execute("DELETE FROM facts")
                conn.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(_SCHEMA_VERSION),))
        return conn

    def get_many(self, blob_ids: Iterable[str]) -> dict[str, list[Any]]:
        """Cached rows of those blobs that have one."""
        if self._conn is None:
            return {}
        wanted = sorted(set(blob_ids))
        found: dict[str, list[Any]] = {}
        try:
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                for blob_id, row in self._conn.execute(
                    f"SELECT blob_id, row FROM facts WHERE key = ? AND blob_id IN ({marks})",
                    (self.key, *chunk),
                ):
                    found[blob_id] = json.loads(row)
        except (sqlite3.Error, ValueError):
            return {}
        return found

    def put_many(self, rows: Iterable[tuple[str, list[Any]]]) -> None:
        """Store rows in one transaction; a busy or read-only cache is skipped silently."""
        if self._conn is None:
            return
        data = [(blob_id, self.key, json.dumps(row, separators=(",", ":"))) for blob_id, row in rows]
        if not data:
            return
        try:
            with self._conn:
                self._conn.execute("BEGIN")
                self._conn.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", data)
        except sqlite3.Error:
            return

    def prune(self, keep: Iterable[str], limit: int) -> None:
        """Past ``limit`` rows, drop every row but those of ``keep`` (the blobs just scanned).

        Old blob versions and rows of older settings pile up as the code changes; a
        row costs a few kilobytes, so the cache is trimmed back to the current commit
        once in a while rather than tracking use on every (read-only) warm scan.
        """
        if self._conn is None:
            return
        try:
            (count,) = self._conn.execute("SELECT COUNT(*) FROM facts").fetchone()
            if count <= limit:
                return
            with self._conn:
                self._conn.execute("BEGIN")
                self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (blob_id TEXT PRIMARY KEY)")
                self._conn.execute("DELETE FROM keep")
                self._conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((b,) for b in keep))
                self._conn.execute(
                    "DELETE FROM facts WHERE key != ? OR blob_id NOT IN (SELECT blob_id FROM keep)", (self.key,)
                )
        except sqlite3.Error:
            return

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]
