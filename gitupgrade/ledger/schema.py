"""The SQLite schema of the ledger index (a cache: the notes are the truth)."""

from __future__ import annotations

# Bump when a table changes; an index of another version is rebuilt from the notes.
INDEX_VERSION = 3

TABLES = (
    "meta",
    "events",
    "skipped_lines",
    "upgrades",
    "upgrade_scans",
    "upgrade_executions",
    "file_changes",
    "file_versions",
    "rollback_operations",
    "upgrade_learning",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
-- One row per note line, keyed by the hash of the line: reindexing is idempotent and the
-- duplicates a cat_sort_uniq merge may leave behind collapse.
CREATE TABLE IF NOT EXISTS events (
    hash TEXT PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL, upgrade_id TEXT,
    note_commit TEXT NOT NULL, line TEXT NOT NULL,
    ours INTEGER NOT NULL DEFAULT 0);  -- written by this clone (its MAC verified, see provenance.py)
CREATE INDEX IF NOT EXISTS events_by_upgrade ON events (upgrade_id, ts);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, ts);
-- Lines that could not be read, so each is warned about once.
CREATE TABLE IF NOT EXISTS skipped_lines (hash TEXT PRIMARY KEY, note_commit TEXT, reason TEXT);
-- The current state of each upgrade, folded from its events (see state.py), with the
-- hash, status and time of its latest execution so statistics need no join.
CREATE TABLE IF NOT EXISTS upgrades (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, type TEXT, created TEXT, updated TEXT,
    last_execution TEXT, execution_status TEXT, execution_ts TEXT, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS upgrades_by_status ON upgrades (status);
CREATE INDEX IF NOT EXISTS upgrades_by_updated ON upgrades (updated);
CREATE TABLE IF NOT EXISTS upgrade_scans (
    event_hash TEXT PRIMARY KEY, ts TEXT, commit_id TEXT, modules INTEGER, suggestions INTEGER,
    circular_imports INTEGER, violations INTEGER, seconds REAL, queued INTEGER, filtered INTEGER);
CREATE INDEX IF NOT EXISTS upgrade_scans_by_ts ON upgrade_scans (ts);
CREATE TABLE IF NOT EXISTS upgrade_executions (
    event_hash TEXT PRIMARY KEY, ts TEXT, upgrade_id TEXT, status TEXT, type TEXT,
    risk_level TEXT, branch TEXT, commit_id TEXT, base_commit TEXT, failure_type TEXT,
    detail TEXT, seconds REAL, strategy TEXT,
    baseline_passed INTEGER, baseline_failed INTEGER, after_passed INTEGER, after_failed INTEGER,
    smells_before REAL, smells_after REAL, complexity_before REAL, complexity_after REAL);
CREATE INDEX IF NOT EXISTS upgrade_executions_by_upgrade ON upgrade_executions (upgrade_id, ts);
CREATE TABLE IF NOT EXISTS file_changes (
    event_hash TEXT NOT NULL, upgrade_id TEXT, path TEXT NOT NULL, change TEXT,
    added INTEGER, removed INTEGER, PRIMARY KEY (event_hash, path));
CREATE TABLE IF NOT EXISTS file_versions (
    path TEXT NOT NULL, blob_id TEXT, commit_id TEXT NOT NULL, checksum TEXT,
    PRIMARY KEY (commit_id, path));
CREATE TABLE IF NOT EXISTS rollback_operations (
    event_hash TEXT PRIMARY KEY, ts TEXT, upgrade_id TEXT, revert_commit TEXT, status TEXT,
    seconds REAL, restored_files TEXT, conflicts TEXT);
CREATE TABLE IF NOT EXISTS upgrade_learning (
    event_hash TEXT PRIMARY KEY, ts TEXT, type TEXT, package TEXT, attempts INTEGER,
    successes INTEGER, estimate REAL, trust_before TEXT, trust_after TEXT, reason TEXT);
"""
