"""The last scan's report is read back for the same tree, settings, targets and code, and only then."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.analysis.report_cache import REPORT_FILE
from gitupgrade.code_version import source_digest
from gitupgrade.config import load_config
from gitupgrade.repo import GitRepo
from tests.analysis.helpers import SMALL_LIMITS, scan_json
from tests.analysis.test_scan_cycles import CYCLIC
from tests.analysis.test_scan_smells import COMPLEX, COPY_ONE, COPY_TWO, GOD_CLASS, GOD_MODULE
from tests.conftest import PROJECT_ROOT, run_cli_subprocess

FILES = {
    **CYCLIC,
    "config.yaml": SMALL_LIMITS,
    "big.py": GOD_CLASS,
    "many.py": GOD_MODULE,
    "tangled.py": COMPLEX,
    "a.py": COPY_ONE,
    "b.py": COPY_TWO,
}
PY_FILES = sum(1 for path in FILES if path.endswith(".py"))


def _without_timing(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["metadata"].pop("seconds")
    report["summary"].pop("seconds")
    return report


def test_reused_report_equals_the_assembled_one_value_for_value(git_repo) -> None:
    git_repo.commit(FILES)
    repo = GitRepo.discover(git_repo.path)
    config = load_config(repo, repo.resolve_commit())
    fresh = ArchitectAnalyzer(repo, config).analyze_codebase()
    stored = ArchitectAnalyzer(repo, config).analyze_codebase(reuse=True)
    seen: list[tuple[int, int]] = []
    reused = ArchitectAnalyzer(repo, config).analyze_codebase(reuse=True, progress=lambda *p: seen.append(p))
    assert {s.type for s in fresh.suggestions} >= {"god_class", "god_module", "circular_import", "duplicate_pattern"}
    # Suggestions compare as dataclasses: a tuple read back as a list would differ.
    assert reused.suggestions == stored.suggestions == fresh.suggestions
    assert reused.modules == fresh.modules
    assert reused.global_issues == fresh.global_issues
    assert list(reused.metadata) == list(fresh.metadata)
    timing = ("seconds", "files_parsed", "cache_hits")
    assert {k: v for k, v in reused.metadata.items() if k not in timing} == {
        k: v for k, v in fresh.metadata.items() if k not in timing
    }
    assert (reused.metadata["files_parsed"], reused.metadata["cache_hits"]) == (0, PY_FILES)
    assert seen == [(PY_FILES, PY_FILES)]


def test_warm_scan_reads_the_report_back_without_loading_the_parser_or_rules(git_repo) -> None:
    git_repo.commit(FILES)
    cold = run_cli_subprocess("scan", "--dry-run", "--json", cwd=git_repo.path)
    assert cold.returncode == 0, cold.stderr
    assert (git_repo.path / ".git" / "upgrade" / REPORT_FILE).is_file()
    probe = (
        "import sys\n"
        "from gitupgrade.cli.main import cli\n"
        "code = cli.main(['scan', '--dry-run', '--json'], standalone_mode=False)\n"
        "loaded = sorted(m for m in sys.modules if m in "
        "('gitupgrade.analysis.assemble', 'gitupgrade.analysis.extract', 'gitupgrade.analysis.cache'))\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    warm = subprocess.run(
        [sys.executable, "-c", probe], cwd=git_repo.path, capture_output=True, text=True, env=env, check=False
    )
    assert warm.stderr.splitlines()[-1] == "0 []"
    assert _without_timing(json.loads(warm.stdout)) == {
        **_without_timing(json.loads(cold.stdout)),
        "metadata": {**_without_timing(json.loads(cold.stdout))["metadata"], "files_parsed": 0, "cache_hits": PY_FILES},
    }


def test_same_tree_in_a_new_commit_is_read_back_and_names_the_new_commit(run_cli, git_repo) -> None:
    first = git_repo.commit(FILES)
    cold = scan_json(run_cli, git_repo.path, "--dry-run")
    second = git_repo.commit(message="empty")  # a new commit, the same tree
    warm = scan_json(run_cli, git_repo.path, "--dry-run", "--rev", "main")
    assert (cold["metadata"]["commit"], warm["metadata"]["commit"], warm["metadata"]["rev"]) == (first, second, "main")
    assert warm["upgrade_suggestions"] == cold["upgrade_suggestions"]
    assert (warm["metadata"]["files_parsed"], warm["metadata"]["cache_hits"]) == (0, PY_FILES)


@pytest.mark.parametrize("change", ["config", "targets", "tree"])
def test_any_change_of_what_the_report_depends_on_assembles_it_again(run_cli, git_repo, change) -> None:
    git_repo.commit(FILES)
    cold = scan_json(run_cli, git_repo.path, "--dry-run")
    args: tuple[str, ...] = ()
    if change == "config":  # a god class now needs more methods: the Big class is no longer one
        git_repo.commit({"config.yaml": SMALL_LIMITS.replace("god_class_max_methods: 3", "god_class_max_methods: 30")})
    elif change == "targets":
        args = ("big.py",)
    else:
        git_repo.commit({"big.py": "class Small:\n    pass\n"})
    again = scan_json(run_cli, git_repo.path, "--dry-run", *args)
    assert "god_class" in {s["type"] for s in cold["upgrade_suggestions"]}
    assert again["metadata"]["files_parsed"] == (1 if change == "tree" else 0)
    if change == "targets":
        assert list(again["modules"]) == ["big.py"]
    else:
        assert "god_class" not in {s["type"] for s in again["upgrade_suggestions"]}
    # the new report is the one kept: the next scan reads it back
    assert _without_timing(scan_json(run_cli, git_repo.path, "--dry-run", *args)) == {
        **_without_timing(again),
        "metadata": {**_without_timing(again)["metadata"], "files_parsed": 0, "cache_hits": PY_FILES},
    }


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a key\n{}", b'KEY\n{"modules": [', b"KEY\n[1, 2]", b'KEY\n{"modules": {}}', b"\xff\xfe\x00"],
)
def test_damaged_report_file_is_ignored_and_replaced(run_cli, git_repo, damage) -> None:
    git_repo.commit(FILES)
    cold = scan_json(run_cli, git_repo.path, "--dry-run")
    path = git_repo.path / ".git" / "upgrade" / REPORT_FILE
    key = path.read_bytes().split(b"\n", 1)[0]
    path.write_bytes(damage.replace(b"KEY", key))
    rebuilt = scan_json(run_cli, git_repo.path, "--dry-run")
    assert _without_timing(rebuilt) == _without_timing(
        {**cold, "metadata": {**cold["metadata"], "files_parsed": 0, "cache_hits": PY_FILES}}
    )
    assert path.read_bytes().split(b"\n", 1)[0] == key  # written again, whole
    assert json.loads(path.read_bytes().split(b"\n", 1)[1])["suggestions"]


def test_code_digest_follows_every_source_file_and_ignores_bytecode(tmp_path) -> None:
    package = tmp_path / "pkg"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "defaults.yaml").write_text("x: 1\n")
    first = source_digest(package)
    assert source_digest(package) == first
    (package / "sub" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (package / "notes.txt").write_text("not code")
    assert source_digest(package) == first
    seen = {first}
    (package / "a.py").write_text("A = 22\n")  # another size
    seen.add(source_digest(package))
    stat = (package / "a.py").stat()
    os.utime(package / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # same size, touched
    seen.add(source_digest(package))
    (package / "sub" / "defaults.yaml").write_text("x: 2\n")
    seen.add(source_digest(package))
    (package / "sub" / "new.py").write_text("")
    seen.add(source_digest(package))
    assert len(seen) == 5
