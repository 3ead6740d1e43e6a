"""Per-module facts: what one file says about itself (see ``extract`` for how they are made).

Facts depend only on a file's bytes (and the clone window size), so they are
cached by blob id. Everything that needs other files (module names, the import
graph, clones across files) is computed later from these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Bump when the shape or meaning of the facts changes: old cache rows are ignored.
FACTS_VERSION = 8


@dataclass(slots=True)
class ImportFacts:
    """One import statement (one row per imported module or name group)."""

    line: int
    kind: str  # "module" | "function" | "type_checking"
    statement: str  # source text, whitespace collapsed
    module: str  # dotted name as written (may be "" for ``from . import x``)
    level: int  # relative import dots; 0 for absolute
    names: tuple[str, ...]  # imported names of ``from x import a, b``; () for ``import x``
    bound: tuple[str, ...]  # local names the statement binds
    uses: int = 0  # loads of the bound names anywhere in the module
    module_level_use: bool = False  # a bound name is read while the module executes


@dataclass(slots=True)
class FunctionFacts:
    """A function or method: size, McCabe complexity, nesting and its clone fingerprint."""

    name: str  # qualified name within the module, e.g. ``Class.method``
    line: int
    end_line: int
    lines: int
    complexity: int
    nesting: int
    body_start: int
    exact: str = ""  # fingerprint of the body text ("" when too short to matter)
    renamed: str = ""  # fingerprint with identifiers and literals normalised


@dataclass(slots=True)
class ClassFacts:
    """A class: size, methods and LCOM4 cohesion (connected groups of methods)."""

    name: str
    line: int
    end_line: int
    lines: int
    methods: int
    lcom4: int


class Step(NamedTuple):
    """One event of a module's top-level execution, in order.

    ``bind``: the module binds ``names``; ``import``: the import statement(s) of ``line``
    run (and bind what they import); ``local_import``: the same in a class body, binding
    nothing at module level; ``read``: the attribute chain ``names`` (root first, e.g.
    ``("pkg", "helpers", "X")``) is read.
    """

    kind: str
    line: int
    names: tuple[str, ...] = ()


class BlockFacts(NamedTuple):
    """A run of sibling statements spanning at least the clone window, fingerprinted.

    A tuple rather than a dataclass: there are tens of thousands per repository and
    they are loaded from the cache on every scan.
    """

    start: int
    end: int
    exact: str
    renamed: str
    run: int  # windows of one statement run share this number (consecutive windows extend a clone)


@dataclass(slots=True)
class ModuleFacts:
    """Everything the analyzer knows about one file by itself."""

    path: str
    blob_id: str
    analyzable: bool
    reason: str = ""
    generated: bool = False
    total_lines: int = 0
    definitions: int = 0
    complexity_score: float = 0.0
    classes: list[ClassFacts] = field(default_factory=list)
    functions: list[FunctionFacts] = field(default_factory=list)
    imports: list[ImportFacts] = field(default_factory=list)
    blocks: list[BlockFacts] = field(default_factory=list)
    # the top level in the order it runs, for the import-order model (see ``exec_order``)
    steps: list[Step] = field(default_factory=list)
    dynamic: bool = False  # binds names the model cannot see (``globals()``, ``exec``)
    all_names: tuple[str, ...] | None = None  # a literal ``__all__``

    def to_row(self) -> list[Any]:
        """Compact plain data for the cache (positional, so loading is cheap)."""
        return [
            self.analyzable,
            self.reason,
            self.generated,
            self.total_lines,
            self.definitions,
            self.complexity_score,
            [[c.name, c.line, c.end_line, c.lines, c.methods, c.lcom4] for c in self.classes],
            [
                [f.name, f.line, f.end_line, f.lines, f.complexity, f.nesting, f.body_start, f.exact, f.renamed]
                for f in self.functions
            ],
            [
                [
                    i.line,
                    i.kind,
                    i.statement,
                    i.module,
                    i.level,
                    list(i.names),
                    list(i.bound),
                    i.uses,
                    i.module_level_use,
                ]
                for i in self.imports
            ],
            [list(b) for b in self.blocks],
            [[s.kind, s.line, list(s.names)] for s in self.steps],
            self.dynamic,
            None if self.all_names is None else list(self.all_names),
        ]

    @classmethod
    def from_row(cls, path: str, blob_id: str, row: list[Any]) -> ModuleFacts:
        """The inverse of :meth:`to_row`."""
        analyzable, reason, generated, total, definitions, score, classes, functions, imports, blocks = row[:10]
        steps, dynamic, all_names = row[10:13]
        return cls(
            path,
            blob_id,
            analyzable,
            reason,
            generated,
            total,
            definitions,
            score,
            [ClassFacts(*c) for c in classes],
            [FunctionFacts(*f) for f in functions],
            [ImportFacts(i[0], i[1], i[2], i[3], i[4], tuple(i[5]), tuple(i[6]), i[7], i[8]) for i in imports],
            list(map(BlockFacts._make, blocks)),
            [Step(kind, line, tuple(names)) for kind, line, names in steps],
            dynamic,
            None if all_names is None else tuple(all_names),
        )


def unanalyzable(path: str, blob_id: str, reason: str) -> ModuleFacts:
    """Facts of a file we cannot read as Python, with the reason."""
    return ModuleFacts(path, blob_id, analyzable=False, reason=reason)
