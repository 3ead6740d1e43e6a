"""The ledger's git side: notes under ``refs/notes/upgrades``, appended by compare-and-swap.

Every append is a new notes commit whose parent is the previous tip, so the notes
ref's own history is the append-only audit trail. Notes trees are read by walking
them directly (any fan-out, as git itself writes them) instead of one lookup per
note, which libgit2 makes slow once there are thousands of notes.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pygit2

from gitupgrade.errors import GitOperationError
from gitupgrade.repo.core import GitRepo, git_env, git_operation
from gitupgrade.repo.identity import identity
from gitupgrade.repo.names import BlobId, CommitId, RefName
from gitupgrade.repo.refs import compare_and_swap, read_ref
from gitupgrade.repo.signing import write_commit

NOTES_REF = RefName("refs/notes/upgrades")
# How long an append keeps retrying when other writers keep winning the ref.
APPEND_DEADLINE_SECONDS = 60.0
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class NoteChange:
    """One note that differs between two notes trees (None: absent on that side)."""

    annotated: CommitId
    old_blob: BlobId | None
    new_blob: BlobId | None


def notes_tip(repo: GitRepo, ref: RefName = NOTES_REF) -> CommitId | None:
    """The notes commit ``ref`` points at, or None before the first note."""
    return read_ref(repo, ref)


def read_note(repo: GitRepo, commit: CommitId, ref: RefName = NOTES_REF) -> str | None:
    """The text of ``commit``'s note under ``ref``, or None when it has none."""
    tip = notes_tip(repo, ref)
    if tip is None:
        return None
    with git_operation("read note"):
        tree = repo.raw[tip].peel(pygit2.Commit).tree
        blob_id = _find_note(repo.raw, tree, commit)
        return None if blob_id is None else repo.raw[blob_id].peel(pygit2.Blob).data.decode("utf-8", "replace")


def read_note_blob(repo: GitRepo, blob_id: BlobId) -> bytes:
    """The raw bytes of one note blob (as listed by :func:`iter_notes`)."""
    with git_operation("read note"):
        return bytes(repo.raw[blob_id].peel(pygit2.Blob).data)


def iter_notes(repo: GitRepo, tip: CommitId | None) -> Iterator[tuple[CommitId, BlobId]]:
    """Every ``(annotated commit, note blob)`` of the notes commit ``tip``."""
    if tip is None:
        return
    with git_operation("read notes tree"):
        tree = repo.raw[tip].peel(pygit2.Commit).tree
        yield from _flatten(repo.raw, tree, "").items()


def diff_notes(repo: GitRepo, old_tip: CommitId | None, new_tip: CommitId) -> list[NoteChange]:
    """The notes that differ between two notes commits (for incremental catch-up).

    Subtrees with the same id are skipped without reading them, so the cost is
    proportional to what changed, not to the number of notes.
    """
    with git_operation("diff notes trees"):
        new_tree = repo.raw[new_tip].peel(pygit2.Commit).tree
        if old_tip is None:
            return [NoteChange(c, None, b) for c, b in _flatten(repo.raw, new_tree, "").items()]
        old_tree = repo.raw[old_tip].peel(pygit2.Commit).tree
        old_only: dict[CommitId, BlobId] = {}
        new_only: dict[CommitId, BlobId] = {}
        _diff_trees(repo.raw, old_tree, new_tree, "", old_only, new_only)
    changes = []
    for annotated in sorted(old_only.keys() | new_only.keys()):
        old, new = old_only.get(annotated), new_only.get(annotated)
        if old != new:
            changes.append(NoteChange(annotated, old, new))
    return changes


def append_note_lines(
    repo: GitRepo,
    lines_by_commit: Mapping[CommitId, Sequence[str]],
    message: str,
    ref: RefName = NOTES_REF,
) -> tuple[CommitId | None, CommitId]:
    """Append lines to the notes of several commits in one new notes commit.

    Returns ``(previous tip, new tip)``. The notes ref is locked first, then read,
    and the new notes commit is built on the value read and set before the lock is
    released: the compare-and-swap cannot lose, and writers take turns instead of
    one starving the other by rebuilding on a tip that keeps moving. A lock held
    by another writer means waiting a few milliseconds and trying again.
    """
    deadline = time.monotonic() + APPEND_DEADLINE_SECONDS
    while True:
        try:
            with git_operation(f"update ref {ref}"), repo.raw.transaction() as txn:
                txn.lock_ref(ref)
                old_tip = notes_tip(repo, ref)
                new_tip = _build_notes_commit(repo, old_tip, lines_by_commit, message)
                txn.set_target(ref, pygit2.Oid(hex=new_tip), message=f"notes: {message}")
            return old_tip, new_tip
        except GitOperationError as exc:
            if not _lost_the_lock(exc):
                raise
        if time.monotonic() > deadline:
            raise GitOperationError(
                "append note",
                f"{ref} stayed locked for {APPEND_DEADLINE_SECONDS:.0f} s",
                hint=f"another process holds {ref}.lock; if none runs, delete that file",
            )
        # A short random pause so two writers stop colliding in lockstep.
        time.sleep(random.uniform(0.0005, 0.005))


