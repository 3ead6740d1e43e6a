"""Replacing a file whole: a reader sees the old content or the new, never a part of either.

Every file of our own state (caches, snapshots, the lock's owner, the merge journal) and
the hook we install is written this way, because a reader may run beside the writer
(read-only commands never wait for the runner) and a writer may be killed at any point.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

# The mode a new file is created with, as git creates files: less the umask.
_FILE_MODE = 0o666
_EXECUTABLE_MODE = 0o777


def write_atomically(path: Path, data: str | bytes, *, executable: bool = False, durable: bool = False) -> None:
    """Replace the file at ``path`` with ``data`` (text is written as UTF-8).

    Guarantees: a concurrent reader, and a reader after the writer was killed, finds
    either the old file or the whole new one, never a part; two writers at once each
    write their own temporary file, so the last rename wins whole. The data is written
    to a uniquely named temporary file in the same folder (a rename is atomic only
    within one file system) and renamed over ``path``; when that fails the temporary
    file is removed and the ``OSError`` raised.

    ``executable``: the new file is executable (mode 0777 less the umask, not 0666).
    ``durable``: the file and then its folder are fsynced, so that the new content also
    survives a power cut, not only a killed process.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _EXECUTABLE_MODE if executable else _FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        # Ctrl-C included: no half-written temporary file is left beside the real one.
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename is an entry of the folder: it is durable once the folder is.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
