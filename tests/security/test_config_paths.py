"""Attack 1: config paths that would make the tool delete or replace the user's data.

A committed config.yaml (or --config) names the staging folder, the worktree name and
the ledger index. Each hostile value is refused with exit 2 before anything is touched;
afterwards the user's files are intact and every command still works.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import GitRepoBuilder
from tests.manager.conftest import CALC, manager_for, quick_project, test_strategy  # noqa: F401
from tests.manager.strategies import edit
from tests.security.conftest import snapshot

WORK = {"data/keep.txt": "precious\n", "data/sub/more.txt": "more\n"}


@pytest.fixture
def victim(quick_project: GitRepoBuilder, tmp_path: Path) -> GitRepoBuilder:  # noqa: F811 - the imported fixture
    """The project with one pending upgrade, an outside folder of files and uncommitted work."""
    outside = tmp_path / "outside"
    for rel, text in WORK.items():
        (outside / rel).parent.mkdir(parents=True, exist_ok=True)
        (outside / rel).write_text(text)
    (outside / "export.py").write_text("print('mine')\n")
    quick_project.write({"src/pkg/wip.py": "uncommitted = True\n"})
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": CALC + "# upgraded\n"})])
    return quick_project


def assert_untouched(repo: GitRepoBuilder, tmp_path: Path, before_repo: dict, before_outside: dict) -> None:
    assert snapshot(repo.path) == before_repo
    assert snapshot(tmp_path / "outside") == before_outside
    assert not list((tmp_path / "outside").rglob("*.corrupt-*"))


def still_works(repo: GitRepoBuilder, run_cli) -> None:
    """With the hostile config gone, every command works and the upgrade merges."""
    for args in (("status",), ("ledger",), ("reindex",)):
        done = run_cli(*args, cwd=repo.path)
        assert done.exit_code == 0, (args, done.stderr)
    done = run_cli("run", "--json", cwd=repo.path)
    assert done.exit_code == 0, done.stderr
    statuses = [o["status"] for o in json.loads(done.stdout)["upgrades"]]
    assert statuses and set(statuses) == {"merged"}
    fsck = repo.git("fsck", "--strict")
    assert "error" not in fsck


ALL = ("run", "status", "ledger", "scan")


@pytest.mark.parametrize(
    ("key", "value", "message", "commands"),
    [
        ("staging", "{path: OUTSIDE/data}", "is not a worktree git lists for this repository", ("run",)),
        ("staging", "{path: ../src}", "cannot hold the staging worktree: it is inside the work tree", ALL),
        ("staging", "{path: ..}", "cannot hold the staging worktree: it is or holds", ALL),
        ("staging", "{path: TMP}", "cannot hold the staging worktree: it is or holds", ALL),
        ("staging", "{path: objects}", "it is inside the git dir, outside the tool's state dir", ALL),
        ("staging", "{worktree_name: ../../data}", "staging.worktree_name must be a plain name", ALL),
        ("staging", "{worktree_name: .hidden}", "staging.worktree_name must be a plain name", ALL),
        ("staging", "{worktree_name: a.lock}", "staging.worktree_name must be a plain name", ALL),
        ("ledger_db_path", "../src/pkg/calc.py", "cannot hold the ledger index: it is inside the work tree", ALL),
        ("ledger_db_path", "OUTSIDE/export.py", "is an existing file that is not an SQLite database", ALL),
        ("ledger_db_path", "OUTSIDE/data", "cannot hold the ledger index: it is a folder", ALL),
    ],
)
def test_a_hostile_path_in_a_config_is_refused(
    victim: GitRepoBuilder, tmp_path: Path, run_cli, key: str, value: str, message: str, commands: tuple[str, ...]
) -> None:
    value = value.replace("OUTSIDE", str(tmp_path / "outside")).replace("TMP", str(tmp_path))
    config = tmp_path / "hostile.yaml"
    config.write_text(f"self_upgrading:\n  {key}: {value}\n")
    before_repo, before_outside = snapshot(victim.path), snapshot(tmp_path / "outside")

    for command in commands:
        done = run_cli("--config", str(config), command, cwd=victim.path)
        assert done.exit_code == 2, (command, done.stdout, done.stderr)
        first, hint = done.stderr.splitlines()
        assert first.startswith("error: ") and message in first
        assert hint.startswith("hint: ")

    assert_untouched(victim, tmp_path, before_repo, before_outside)
    still_works(victim, run_cli)


def test_a_committed_config_cannot_point_the_staging_worktree_at_the_users_files(
    victim: GitRepoBuilder, tmp_path: Path, run_cli
) -> None:
    # A first run creates the default core_v2; then a pull request moves staging.path onto
    # a folder of the user's (the report: "the core_v2 worktree was broken; recreated it").
    assert run_cli("run", cwd=victim.path).exit_code == 0
    outside = tmp_path / "outside"
    hostile = victim.git("show", "HEAD:config.yaml") + f"  staging:\n    path: {outside / 'data'}\n"
    manager_for(victim).queue_suggestions([edit({"src/pkg/calc.py": CALC + "# second\n"})])
    victim.commit({"config.yaml": hostile}, "move staging")
    before_repo, before_outside = snapshot(victim.path), snapshot(outside)

    done = run_cli("run", cwd=victim.path)

    assert done.exit_code == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {outside / 'data'} is not a worktree git lists for this repository; refusing to replace it with core_v2",
        "hint: set staging.path to an empty or new folder (or leave it unset), or move that folder away",
    ]
    assert_untouched(victim, tmp_path, before_repo, before_outside)
    victim.commit({"config.yaml": victim.git("show", "HEAD~1:config.yaml")}, "undo")
    still_works(victim, run_cli)


def test_ledger_db_path_on_a_users_file_never_renames_it(victim: GitRepoBuilder, tmp_path: Path, run_cli) -> None:
    victim.commit({"src/pkg/export.py": "def export():\n    return 1\n"}, "export")
    hostile = victim.git("show", "HEAD:config.yaml") + "  ledger_db_path: ../src/pkg/export.py\n"
    victim.commit({"config.yaml": hostile}, "hostile ledger path")
    before = snapshot(victim.path)

    for command in ("status", "ledger", "reindex", "run", "scan"):
        done = run_cli(command, cwd=victim.path)
        assert done.exit_code == 2, (command, done.stderr)
        assert "ledger_db_path" in done.stderr.splitlines()[0]

    assert snapshot(victim.path) == before
    assert not list(victim.path.rglob("*.corrupt-*"))


def test_an_empty_outside_folder_and_a_fresh_ledger_file_are_fine(
    victim: GitRepoBuilder, tmp_path: Path, run_cli
) -> None:
    stage = tmp_path / "stage"
    stage.mkdir()
    config = tmp_path / "ok.yaml"
    config.write_text(f"self_upgrading:\n  staging: {{path: {stage}}}\n  ledger_db_path: {tmp_path / 'index.db'}\n")

    done = run_cli("--config", str(config), "run", "--json", cwd=victim.path)

    assert done.exit_code == 0, done.stderr
    assert [o["status"] for o in json.loads(done.stdout)["upgrades"]] == ["merged"]
    assert (stage / ".git").is_file() and (tmp_path / "index.db").read_bytes().startswith(b"SQLite format 3\x00")
    # the folder is now git's worktree of this repository: a broken one is recreated there
    (stage / ".git").unlink()
    manager_for(victim).queue_suggestions([edit({"src/pkg/calc.py": CALC + "# again\n"})])
    again = run_cli("--config", str(config), "run", "--json", cwd=victim.path)
    assert again.exit_code == 0, again.stderr
    report = json.loads(again.stdout)
    assert f"the core_v2 worktree was broken; recreated it at {stage}" in report["messages"]
