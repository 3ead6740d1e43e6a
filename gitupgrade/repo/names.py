"""Small typed names for git things, so signatures say what they carry."""

from __future__ import annotations

from typing import NewType

CommitId = NewType("CommitId", str)
"""A full 40-hex commit id."""

TreeId = NewType("TreeId", str)
"""A full 40-hex tree id."""

BlobId = NewType("BlobId", str)
"""A full 40-hex blob id."""

BranchName = NewType("BranchName", str)
"""A short branch name such as ``main`` or ``upgrade/<id>`` (no ``refs/heads/``)."""

RefName = NewType("RefName", str)
"""A full ref name such as ``refs/heads/main`` or ``refs/notes/upgrades``."""

ZERO_ID = "0" * 40


def branch_ref(branch: BranchName | str) -> RefName:
    """The full ref name of a short branch name."""
    return RefName(branch if branch.startswith("refs/") else f"refs/heads/{branch}")