def _lost_the_lock(exc: GitOperationError) -> bool:
    # Another writer holding the ref lock surfaces as OSError or as a GitError
    # "failed to lock file" depending on the libgit2 call; anything else is real.
    cause = exc.__cause__
    return isinstance(cause, OSError) or "lock" in str(cause).lower()


def fetch_notes(repo: GitRepo, remote: str, ref: RefName = NOTES_REF) -> RefName | None:
    """Fetch ``remote``'s notes ref into ``refs/notes/remotes/<remote>/...``; None if it has none."""
    if not run_git(repo, "ls-remote", remote, ref, operation=f"ls-remote {remote}").strip():
        return None
    tracking = RefName(f"refs/notes/remotes/{remote}/{ref.removeprefix('refs/notes/')}")
    run_git(repo, "fetch", "--quiet", "--no-tags", remote, f"+{ref}:{tracking}", operation=f"fetch {remote} {ref}")
    return tracking


def merge_notes(repo: GitRepo, other: RefName, ref: RefName = NOTES_REF) -> CommitId:
    """Merge the notes of ``other`` into ``ref`` with ``cat_sort_uniq``; returns the new tip.

    The lines of one note start with their timestamp, so concatenating, sorting and
    dropping duplicates merges two ledgers in time order without conflicts.
    """
    other_tip = read_ref(repo, other)
    if other_tip is None:
        raise GitOperationError("notes merge", f"{other} does not exist")
    if notes_tip(repo, ref) is None:
        # Nothing local yet: adopting the other history as-is keeps it intact.
        compare_and_swap(repo, ref, other_tip, None, f"notes: adopt {other}")
        return other_tip
    identity(repo)  # git's merge commit needs one: fail with our hint, not git's prompt
    run_git(
        repo,
        "notes",
        f"--ref={ref}",
        "merge",
        "--quiet",
        "-s",
        "cat_sort_uniq",
        other,
        operation="notes merge",
        hint="the notes ref is unchanged; fix what git says, then run git upgrade sync again",
    )
    tip = notes_tip(repo, ref)
    assert tip is not None  # the merge keeps or moves the ref, never deletes it
    return tip


def push_notes(repo: GitRepo, remote: str, ref: RefName = NOTES_REF) -> bool:
    """Push the notes ref to ``remote`` (fast-forward only); False when the remote moved."""
    done = _git(repo, "push", "--quiet", "--porcelain", remote, f"{ref}:{ref}")
    if done.returncode == 0:
        return True
    if "[rejected]" in done.stdout or "non-fast-forward" in done.stderr or "fetch first" in done.stderr:
        return False
    raise GitOperationError(f"push {remote} {ref}", _last_line(done.stderr))


def run_git(
    repo: GitRepo,
    *args: str,
    operation: str,
    hint: str = "check the remote name and that git can reach it",
    env: dict[str, str] | None = None,
) -> str:
    """Run a git CLI command on this repository (for what libgit2 lacks); its stdout."""
    done = _git(repo, *args, env=env)
    if done.returncode != 0:
        raise GitOperationError(operation, _last_line(done.stderr), hint=hint)
    return done.stdout


