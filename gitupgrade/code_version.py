"""The version of the tool's own code that cached results are keyed by.

A result computed by the tool (a validated configuration, a scan's report) is cached
under, among other things, the code that computed it. ``__version__`` alone would not
do: an editable install or a checkout of another commit changes the code without
changing the version. So the key also covers the path, size and modification time of
every source and data file of the package: the same test Python itself applies before
it runs a module's cached bytecode, so a cached result is never older than the code
that runs. Walking the package costs about a millisecond; hashing its megabyte of
source would cost ten times that on every command.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from gitupgrade import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
_SUFFIXES = (".py", ".yaml")


@functools.cache
def code_version() -> str:
    """A hex digest of the tool's version, the Python version and the state of its source files."""
    return hashlib.sha256(
        f"{__version__}\0{sys.implementation.cache_tag}\0{source_digest(PACKAGE_DIR)}".encode()
    ).hexdigest()


def source_digest(root: Path) -> str:
    """A hex digest of the path, size and modification time of every source and data file under ``root``."""
    digest = hashlib.sha256()
    for line in sorted(_source_stats(str(root))):
        digest.update(line.encode("utf-8", "surrogateescape"))
        digest.update(b"\n")
    return digest.hexdigest()


def _source_stats(root: str) -> list[str]:
    """``path:mtime_ns:size`` of every source and data file under ``root`` (bytecode folders skipped)."""
    found: list[str] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable folder holds nothing the tool runs
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            elif entry.name.endswith(_SUFFIXES):
                stat = entry.stat()
                found.append(f"{os.path.relpath(entry.path, root)}:{stat.st_mtime_ns}:{stat.st_size}")
    return found
