"""Which clones the duplicate strategy can ever handle, decided from the evidence alone.

Kept apart from the strategy (and libcst) so that a scan can leave the other
clones unqueued without importing the refactoring machinery.
"""

from __future__ import annotations

from gitupgrade.suggestion import Suggestion


def precheck(suggestion: Suggestion) -> str | None:
    """Why ``suggestion`` can never be deduplicated by rule, or None.

    Function copies in different modules become one import; runs of statements in one
    module that differ at most in the names of their locals become one helper
    (``extract_block``); the rest is report-only.
    """
    evidence = suggestion.evidence
    if evidence.get("kind") != "function":
        if len({location.get("path") for location in evidence["locations"]}) != 1:
            return "the copies are in different modules: report-only without an LLM provider"
        return None
    keep, *others = evidence["locations"]
    if any("." in (location.get("name") or ".") for location in evidence["locations"]):
        return "only module-level functions are deduplicated (these are methods)"
    if all(other["path"] == keep["path"] for other in others):
        return "both copies are in the same module"
    return None
