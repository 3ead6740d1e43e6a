"""The Sphinx ``auto*`` directives of a project's docs, read from its reStructuredText and MyST files.

The public-surface check asks the project's interpreter which members each directive
would render before and after an upgrade (:mod:`.surface_probe`); this module finds the
directives: ``.. automodule:: X`` and its kin with their options, under ``docs/`` or
``doc/``, in ``.rst`` files and in ``.md`` files (``{eval-rst}`` blocks and MyST
directive fences), with ``currentmodule``/``module`` giving relative targets their module
and ``autodoc_default_options`` in ``conf.py`` their default options.

:func:`add_directive_option` is the deliberate way to keep coverage when members move:
a strategy that moves methods into a mixin adds ``:inherited-members:`` to the class's
``autoclass``.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

DOC_DIRS = ("docs", "doc")
# Docs are read for names only; a project with more files than this is read in part.
_MAX_DOC_FILES = 2000
_KINDS = "module|class|exception|function|data|method|attribute|decorator"
# ``.. autoclass:: pkg.Name(args) -> result``: the signature, when given, is not part of the target
_DIRECTIVE = re.compile(
    rf"^(?P<indent>\s*)\.\.\s+(?:py:)?auto(?P<kind>{_KINDS})::\s*(?P<target>[\w.]+)(?:\(.*\))?(?:\s*->.*)?\s*$"
)
_CONTEXT = re.compile(r"^\s*\.\.\s+(?:py:)?(?:currentmodule|module)::\s*(?P<module>\S+)\s*$")
_OPTION = re.compile(r"^(?P<indent>\s+):(?P<name>[\w-]+):\s*(?P<value>.*?)\s*$")
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*?)\s*$")
_MAX_DIRECTIVES = 2000


def doc_texts(workdir: Path) -> Iterator[tuple[Path, str]]:
    """``(path, text)`` of each reStructuredText, Markdown or text file under the docs folders."""
    paths = (p for folder in DOC_DIRS if (workdir / folder).is_dir() for p in sorted((workdir / folder).rglob("*")))
    yield from _readable(p for p in paths if p.suffix in (".rst", ".md", ".txt"))


def _readable(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    for path in paths:
        if not path.is_file():
            continue
        try:
            yield path, path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue


def documented_values(workdir: Path, values: dict[str, list[str]]) -> list[str]:
    """The ``module.NAME`` of ``values`` (per module) that the docs or README name: settings users are told of."""
    readmes = _readable(sorted(workdir.glob("README*")))
    wanted = {f"{module}.{name}" for module, names in values.items() for name in names}
    found: set[str] = set()
    for _, text in itertools.islice(itertools.chain(doc_texts(workdir), readmes), _MAX_DOC_FILES):
        found |= {dotted for dotted in wanted if dotted in text}
    return sorted(found)


def find_directives(workdir: Path) -> dict[str, dict[str, Any]]:
    """``{key: {"kind", "target", "options"}}`` of every auto directive in the docs (key names the file)."""
    defaults = default_options(workdir)
    found: dict[str, dict[str, Any]] = {}
    for path, text in doc_texts(workdir):
        rst = myst_to_rst(text) if path.suffix == ".md" else text
        where = path.relative_to(workdir).as_posix()
        for kind, target, options in parse_rst(rst):
            key = f"{where}: auto{kind} {target}"
            while key in found:
                key += "'"
            found[key] = {"kind": kind, "target": target, "options": {**defaults, **options}}
            if len(found) >= _MAX_DIRECTIVES:
                return found
    return found


def parse_rst(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """``(kind, absolute target, options)`` of each auto directive in reStructuredText."""
    lines = text.splitlines()
    current: str | None = None
    enclosing: tuple[int, str] | None = None
    found = []
    for index, line in enumerate(lines):
        context = _CONTEXT.match(line)
        if context:
            current = None if context["module"] == "None" else context["module"]
            continue
        match = _DIRECTIVE.match(line)
        if not match:
            continue
        kind, target = match["kind"], match["target"]
        indent = len(match["indent"])
        options = {found["name"]: found["value"] for _, found in _option_lines(lines, index + 1, indent)}
        if kind == "module":
            current = target
        elif _in_class(kind, target, indent, enclosing):
            assert enclosing is not None
            target = f"{enclosing[1]}.{target}"  # nested in an autoclass: a member of that class
        else:
            target = _absolute(kind, target, current)
        if kind in ("class", "exception"):
            enclosing = (indent, target)
        found.append((kind, target, options))
    return found


def _in_class(kind: str, target: str, indent: int, enclosing: tuple[int, str] | None) -> bool:
    """Whether a method or attribute directive names a member of the autoclass it is nested in."""
    return kind in ("method", "attribute") and "." not in target and enclosing is not None and enclosing[0] < indent


def _absolute(kind: str, target: str, current: str | None) -> str:
    # autodoc takes a dotted path as the module for classes and functions, and the part
    # before the last dot as the class for methods and attributes.
    dots = target.count(".")
    relative = dots == 0 or (kind in ("method", "attribute") and dots == 1)
    return f"{current}.{target}" if relative and current else target


def myst_to_rst(text: str) -> str:
    """The reStructuredText a MyST file holds: its ``{eval-rst}`` blocks and ``{auto*}`` fences."""
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index].strip())
        index += 1
        if not fence:
            continue
        body = []
        while index < len(lines) and lines[index].strip() != fence["fence"]:
            body.append(lines[index])
            index += 1
        index += 1
        name = fence["name"].removeprefix("py:")
        if name == "eval-rst":
            out += body
        elif name.startswith("auto") or name in ("currentmodule", "module"):
            out.append(f".. {name}:: {fence['arg']}")
            out += ["   " + line.strip() for line in body if line.strip().startswith(":")]
        out.append("")
    return "\n".join(out)


def default_options(workdir: Path) -> dict[str, str]:
    """``autodoc_default_options`` (or the older ``autodoc_default_flags``) of the docs' ``conf.py``."""
    for folder in DOC_DIRS:
        for conf in (workdir / folder / "conf.py", workdir / folder / "source" / "conf.py"):
            try:
                tree = ast.parse(conf.read_bytes())
            except (OSError, SyntaxError, ValueError):
                continue
            found = next((o for o in map(_default_options_set, tree.body) if o is not None), None)
            if found is not None:
                return found
    return {}


