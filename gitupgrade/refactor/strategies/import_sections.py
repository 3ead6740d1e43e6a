"""Where a new import line goes when no sorter will put it there: its isort section, in order.

A project without isort or ruff's ``I`` rules still reads its imports in sections (future,
standard library, third party, first party, local), each sorted, set apart by a blank line.
An import appended at the end of the leading block lands in the wrong section, and one
placed where the block is interrupted (a ``try:`` fallback import) lands in the middle of
the standard library (found in a blind review of merged splits). Here a new line goes into
its section, before the first line of that section that sorts after it, with the
section's blank-line layout kept; a section the module lacks is started after the ones
that precede it. The standard library is ``sys.stdlib_module_names``; first party the
repository's top-level packages and modules.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from gitupgrade.refactor.strategies.syntax import (
    Statement,
    dotted,
    is_dunder_assignment,
    is_future_import,
    is_import,
    is_type_checking_block,
    preamble_end,
    suite_statements,
)

SECTIONS = ("future", "stdlib", "thirdparty", "firstparty", "local")


def first_party(root: Path, source_root: str = "") -> set[str]:
    """Top-level packages and modules of the repository at ``root`` (and of its source root, e.g. ``src``)."""
    found: set[str] = set()
    for folder in {root, root / source_root, root / "src"}:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.is_dir() and (entry / "__init__.py").is_file():
                found.add(entry.name)
            elif entry.suffix == ".py" and entry.is_file():
                found.add(entry.stem)
    return found


def section_of(statement: Statement, ours: set[str]) -> str | None:
    """The isort section of an import line, or None for anything else."""
    if is_future_import(statement):
        return "future"
    if not is_import(statement):
        return None
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        if small.relative:
            return "local"
        module = dotted(small.module) if small.module is not None else ""
    else:
        assert isinstance(small, cst.Import)
        module = dotted(small.names[0].name)
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names:
        return "stdlib"
    return "firstparty" if top in ours else "thirdparty"


def sort_key(statement: Statement) -> tuple[bool, str]:
    """isort's order within a section (``force_sort_within_sections`` off): ``import x`` first, by module."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        dots = "." * len(small.relative)
        return True, (dots + (dotted(small.module) if small.module is not None else "")).lower()
    assert isinstance(small, cst.Import)
    return False, dotted(small.names[0].name).lower()


def insert_import(body: Sequence[Statement], line: Statement, ours: set[str], comment: str = "") -> list[Statement]:
    """``body`` with the import ``line`` in its section of the leading imports, sorted, ``comment`` above it."""
    body = list(body)
    section = section_of(line, ours)
    assert section is not None, "only an import line is placed by section"
    rank = SECTIONS.index(section)
    key = sort_key(line)
    region = _leading_region(body)
    placed = [(i, section_of(body[i], ours)) for i in region]
    placed = [(i, s) for i, s in placed if s is not None]
    comments = (cst.EmptyLine(comment=cst.Comment(comment)),) if comment else ()
    same = [i for i, s in placed if s == section]
    if same:
        after = next((i for i in same if sort_key(body[i]) > key), None)
        if after is not None:
            # it takes the place of the line it precedes, with the blank line and any section
            # comment above it (``# third party``)
            follower = body[after]
            body[after] = follower.with_changes(leading_lines=())
            body.insert(after, line.with_changes(leading_lines=(*follower.leading_lines, *comments)))
            return body
        at = same[-1] + 1
        body.insert(at, line.with_changes(leading_lines=comments))
        return body
    before = [i for i, s in placed if SECTIONS.index(s) < rank]
    at = (before[-1] + 1) if before else (region[0] if region else preamble_end(body))
    blank = (cst.EmptyLine(),) if at > 0 else ()
    body.insert(at, line.with_changes(leading_lines=(*blank, *comments)))
    following = at + 1
    if following < len(body) and not any(x.comment is None for x in body[following].leading_lines):
        # the section after it stays apart
        body[following] = body[following].with_changes(leading_lines=(cst.EmptyLine(), *body[following].leading_lines))
    return body


def _leading_region(body: list[Statement]) -> list[int]:
    """Indexes of the leading imports: import lines, and the import-only blocks among them."""
    found: list[int] = []
    for i in range(preamble_end(body), len(body)):
        statement = body[i]
        if is_import(statement) or is_type_checking_block(statement) or _import_block(statement):
            found.append(i)
            continue
        if is_dunder_assignment(statement):
            continue  # ``__docformat__ = ...`` may sit among them (PEP 8 puts it above)
        break
    return found


def _import_block(statement: Statement) -> bool:
    """A ``try:``/``if`` block holding imports only (a fallback import)."""
    if isinstance(statement, cst.Try):
        parts = [statement.body, *(h.body for h in statement.handlers)]
    elif isinstance(statement, cst.If):
        parts = [statement.body] + ([statement.orelse.body] if statement.orelse is not None else [])
    else:
        return False
    lines = [s for part in parts for s in suite_statements(part)]
    return bool(lines) and all(
        is_import(s)
        or (isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, (cst.Pass, cst.Assign)) for x in s.body))
        for s in lines
    )
