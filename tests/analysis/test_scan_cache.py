"""The facts cache, stable suggestion ids, the process pool and in-memory scans."""

from __future__ import annotations

import subprocess
import sys

from gitupgrade.analysis import ArchitectAnalyzer, analyzer
from gitupgrade.analysis.cache import CACHE_FILE
from gitupgrade.analysis.report_cache import REPORT_FILE
from gitupgrade.config import load_config
from gitupgrade.repo import GitRepo
from tests.analysis.helpers import SMALL_LIMITS, scan_json
from tests.analysis.test_scan_cycles import CYCLIC
from tests.analysis.test_scan_smells import COPY_ONE, COPY_TWO, GOD_CLASS

FILES = {**CYCLIC, "config.yaml": SMALL_LIMITS, "big.py": GOD_CLASS, "a.py": COPY_ONE, "b.py": COPY_TWO}
PY_FILES = sum(1 for path in FILES if path.endswith(".py"))


def test_rescan_parses_only_changed_blobs_and_keeps_ids(run_cli, git_repo) -> None:
    git_repo.commit(FILES)
    cold = scan_json(run_cli, git_repo.path)
    assert (cold["metadata"]["files_parsed"], cold["metadata"]["cache_hits"]) == (PY_FILES, 0)
    assert (git_repo.path / ".git" / "upgrade" / CACHE_FILE).is_file()
    warm = scan_json(run_cli, git_repo.path)
    assert (warm["metadata"]["files_parsed"], warm["metadata"]["cache_hits"]) == (0, PY_FILES)
    assert warm["upgrade_suggestions"] == cold["upgrade_suggestions"]
    assert warm["modules"] == cold["modules"]

    git_repo.commit({"big.py": GOD_CLASS + "\n\nX = 1\n"})
    changed = scan_json(run_cli, git_repo.path)
    assert (changed["metadata"]["files_parsed"], changed["metadata"]["cache_hits"]) == (1, PY_FILES - 1)
    ids = {s["type"]: s["id"] for s in cold["upgrade_suggestions"]}
    new_ids = {s["type"]: s["id"] for s in changed["upgrade_suggestions"]}
    # the god class's file changed, so its id changed; the others cover unchanged code
    assert new_ids["god_class"] != ids["god_class"]
    assert new_ids["circular_import"] == ids["circular_import"]
    assert new_ids["duplicate_pattern"] == ids["duplicate_pattern"]


def test_damaged_cache_is_rebuilt(run_cli, git_repo) -> None:
    git_repo.commit(FILES)
    scan_json(run_cli, git_repo.path)
    cache = git_repo.path / ".git" / "upgrade" / CACHE_FILE
    for extra in (cache.with_name(CACHE_FILE + "-wal"), cache.with_name(CACHE_FILE + "-shm")):
        extra.unlink(missing_ok=True)
    cache.write_bytes(b"this is not a database" * 100)
    # the last report would answer for the same tree without reading the facts cache
    (cache.parent / REPORT_FILE).unlink()
    report = scan_json(run_cli, git_repo.path)
    assert report["metadata"]["files_parsed"] == PY_FILES
    assert scan_json(run_cli, git_repo.path)["metadata"]["cache_hits"] == PY_FILES


def test_process_pool_gives_the_same_report(git_repo, monkeypatch) -> None:
    git_repo.commit(FILES)
    repo = GitRepo.discover(git_repo.path)
    config = load_config(repo, repo.resolve_commit())
    serial = ArchitectAnalyzer(repo, config).analyze_codebase()
    (repo.state_dir / CACHE_FILE).unlink()
    monkeypatch.setattr(analyzer, "POOL_MIN_FILES", 2)
    seen: list[tuple[int, int]] = []
    pooled = ArchitectAnalyzer(repo, config).analyze_codebase(progress=lambda done, total: seen.append((done, total)))
    assert pooled.metadata["files_parsed"] == PY_FILES
    assert [s.to_dict() for s in pooled.suggestions] == [s.to_dict() for s in serial.suggestions]
    assert pooled.modules == serial.modules
    assert seen[0] == (0, PY_FILES) and seen[-1] == (PY_FILES, PY_FILES)


def test_analyze_sources_matches_the_commit_scan(git_repo) -> None:
    git_repo.commit(FILES)
    repo = GitRepo.discover(git_repo.path)
    config = load_config(repo, repo.resolve_commit())
    from_git = ArchitectAnalyzer(repo, config).analyze_codebase()
    in_memory = ArchitectAnalyzer(repo, config).analyze_sources({path: text.encode() for path, text in FILES.items()})
    assert [s.to_dict() for s in in_memory.suggestions] == [s.to_dict() for s in from_git.suggestions]
    assert in_memory.smell_count() == from_git.smell_count() == len(from_git.suggestions)
    assert in_memory.complexity_total() == from_git.complexity_total() > 0
    # fixing the god class lowers the smell count
    fixed = dict(FILES, **{"big.py": "class Small:\n    pass\n"})
    after = ArchitectAnalyzer(repo, config).analyze_sources({p: t.encode() for p, t in fixed.items()})
    assert after.smell_count() == from_git.smell_count() - 1


def test_importing_the_analysis_does_not_load_libcst_or_astroid() -> None:
    code = (
        "import sys, gitupgrade.analysis, gitupgrade.cli.scan; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'astroid')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_cache_is_trimmed_to_the_current_commit_past_its_limit(git_repo, monkeypatch) -> None:
    import sqlite3

    git_repo.commit(FILES)
    repo = GitRepo.discover(git_repo.path)
    monkeypatch.setattr(analyzer, "CACHE_MIN_ROWS", PY_FILES)
    monkeypatch.setattr(analyzer, "CACHE_ROWS_PER_FILE", 1)
    ArchitectAnalyzer(repo, load_config(repo, repo.resolve_commit())).analyze_codebase()
    git_repo.commit({"a.py": COPY_ONE + "\nX = 1\n"})
    report = ArchitectAnalyzer(repo, load_config(repo, repo.resolve_commit())).analyze_codebase()
    assert report.metadata["files_parsed"] == 1
    with sqlite3.connect(repo.state_dir / CACHE_FILE) as conn:
        (rows,) = conn.execute("SELECT COUNT(*) FROM facts").fetchone()
    assert rows == PY_FILES  # the old a.py row is gone, the current ones stay
