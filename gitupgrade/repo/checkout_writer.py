"""Writing a merge's files into a user's checkout so that a kill -9 can always be undone.

Before the first file is touched, a journal (``<state dir>/merge-journal.json``: the
ref, its old and new commit, every path with its old and new blob) is written and
fsynced. Each file is then written to a temporary file in its own folder and renamed
over the old one, so a file is always either its old or its new content, never half.
``gitupgrade.repo.merge_recovery`` reads the journal the next time and finishes or
undoes the merge.

``GITUPGRADE_TEST_CRASH_AT`` injects a kill -9 for the crash tests: ``write:N`` dies in
the middle of the N-th file write, ``index`` before the index is written, ``ref``
before the ref moves.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pygit2

from gitupgrade.errors import RefusedError
from gitupgrade.files import write_atomically
from gitupgrade.repo.core import GitRepo, open_checkout
from gitupgrade.repo.names import CommitId

JOURNAL_NAME = "merge-journal.json"
CRASH_ENV = "GITUPGRADE_TEST_CRASH_AT"
TEMP_MARK = ".gitupgrade-tmp"
_LINK = int(pygit2.enums.FileMode.LINK)
_EXECUTABLE = int(pygit2.enums.FileMode.BLOB_EXECUTABLE)
_GITLINK = int(pygit2.enums.FileMode.COMMIT)
_TREE = int(pygit2.enums.FileMode.TREE)


@dataclass(frozen=True)
class PathChange:
    """One path of the merge: its blob and mode before and after (None: absent)."""

    path: str
    old: str | None
    new: str | None
    old_mode: int | None = None
    new_mode: int | None = None


@dataclass
class MergeJournal:
    """What an interrupted merge into a checkout needs to be finished or undone."""

    ref: str
    checkout: str
    old: CommitId
    new: CommitId
    label: str
    pid: int
    process_start: str | None = None
    changes: list[PathChange] = field(default_factory=list)
    phase: str = "files"  # files -> index -> ref

    def to_json(self) -> str:
        """The journal as JSON text."""
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> MergeJournal:
        """Parse a journal written by :meth:`to_json` (ValueError/TypeError/KeyError when it is not one)."""
        data = json.loads(text)
        changes = [PathChange(**c) for c in data.pop("changes")]
        return cls(**data, changes=changes)


def journal_path(repo: GitRepo) -> Path:
    """Where the journal of a merge in progress lives."""
    return repo.common_dir / "upgrade" / JOURNAL_NAME


def write_journal(repo: GitRepo, journal: MergeJournal) -> None:
    """Write the journal durably (temp file, fsync, rename, fsync of the folder)."""
    path = journal_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, journal.to_json(), durable=True)


def clear_journal(repo: GitRepo) -> None:
    """Forget the journal once the merge is complete (or undone)."""
    journal_path(repo).unlink(missing_ok=True)


def path_changes(repo: GitRepo, old: CommitId, new: CommitId, paths: list[str]) -> list[PathChange]:
    """The blob and mode of each path in the ``old`` and ``new`` commits."""
    old_tree = repo.raw[old].peel(pygit2.Commit).tree
    new_tree = repo.raw[new].peel(pygit2.Commit).tree
    changes = []
    for path in paths:
        before = _entry(old_tree, path)
        after = _entry(new_tree, path)
        changes.append(PathChange(path, before[0], after[0], before[1], after[1]))
    return changes


def _entry(tree: pygit2.Tree, path: str) -> tuple[str | None, int | None]:
    try:
        entry = tree[path]
    except KeyError:
        return None, None
    if int(entry.filemode) == _TREE:
        return None, None  # a folder on this side: the file paths inside it are listed themselves
    return str(entry.id), int(entry.filemode)


def crash_point(kind: str, count: int = 0) -> None:
    """Die here with SIGKILL when ``GITUPGRADE_TEST_CRASH_AT`` names this point (tests only)."""
    wanted = os.environ.get(CRASH_ENV)
    if wanted and wanted == (f"{kind}:{count}" if count else kind):
        os.kill(os.getpid(), signal.SIGKILL)


def current_blob(workdir: Path, path: str) -> str | None:
    """The blob id of the file at ``path`` as it is now (None when absent, "" when not a file)."""
    target = workdir / path
    try:
        if target.is_symlink():
            return str(pygit2.hash(os.readlink(target).encode()))
        if not target.exists():
            return None
        if not target.is_file():
            return ""
        return str(pygit2.hashfile(str(target)))
    except OSError:
        return ""


def temp_name(target: Path) -> Path:
    """The temporary file a write of ``target`` goes through (its folder, this process)."""
    return target.with_name(f".{target.name}.{os.getpid()}{TEMP_MARK}")


def put_blob(repo: GitRepo, workdir: Path, path: str, blob: str | None, mode: int | None, count: int = 0) -> None:
    """Make ``path`` hold ``blob`` (None: remove it) atomically: temp file, then rename."""
    target = workdir / path
    if mode == _GITLINK:
        return  # a submodule's folder is its own repository's business, as with git merge
    if blob is None:
        crash_point("write", count)
        if target.is_symlink() or target.exists():
            target.unlink()
        _prune_empty_parents(target.parent, workdir)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    data = repo.raw[blob].peel(pygit2.Blob).data
    tmp = temp_name(target)
    tmp.unlink(missing_ok=True)
    if mode == _LINK:
        crash_point("write", count)
        os.symlink(os.fsdecode(data), tmp)
    else:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if mode == _EXECUTABLE else 0o666)
        with os.fdopen(fd, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            handle.flush()
            crash_point("write", count)  # a half-written temporary file is what a kill leaves
            handle.write(data[half:])
    # No fsync per file: rename is atomic against a killed process, which is the crash to
    # survive; after a power cut the journal (fsynced) still says what to finish or undo.
    os.replace(tmp, target)


def _prune_empty_parents(folder: Path, workdir: Path) -> None:
    # git removes the folders a deletion empties; never the work tree itself
    while folder != workdir and folder.is_relative_to(workdir):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def write_changes(repo: GitRepo, workdir: Path, changes: list[PathChange]) -> None:
    """Write every path's new content; each path must still hold its old content.

    Raises :class:`RefusedError` when a file changed after the local-changes check
    (as libgit2's SAFE checkout would); the caller undoes what was written.
    """
    for count, change in enumerate(removals_first(changes, to_new=True), start=1):
        now = current_blob(workdir, change.path)
        if now == change.new:
            continue
        if now != change.old:
            raise RefusedError(
                f"{change.path} changed in {workdir} while the merge was being written",
                hint="commit or stash it, then run git upgrade approve again",
            )
        put_blob(repo, workdir, change.path, change.new, change.new_mode, count)


def removals_first(changes: list[PathChange], to_new: bool) -> list[PathChange]:
    """``changes`` with the paths that go away first: a file ``a`` may become a folder ``a/``."""
    return sorted(changes, key=lambda c: (c.new if to_new else c.old) is not None)


def update_index(repo: GitRepo, checkout: Path, changes: list[PathChange], to_new: bool = True) -> None:
    """Point the checkout's index entries for ``changes`` at their new (or old) blobs."""
    user = open_checkout(repo, checkout)
    index = user.index
    index.read(False)
    for change in changes:
        blob, mode = (change.new, change.new_mode) if to_new else (change.old, change.old_mode)
        if blob is None:
            if change.path in index:
                index.remove(change.path)
        elif mode != _GITLINK and current_blob(checkout, change.path) == blob:
            index.add(change.path)  # hashes the file again: the entry gets its stat data
        else:
            index.add(pygit2.IndexEntry(change.path, pygit2.Oid(hex=blob), pygit2.enums.FileMode(mode or 0o100644)))
    index.write()
