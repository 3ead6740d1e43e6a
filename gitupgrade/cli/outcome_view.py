"""The outcome words as ``ledger`` and ``learn`` both print them (docs/outcomes.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HEADER = ("type", "attempted", "merged", "failed", "refused", "success rate")
_COUNTS = ("attempted", "merged", "failed", "refused")


def summary(counts: Mapping[str, Any]) -> str:
    """``3 attempted: 1 merged, 1 failed; 2 refused; success rate 33.3% of attempted``."""
    return (
        f"{counts['attempted']} attempted: {counts['merged']} merged, {counts['failed']} failed; "
        f"{counts['refused']} refused; success rate {_rate(counts)} of attempted"
    )


def type_rows(by_type: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """One row per upgrade type under :data:`HEADER`."""
    return [(kind, *(str(counts[key]) for key in _COUNTS), _rate(counts)) for kind, counts in by_type.items()]


def _rate(counts: Mapping[str, Any]) -> str:
    # nothing attempted (only refusals, or nothing yet): no rate, rather than a 0% that reads as failures
    return f"{counts['success_rate']:.1%}" if counts["attempted"] else "-"