def _default_options_set(node: ast.stmt) -> dict[str, str] | None:
    """The options a ``conf.py`` statement sets as ``autodoc_default_options`` (or ``_flags``), else None."""
    if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
        return None
    try:
        value = ast.literal_eval(node.value)
    except ValueError:
        return None
    if node.targets[0].id == "autodoc_default_options" and isinstance(value, dict):
        return {str(k): "" if v in (None, True) else str(v) for k, v in value.items() if v is not False}
    if node.targets[0].id == "autodoc_default_flags" and isinstance(value, list):
        return {str(flag): "" for flag in value}
    return None


def add_directive_option(text: str, kind: str, target: str, option: str) -> str:
    """``text`` with ``:option:`` added to each ``.. auto<kind>:: target`` that lacks it.

    The deliberate way to keep a directive's members when a strategy moves them, e.g.
    ``add_directive_option(api_rst, "class", "pkg.Host", "inherited-members")`` after
    methods of ``Host`` moved into a mixin. Line endings are kept.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        match = _DIRECTIVE.match(line.rstrip("\r\n"))
        if not match or match["kind"] != kind or match["target"] != target:
            continue
        newline = line[len(line.rstrip("\r\n")) :] or "\n"
        options = _option_lines(lines, index, len(match["indent"]))
        out += [lines[i] for i, _ in options]
        index += len(options)
        if not any(found["name"] == option for _, found in options):
            indent = options[-1][1]["indent"] if options else match["indent"] + "   "
            out.append(f"{indent}:{option}:{newline}")
    return "".join(out)


def _option_lines(lines: list[str], start: int, indent: int) -> list[tuple[int, re.Match[str]]]:
    """(index, match) of the ``:name: value`` option lines from ``start`` indented deeper than ``indent``
    (the options of a directive indented ``indent``; ``lines`` with or without their line endings)."""
    found = []
    for index in range(start, len(lines)):
        option = _OPTION.match(lines[index].rstrip("\r\n"))
        if not option or len(option["indent"]) <= indent:
            break
        found.append((index, option))
    return found
