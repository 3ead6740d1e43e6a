"""Module names of files and the resolution of import statements to files of the repository.

A file's dotted name is its path without ``.py`` (``__init__`` names its package),
after dropping a leading ``src/`` source root. Flat layouts, ``src/`` layouts,
namespace packages and relative imports resolve the way the interpreter would
with the repository root (or ``src/``) on ``sys.path``; a script directory that
is not a package also finds its sibling modules by their bare names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gitupgrade.analysis.facts import ImportFacts, ModuleFacts

SOURCE_ROOTS = ("src/",)


def module_name(path: str, paths: frozenset[str] | set[str] = frozenset()) -> str:
    """The dotted module name of a repository-relative ``.py`` path."""
    stem = path.removesuffix(".py")
    for root in SOURCE_ROOTS:
        # src/ is a source root unless it is itself a package.
        if stem.startswith(root) and f"{root}__init__.py" not in paths:
            stem = stem[len(root) :]
            break
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@dataclass(frozen=True, slots=True)
class ResolvedImport:
    """One import statement's target inside the repository."""

    imported: str
    names: tuple[str, ...]
    imports_module: bool  # every imported name is itself a module (``from pkg import sub``)


class ModuleIndex:
    """Module names of a set of files, and import resolution against them."""

    def __init__(self, paths: Iterable[str]) -> None:
        path_set = set(paths)
        self.name_of: dict[str, str] = {}
        self.path_of: dict[str, str] = {}
        for path in sorted(path_set):
            name = module_name(path, path_set)
            # Two files with one name (a.py and a/__init__.py): the package wins, as in Python.
            if name and (name not in self.path_of or path.endswith("__init__.py")):
                self.path_of[name] = path
            self.name_of[path] = name
        self._package_dirs = {p.rsplit("/", 1)[0] for p in path_set if p.endswith("/__init__.py")}

    def is_package(self, path: str) -> bool:
        """Whether ``path`` is a package's ``__init__.py``."""
        return path.endswith("__init__.py")

    def resolve(self, importer_path: str, imp: ImportFacts) -> Iterator[ResolvedImport]:
        """The repository modules one import statement loads (nothing for third-party imports)."""
        target = self.absolute(importer_path, imp)
        if target is None:
            return
        if not imp.names:  # import a.b.c: the deepest module of the repository on that path
            name = self.longest_module(target, importer_path)
            if name is not None:
                yield ResolvedImport(name, (), True)
            return
        plain: list[str] = []
        for name in imp.names:
            submodule = self.find(f"{target}.{name}" if target else name, importer_path)
            if submodule is not None and name != "*":
                yield ResolvedImport(submodule, (name,), True)
            else:
                plain.append(name)
        if plain and target:
            found = self.find(target, importer_path)
            if found is not None:
                yield ResolvedImport(found, tuple(plain), False)

    def absolute(self, importer_path: str, imp: ImportFacts) -> str | None:
        """The absolute dotted name an import statement names (None beyond the top-level package)."""
        if imp.level == 0:
            return imp.module
        importer = self.name_of.get(importer_path, "")
        parts = importer.split(".") if importer else []
        if not self.is_package(importer_path):
            parts = parts[:-1]
        up = imp.level - 1
        if up > len(parts):
            return None  # beyond the top-level package: an ImportError at runtime
        base = parts[: len(parts) - up]
        return ".".join([*base, imp.module] if imp.module else base)

    def find(self, name: str, importer_path: str) -> str | None:
        """The repository module of a dotted name, as seen from ``importer_path`` (None when not ours)."""
        if name in self.path_of:
            return name
        # A script directory (not a package) sits on sys.path when its scripts run.
        directory = importer_path.rsplit("/", 1)[0] if "/" in importer_path else ""
        if directory and directory not in self._package_dirs:
            local = module_name(f"{directory}/{name.replace('.', '/')}.py")
            if local in self.path_of:
                return local
        return None

    def longest_module(self, dotted: str, importer_path: str) -> str | None:
        """The deepest repository module on the dotted path ``a.b.c`` (None when none is ours)."""
        parts = dotted.split(".")
        for size in range(len(parts), 0, -1):
            found = self.find(".".join(parts[:size]), importer_path)
            if found is not None:
                return found
        return None


def build_index(facts: Iterable[ModuleFacts]) -> ModuleIndex:
    """The module index of a set of files."""
    return ModuleIndex(f.path for f in facts)
