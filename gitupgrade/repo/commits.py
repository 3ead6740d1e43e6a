"""Committing the staging worktree's changes, with the upgrade trailers in the message."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

import pygit2

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import CommitId
from gitupgrade.repo.signing import write_commit
from gitupgrade.repo.worktree import Worktree, changed_paths

TRAILER_KEYS = ("Upgrade-Id", "Upgrade-Type", "Risk-Level", "Priority")
_TRAILER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.*)$")
_BODY_WIDTH = 72  # what git log and git's own messages keep to


def format_message(title: str, body: str, trailers: Mapping[str, str]) -> str:
    """A commit message: title, blank line, body, blank line, ``Key: value`` trailers.

    Body lines longer than git's 72 columns wrap, their continuation indented, so each
    line of the body still reads as one item in ``git log`` and a terminal.
    """
    parts = [title.strip()]
    if body.strip():
        parts.append("\n".join(_wrapped(line) for line in body.strip().splitlines()))
    parts.append("\n".join(f"{key}: {value}" for key, value in trailers.items()))
    return "\n\n".join(parts) + "\n"


def _wrapped(line: str) -> str:
    if len(line) <= _BODY_WIDTH:
        return line
    return textwrap.fill(line, _BODY_WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)


def parse_trailers(message: str) -> dict[str, str]:
    """The trailers of a commit message (the last paragraph of ``Key: value`` lines)."""
    paragraphs = message.strip().split("\n\n")
    found: dict[str, str] = {}
    for line in paragraphs[-1].splitlines():
        match = _TRAILER_LINE.match(line)
        if match is None:
            return {}
        found[match.group(1)] = match.group(2)
    return found


def commit_worktree(repo: GitRepo, worktree: Worktree, message: str) -> CommitId | None:
    """Commit every change of the worktree on top of its HEAD; None when nothing changed.

    The commit is created without moving any branch (the caller moves
    ``upgrade/<id>`` by compare-and-swap); the worktree's HEAD and index follow it.
    """
    changes = changed_paths(worktree)
    if not changes:
        return None
    with git_operation(f"commit in {worktree.name}"):
        raw = worktree.raw
        parent = raw.head.peel(pygit2.Commit)
        index = raw.index
        index.read()
        for path, kind in changes.items():
            if kind == "DELETE":
                index.remove(path)
            else:
                index.add(path)
        tree = index.write_tree()
        index.write()
    oid = write_commit(repo, raw, message, tree, [parent.id])
    with git_operation(f"commit in {worktree.name}"):
        raw.set_head(oid)
    return CommitId(str(oid))


def commit_message(repo: GitRepo, commit: CommitId) -> str:
    """The full message of a commit."""
    with git_operation("read commit"):
        return str(repo.raw[commit].peel(pygit2.Commit).message)


def commit_parents(repo: GitRepo, commit: CommitId) -> list[CommitId]:
    """The parent ids of a commit, first parent first."""
    with git_operation("read commit"):
        return [CommitId(str(p)) for p in repo.raw[commit].peel(pygit2.Commit).parent_ids]


def is_ancestor(repo: GitRepo, ancestor: CommitId, descendant: CommitId) -> bool:
    """Whether ``ancestor`` is ``descendant`` or one of its ancestors."""
    if ancestor == descendant:
        return True
    with git_operation("compare commits"):
        return bool(repo.raw.descendant_of(pygit2.Oid(hex=descendant), pygit2.Oid(hex=ancestor)))


def add_trailers(repo: GitRepo, commit: CommitId, trailers: Mapping[str, str]) -> CommitId:
    """A commit like ``commit`` (tree, parents, author) with ``trailers`` appended to its message.

    The tree is the same, so what was validated on ``commit`` holds for the new one. It is
    written as ``git commit --amend`` would: by the user as committer, signed when
    ``commit.gpgsign`` says so (a bare copy would drop the signature of a signed commit).
    """
    with git_operation("add trailers to a commit"):
        old = repo.raw[commit].peel(pygit2.Commit)
        lines = "\n".join(f"{key}: {value}" for key, value in trailers.items())
        message = old.message.rstrip("\n") + "\n" + lines + "\n"
    oid = write_commit(repo, repo.raw, message, old.tree_id, old.parent_ids, author=old.author)
    return CommitId(str(oid))
