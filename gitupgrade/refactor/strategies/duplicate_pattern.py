"""duplicate_pattern: replace copies of a module-level function by an import of the first.

Exact copies of a run of statements in one module become one private helper instead
(:mod:`extract_block`).

The first location is kept; each other copy is deleted and its name imported from the
kept module (``as`` the copy's name when it was renamed). Only when the copies are the
same code, every free name they read resolves to the same object in both modules
(the same import, or a builtin), nothing rebinds or patches those names, and the new
import makes no cycle. Clone statement runs are not rule material: they go to the LLM
proposer when one is configured and stay report-only otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from gitupgrade.refactor.strategies import hazards
from gitupgrade.refactor.strategies.base import Outcome, RuleStrategy
from gitupgrade.refactor.strategies.duplicate_scope import precheck
from gitupgrade.refactor.strategies.extract_block import extract
from gitupgrade.refactor.strategies.imports import reaches, resolve_relative
from gitupgrade.refactor.strategies.source import ModuleSource, RefusedChange, Workspace
from gitupgrade.refactor.strategies.syntax import dotted, imports_end
from gitupgrade.refactor.strategies.toplevel import TopLevel, map_module

if TYPE_CHECKING:
    from pathlib import Path

    from gitupgrade.config import Config
    from gitupgrade.suggestion import Suggestion

Location = dict[str, Any]


class DuplicatePatternStrategy(RuleStrategy):
    """Keep one copy of a duplicated function; import it where the other copies were."""

    type = "duplicate_pattern"
    description = "replace copies of a duplicated function by an import of the first copy"

    def workspace(self, workdir: Path, suggestion: Suggestion) -> Workspace:
        first = suggestion.evidence["locations"][0]
        return Workspace.for_module(workdir, first["path"], first["module"])

    def run(self, ws: Workspace, suggestion: Suggestion, config: Config) -> Outcome:
        evidence = suggestion.evidence
        why = precheck(suggestion)
        if why:
            raise RefusedChange(why)
        if evidence.get("kind") != "function":
            from gitupgrade.refactor.llm.routing import llm_configured  # the model may name the helper

            return extract(ws, suggestion, config["llm"] if llm_configured(config) else None)
        keep, *others = evidence["locations"]
        keep_source, keep_fn, keep_imports = _function_at(ws, keep)
        outcome = Outcome()
        for other in others:
            where = f"{other['module']}.{other['name']}"
            try:
                if other["path"] not in suggestion.affected_modules:
                    raise RefusedChange(f"{other['path']} is not an affected module")
                outcome.summary.append(replace_copy(ws, keep, keep_source, keep_fn, keep_imports, other))
            except RefusedChange as exc:
                outcome.refusals.append(f"{where}: {exc}")
        return outcome


def _function_at(ws: Workspace, location: Location) -> tuple[ModuleSource, TopLevel, dict[str, tuple[str, str]]]:
    name = location.get("name") or ""
    if "." in name or not name:
        raise RefusedChange(f"{name or 'a block'} is not a module-level function")
    source = ws.read(location["path"], location["module"])
    statements = map_module(source.parse())
    found = [s for s in statements if isinstance(s.node, cst.FunctionDef) and s.node.name.value == name]
    if len(found) != 1:
        raise RefusedChange(f"{location['module']}.{name} is not defined exactly once at module level")
    if sum(1 for s in statements if name in s.binds) > 1:
        raise RefusedChange(f"{location['module']}.{name} is rebound at module level")
    return source, found[0], import_targets(statements, source)


def import_targets(statements: list[TopLevel], source: ModuleSource) -> dict[str, tuple[str, str]]:
    """Module-level names bound by imports -> (absolute module, attribute or '')."""
    targets: dict[str, tuple[str, str]] = {}
    for statement in statements:
        if statement.kind != "import" or not isinstance(statement.node, cst.SimpleStatementLine):
            continue  # names bound under ``if TYPE_CHECKING:`` do not exist at run time
        for small in statement.node.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = dotted(alias.name)
                    bound = dotted(alias.asname.name) if alias.asname else full.split(".")[0]
                    targets[bound] = (full if alias.asname else bound, "")
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                base = resolve_relative(
                    source.package, len(small.relative), dotted(small.module) if small.module else None
                )
                for alias in small.names:
                    name = dotted(alias.name)
                    bound = dotted(alias.asname.name) if alias.asname else name
                    targets[bound] = (base, name)
    return targets


def _check_same_code(copy: TopLevel, kept: TopLevel) -> None:
    """Refuse a decorated copy, or one whose code differs from the kept function's."""
    node, keep_node = copy.node, kept.node
    assert isinstance(node, cst.FunctionDef) and isinstance(keep_node, cst.FunctionDef)
    if node.decorators:
        raise RefusedChange("the copy is decorated (registration or wrapping would change)")
    renamed = node.with_changes(name=keep_node.name, leading_lines=())
    if cst.Module(body=[renamed]).code != cst.Module(body=[keep_node.with_changes(leading_lines=())]).code:
        raise RefusedChange("the copies are not the same code")


