"""Which imports of a cycle fail at import time: the interpreter's import order, replayed.

A fresh interpreter asked for ``pkg.mod`` runs ``pkg/__init__.py`` to its end first, then
``pkg/mod.py``. A module's top level runs statement by statement; an import of a module
not started yet runs that module at once, to its end, before the importer goes on. A
module still running sits in ``sys.modules`` with only the names bound so far, so
``from pkg import X`` fails in a module it imports when ``X`` is not bound yet, and so does
``pkg.X`` read at module level. A submodule still running is found all the same (Python
3.7+ looks in ``sys.modules``), and a package gets a submodule's name only once that
submodule has finished.

The replay runs over each module's execution steps (:mod:`gitupgrade.analysis.exec_order`),
once per entry point: each module of a cycle imported first in a fresh interpreter.
Entry points that replay the same (``pkg.sub``, when importing ``pkg`` already ran it)
are replayed once. What the model cannot see counts as bound (a star import of a
third-party module, a namespace written through ``globals()``, a module ``__getattr__``):
a failure is reported only where the source shows the name is missing when it is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gitupgrade.analysis.facts import ImportFacts, ModuleFacts, Step
from gitupgrade.analysis.modules import ModuleIndex

_RUNNING, _DONE = 1, 2
# local name -> (the module it names, the module its import edge leads to, the import's line)
_Aliases = dict[str, tuple[str, str, int]]


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """A name read from a module that is still importing, before that module binds it."""

    entry: str  # the module imported first
    importer: str
    imported: str  # where the failing import statement leads (its edge of the graph)
    line: int  # the import statement's line
    owner: str  # the module still importing, without the name yet
    name: str
    read_line: int  # where the name is read (the import's line for ``from x import name``)

    def describe(self) -> str:
        """Which import order fails and why, in one line."""
        where = f"line {self.line}" if self.read_line == self.line else f"line {self.read_line}"
        return (
            f"importing {self.entry} first fails: {self.importer} {where} needs {self.owner}.{self.name} "
            f"while {self.owner} is still importing and has not bound it"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the cycle's evidence."""
        return {
            "entry": self.entry,
            "importer": self.importer,
            "imported": self.imported,
            "line": self.line,
            "owner": self.owner,
            "name": self.name,
            "read_line": self.read_line,
            "why": self.describe(),
        }


def import_failures(facts: Iterable[ModuleFacts], index: ModuleIndex, entries: Iterable[str]) -> list[ImportFailure]:
    """The failures of importing each of ``entries`` first in a fresh interpreter, each once."""
    by_path = {f.path: f for f in facts if f.analyzable}
    modules = {name: by_path[path] for name, path in index.path_of.items() if path in by_path}
    found: list[ImportFailure] = []
    seen: set[tuple[str, int, str, str]] = set()
    ran: dict[str, set[str]] = {}
    for entry in sorted(set(entries), key=lambda m: (m.count("."), m)):
        parent = entry.rpartition(".")[0]
        if entry in ran.get(parent, ()):
            continue  # importing the parent alone already ran it: the very same replay
        replay = _Replay(modules, index, entry)
        replay.run()
        ran[entry] = set(replay.state)
        for failure in replay.failures:
            key = (failure.importer, failure.read_line, failure.owner, failure.name)
            if key not in seen:
                seen.add(key)
                found.append(failure)
    return found


