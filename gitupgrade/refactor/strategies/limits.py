"""After a split: does a file still break the god class or god module limits, as the analyzer counts?

The splitting strategies plan with estimates (blank lines, re-export lines). Measuring the
files they wrote, the way the analyzer will on the next scan, turns a wrong estimate into
a refusal instead of a split that the next scan proposes again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gitupgrade.refactor.strategies.base import config_value

if TYPE_CHECKING:
    from gitupgrade.config import Config

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def exceeded(
    path: str, text: str, config: Config | None, module: bool = True, classes: Iterable[str] = ()
) -> str | None:
    """Why ``text`` (the file at ``path``) is over a limit, or None.

    ``module``: check the module's lines and definitions; ``classes``: the top-level
    classes to check for methods and lines.
    """
    tree = ast.parse(text)
    if module:
        lines = len(text.splitlines())
        definitions = sum(isinstance(s, (*_FUNCS, ast.ClassDef)) for s in tree.body)
        max_lines = int(config_value(config, "analysis.god_module_max_lines", 500))
        max_definitions = int(config_value(config, "analysis.god_module_max_definitions", 40))
        if lines > max_lines or definitions > max_definitions:
            return (
                f"{path} would have {lines} lines and {definitions} definitions "
                f"(limits {max_lines} lines, {max_definitions} definitions)"
            )
    wanted = set(classes)
    max_methods = int(config_value(config, "analysis.god_class_max_methods", 20))
    max_class_lines = int(config_value(config, "analysis.god_class_max_lines", 500))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in wanted:
            methods = len({s.name for s in node.body if isinstance(s, _FUNCS)})
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            lines = (node.end_lineno or node.lineno) - start + 1
            if methods > max_methods or lines > max_class_lines:
                return (
                    f"{node.name} in {path} would have {methods} methods and {lines} lines "
                    f"(limits {max_methods} methods, {max_class_lines} lines)"
                )
    return None
