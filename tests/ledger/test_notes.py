"""The git side of the ledger: notes appended by compare-and-swap, read by walking trees."""

from __future__ import annotations

from gitupgrade.repo import CommitId, GitRepo
from gitupgrade.repo import notes as git_notes


def test_append_creates_a_note_git_itself_reads(git_repo) -> None:
    head = CommitId(git_repo.commit({"a.py": "x = 1\n"}))
    repo = GitRepo.discover(git_repo.path)
    old, new = git_notes.append_note_lines(repo, {head: ['{"ts":"1"}', '{"ts":"2"}']}, "ledger: test")
    assert old is None
    assert git_notes.notes_tip(repo) == new
    assert git_repo.git("notes", "--ref=upgrades", "show", head) == '{"ts":"1"}\n{"ts":"2"}\n'
    assert git_notes.read_note(repo, head) == '{"ts":"1"}\n{"ts":"2"}\n'


def test_each_append_is_a_new_notes_commit_on_the_previous_tip(git_repo) -> None:
    first = CommitId(git_repo.commit({"a.py": "x = 1\n"}))
    second = CommitId(git_repo.commit({"a.py": "x = 2\n"}))
    repo = GitRepo.discover(git_repo.path)
    tips = []
    for commit, line in ((first, "a"), (second, "b"), (first, "c")):
        old, new = git_notes.append_note_lines(repo, {commit: [line]}, f"ledger: {line}")
        assert old == (tips[-1] if tips else None)
        tips.append(new)
    log = git_repo.git("log", "--format=%H %P %s", "refs/notes/upgrades").splitlines()
    assert log == [f"{tips[2]} {tips[1]} ledger: c", f"{tips[1]} {tips[0]} ledger: b", f"{tips[0]}  ledger: a"]
    assert git_notes.read_note(repo, first) == "a\nc\n"


def test_appends_keep_the_path_of_a_note_git_wrote(git_repo) -> None:
    head = git_repo.commit({"a.py": "x = 1\n"})
    git_repo.git("notes", "--ref=upgrades", "add", "-m", "from git", head)
    repo = GitRepo.discover(git_repo.path)
    git_notes.append_note_lines(repo, {CommitId(head): ["from us"]}, "ledger: test")
    assert git_repo.git("notes", "--ref=upgrades", "show", head) == "from git\nfrom us\n"
    assert git_repo.git("ls-tree", "-r", "--name-only", "refs/notes/upgrades").splitlines() == [head]


def test_iter_notes_and_diff_notes_across_fanouts(git_repo) -> None:
    commits = [CommitId(git_repo.commit({"a.py": f"x = {i}\n"})) for i in range(3)]
    git_repo.git("notes", "--ref=upgrades", "add", "-m", "flat", commits[0])  # git writes it flat
    repo = GitRepo.discover(git_repo.path)
    before = git_notes.notes_tip(repo)
    _, after = git_notes.append_note_lines(repo, {commits[1]: ["one"], commits[2]: ["two"]}, "ledger: two")
    found = {commit: git_notes.read_note_blob(repo, blob) for commit, blob in git_notes.iter_notes(repo, after)}
    assert found == {commits[0]: b"flat\n", commits[1]: b"one\n", commits[2]: b"two\n"}
    changes = git_notes.diff_notes(repo, before, after)
    assert sorted((c.annotated, c.old_blob) for c in changes) == sorted([(commits[1], None), (commits[2], None)])
    assert git_notes.diff_notes(repo, after, after) == []


def test_notes_survive_gc_and_travel_with_a_clone(git_repo, tmp_path) -> None:
    head = CommitId(git_repo.commit({"a.py": "x = 1\n"}))
    repo = GitRepo.discover(git_repo.path)
    git_notes.append_note_lines(repo, {head: ["kept"]}, "ledger: test")
    git_repo.git("gc", "-q", "--prune=now")
    assert git_repo.git("notes", "--ref=upgrades", "show", head) == "kept\n"
    clone = tmp_path / "clone"
    git_repo.git("clone", "-q", str(git_repo.path), str(clone))
    git_repo.git("-C", str(clone), "fetch", "-q", "origin", "refs/notes/upgrades:refs/notes/upgrades")
    assert git_notes.read_note(GitRepo.discover(clone), head) == "kept\n"
