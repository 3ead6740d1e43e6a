"""circular_import: cut the ranked edges of an import cycle without changing behaviour.

For each edge to cut, in the analyzer's ranking, the
import statement leaves module level and each imported name goes where it is used:
names read only in annotations go under ``if TYPE_CHECKING:`` (with postponed
annotations, refused when something evaluates annotations at run time), names read
only inside functions are imported inside those functions. A name read at import
time (module level, class bodies, defaults, decorators), re-exported, or rebound
refuses the edge. The local rescan must show the cycle gone.

Only cycles that fail at import time are fixed: the scan's *unsafe* ones, where replaying
the interpreter's import order shows a name read from a module still importing before that
module binds it, for some module imported first. A cycle that imports fine, such as a
package that binds names before importing the submodule that takes them back, is
report-only: deferring its imports would hide a dependency for no failure it prevents.
Before changing anything, each module of the cycle is imported first in a fresh
interpreter of the project (:mod:`.cycle_probe`); when all import fine, the cycle is left
as it is. A comment above each deferred import says which import order fails, and why.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst.metadata import (
    ClassScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from gitupgrade.refactor.strategies import hazards
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy
from gitupgrade.refactor.strategies.cycle_probe import probe_imports
from gitupgrade.refactor.strategies.cycle_scope import precheck
from gitupgrade.refactor.strategies.imports import (
    find_cycle,
    module_graph,
    resolve_relative,
)
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import (
    add_future_annotations,
    dunder_all_values,
    ensure_type_checking,
    imports_end,
    insert_at_function_top,
    move_leading_lines,
)

if TYPE_CHECKING:
    from pathlib import Path

    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

Edge = dict[str, Any]
_PLAIN_DEFERRAL = "deferred: a module-level import would close an import cycle"
ImportNode = cst.Import | cst.ImportFrom


class CircularImportStrategy(RuleStrategy):
    """Break an import cycle with TYPE_CHECKING and deferred imports."""

    type = "circular_import"
    description = "move the cycle's cheapest imports under TYPE_CHECKING or into the functions using them"

    def workspace(self, workdir: Path, suggestion: Suggestion) -> Workspace:
        edge = (suggestion.evidence.get("cut") or suggestion.evidence["chain"])[0]
        return Workspace.for_module(workdir, edge["importer_path"], edge["importer"])

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        benign = precheck(suggestion)
        if benign:
            raise RefusedChange(benign)
        modules = list(evidence["cycle"])
        probe = probe_imports(ws.workdir, modules, config)
        if probe.all_fine:
            raise RefusedChange("the cycle imports fine from every entry point; left as it is")
        failures: list[dict[str, Any]] = list(evidence.get("failures") or [])
        outcome = Outcome()
        before = analyzer_cycles(ws, config)
        # the analyzer ranked the edges worth cutting; others of the chain are costlier by its measure
        ranked: list[Edge] = list(evidence.get("cut") or evidence.get("chain") or [])
        allowed = set(suggestion.affected_modules)
        for edge in ranked:
            if find_cycle(module_graph(ws, modules)) is None:
                break
            where = f"{edge['importer']} -> {edge['imported']} (line {edge['line']})"
            if edge.get("kind", "module") != "module":
                continue
            if edge["importer_path"] not in allowed:
                outcome.refusals.append(f"{where}: {edge['importer_path']} is not an affected module")
                continue
            try:
                outcome.summary.append(f"{where}: {cut_edge(ws, edge, deferral_comment(edge, failures))}")
            except RefusedChange as exc:
                outcome.refusals.append(f"{where}: {exc}")
        cycle = find_cycle(module_graph(ws, modules))
        if cycle is not None:
            reasons = "; ".join(outcome.refusals)
            if outcome.summary:
                # e.g. ``import a.b`` deferred while ``from a.b import c`` still runs a.b
                cut = "; ".join(outcome.summary)
                reasons = f"{reasons}; " if reasons else ""
                reasons += f"cutting {cut} is not enough: other module-level imports still make it"
            raise RefusedChange(f"cycle {' -> '.join(cycle)} remains: {reasons or 'no edge to cut'}")
        after = analyzer_cycles(ws, config)
        if before is not None and after is not None:
            if any(set(modules) <= found for found in after):
                raise RefusedChange("the analyzer still sees the cycle after the change")
            new = [found for found in after - before if found & set(modules)]
            if new:
                raise RefusedChange(f"the change makes a new cycle: {', '.join(sorted(new[0]))}")
        # the reviewer reads why the dependency moved: the failure it prevents
        outcome.summary.extend(f"fixes: {f['why']}" for f in failures[:3] if f.get("why"))
        return outcome


def deferral_comment(edge: Edge, failures: list[dict[str, Any]]) -> str:
    """The comment above a deferred import: the import order that fails at module level.

    One short line; the commit body says what was missing (``fixes: ...``).
    """
    own = [f for f in failures if f.get("importer") == edge["importer"] and f.get("line") == edge["line"]]
    if own or failures:
        return f"deferred: circular when {(own or failures)[0]['entry']} is imported first"
    return _PLAIN_DEFERRAL


def analyzer_cycles(ws: Workspace, config: Config) -> set[frozenset[str]] | None:
    """The module sets of the import cycles the analyzer reports for the work dir, if it is there."""
    try:
        from gitupgrade.analysis import ArchitectAnalyzer
    except ImportError:  # the local rescan above is then the only proof
        return None
    files = {path: (ws.workdir / path).read_bytes() for path in ws.python_files()}
    report = ArchitectAnalyzer(None, config).analyze_sources(files)
    return {frozenset(issue["cycle"]) for issue in report.global_issues.get("circular_imports", [])}


def cut_edge(ws: Workspace, edge: Edge, comment: str = _PLAIN_DEFERRAL) -> str:
    """Move one import out of module level; returns a summary line or raises RefusedChange.

    ``comment`` goes above each deferred import, wrapped to the project's line length.
    """
    source = ws.read(edge["importer_path"], edge["importer"])
    module = source.parse()
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    index, statement, node = _find_statement(module, source, edge, positions)
    moved = _edge_aliases(node, source, edge)
    assert not isinstance(node.names, cst.ImportStar)  # a star import binds no name an edge reads
    kept = [alias for alias in node.names if alias not in moved]

    global_scope = scopes[statement]
    assert isinstance(global_scope, GlobalScope)
    bindings = {_binding(alias) for alias in moved}
    exported = _dunder_all(module)
    if source.is_package:
        raise RefusedChange("a package __init__ may re-export what it imports")
    for name in sorted(bindings):
        if name in exported:
            raise RefusedChange(f"{name} is re-exported through __all__")
        if len(global_scope[name]) > 1:
            raise RefusedChange(f"{name} is bound more than once at module level")
    importers = _importers_of(ws, source, bindings)
    if importers:
        raise RefusedChange(f"{', '.join(sorted(importers))} import(s) it back from {source.module}")

    annotation_use, functions = _classify_uses(global_scope, node, bindings)
    if not annotation_use and not functions:
        raise RefusedChange("the import is never read here (a re-export or a side-effect import)")
    remedies = []
    new_module = module
    if annotation_use:
        reader = hazards.runtime_annotation_reader(source.text)
        if reader:
            raise RefusedChange(f"annotations may be evaluated at run time ({reader})")
        remedies.append("annotations under TYPE_CHECKING")
    if functions:
        remedies.append(f"deferred into {', '.join(sorted(f.name.value for f, _ in functions))}")

    moved_node = node.with_changes(names=_commas(moved))
    moved_line = statement.with_changes(body=[moved_node], leading_lines=())
    body = list(new_module.body)
    if kept:
        body[index] = statement.with_changes(body=[node.with_changes(names=_commas(kept))])
    else:
        if index + 1 < len(body):
            body[index + 1] = move_leading_lines(statement, body[index + 1])
        del body[index]
    new_module = new_module.with_changes(body=body)
    if annotation_use:
        # the guard goes after the leading import block, where readers look for it
        new_module = ensure_type_checking(new_module)
        body = list(new_module.body)
        at = max(imports_end(body), index)
        guard = cst.If(
            test=cst.Name("TYPE_CHECKING"),
            body=cst.IndentedBlock(body=[moved_line]),
            leading_lines=(cst.EmptyLine(),) if at > 0 else (),
        )
        body.insert(at, guard)
        new_module = new_module.with_changes(body=body)
        new_module = add_future_annotations(new_module)
    deferrals = []
    width, indent = ws.style.line_length, new_module.default_indent
    for function, names in functions:
        # each function imports just the names it reads, on one line
        aliases = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in moved if _binding(a) in names]
        deferred = cst.SimpleStatementLine(
            body=[_plain_import(node, aliases)],
            leading_lines=_comment_lines(comment, width - positions[function].start.column - len(indent)),
        )
        deferrals.append((function, deferred))
    new_module = insert_at_function_top(new_module, deferrals)
    if index == 0 and not kept and new_module.body:
        # the file now starts with what followed the import: not with the blank lines between
        first = new_module.body[0]
        lines = list(first.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        new_module = new_module.with_changes(body=[first.with_changes(leading_lines=lines), *new_module.body[1:]])
    ws.write(source, new_module.code)
    return "; ".join(remedies)


def _comment_lines(text: str, width: int) -> list[cst.EmptyLine]:
    """``text`` as comment lines of at most ``width`` characters (never narrower than 40)."""
    wrapped = textwrap.wrap(text, width=max(width - 2, 40), break_long_words=False, break_on_hyphens=False)
    return [cst.EmptyLine(indent=True, comment=cst.Comment(f"# {line}")) for line in wrapped]


def _plain_import(node: ImportNode, aliases: list[cst.ImportAlias]) -> ImportNode:
    """``node`` with only ``aliases``, written plainly (no parentheses or line breaks)."""
    plain = [
        cst.ImportAlias(
            name=a.name,
            asname=a.asname,
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if i < len(aliases) - 1
            else cst.MaybeSentinel.DEFAULT,
        )
        for i, a in enumerate(aliases)
    ]
    if isinstance(node, cst.Import):
        return cst.Import(names=plain)
    return cst.ImportFrom(module=node.module, names=plain, relative=node.relative)


def _find_statement(
    module: cst.Module, source: ModuleSource, edge: Edge, positions: Any
) -> tuple[int, cst.SimpleStatementLine, ImportNode]:
    candidates = []
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and _edge_aliases(small, source, edge, strict=False):
                candidates.append((index, statement, small))
    if not candidates:
        raise RefusedChange(f"no module-level import of {edge['imported']} found (a conditional import?)")
    if len(candidates) > 1:
        at_line = [c for c in candidates if positions[c[1]].start.line == edge["line"]]
        if len(at_line) != 1:
            raise RefusedChange(f"{edge['imported']} is imported by several statements")
        candidates = at_line
    index, statement, small = candidates[0]
    if len(statement.body) > 1:
        raise RefusedChange("the import shares its line with other statements")
    return index, statement, small


def _edge_aliases(node: ImportNode, source: ModuleSource, edge: Edge, strict: bool = True) -> list[cst.ImportAlias]:
    """The aliases of ``node`` that make the edge to ``edge['imported']``."""
    imported = edge["imported"]
    if isinstance(node.names, cst.ImportStar):
        if strict:
            raise RefusedChange("a star import cannot be deferred")
        return []
    if isinstance(node, cst.Import):
        return [a for a in node.names if _dotted(a.name) == imported]
    dots = len(node.relative)
    base = resolve_relative(source.package, dots, _dotted(node.module) if node.module else None)
    aliases = []
    for alias in node.names:
        name = _dotted(alias.name)
        # every name of ``from a import ...`` runs ``a``: all of them must go for the edge to go
        if f"{base}.{name}" == imported or base == imported:
            aliases.append(alias)
    return aliases


def _classify_uses(
    scope: GlobalScope, node: ImportNode, bindings: set[str]
) -> tuple[bool, list[tuple[cst.FunctionDef, set[str]]]]:
    """Whether the names are read in module-level annotations; the functions reading them, with the names."""
    annotation_use = False
    functions: dict[int, tuple[cst.FunctionDef, set[str]]] = {}
    for assignment in scope.assignments:
        if getattr(assignment, "node", None) is not node:
            continue
        if assignment.name.split(".")[0] not in bindings:
            continue
        for access in assignment.references:
            outer = _outermost_function(access.scope)
            if outer is None:
                if access.is_annotation or access.is_type_hint:
                    annotation_use = True
                    continue
                raise RefusedChange(f"{assignment.name} is read when the module is imported")
            if not isinstance(outer, cst.FunctionDef):
                raise RefusedChange(f"{assignment.name} is read in a module-level lambda")
            if any(_declares_global(outer, name) for name in bindings):
                raise RefusedChange(f"{outer.name.value} declares the imported name global")
            functions.setdefault(id(outer), (outer, set()))[1].add(assignment.name.split(".")[0])
    return annotation_use, list(functions.values())


def _outermost_function(scope: Scope | None) -> cst.CSTNode | None:
    found = None
    while scope is not None and not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope):
            found = scope.node
        elif not isinstance(scope, ClassScope) and found is None:
            pass  # a comprehension: its function, if any, is further out
        scope = scope.parent
    return found


def _declares_global(function: cst.FunctionDef, name: str) -> bool:
    return name in hazards.global_statements(cst.Module(body=[function]))


def _binding(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return _dotted(alias.asname.name)
    return _dotted(alias.name).split(".")[0]


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise RefusedChange("unexpected import form")


def _commas(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """Aliases with commas between them only (a trailing one would change the style)."""
    fixed = []
    for i, alias in enumerate(aliases):
        last = i == len(aliases) - 1
        if last:
            fixed.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        elif alias.comma is cst.MaybeSentinel.DEFAULT:
            fixed.append(alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
        else:
            fixed.append(alias)
    return fixed


def _dunder_all(module: cst.Module) -> set[str]:
    # every string anywhere in what __all__ is given (``["a"] + other.__all__`` lists ``a``)
    return {string for value in dunder_all_values(module) or [] for string in _strings(value)}


def _strings(node: cst.CSTNode | None) -> list[str]:
    found: list[str] = []

    class Finder(cst.CSTVisitor):
        def visit_SimpleString(self, s: cst.SimpleString) -> None:
            found.append(s.evaluated_value if isinstance(s.evaluated_value, str) else "")

    if node is not None:
        node.visit(Finder())
    return found


def _importers_of(ws: Workspace, source: ModuleSource, names: set[str]) -> set[str]:
    """Files that import one of ``names`` from ``source``'s module (it would vanish there)."""
    import ast

    found: set[str] = set()
    short = source.module.rpartition(".")[2]
    for path in ws.python_files():
        if path == source.path:
            continue
        text = (ws.workdir / path).read_text("utf-8", errors="replace")
        if short not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        try:
            module = ws.module_of(path)
        except ValueError:  # outside the source root (tests, scripts): absolute imports only
            module = ""
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = resolve_relative(package, node.level, node.module)
                if target == source.module and any(a.name in names for a in node.names):
                    found.add(path)
            elif isinstance(node, ast.Attribute) and node.attr in names:
                value = node.value
                if isinstance(value, ast.Name) and value.id == short:
                    found.add(path)
    return found
