"""The table of upgrade types is the one list of them, and every row points at real code."""

from __future__ import annotations

import ast
from importlib import import_module

from gitupgrade.analysis.smells import rules
from gitupgrade.refactor import registry
from gitupgrade.upgrade_types import TYPE_NAMES, UPGRADE_TYPES
from tests.conftest import PROJECT_ROOT


def test_every_row_names_its_rule_and_strategy() -> None:
    assert [(row.name, rule.TYPE) for row, rule in rules()] == [(name, name) for name in TYPE_NAMES]
    for row in UPGRADE_TYPES:
        assert row.default_risk in ("low", "medium", "high", "critical")
        if row.strategy is not None:
            strategy = registry.strategy_for(row.name)
            assert strategy is not None and strategy.type == row.name
        if row.precheck is not None:
            module, _, function = row.precheck.partition(":")
            assert callable(getattr(import_module(module), function))
    assert registry.handled_types() == tuple(sorted(r.name for r in UPGRADE_TYPES if r.strategy))


def test_no_other_module_lists_the_types() -> None:
    """A literal collection holding three or more type names anywhere but the table is a second list."""
    names = set(TYPE_NAMES)
    offenders = []
    for path in sorted((PROJECT_ROOT / "gitupgrade").rglob("*.py")):
        if path.name == "upgrade_types.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                elements = [k for k in node.keys if k is not None]
            elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                elements = node.elts
            else:
                continue
            found = {e.value for e in elements if isinstance(e, ast.Constant)} & names
            if len(found) >= 3:
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert offenders == []
