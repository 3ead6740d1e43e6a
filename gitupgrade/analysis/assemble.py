"""From per-file facts to a report: module names, import graph, rules, suggestions.

This is the part of a scan that needs every file at once; it never touches git,
so a commit scan and an in-memory scan (``analyze_sources``) share it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitupgrade.analysis.clones import find_clones
from gitupgrade.analysis.coupling import (
    layer_violations,
    module_coupling,
    package_coupling,
)
from gitupgrade.analysis.facts import ModuleFacts
from gitupgrade.analysis.graph import build_graph
from gitupgrade.analysis.modules import ModuleIndex
from gitupgrade.analysis.report import AnalysisReport, module_entry
from gitupgrade.analysis.selection import in_targets, is_test
from gitupgrade.analysis.smells import rules
from gitupgrade.analysis.smells.base import ScanContext
from gitupgrade.analysis.suggest import rank, to_suggestion
from gitupgrade.upgrade_types import UPGRADE_TYPES

# Report key of each suggestion type's global issues.
_GLOBAL_KEYS = {t.name: t.report_key for t in UPGRADE_TYPES if t.report_key}


def build_report(
    facts: Sequence[ModuleFacts],
    config: Mapping[str, Any],
    targets: tuple[str, ...],
    metadata: dict[str, Any],
) -> AnalysisReport:
    """Analyse the whole file set and report what lies in ``targets`` (all when empty)."""
    analysis = config["analysis"]
    index = ModuleIndex(f.path for f in facts)
    graph = build_graph(facts, index)
    generated = {index.name_of[f.path] for f in facts if f.generated}
    # Generated files are never changed, tests never refactored: no suggestion may edit them.
    frozen = generated | {index.name_of[f.path] for f in facts if is_test(f.path)}
    changeable = [f for f in facts if f.analyzable and index.name_of[f.path] not in frozen]
    blob_ids = {f.path: f.blob_id for f in facts}

    cycles = graph.cycles(uncuttable=frozen)
    context = ScanContext(
        facts=[f for f in changeable if in_targets(f.path, targets)],
        names=index.name_of,
        blob_ids=blob_ids,
        thresholds=dict(analysis),
        cycles=[c for c in cycles if _touches(c.paths, targets, frozen, index.name_of)],
        clones=[
            c
            for c in find_clones(changeable, index.name_of)
            if any(in_targets(loc.path, targets) for loc in c.locations)
        ],
        violations=[
            v
            for v in layer_violations(graph, analysis["layers"])
            if in_targets(v[0].importer_path, targets) and v[0].importer not in frozen
        ],
    )
    suggestions = []
    for row, rule in rules():
        for finding in rule.find(context):
            suggestions.append(to_suggestion(finding, row.default_risk, blob_ids, config["priority_thresholds"]))
    suggestions = rank(suggestions)

    couplings = module_coupling(graph)
    modules = {
        f.path: module_entry(f, index.name_of[f.path], _coupling_dict(couplings, index.name_of[f.path]))
        for f in facts
        if not f.generated and in_targets(f.path, targets)
    }
    global_issues: dict[str, Any] = {key: [] for key in _GLOBAL_KEYS.values()}
    for suggestion in suggestions:
        key = _GLOBAL_KEYS.get(suggestion.type)
        if key is not None:
            global_issues[key].append({"suggestion_id": suggestion.id, **suggestion.evidence})
    global_issues["deferred_cycles"] = [
        c for c in graph.deferred_cycles(cycles) if any(in_targets(p, targets) for p in c["paths"])
    ]
    global_issues["package_coupling"] = {
        name: value.to_dict()
        for name, value in package_coupling(graph).items()
        if not targets or any(in_targets(path, targets) for path in _package_paths(name, index))
    }
    metadata = {
        **metadata,
        "modules_in_graph": len(index.path_of),
        "import_edges": len(graph.edges),
        "generated_files": len(generated),
        # the scale the priorities are on, and what labels them (priority_label in to_dict)
        "priority_thresholds": dict(config["priority_thresholds"]),
    }
    return AnalysisReport(modules, global_issues, suggestions, metadata)


def _touches(paths: list[str], targets: tuple[str, ...], frozen: set[str], names: dict[str, str]) -> bool:
    """Whether a cycle concerns the targets and has at least one module we may change."""
    return any(in_targets(p, targets) for p in paths) and any(names[p] not in frozen for p in paths)


def _coupling_dict(couplings: Mapping[str, Any], module: str) -> dict[str, Any] | None:
    value = couplings.get(module)
    return value.to_dict() if value is not None else None


def _package_paths(package: str, index: ModuleIndex) -> list[str]:
    path = index.path_of.get(package)
    if path is None:
        return []
    return [path.rsplit("/", 1)[0] + "/"] if path.endswith("__init__.py") else [path]