def _check_module_ties(
    ws: Workspace, kept: tuple[Location, ModuleSource], removed: tuple[Location, ModuleSource], copy: TopLevel
) -> None:
    """Refuse a copy tied to its module: module identity, names patched elsewhere, a circular import."""
    (keep, keep_source), (other, source) = kept, removed
    identity = hazards.identity_names(copy.node)
    if identity:
        raise RefusedChange(f"the copy uses {', '.join(sorted(identity))}, which depends on its module")
    patched = hazards.patched_names(ws, other["module"], skip=source.path)
    patched |= hazards.patched_names(ws, keep["module"], skip=keep_source.path)
    touched = sorted(patched & (copy.reads | {other["name"]}))
    if touched:
        raise RefusedChange(f"{', '.join(touched)} is patched or rebound elsewhere")
    if reaches(ws, keep["module"], other["module"]):
        raise RefusedChange(f"{keep['module']} imports {other['module']}: the new import would be circular")


def replace_copy(
    ws: Workspace,
    keep: Location,
    keep_source: ModuleSource,
    keep_fn: TopLevel,
    keep_imports: dict[str, tuple[str, str]],
    other: Location,
) -> str:
    """Delete one copy and import the kept function in its place; returns a summary line."""
    if other["module"] == keep["module"]:
        raise RefusedChange("both copies are in the same module")
    source, copy, imports = _function_at(ws, other)
    _check_same_code(copy, keep_fn)
    # a name bound at module level in either copy's module must be the same import in both;
    # anything else (a local definition, a shadowed builtin) may differ
    for name in sorted((copy.reads | keep_fn.reads) - {other["name"], keep["name"]}):
        if name not in imports or imports.get(name) != keep_imports.get(name):
            raise RefusedChange(f"{name} may refer to different objects in the two modules")
    _check_module_ties(ws, (keep, keep_source), (other, source), copy)
    module = source.parse()
    body = [s for s in module.body if not (isinstance(s, cst.FunctionDef) and s.name.value == other["name"])]
    at = imports_end(body)
    line = cst.parse_statement(_import_text(source, module, keep, other))
    line = line.with_changes(leading_lines=(cst.EmptyLine(),) if at and not _is_import_line(body[at - 1]) else ())
    body.insert(at, line)
    ws.write(source, module.with_changes(body=body).code)
    return f"{other['path']}: {other['name']} now imported from {keep['module']} (identical copy removed)"


def _import_text(source: ModuleSource, module: cst.Module, keep: Location, other: Location) -> str:
    relative = any(
        isinstance(s, cst.ImportFrom) and s.relative
        for st in module.body
        if isinstance(st, cst.SimpleStatementLine)
        for s in st.body
    )
    target = keep["module"]
    package = source.package
    if relative and package and target.startswith(package.split(".")[0] + "."):
        here, there = package.split("."), target.split(".")
        common = 0
        while common < min(len(here), len(there) - 1) and here[common] == there[common]:
            common += 1
        target = "." * (len(here) - common + 1) + ".".join(there[common:])
    alias = f" as {other['name']}" if other["name"] != keep["name"] else ""
    return f"from {target} import {keep['name']}{alias}  # was an identical copy\n"


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(
        statement.body[0], (cst.Import, cst.ImportFrom)
    )
