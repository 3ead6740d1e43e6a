"""The one registry of refactoring strategies: adding a strategy means adding one module."""
from __future__ import annotations

from importlib import import_module

from gitupgrade.refactor.result import Strategy

# suggestion type -> "module:attribute" of its strategy class; imported on first use so
# that commands which never refactor do not pay for libcst and astroid.
_STRATEGIES: dict[str, str] = {}


def register(suggestion_type: str, target: str) -> None:
    """Declare the strategy class for a suggestion type (``"pkg.module:Class"``)."""
    _STRATEGIES[suggestion_type] = target


def _load() -> None:
    # The strategies package registers itself on import (one register() line per strategy).
    import_module("gitupgrade.refactor.strategies")


def strategy_for(suggestion_type: str) -> Strategy | None:
    """An instance of the strategy for ``suggestion_type``, or None when no rule handles it."""
    _load()
    target = _STRATEGIES.get(suggestion_type)
    if target is None:
        return None
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)()


def handled_types() -> tuple[str, ...]:
    """The suggestion types a rule-based strategy exists for."""
    _load()
    return tuple(sorted(_STRATEGIES))
