"""Sharing ledgers: fetch, cat_sort_uniq merge and push through a local bare remote."""

from __future__ import annotations

import json

from tests.ledger.helpers import open_ledger, suggestion


def test_sync_merges_two_ledgers_through_a_bare_remote(run_cli, make_repo, tmp_path) -> None:
    a = make_repo("a")
    base = a.commit({"a.py": "x = 1\n"})
    remote = tmp_path / "remote.git"
    a.git("init", "-q", "--bare", str(remote))
    a.git("remote", "add", "origin", str(remote))
    a.git("push", "-q", "origin", "main")
    b_path = tmp_path / "b"
    a.git("clone", "-q", str(remote), str(b_path))

    open_ledger(a.path).log_upgrade_queued("up_a", suggestion("s1"), base, "main")
    first_tip = a.head("refs/notes/upgrades")
    result = run_cli("sync", cwd=a.path)
    assert result.stdout == f"origin had no ledger yet, pushed: notes at {first_tip[:10]}, 0 new events indexed\n"

    # The same commit gets a note in both clones: the merge must keep both lines.
    open_ledger(b_path).log_upgrade_queued("up_b", suggestion("s2"), base, "main")
    result = run_cli("sync", "--json", cwd=b_path)
    data = json.loads(result.stdout)
    assert (data["remote"], data["fetched"], data["pushed"], data["events_indexed"]) == ("origin", True, True, 1)

    result = run_cli("sync", "origin", cwd=a.path)
    final = a.head("refs/notes/upgrades")
    assert result.stdout == f"merged origin's ledger, pushed: notes at {final[:10]}, 1 new events indexed\n"
    assert a.git("--git-dir", str(remote), "rev-parse", "refs/notes/upgrades").strip() == final
    assert a.git("-C", str(b_path), "rev-parse", "refs/notes/upgrades").strip() == final

    for path in (a.path, b_path):
        assert sorted(r.id for r in open_ledger(path).upgrades()) == ["up_a", "up_b"]
    note = a.git("notes", "--ref=upgrades", "show", base).splitlines()
    assert len(note) == 2 and note == sorted(note)
    assert ['"upgrade_id":"up_a"' in note[0], '"upgrade_id":"up_b"' in note[1]] == [True, True]
    # The audit trail is kept: A's first notes commit is an ancestor of the merged tip.
    a.git("merge-base", "--is-ancestor", first_tip, final)
    assert len(a.git("rev-list", "--merges", final).split()) == 1


def test_sync_with_an_unknown_remote_is_a_clear_error(run_cli, git_repo) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("sync", "nowhere", cwd=git_repo.path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: git ls-remote nowhere failed: 'nowhere' does not appear to be a git repository",
        "hint: check the remote name and that git can reach it",
    ]