class _Replay:
    """One fresh interpreter importing ``entry`` first."""

    def __init__(self, modules: Mapping[str, ModuleFacts], index: ModuleIndex, entry: str) -> None:
        self.modules = modules
        self.index = index
        self.entry = entry
        self.state: dict[str, int] = {}
        self.bound: dict[str, set[str]] = {}
        self.open: set[str] = set()
        self.failures: list[ImportFailure] = []

    def run(self) -> None:
        """Replay the import of the entry point, modules nested on an explicit stack (no recursion limit)."""
        stack: list[tuple[str | None, Iterator[str]]] = [(None, self._chain(self.entry))]
        while stack:
            module, steps = stack[-1]
            wanted = next(steps, None)
            if wanted is None:
                stack.pop()
                if module is not None:
                    self._finish(module)
            elif wanted not in self.state:
                self.state[wanted] = _RUNNING
                self.bound[wanted] = set()
                stack.append((wanted, self._execute(wanted)))

    def _chain(self, name: str) -> Iterator[str]:
        """The modules ``import name`` starts, outermost package first."""
        parts = name.split(".")
        for size in range(1, len(parts) + 1):
            prefix = ".".join(parts[:size])
            if prefix in self.modules and prefix not in self.state:
                yield prefix

    def _finish(self, module: str) -> None:
        self.state[module] = _DONE
        parent, _, last = module.rpartition(".")
        if parent in self.bound:
            self.bound[parent].add(last)  # the package gets its submodule's name only now

    def _is_open(self, module: str) -> bool:
        facts = self.modules.get(module)
        return facts is None or facts.dynamic or module in self.open or "__getattr__" in self.bound.get(module, set())

    def _execute(self, module: str) -> Iterator[str]:
        facts = self.modules[module]
        statements: dict[int, list[ImportFacts]] = defaultdict(list)
        for imp in facts.imports:
            if imp.kind == "module":
                statements[imp.line].append(imp)
        aliases: _Aliases = {}
        for step in facts.steps:
            if step.kind == "bind":
                self.bound[module].update(step.names)
                for name in step.names:
                    aliases.pop(name, None)
            elif step.kind == "read":
                self._read(module, step, aliases)
            else:
                for imp in statements.get(step.line, ()):
                    yield from self._import(module, facts.path, imp, aliases, step.kind == "import")

    def _import(self, module: str, path: str, imp: ImportFacts, aliases: _Aliases, binds: bool) -> Iterator[str]:
        target = self.index.absolute(path, imp)
        if target is None:
            return
        bound = self.bound[module] if binds else set()
        if not imp.names:  # import a.b.c [as x]
            deepest = self.index.longest_module(target, path)
            bound.update(imp.bound)
            if deepest is None:
                return
            yield from self._chain(deepest)
            local, root = imp.bound[0], target.partition(".")[0]
            named = self.index.find(root, path) if "." in target and local == root else deepest
            if binds and named is not None:
                aliases[local] = (named, deepest, imp.line)
            return
        base = self.index.find(target, path) if target else None
        subs = {n: self.index.find(f"{target}.{n}" if target else n, path) for n in imp.names if n != "*"}
        if base is None and not any(subs.values()):  # a third-party module
            bound.update(imp.bound)
            if "*" in imp.names:
                self.open.add(module)
            return
        if base is not None:
            yield from self._chain(base)
        if "*" in imp.names:
            bound.update(self._star(module, base))
            return
        for name, local in zip(imp.names, imp.bound, strict=True):
            sub = subs.get(name)
            if base is not None and (name in self.bound[base] or self._is_open(base)):
                named = sub  # the package's attribute: the finished submodule, or a name it bound
            elif sub is not None:
                yield from self._chain(sub)
                named = sub
            else:
                named = None
                if base is not None and self.state.get(base) == _RUNNING:
                    self._fail(module, base, imp.line, base, name, imp.line)
            bound.add(local)
            aliases.pop(local, None)
            if binds and named is not None:
                aliases[local] = (named, named, imp.line)

    def _star(self, module: str, base: str | None) -> set[str]:
        """What ``from base import *`` binds now: its ``__all__`` once bound, else its public names so far."""
        if base is None or self._is_open(base):
            self.open.add(module)
        if base is None:
            return set()
        names = self.bound[base]
        listed = self.modules[base].all_names
        if "__all__" in names and listed is not None:
            return set(listed)
        return {n for n in names if not n.startswith("_")}

    def _read(self, module: str, step: Step, aliases: _Aliases) -> None:
        """A module-level read of ``alias.attr...``: each module on the way must have bound the next name."""
        named = aliases.get(step.names[0])
        if named is None:
            return
        current, imported, line = named
        for attr in step.names[1:]:
            if self._is_open(current):
                return
            if attr in self.bound.get(current, set()):
                sub = self.index.find(f"{current}.{attr}", self.modules[current].path)
                if sub is None or self.state.get(sub) != _DONE:
                    return  # a plain object: what it holds is not the import system's business
                current = sub
                continue
            sub = self.index.find(f"{current}.{attr}", self.modules[current].path)
            # a package still running lacks the name; a finished one lacks only a submodule still running
            if self.state.get(current) == _RUNNING or (sub is not None and self.state.get(sub) == _RUNNING):
                self._fail(module, imported, line, current, attr, step.line)
            return

    def _fail(self, importer: str, imported: str, line: int, owner: str, name: str, read_line: int) -> None:
        self.failures.append(ImportFailure(self.entry, importer, imported, line, owner, name, read_line))
        # as if bound from here on: one missing name is one failure, not a cascade
        self.bound[owner].add(name)
