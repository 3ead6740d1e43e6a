"""The registry of refactoring strategies, seeded from the table of upgrade types.

``register`` adds a strategy the table does not list (a plug-in, or a test's own).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from gitupgrade.refactor.result import Strategy
from gitupgrade.upgrade_types import UPGRADE_TYPES

if TYPE_CHECKING:
    from gitupgrade.suggestion import Suggestion

# suggestion type -> "module:attribute" of its strategy class; imported on first use so
# that commands which never refactor do not pay for libcst.
_STRATEGIES: dict[str, str] = {t.name: t.strategy for t in UPGRADE_TYPES if t.strategy}
# suggestion type -> "module:function" telling, from the evidence alone, why a case can never apply
_PRECHECKS: dict[str, str] = {t.name: t.precheck for t in UPGRADE_TYPES if t.precheck}


def register(suggestion_type: str, target: str, precheck: str | None = None) -> None:
    """Declare the strategy class for a suggestion type (``"pkg.module:Class"``) and, optionally,
    a light ``precheck`` function (``"pkg.module:function"``) that keeps hopeless cases unqueued."""
    _STRATEGIES[suggestion_type] = target
    if precheck is not None:
        _PRECHECKS[suggestion_type] = precheck


def _resolve(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)


def strategy_for(suggestion_type: str) -> Strategy | None:
    """An instance of the strategy for ``suggestion_type``, or None when no rule handles it."""
    target = _STRATEGIES.get(suggestion_type)
    if target is None:
        return None
    strategy: Strategy = _resolve(target)()
    return strategy


def handled_types() -> tuple[str, ...]:
    """The suggestion types a rule-based strategy exists for."""
    return tuple(sorted(_STRATEGIES))


def precheck(suggestion: Suggestion) -> str | None:
    """Why the rule strategy of ``suggestion`` can never apply it (so it is not queued), or None."""
    target = _PRECHECKS.get(suggestion.type)
    return _resolve(target)(suggestion) if target is not None else None
