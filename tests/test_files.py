"""write_atomically: a reader sees the old file or the whole new one, and nothing is left beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitupgrade.files import write_atomically
from tests.conftest import PROJECT_ROOT


def test_text_and_bytes_replace_the_file_and_leave_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")
    write_atomically(target, '{"name": "Zoë"}')
    assert target.read_bytes() == '{"name": "Zoë"}'.encode()
    write_atomically(target, b"\x00\xff", durable=True)
    assert target.read_bytes() == b"\x00\xff"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_new_file_gets_the_mode_git_gives_its_files(tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    write_atomically(tmp_path / "plain", "x")
    write_atomically(tmp_path / "hook", "#!/bin/sh\n", executable=True)
    assert (tmp_path / "plain").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "hook").stat().st_mode & 0o777 == 0o777 & ~umask
    assert os.access(tmp_path / "hook", os.X_OK) and not os.access(tmp_path / "plain", os.X_OK)


def test_a_failed_rename_raises_and_removes_the_temporary_file(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    (taken / "inside").mkdir(parents=True)  # a folder with content cannot be replaced by a file
    with pytest.raises(OSError):
        write_atomically(taken, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert [p.name for p in taken.iterdir()] == ["inside"]


def test_a_concurrent_reader_never_sees_part_of_a_file(tmp_path: Path) -> None:
    target = tmp_path / "big"
    first, second = b"a" * 300_000, b"b" * 300_000
    target.write_bytes(first)
    writer = (
        "import sys\nfrom pathlib import Path\nfrom gitupgrade.files import write_atomically\n"
        "for n in range(150):\n"
        "    write_atomically(Path(sys.argv[1]), (b'b' if n % 2 == 0 else b'a') * 300_000)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    seen: set[bytes] = set()
    reads = 0
    with subprocess.Popen([sys.executable, "-c", writer, str(target)], env=env) as process:
        while process.poll() is None:
            seen.add(target.read_bytes())
            reads += 1
    assert process.returncode == 0
    assert reads > 0 and seen <= {first, second}
    assert target.read_bytes() == first  # the last of 150 writes (n = 149) wrote the first content again
    assert [p.name for p in tmp_path.iterdir()] == ["big"]