def _git(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # --git-dir pins git to this repository even when started from elsewhere.
    command = ["git", f"--git-dir={repo.common_dir}", *args]
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
            env={**git_env(), **(env or {})},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitOperationError(args[0], str(exc)) from exc


def _last_line(text: str) -> str:
    """The line of git's stderr that says what went wrong (its first fatal or error line)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "no message"


def _build_notes_commit(
    repo: GitRepo, old_tip: CommitId | None, lines_by_commit: Mapping[CommitId, Sequence[str]], message: str
) -> CommitId:
    raw = repo.raw
    with git_operation("write note"):
        old_tree = raw[old_tip].peel(pygit2.Commit).tree if old_tip else None
        # Group the edits by the subtree that holds each note, so each tree is rewritten once.
        edits: dict[tuple[str, ...], dict[str, bytes]] = {}
        for annotated, lines in lines_by_commit.items():
            path, current = _locate_note(raw, old_tree, annotated)
            text = "" if current is None else bytes(raw[current].peel(pygit2.Blob).data).decode("utf-8", "replace")
            existing = text.splitlines()
            edits.setdefault(path[:-1], {})[path[-1]] = _joined(existing, list(lines))
        tree_id = _write_edits(raw, old_tree, (), edits)
        parents = [pygit2.Oid(hex=old_tip)] if old_tip else []
    # git notes never signs its commits (commit.gpgsign is for git commit), nor do we.
    commit = write_commit(repo, raw, message, tree_id, parents, sign=False)
    return CommitId(str(commit))


def _joined(existing: list[str], new: list[str]) -> bytes:
    """The note text with ``new`` appended, kept sorted when it was sorted.

    Ledger lines start with their timestamp; a writer that waited for the ref lock
    may append an earlier line after a later one, so the lines are merged into
    place, as a ``cat_sort_uniq`` merge would order them.
    """
    lines = existing + new
    if existing and new and existing == sorted(existing) and min(new) < existing[-1]:
        lines = sorted(lines)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _write_edits(
    raw: pygit2.Repository,
    tree: pygit2.Tree | None,
    prefix: tuple[str, ...],
    edits: dict[tuple[str, ...], dict[str, bytes]],
) -> pygit2.Oid:
    builder = raw.TreeBuilder(tree) if tree is not None else raw.TreeBuilder()
    for name, content in edits.get(prefix, {}).items():
        builder.insert(name, raw.create_blob(content), pygit2.enums.FileMode.BLOB)
    children = {path[len(prefix)] for path in edits if len(path) > len(prefix) and path[: len(prefix)] == prefix}
    for child in children:
        existing = tree[child] if tree is not None and child in tree else None
        subtree = raw[existing.id].peel(pygit2.Tree) if existing is not None else None
        builder.insert(child, _write_edits(raw, subtree, (*prefix, child), edits), pygit2.enums.FileMode.TREE)
    return builder.write()


def _locate_note(
    raw: pygit2.Repository, tree: pygit2.Tree | None, annotated: CommitId
) -> tuple[tuple[str, ...], BlobId | None]:
    """Where ``annotated``'s note lives (or will live) and its current blob.

    An existing note keeps its path whatever fan-out wrote it; a new one goes under
    a two-hex-digit directory as git does for large notes trees, so an append
    rewrites one small subtree instead of one flat tree of every note.
    """
    rest: str = annotated
    path: list[str] = []
    node = tree
    while node is not None:
        if rest in node:
            return (*path, rest), BlobId(str(node[rest].id))
        fan = rest[:2]
        if fan in node and node[fan].type_str == "tree":
            path.append(fan)
            rest = rest[2:]
            node = raw[node[fan].id].peel(pygit2.Tree)
        else:
            break
    if not path:
        return (annotated[:2], annotated[2:]), None
    return (*path, rest), None


def _find_note(raw: pygit2.Repository, tree: pygit2.Tree, annotated: CommitId) -> BlobId | None:
    return _locate_note(raw, tree, annotated)[1]


def _flatten(raw: pygit2.Repository, tree: pygit2.Tree, prefix: str) -> dict[CommitId, BlobId]:
    found: dict[CommitId, BlobId] = {}
    stack = [(prefix, tree)]
    while stack:
        here, node = stack.pop()
        for entry in node:
            name = here + (entry.name or "")
            if entry.type_str == "tree":
                stack.append((name, raw[entry.id].peel(pygit2.Tree)))
            elif entry.type_str == "blob" and len(name) == 40 and _HEX.issuperset(name):
                found[CommitId(name)] = BlobId(str(entry.id))
    return found


def _diff_trees(
    raw: pygit2.Repository,
    old: pygit2.Tree,
    new: pygit2.Tree,
    prefix: str,
    old_only: dict[CommitId, BlobId],
    new_only: dict[CommitId, BlobId],
) -> None:
    old_entries = {e.name or "": e for e in old}
    new_entries = {e.name or "": e for e in new}
    for name in old_entries.keys() | new_entries.keys():
        before, after = old_entries.get(name), new_entries.get(name)
        if before is not None and after is not None:
            if before.id == after.id:
                continue
            if before.type_str == after.type_str == "tree":
                old_tree, new_tree = raw[before.id].peel(pygit2.Tree), raw[after.id].peel(pygit2.Tree)
                _diff_trees(raw, old_tree, new_tree, prefix + name, old_only, new_only)
                continue
        for entry, bucket in ((before, old_only), (after, new_only)):
            if entry is not None:
                _take_notes(raw, entry, prefix + name, bucket)


def _take_notes(raw: pygit2.Repository, entry: pygit2.Object, path: str, bucket: dict[CommitId, BlobId]) -> None:
    """The notes under one tree entry present on one side only: a fan-out folder's, or one note blob."""
    if entry.type_str == "tree":
        bucket.update(_flatten(raw, raw[entry.id].peel(pygit2.Tree), path))
    elif len(path) == 40:
        bucket[CommitId(path)] = BlobId(str(entry.id))
