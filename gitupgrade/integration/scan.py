"""The findings of one commit, from the analyzer, cached per commit and configuration.

A commit's findings never change for a given configuration and analyzer, so a
warm ``check`` or pre-push hook reads two small JSON files instead of analysing
two trees. The cache lives under ``<git dir>/upgrade/check/`` and is only a cache:
deleting it costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gitupgrade.code_version import code_version
from gitupgrade.config import Config
from gitupgrade.files import write_atomically
from gitupgrade.integration.findings import FINGERPRINT_VERSION, Finding, finding_from_suggestion
from gitupgrade.repo import CommitId, GitRepo

CACHE_DIR_NAME = "check"
CACHE_KEEP = 256  # newest cache files kept; one per (commit, config) checked


def findings_at(repo: GitRepo, config: Config, commit: CommitId) -> list[Finding]:
    """Every finding of the analyzer at ``commit`` (the whole tree), sorted by location."""
    cache_file = _cache_dir(repo) / f"{commit}-{_config_key(config)}.json"
    try:
        data = json.loads(cache_file.read_text("utf-8"))
        return [Finding.from_dict(item) for item in data]
    except (OSError, ValueError, TypeError):
        pass  # not cached yet, or unreadable: analyse again
    findings = _analyze(repo, config, commit)
    _write_cache(cache_file, json.dumps([f.to_dict() for f in findings]))
    _prune(cache_file.parent)
    return findings


def _analyze(repo: GitRepo, config: Config, commit: CommitId) -> list[Finding]:
    from gitupgrade.analysis import ArchitectAnalyzer  # heavy: only when not cached

    report = ArchitectAnalyzer(repo, config).analyze_codebase(target_path=None, rev=commit)
    # Every smell is a suggestion, report-only ones (layering violations) included.
    findings = [finding_from_suggestion(s) for s in report.suggestions]
    return sorted(findings, key=lambda f: (f.path or "", f.line, f.rule, f.fingerprint))


def _cache_dir(repo: GitRepo) -> Path:
    path = repo.state_dir / CACHE_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def _config_key(config: Config) -> str:
    # a new analyzer may find different things: the tool's code is part of the key
    payload = json.dumps([config.to_dict(), FINGERPRINT_VERSION, code_version()], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _write_cache(path: Path, text: str) -> None:
    try:
        write_atomically(path, text)
    except OSError:
        pass  # a read-only git dir only means no cache


def _prune(directory: Path) -> None:
    try:
        files = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in files[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
