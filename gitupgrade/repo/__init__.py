"""The git adapter: the only package that talks to git (pygit2 and a few git CLI calls)."""

from __future__ import annotations

from gitupgrade.repo.core import GitRepo, git_operation
from gitupgrade.repo.names import BlobId, BranchName, CommitId, RefName, TreeId, branch_ref
from gitupgrade.repo.trees import BlobEntry, file_blob_id, iter_files, read_blob, read_file

__all__ = [
    "BlobEntry",
    "BlobId",
    "BranchName",
    "CommitId",
    "GitRepo",
    "RefName",
    "TreeId",
    "branch_ref",
    "file_blob_id",
    "git_operation",
    "iter_files",
    "read_blob",
    "read_file",
]
