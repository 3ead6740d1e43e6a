"""Reading files of a commit straight from the object database (no checkout)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pygit2

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import BlobId, CommitId

SYMLINK_MODE = pygit2.enums.FileMode.LINK
SUBMODULE_MODE = pygit2.enums.FileMode.COMMIT


@dataclass(frozen=True, slots=True)
class BlobEntry:
    """One file of a tree: its path, blob id, size in bytes and whether it is a symlink."""

    path: str
    blob_id: BlobId
    size: int
    is_symlink: bool


def iter_files(repo: GitRepo, commit: CommitId, suffix: str = "") -> Iterator[BlobEntry]:
    """Every file of ``commit``'s tree whose path ends with ``suffix``, sorted by path.

    Submodules are skipped: their content is not in this repository.
    """
    with git_operation("read tree"):
        root = repo.raw[commit].peel(pygit2.Commit).tree
        stack: list[tuple[str, pygit2.Tree]] = [("", root)]
        found: list[BlobEntry] = []
        while stack:
            prefix, tree = stack.pop()
            for entry in tree:
                path = f"{prefix}{entry.name}"
                if entry.type_str == "tree":
                    stack.append((f"{path}/", repo.raw[entry.id].peel(pygit2.Tree)))
                elif entry.type_str == "blob" and path.endswith(suffix):
                    found.append(
                        BlobEntry(
                            path=path,
                            blob_id=BlobId(str(entry.id)),
                            # The header alone: loading the blob would inflate every file.
                            size=repo.raw.odb.read_header(entry.id)[1],
                            is_symlink=entry.filemode == SYMLINK_MODE,
                        )
                    )
    return iter(sorted(found, key=lambda e: e.path))


def read_blob(repo: GitRepo, blob_id: BlobId) -> bytes:
    """The bytes of a blob."""
    with git_operation("read blob"):
        return repo.raw[blob_id].read_raw()


def file_blob_id(repo: GitRepo, commit: CommitId, path: str) -> BlobId | None:
    """The blob id of ``path`` in ``commit``'s tree, or None when there is no such file (as :func:`read_file`)."""
    with git_operation("read tree"):
        return _blob_entry(repo, commit, path)


def read_file(repo: GitRepo, commit: CommitId, path: str) -> bytes | None:
    """The bytes of ``path`` in ``commit``'s tree, or None when there is no such file."""
    with git_operation("read file"):
        blob = _blob_entry(repo, commit, path)
        return None if blob is None else repo.raw[blob].read_raw()


def _blob_entry(repo: GitRepo, commit: CommitId, path: str) -> BlobId | None:
    tree = repo.raw[commit].peel(pygit2.Commit).tree
    try:
        entry = tree[path]
    except KeyError:
        return None
    return BlobId(str(entry.id)) if entry.type_str == "blob" else None
