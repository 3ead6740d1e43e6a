"""Turning one file's bytes into its :class:`ModuleFacts`: decode, parse with ``ast``, walk.

Bad input never raises: a NUL byte, undecodable bytes, an unknown coding
cookie, a syntax error or a tree too deep to walk each give facts with
``analyzable=False`` and the reason. This module is also the unit of work of
the parsing pool's worker processes.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence
from typing import Any

from gitupgrade.analysis.exec_order import exec_order
from gitupgrade.analysis.facts import ModuleFacts, unanalyzable
from gitupgrade.analysis.walker import walk_module

GENERATED_MARKER = "@generated"
_GENERATED_SCAN_LINES = 30
# The hard ceiling per file, whatever analysis.max_file_bytes allows: the syntax tree of a
# module costs about 3.5 KB of memory per line and the walk about 0.1 ms per line, so a
# 5 MB module of 200,000 lines took 22 s and 780 MB here. At the ceiling a file costs
# about 4 s and 220 MB; hand-written modules stay far below it (the largest of
# CPython's standard library have about 10,000 lines).
MAX_FILE_LINES = 50_000


def decode_source(data: bytes) -> str:
    """Decode Python source honouring a BOM and a PEP 263 coding cookie.

    Raises ``SyntaxError`` for an unknown encoding and ``UnicodeDecodeError``
    for bytes the declared encoding cannot decode.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        # No cookie and invalid UTF-8 in the first lines: say where the bad byte is.
        data.decode("utf-8")
        raise
    text = data.decode(encoding)
    return text.removeprefix("\ufeff")


def extract_facts(path: str, blob_id: str, data: bytes, min_clone_lines: int) -> ModuleFacts:
    """Parse one file's bytes into facts; bad input gives ``analyzable=False`` with a reason."""
    if b"\x00" in data:
        return unanalyzable(path, blob_id, "contains a NUL byte")
    lines_count = data.count(b"\n") + (not data.endswith(b"\n") and bool(data))
    if lines_count > MAX_FILE_LINES:
        # refused before parsing: the parse itself is what costs the time and the memory
        return unanalyzable(
            path,
            blob_id,
            f"{lines_count} lines, above the ceiling of {MAX_FILE_LINES} lines per file (bounds time and memory)",
        )
    try:
        text = decode_source(data)
    except (SyntaxError, LookupError) as exc:
        return unanalyzable(path, blob_id, f"undecodable source: {exc}")
    except UnicodeDecodeError as exc:
        return unanalyzable(path, blob_id, f"undecodable bytes: {exc.reason} at byte {exc.start}")
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return unanalyzable(path, blob_id, f"syntax error at line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return unanalyzable(path, blob_id, f"cannot parse: {type(exc).__name__}")
    lines = text.splitlines()
    facts = ModuleFacts(path, blob_id, analyzable=True, total_lines=len(lines))
    facts.generated = any(GENERATED_MARKER in line for line in lines[:_GENERATED_SCAN_LINES])
    try:
        walk_module(tree, lines, facts, min_clone_lines)
        facts.steps, facts.dynamic, facts.all_names = exec_order(tree, text)
    except RecursionError:
        return unanalyzable(path, blob_id, "nested too deeply to analyse")
    return facts


def extract_many(items: Sequence[tuple[str, str, bytes]], min_clone_lines: int) -> list[list[Any]]:
    """Facts rows of several files (the unit of work of a pool worker)."""
    return [extract_facts(path, blob_id, data, min_clone_lines).to_row() for path, blob_id, data in items]
