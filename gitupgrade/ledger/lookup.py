"""Quick read-only lookups in the ledger index, for shell completion.

A completion runs on every TAB: it reads the SQLite index as it is (no catch-up with
the notes, no write, no lock) and never fails; a missing or unreadable index means
no ids to offer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path


def upgrade_ids(db_path: Path, statuses: Collection[str] = (), prefix: str = "") -> list[str]:
    """Ids of the indexed upgrades in ``statuses`` (all when empty) starting with ``prefix``, newest first."""
    if not db_path.is_file():
        return []
    query = "SELECT id FROM upgrades WHERE id LIKE ? ESCAPE '\\'"
    args: list[str] = [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]
    if statuses:
        query += f" AND status IN ({', '.join('?' for _ in statuses)})"
        args += list(statuses)
    query += " ORDER BY created DESC, id DESC"
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            return [str(row[0]) for row in conn.execute(query, args)]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
