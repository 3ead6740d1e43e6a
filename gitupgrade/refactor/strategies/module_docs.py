"""The docstring of a module a god module split creates: what the module is for, or none.

A reviewer rejects a generated docstring that lists the names that moved or the words
they share ("Python and node code", "``a``, ``b`` and 3 more definitions, split out of
``m``"): it says nothing the code does not. The sentence comes from the concept, in this
order: the section comment the group sits under (``# --- SKU helpers ---`` -> "SKU
helpers."), the summary line of the class or function the group is made of, the noun
its name was made from with what kind of definitions it holds ("Cache classes."). When
none of these exists the module gets no docstring rather than filler.
"""

from __future__ import annotations

import re

import libcst as cst

from gitupgrade.refactor.strategies.naming import words
from gitupgrade.refactor.strategies.toplevel import TopLevel

# ``# --- SKU helpers ---``, ``### Parsing``, ``# ==== Caches ====``: a comment that heads a section
_DECORATION = re.compile(r"^#\s*(?:[-=#*~]{2,}\s*)?(?P<title>[A-Za-z][\w ,'&/()-]*?)\s*(?:[-=#*~]{2,})?\s*$")
_MAX_TITLE_WORDS = 6


def module_docstring(statements: list[TopLevel], lead: str, stem: str, width: int) -> str:
    """The docstring source of a new module holding ``statements`` ('' for none), at most ``width`` wide."""
    for sentence in (_section(statements), _summary(statements, lead), _noun(statements, stem)):
        if sentence:
            text = f'"""{sentence}"""'
            if len(text) <= width:
                return text + "\n"
    return ""


def _section(statements: list[TopLevel]) -> str:
    """The title of the one section comment the group sits under, as a sentence, or ''.

    A header counts when it is decorated (``---``, ``===``, ``##``) or stands apart from
    the code below it by a blank line, and when the statements under it are most of the group.
    """
    found: list[tuple[int, str]] = []
    for position, statement in enumerate(statements):
        lines = list(getattr(statement.node, "leading_lines", ()))
        for at, line in enumerate(lines):
            if line.comment is None:
                continue
            match = _DECORATION.match(line.comment.value)
            decorated = match is not None and match.group("title") != line.comment.value.lstrip("# ").rstrip()
            apart = at + 1 < len(lines) and lines[at + 1].comment is None
            if match and (decorated or apart) and len(match.group("title").split()) <= _MAX_TITLE_WORDS:
                found.append((position, match.group("title")))
    if len(found) != 1:
        return ""  # none, or the group spans sections: one title does not cover it
    position, title = found[0]
    if 2 * (len(statements) - position) < len(statements):
        return ""
    return _sentence(title)


def _summary(statements: list[TopLevel], lead: str) -> str:
    """The summary line of the lead definition's docstring, naming it, or ''."""
    node = next((s.node for s in statements if s.name == lead and s.is_definition), None)
    if not lead or not isinstance(node, (cst.ClassDef, cst.FunctionDef)):
        return ""
    docstring = node.get_docstring(clean=True)
    first = docstring.strip().split("\n\n")[0].replace("\n", " ") if docstring else ""
    first = re.split(r"(?<=\.)\s", first)[0].strip()
    if not first or ">>>" in first or len(first.split()) < 3:
        kind = "class" if isinstance(node, cst.ClassDef) else "function"
        return f"The ``{lead}`` {kind}" + (" and its helpers." if len(statements) > 1 else ".")
    if first.split()[0].strip("`:,") == lead:
        return _sentence(first)
    if first[:1].isupper() and not first[1:2].isupper():
        first = first[0].lower() + first[1:]
    return _sentence(f"``{lead}``: {first}")


def _noun(statements: list[TopLevel], stem: str) -> str:
    """'Cache classes.', 'Sku functions.': the word the module is named after and what it holds, or ''."""
    said = [w for w in words(stem) if w not in {"constants", "mixin"}]
    if stem.endswith("_constants") and all(not s.is_definition for s in statements):
        return "Constants shared by the module they were split from and the modules beside it."
    if not said:
        return ""
    noun = said[-1]
    public = [s for s in statements if s.is_definition and not s.name.startswith("_")] or statements
    saying = sum(1 for s in public if any(w.startswith(noun[:4]) for w in words(s.name)))
    if 3 * saying < 2 * len(public):
        return ""  # ``_split_opt`` with ``_ParsingState`` are no "split helpers"
    classes = sum(isinstance(s.node, cst.ClassDef) for s in public)
    functions = sum(isinstance(s.node, cst.FunctionDef) for s in public)
    kind = "classes" if classes == len(public) else "functions" if functions == len(public) else "helpers"
    return _sentence(f"{noun} {kind}")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(":;,")
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
