"""The project's static checks in validation: detected, run at the base and after, compared.

Real projects, real ruff and mypy (from the ``test`` extra), the real CLI; a tool that
is not installed is a program name nobody has.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gitupgrade.manager.static_checks import StaticChecks, new_findings
from gitupgrade.manager.static_detect import Check, detect
from gitupgrade.manager.static_parse import Finding, parse, tool_failed
from gitupgrade.repo.commits import parse_trailers
from tests.manager.conftest import manager_for
from tests.manager.strategies import edit

RUFF = '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["F"]\n'
QUICK = 'self_upgrading:\n  validation:\n    test_command: "true"\n    timeout_seconds: 60\n'
CALC = "def add(a, b):\n    return a + b\n"
HELPER = "import os\n\n\ndef helper():\n    return 1\n"  # the unused import is ruff's F401


def ruff_project(git_repo, config: str = QUICK, **files: str):
    git_repo.commit(
        {
            "pyproject.toml": RUFF,
            "config.yaml": config,
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": CALC,
            ".gitignore": "__pycache__/\n",
            **files,
        },
        "project",
    )
    return git_repo


def run(git_repo, run_cli, *suggestions, batch: bool = False) -> list[dict]:
    manager_for(git_repo).queue_suggestions(list(suggestions))
    result = run_cli("run", *(["--batch"] if batch else []), "--json", cwd=git_repo.path)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["upgrades"]


def test_an_upgrade_that_leaves_an_unused_import_fails_and_lists_the_finding(git_repo, run_cli) -> None:
    ruff_project(git_repo)
    base = git_repo.head()

    (outcome,) = run(git_repo, run_cli, edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}))

    assert (outcome["status"], outcome["failure_type"]) == ("failed", "static_check")
    assert outcome["detail"] == (
        "1 new finding(s) of the project's static checks (ruff 0→1): ruff src/pkg/calc.py F401 `os` imported but unused"
    )
    assert outcome["static_checks"] == {
        "summary": "ruff 0→1",
        "tools": [{"name": "ruff", "status": "ok", "base": 0, "after": 1, "new": 1, "detail": ""}],
        "new": ["ruff src/pkg/calc.py F401 `os` imported but unused"],
        "new_count": 1,
    }
    assert git_repo.head() == base
    record = manager_for(git_repo).ledger.upgrade(outcome["upgrade_id"])
    assert (record.failure_type, record.static_checks["summary"]) == ("static_check", "ruff 0→1")


def test_a_finding_the_base_has_elsewhere_does_not_excuse_a_new_one(git_repo, run_cli) -> None:
    ruff_project(git_repo, **{"src/pkg/helpers.py": HELPER})

    (outcome,) = run(git_repo, run_cli, edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}))

    assert (outcome["failure_type"], outcome["static_checks"]["summary"]) == ("static_check", "ruff 1→2")
    assert outcome["static_checks"]["new"] == ["ruff src/pkg/calc.py F401 `os` imported but unused"]


def test_a_finding_in_moved_code_is_the_same_finding_and_the_merge_carries_the_trailer(git_repo, run_cli) -> None:
    ruff_project(git_repo, **{"src/pkg/_helpers.py": HELPER})
    base = git_repo.head()
    # helper() and its unused import move from the private _helpers.py to calc.py (no public name changes)
    moved = edit(
        {"src/pkg/calc.py": HELPER + "\n\n" + CALC, "src/pkg/_helpers.py": "from pkg.calc import helper as helper\n"}
    )

    (outcome,) = run(git_repo, run_cli, moved)

    assert (outcome["status"], outcome["static_checks"]["summary"]) == ("merged", "ruff 1→1")
    assert git_repo.head() == outcome["commit"] and git_repo.git("rev-parse", "HEAD^").strip() == base
    trailers = parse_trailers(git_repo.git("log", "-1", "--format=%B"))
    assert (trailers["Upgrade-Id"], trailers["Static-Checks"]) == (outcome["upgrade_id"], "ruff 1→1")
    assert git_repo.git("show", "HEAD:src/pkg/_helpers.py") == "from pkg.calc import helper as helper\n"

    diff = run_cli("diff", outcome["upgrade_id"], cwd=git_repo.path)
    assert diff.stdout.splitlines()[2] == "static checks: ruff 1→1"
    assert json.loads(run_cli("diff", outcome["upgrade_id"], "--json", cwd=git_repo.path).stdout)["static_checks"] == (
        "ruff 1→1"
    )
    described = run_cli("describe", outcome["upgrade_id"], cwd=git_repo.path).stdout
    assert "Static checks (base → with this upgrade): ruff 1→1." in described.splitlines()


def test_mypy_from_a_pre_commit_hook_catches_a_type_error(git_repo, run_cli) -> None:
    hooks = (
        "repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.0.0\n"
        "    hooks:\n      - id: mypy\n        args: [--strict, --install-types]\n"
    )
    typed = "def add(a: int, b: int) -> int:\n    return a + b\n"
    git_repo.commit(
        {".pre-commit-config.yaml": hooks, "config.yaml": QUICK, "pkg/__init__.py": "", "pkg/calc.py": typed},
        "project",
    )

    (outcome,) = run(
        git_repo, run_cli, edit({"pkg/calc.py": typed + "\n\ndef half(a: int) -> int:\n    return a / 2\n"})
    )

    assert (outcome["failure_type"], outcome["static_checks"]["summary"]) == ("static_check", "mypy 0→1")
    assert outcome["static_checks"]["new"] == [
        'mypy pkg/calc.py return-value Incompatible return value type (got "float", expected "int")'
    ]


def test_a_configured_tool_that_is_not_installed_is_reported_as_skipped(git_repo, run_cli) -> None:
    config = QUICK + (
        "    static_checks:\n"
        "      - {name: ghost, command: gitupgrade-no-such-linter --check src, format: flake8}\n"
        "      - {name: crashing, command: 'echo internal error; exit 2', format: mypy}\n"
    )
    ruff_project(git_repo, config)

    (outcome,) = run(git_repo, run_cli, edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}))

    # ruff is not among the configured checks now: the unused import passes
    assert outcome["status"] == "merged"
    summary = "ghost skipped (not installed), crashing failed (at the base: exit 2: internal error)"
    assert outcome["static_checks"]["summary"] == summary
    assert parse_trailers(git_repo.git("log", "-1", "--format=%B"))["Static-Checks"] == summary


def test_a_detected_tool_missing_from_the_environment_is_skipped(git_repo, tmp_path) -> None:
    checks = StaticChecks(tmp_path, tmp_path, "auto", 60)
    ready, skipped = checks.resolve([Check("ghost", "flake8", "gitupgrade_no_such_tool", ("--check",))])
    assert (ready, [(s.name, s.status, s.detail) for s in skipped]) == ([], [("ghost", "skipped", "not installed")])


def test_static_checks_empty_runs_none(git_repo, run_cli) -> None:
    ruff_project(git_repo, QUICK + "    static_checks: []\n")

    (outcome,) = run(git_repo, run_cli, edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}))

    assert (outcome["status"], outcome["static_checks"]) == ("merged", None)
    assert "Static-Checks" not in parse_trailers(git_repo.git("log", "-1", "--format=%B"))


def test_the_base_findings_are_cached_per_tree_and_tool(git_repo, run_cli, tmp_path, monkeypatch) -> None:
    counter = tmp_path / "runs.txt"
    monkeypatch.setenv("STATIC_COUNTER", str(counter))
    command = 'echo run >> "$STATIC_COUNTER"; python -m ruff check --output-format=json --no-cache .'
    ruff_project(git_repo, QUICK + f"    static_checks:\n      - {{name: ruff, command: '{command}', format: ruff}}\n")
    tree = git_repo.git("rev-parse", "HEAD^{tree}").strip()

    first, second = run(
        git_repo,
        run_cli,
        edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}, priority=6),
        edit({"src/pkg/calc.py": "import sys\n\n\n" + CALC}, priority=5),
    )

    assert [u["failure_type"] for u in (first, second)] == ["static_check", "static_check"]
    # the base ran once, then each upgrade once: the second upgrade read the base from the cache
    assert counter.read_text().splitlines() == ["run", "run", "run"]
    (cached,) = (git_repo.path / ".git" / "upgrade" / "static-baselines").glob(f"{tree}-ruff-*.json")
    assert json.loads(cached.read_text())["findings"] == []


def test_a_batch_bisects_on_a_static_check_failure(git_repo, run_cli) -> None:
    ruff_project(git_repo, **{"src/pkg/other.py": "X = 1\n"})
    base = git_repo.head()

    bad, good = run(
        git_repo,
        run_cli,
        edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}, priority=8),
        edit({"src/pkg/other.py": "X = 2\n"}, priority=7),
        batch=True,
    )

    assert (bad["status"], bad["failure_type"]) == ("failed", "static_check")
    assert bad["static_checks"]["new"] == ["ruff src/pkg/calc.py F401 `os` imported but unused"]
    assert (good["status"], good["static_checks"]["summary"]) == ("merged", "ruff 0→0")
    assert git_repo.git("rev-parse", "HEAD^").strip() == base
    assert parse_trailers(git_repo.git("log", "-1", "--format=%B"))["Static-Checks"] == "ruff 0→0"


def test_detection_from_config_files_and_pre_commit_hooks(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n\n[isort]\nprofile = black\n")
    (tmp_path / "pyproject.toml").write_text("[tool.black]\n\n[tool.mypy]\nfiles = ['pkg']\n")
    (tmp_path / ".pylintrc").write_text("[MAIN]\n")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - {id: ruff, args: [--fix]}\n      - {id: ruff-format}\n"
    )
    checks = {c.name: c for c in detect(tmp_path)}
    assert list(checks) == ["mypy", "ruff", "ruff-format", "flake8", "black", "isort", "pylint"]
    assert checks["mypy"].args == ("--no-pretty", "--no-error-summary")  # its config names the files
    assert "--fix" not in checks["ruff"].args and "--no-fix" in checks["ruff"].args
    assert checks["pylint"].args[-1] == "pkg"


def test_moved_findings_match_only_between_changed_files() -> None:
    def ruff(path: str) -> Finding:
        return Finding("ruff", path, "F401", "`os` imported but unused")

    base = [ruff("a.py"), ruff("b.py")]
    after = [ruff("c.py"), ruff("b.py"), ruff("b.py")]
    # a.py's finding moved to c.py (both changed); b.py gained one, not moved from anywhere changed
    assert new_findings(base, after, {"a.py", "c.py"}) == [ruff("b.py")]
    assert new_findings(base, after, {"c.py"}) == [ruff("b.py"), ruff("c.py")]


def test_parsers_drop_positions(tmp_path: Path) -> None:
    mypy = f'{tmp_path}/pkg/a.py:12:5: error: Name "x" already defined on line 3  [no-redef]\npkg/a.py:1: note: x\n'
    assert parse("mypy", "mypy", mypy, tmp_path) == [
        Finding("mypy", "pkg/a.py", "no-redef", 'Name "x" already defined on line N')
    ]
    flake8 = "./pkg/a.py:3:1: E302 expected 2 blank lines, found 1\n"
    assert parse("flake8", "flake8", flake8, tmp_path) == [
        Finding("flake8", "pkg/a.py", "E302", "expected 2 blank lines, found 1")
    ]
    black = "would reformat pkg/a.py\nOh no! 1 file would be reformatted.\n"
    assert parse("black", "black", black, tmp_path) == [
        Finding("black", "pkg/a.py", "unformatted", "file would be reformatted")
    ]
    isort = f"ERROR: {tmp_path}/pkg/b.py Imports are incorrectly sorted and/or formatted.\n"
    assert parse("isort", "isort", isort, tmp_path) == [
        Finding("isort", "pkg/b.py", "unsorted-imports", "file would be reformatted")
    ]


def test_the_run_line_shows_the_static_checks(git_repo, run_cli) -> None:
    ruff_project(git_repo)
    (upgrade_id,) = manager_for(git_repo).queue_suggestions([edit({"src/pkg/calc.py": CALC + "\n\nX = 1\n"})]).queued

    result = run_cli("run", cwd=git_repo.path)

    (line,) = result.stdout.splitlines()
    assert re.fullmatch(
        rf"{upgrade_id} merged [0-9a-f]{{10}} tests 0→0 passed, static checks ruff 0→0 in \d+\.\ds", line
    ), line


def test_a_reviewed_upgrade_merges_its_validated_commit_with_the_trailer(git_repo, run_cli) -> None:
    ruff_project(git_repo)
    (upgrade_id,) = (
        manager_for(git_repo).queue_suggestions([edit({"src/pkg/calc.py": CALC + "\n\nX = 1\n"}, risk="medium")]).queued
    )
    run_cli("run", cwd=git_repo.path)
    branch_tip = git_repo.git("rev-parse", f"upgrade/{upgrade_id}").strip()
    assert parse_trailers(git_repo.git("log", "-1", "--format=%B", branch_tip))["Static-Checks"] == "ruff 0→0"

    approved = json.loads(run_cli("approve", upgrade_id, "--json", cwd=git_repo.path).stdout)

    assert (approved["status"], approved["fast_forward"], git_repo.head()) == ("merged", True, branch_tip)
    assert approved["static_checks"]["summary"] == "ruff 0→0"
    assert manager_for(git_repo).ledger.upgrade(upgrade_id).static_checks["summary"] == "ruff 0→0"


def test_a_merged_upgrade_is_the_next_base_without_running_the_checks_again(
    git_repo, run_cli, tmp_path, monkeypatch
) -> None:
    counter = tmp_path / "runs.txt"
    monkeypatch.setenv("STATIC_COUNTER", str(counter))
    command = 'echo run >> "$STATIC_COUNTER"; python -m ruff check --output-format=json --no-cache .'
    ruff_project(git_repo, QUICK + f"    static_checks:\n      - {{name: ruff, command: '{command}', format: ruff}}\n")

    first, second = run(
        git_repo,
        run_cli,
        edit({"src/pkg/calc.py": CALC + "\n\nX = 1\n"}, priority=6),
        edit({"src/pkg/calc.py": CALC + "\n\nX = 2\n"}, priority=5),
    )

    assert [u["status"] for u in (first, second)] == ["merged", "merged"]
    # the base, then each upgrade; the second upgrade's base is the first one's validated tree
    assert counter.read_text().splitlines() == ["run", "run", "run"]


def test_a_tool_that_crashes_after_the_upgrade_is_reported_not_counted(git_repo, run_cli) -> None:
    crash = "grep -q import src/pkg/calc.py && { echo internal error; exit 2; }; echo []"
    ruff_project(git_repo, QUICK + f"    static_checks:\n      - {{name: flaky, command: '{crash}', format: ruff}}\n")

    (outcome,) = run(git_repo, run_cli, edit({"src/pkg/calc.py": "import os\n\n\n" + CALC}))

    assert outcome["status"] == "merged"
    assert outcome["static_checks"]["summary"] == "flaky failed (exit 2: internal error)"


def test_mypy_gets_the_configured_files_that_exist(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.mypy]\nfiles = ["src", "examples"]\n')
    (mypy,) = detect(tmp_path)
    assert mypy.args == ("--no-pretty", "--no-error-summary", "src")  # examples/ is not in the checkout
    (tmp_path / "examples").mkdir()
    assert detect(tmp_path)[0].args == ("--no-pretty", "--no-error-summary")  # the config's files, as they are


def test_pyright_pylint_and_ruff_format_outputs_and_crashes(tmp_path: Path) -> None:
    pyright = json.dumps(
        {
            "version": "1.1.400",
            "generalDiagnostics": [
                {
                    "file": f"{tmp_path}/pkg/a.py",
                    "severity": "error",
                    "message": 'Cannot access attribute "x" for class "A"\n  Attribute "x" is unknown',
                    "rule": "reportAttributeAccessIssue",
                    "range": {"start": {"line": 3, "character": 4}},
                },
                {"file": f"{tmp_path}/pkg/a.py", "severity": "information", "message": "note"},
            ],
        }
    )
    assert parse("pyright", "pyright", "No configuration file found.\n" + pyright, tmp_path) == [
        Finding("pyright", "pkg/a.py", "reportAttributeAccessIssue", 'Cannot access attribute "x" for class "A"')
    ]
    pylint = "************* Module pkg.a\npkg/a.py:1:0: C0114 Missing module docstring\n"
    assert parse("pylint", "pylint", pylint, tmp_path) == [
        Finding("pylint", "pkg/a.py", "C0114", "Missing module docstring")
    ]
    concise = "pkg/a.py:2:1: unformatted: File would be reformatted\n1 file would be reformatted\n"
    full = "unformatted: File would be reformatted\n --> pkg/a.py:2:1\n  |\n"
    old = "Would reformat: pkg/a.py\n"
    expected = [Finding("ruff-format", "pkg/a.py", "unformatted", "file would be reformatted")]
    assert [parse("ruff-format", "ruff-format", out, tmp_path) for out in (concise, full, old)] == [expected] * 3
    assert (tool_failed("black", 123, [], ""), tool_failed("black", 1, expected, "")) == (True, False)
    assert (
        tool_failed("pylint", 16, [], ""),
        tool_failed("pylint", 32, [], ""),
        tool_failed("pylint", 16, expected, ""),
    ) == (
        True,
        True,
        False,
    )
    assert (tool_failed("mypy", 2, [], ""), tool_failed("mypy", 1, [], "")) == (True, True)
