"""Conventions of a package that forbid adding a module to it, detected from its modules.

Found in a blind review of merged splits, and detected generally, never by name:

- **A plugin folder**: most modules of the folder define the same top-level entry
  function (``makeExtension`` in Markdown's ``extensions/``, ``setup`` or ``register``
  elsewhere). Every module there is loadable by name as a plugin; a new one is a broken
  plugin users can ask for.
- **A generated module**: its header says a program writes it; the next run of the
  generator would undo the split (pycparser's ``c_ast.py``).
- **Code kept as a copy of another project's**: its header says it is a fork of, or
  copied, ported or vendored from, code elsewhere, or it sits in a vendoring folder
  (``_vendor``, ``third_party``). Its maintainers keep it close to the original so that
  changes there can be ported (libcst's fork of parso's tokenizer): change it there.
- **Standalone modules**: no module of the package imports a sibling (an import inside
  ``try: ... except ImportError:`` is optional and does not count, as boltons does it).
  Each module is meant to be copied alone; a split that makes one import a new sibling
  breaks that.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from gitupgrade.refactor.strategies.imports import resolve_relative
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace

# fewer modules than this make no convention, only a coincidence
_MIN_PLUGINS = 3
_MIN_STANDALONE = 5
# a header that says the file is written by a program, beside the ``@generated`` marker
_GENERATED = re.compile(r"auto(?:matically)?[- ]generated|generated (?:by|from)|do not (?:edit|modify)", re.I)
_HEADER_LINES = 30
# a header that says the module is another project's code, kept as a copy
_COPIED = re.compile(
    r"\bfork(?:ed)?\s+(?:of|from)\b|\b(?:copied|borrowed|ported)\s+(?:\w+\s+)?from\b"
    r"|^[\W_]*(?:code\s+)?(?:taken|adapted)\s+from\b",
    re.I | re.M,
)
_VENDOR_FOLDERS = frozenset({"_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty", "externals"})


def split_refusal(ws: Workspace, source: ModuleSource) -> str | None:
    """Why ``source`` may not be split into new modules: it is generated, or its package forbids them."""
    generated = _GENERATED.search("\n".join(source.text.splitlines()[:_HEADER_LINES]))
    if generated:
        return f"the module says it is generated ({generated.group(0)!r}): change its generator"
    return copy_refusal(source) or convention_refusal(ws, source)


def copy_refusal(source: ModuleSource) -> str | None:
    """Why ``source``, another project's code kept as a copy, is changed where it comes from, or None."""
    vendoring = _VENDOR_FOLDERS.intersection(PurePosixPath(source.path).parts[:-1])
    if vendoring:
        return f"the module is in a vendoring folder ({sorted(vendoring)[0]}/): change it where it comes from"
    copied = _COPIED.search(_header(source.text))
    if copied:
        said = re.sub(r"^[\W_]+", "", copied.group(0))
        return f"the module says it is a copy ({said!r}): change it where it comes from"
    return None


def _header(text: str) -> str:
    """The comments and docstring a module opens with, before its first statement."""
    lines = text.splitlines()
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return ""
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        first = body[1] if len(body) > 1 else None  # the docstring is header
    end = first.lineno - 1 if first is not None else len(lines)
    return "\n".join(lines[: min(end, _HEADER_LINES * 3)])


def convention_refusal(ws: Workspace, source: ModuleSource) -> str | None:
    """Why no module may be added beside ``source``, or None."""
    folder = ws.inside(str(PurePosixPath(source.path).parent))
    trees = _modules(p for p in folder.glob("*.py") if p.name != "__init__.py")
    # subpackages count as importers (docutils' writers/html5_polyglot imports writers/_html_base)
    packages = _modules(p / "__init__.py" for p in folder.iterdir() if (p / "__init__.py").is_file())
    return _plugin_folder(source, trees) or _standalone(source, folder, trees, packages)


def _modules(paths: Iterable[Path]) -> dict[str, ast.Module]:
    """The parsed modules by name (a package's ``__init__`` by its folder's); ones that do not parse are left out."""
    found: dict[str, ast.Module] = {}
    for path in sorted(paths):
        name = path.parent.name if path.name == "__init__.py" else path.stem
        if path.name == "__init__.py" and not path.parent.name.isidentifier():
            continue
        try:
            found[name] = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
    return found


def _plugin_folder(source: ModuleSource, trees: dict[str, ast.Module]) -> str | None:
    if len(trees) < _MIN_PLUGINS:
        return None
    entries: Counter[str] = Counter()
    entry_kinds = (ast.FunctionDef, ast.ClassDef)  # ``makeExtension()``, or a ``Writer`` class per module (docutils)
    for tree in trees.values():
        entries.update({n.name for n in tree.body if isinstance(n, entry_kinds) and not n.name.startswith("_")})
    if not entries:
        return None
    entry, count = entries.most_common(1)[0]
    if count < _MIN_PLUGINS or 2 * count <= len(trees):
        return None
    folder = PurePosixPath(source.path).parent
    return (
        f"{folder} is a plugin folder ({count} of its {len(trees)} modules define {entry}): "
        f"every module there is loadable by name, a new one would be a plugin too"
    )


def _standalone(
    source: ModuleSource, folder: Path, trees: dict[str, ast.Module], packages: dict[str, ast.Module]
) -> str | None:
    if len(trees) < _MIN_STANDALONE or not (folder / "__init__.py").is_file():
        return None
    package = source.package
    siblings = set(trees) | set(packages)
    for name, tree in trees.items():
        if _sibling_imports(tree, package, siblings - {name}):
            return None
    for name, tree in packages.items():
        # a subpackage's relative imports resolve inside itself: ``from .._html_base import``
        if _sibling_imports(tree, f"{package}.{name}", siblings - {name}, package):
            return None
    return (
        f"no module of {package} imports another (each is meant to be copied alone): "
        f"a new module beside {source.stem} would make it depend on a sibling"
    )


def _sibling_imports(tree: ast.Module, within: str, siblings: set[str], package: str = "") -> bool:
    """True when the module imports one of ``siblings`` of ``package`` outside an ``except ImportError`` fallback.

    ``within``: the package the module's relative imports resolve against (``package`` unless given).
    """
    package = package or within
    optional = {
        id(node)
        for handler_owner in ast.walk(tree)
        if isinstance(handler_owner, ast.Try) and _catches_import_error(handler_owner)
        for statement in handler_owner.body
        for node in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(within, node.level, node.module)
            if base == package and {a.name for a in node.names} & siblings:
                return True
            if base.startswith(f"{package}.") and base[len(package) + 1 :].split(".")[0] in siblings:
                return True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(f"{package}.") and alias.name[len(package) + 1 :].split(".")[0] in siblings:
                    return True
    return False


def _catches_import_error(node: ast.Try) -> bool:
    names = set()
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names |= {ast.unparse(k).rpartition(".")[2] for k in kinds if k is not None}
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception"})
