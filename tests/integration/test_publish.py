"""``git upgrade push``: upgrade branches and the ledger's notes reach a real bare remote."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepoBuilder

UPGRADE_A = "upgrade_20260101_120000_aaaaaa"
UPGRADE_B = "upgrade_20260101_120001_bbbbbb"


def _repo_with_upgrades(git_repo: GitRepoBuilder, remote: Path) -> dict[str, str]:
    base = git_repo.commit({"pkg/a.py": "x = 1\n"}, "base")
    git_repo.git("remote", "add", "origin", str(remote))
    git_repo.git("push", "-q", "origin", "main")
    heads = {}
    for upgrade_id, content in ((UPGRADE_A, "x = 2\n"), (UPGRADE_B, "x = 3\n")):
        git_repo.git("checkout", "-q", "-b", f"upgrade/{upgrade_id}", base)
        heads[upgrade_id] = git_repo.commit({"pkg/a.py": content}, f"upgrade {upgrade_id}")
    git_repo.git("checkout", "-q", "main")
    git_repo.git("notes", "--ref=upgrades", "add", "-m", '{"ts": "2026-01-01T12:00:00Z", "event": "scan"}', base)
    heads["notes"] = git_repo.head("refs/notes/upgrades")
    return heads


def _ls_remote(git_repo: GitRepoBuilder) -> dict[str, str]:
    lines = git_repo.git("ls-remote", "origin").splitlines()
    return {name: oid for oid, name in (line.split("\t") for line in lines)}


def test_push_all_then_ls_remote_shows_branches_and_notes(run_cli, git_repo: GitRepoBuilder, bare_remote: Path) -> None:
    heads = _repo_with_upgrades(git_repo, bare_remote)
    result = run_cli("push", "--all", cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "pushed to origin:",
        f"  new         refs/heads/upgrade/{UPGRADE_A}  [new branch]",
        f"  new         refs/heads/upgrade/{UPGRADE_B}  [new branch]",
        "  new         refs/notes/upgrades  [new reference]",
    ]
    remote_refs = _ls_remote(git_repo)
    assert remote_refs[f"refs/heads/upgrade/{UPGRADE_A}"] == heads[UPGRADE_A]
    assert remote_refs[f"refs/heads/upgrade/{UPGRADE_B}"] == heads[UPGRADE_B]
    assert remote_refs["refs/notes/upgrades"] == heads["notes"]


def test_push_one_upgrade_by_id_or_branch_name(run_cli, git_repo: GitRepoBuilder, bare_remote: Path) -> None:
    heads = _repo_with_upgrades(git_repo, bare_remote)
    result = run_cli("push", f"upgrade/{UPGRADE_B}", "--json", cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert [(r["remote_ref"], r["outcome"]) for r in data["refs"]] == [
        (f"refs/heads/upgrade/{UPGRADE_B}", "new"),
        ("refs/notes/upgrades", "new"),
    ]
    remote_refs = _ls_remote(git_repo)
    assert f"refs/heads/upgrade/{UPGRADE_A}" not in remote_refs
    assert remote_refs[f"refs/heads/upgrade/{UPGRADE_B}"] == heads[UPGRADE_B]


def test_rejected_notes_fail_with_a_sync_hint(run_cli, git_repo: GitRepoBuilder, make_repo, bare_remote: Path) -> None:
    _repo_with_upgrades(git_repo, bare_remote)
    assert run_cli("push", "--all", cwd=git_repo.path).exit_code == 0
    # Someone else adds to the remote's ledger meanwhile; ours moves too: a non-fast-forward.
    other = make_repo("other")
    other.git(
        "fetch", "-q", str(bare_remote), "refs/notes/upgrades:refs/notes/upgrades", "main:refs/remotes/shared/main"
    )
    other.git(
        "notes",
        "--ref=upgrades",
        "append",
        "-m",
        '{"ts": "2026-01-02T00:00:00Z", "event": "x"}',
        "refs/remotes/shared/main",
    )
    other.git("push", "-q", str(bare_remote), "refs/notes/upgrades")
    git_repo.git("notes", "--ref=upgrades", "append", "-m", '{"ts": "2026-01-03T00:00:00Z", "event": "y"}', "main")

    result = run_cli("push", UPGRADE_A, cwd=git_repo.path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "pushed to origin:"
    assert lines[1] == f"  up-to-date  refs/heads/upgrade/{UPGRADE_A}  [up to date]"
    assert lines[2].startswith("  rejected    refs/notes/upgrades  [rejected]")
    assert result.stderr.splitlines() == [
        "hint: the remote's ledger has moved: run git upgrade sync origin, then push again"
    ]


def test_unknown_upgrade_and_unknown_remote_are_user_errors(
    run_cli, git_repo: GitRepoBuilder, bare_remote: Path
) -> None:
    _repo_with_upgrades(git_repo, bare_remote)
    result = run_cli("push", "upgrade_nope", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: no branch upgrade/upgrade_nope",
        "hint: see git upgrade status for the upgrades and their branches",
    ]
    result = run_cli("push", "--all", "--remote", "upstream", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: no remote named 'upstream' (known: origin)"


def test_push_needs_ids_or_all(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("push", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: name the upgrades to push, or pass --all (not both)"


def test_push_all_without_branches_pushes_the_ledger_alone(
    run_cli, git_repo: GitRepoBuilder, bare_remote: Path
) -> None:
    base = git_repo.commit({"pkg/a.py": "x = 1\n"}, "base")
    git_repo.git("remote", "add", "origin", str(bare_remote))
    result = run_cli("push", "--all", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: there are no upgrade branches to push"

    git_repo.git("notes", "--ref=upgrades", "add", "-m", '{"ts": "2026-01-01T12:00:00Z", "event": "scan"}', base)
    result = run_cli("push", "--all", cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["pushed to origin:", "  new         refs/notes/upgrades  [new reference]"]
    assert list(_ls_remote(git_repo)) == ["refs/notes/upgrades"]
