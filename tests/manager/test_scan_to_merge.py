"""The whole pipeline with the real analyzer and circular-import strategy: scan → run → merged."""

from __future__ import annotations

import subprocess
import sys

from gitupgrade.repo.commits import parse_trailers
from tests.manager.conftest import CONFIG, manager_for

CYCLE = {
    "src/app/__init__.py": "",
    "src/app/a.py": "from app.b import helper\n\n\ndef run():\n    return helper() + 1\n\n\nVALUE = 41\n",
    "src/app/b.py": "from app import a\n\n\ndef helper():\n    return a.VALUE\n",
    "tests/test_app.py": "from app.a import run\n\n\ndef test_run():\n    assert run() == 42\n",
    "config.yaml": CONFIG,
    ".gitignore": "__pycache__/\n",
}


def test_scan_then_run_merges_the_cycle_fix(git_repo) -> None:
    git_repo.commit(CYCLE, "a project with an import cycle")
    git_repo.write({"src/app/b.py": CYCLE["src/app/b.py"] + "# local edit\n", "new.txt": "untracked\n"})
    index = (git_repo.path / ".git/index").read_bytes()
    manager = manager_for(git_repo)
    scan = manager.trigger_scan()
    assert (git_repo.path / ".git/index").read_bytes() == index  # a scan reads blobs, never the checkout
    cycles = [s for s in scan.report.suggestions if s.type == "circular_import"]
    assert cycles and len(scan.queued) >= 1
    assert manager.ledger.last_scan()["queued"] == list(scan.queued)

    git_repo.git("checkout", "--", "src/app/b.py")
    report = manager_for(git_repo).run()

    merged = [o for o in report.outcomes if o.status == "merged"]
    assert merged, [(o.status, o.failure_type, o.detail) for o in report.outcomes]
    trailers = parse_trailers(git_repo.git("log", "-1", "--format=%B", merged[-1].commit))
    assert trailers["Upgrade-Type"] == "circular_import" and trailers["Risk-Level"] == "low"
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=git_repo.path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(git_repo.path / "src"), "PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert suite.returncode == 0, suite.stdout
    assert manager_for(git_repo).trigger_scan().queued == ()  # fixed (or already handled): nothing new


def test_merged_upgrade_records_quality_and_teaches_the_learner(git_repo) -> None:
    git_repo.commit(CYCLE, "a project with an import cycle")
    manager = manager_for(git_repo)
    manager.trigger_scan()
    (outcome,) = [o for o in manager.run().outcomes if o.status == "merged"]
    record = manager.ledger.upgrade(outcome.upgrade_id)
    # the rescan of the upgrade commit: one smell (the cycle) fewer than at its base
    assert record.quality["smells_before"] - record.quality["smells_after"] == 1
    assert outcome.approval == "risk policy auto-approves low-risk upgrades"
    learned = manager.learn_from_outcomes().to_dict()
    (row,) = [t for t in learned["types"] if t["type"] == "circular_import"]
    assert (row["attempts"], row["successes"]) == (1, 1)


def test_clone_statement_runs_across_modules_are_report_only_without_a_model(git_repo) -> None:
    block = "".join(f"    total = total + values[{i}] * {i + 1}\n" for i in range(7))
    git_repo.commit(
        {
            "pkg/__init__.py": "",
            "pkg/one.py": f"def first(values):\n    total = 0\n{block}    return total\n",
            "pkg/two.py": f"def second(values, scale):\n    total = 0\n{block}    return total * scale\n",
        }
    )
    scan = manager_for(git_repo).trigger_scan()
    (clone,) = [s for s in scan.report.suggestions if s.type == "duplicate_pattern"]
    assert clone.evidence["kind"] == "block"
    assert (clone.id, "the copies are in different modules: report-only without an LLM provider") in scan.filtered
    assert scan.queued == ()


def test_clones_the_strategy_can_never_fix_are_not_queued(git_repo) -> None:
    body = "".join(f"        total = total + values[{i}] * {i + 1}\n" for i in range(7))
    method = f"    def weigh(self, values):\n        total = 0\n{body}        return total\n"
    git_repo.commit(
        {
            "pkg/__init__.py": "",
            "pkg/one.py": f"class One:\n{method}",
            "pkg/two.py": f"class Two:\n{method}",
        }
    )
    scan = manager_for(git_repo).trigger_scan()
    (clone,) = [s for s in scan.report.suggestions if s.type == "duplicate_pattern"]
    assert (clone.id, "only module-level functions are deduplicated (these are methods)") in scan.filtered
    assert scan.queued == ()


def test_exact_guard_clauses_in_one_module_merge_as_one_named_check(git_repo) -> None:
    guards = (
        "    if not name.isidentifier():\n"
        '        raise ValueError(f"not an identifier: {name!r}")\n'
        '    if name.startswith("_"):\n'
        '        raise ValueError(f"starts with an underscore: {name!r}")\n'
        "    if keyword.iskeyword(name):\n"
        '        raise ValueError(f"a keyword: {name!r}")\n'
    )
    names = (
        '"""Named records."""\n\nimport keyword\n\n\n'
        f"def make_tuple(name, fields):\n{guards}    return (name, tuple(fields))\n\n\n"
        f"def make_list(name, fields):\n{guards}    return [name, *fields]\n"
    )
    git_repo.commit(
        {
            "src/app/__init__.py": "",
            "src/app/names.py": names,
            "tests/test_names.py": "from app.names import make_list\n\n\n"
            "def test_list():\n    assert make_list('p', 'xy') == ['p', 'x', 'y']\n",
            "config.yaml": CONFIG,
            ".gitignore": "__pycache__/\n",
        },
        "records with copied checks",
    )
    manager = manager_for(git_repo)
    scan = manager.trigger_scan()
    (clone,) = [s for s in scan.report.suggestions if s.type == "duplicate_pattern"]
    assert clone.evidence["kind"] == "block" and len(scan.queued) == 1
    (outcome,) = manager.run().outcomes
    assert outcome.status == "merged", (outcome.failure_type, outcome.detail)
    message = git_repo.git("log", "-1", "--format=%B", outcome.commit)
    assert message.startswith("Extract _check_name from 2 copies in src/app/names.py\n")
    assert "make_tuple (line 7) and make_list (line 17) ran the same 3 statements" in " ".join(message.split())
    text = git_repo.git("show", f"{outcome.commit}:src/app/names.py")
    assert text.count("_check_name(name)\n") == 2
