"""duplicate_pattern: copies of a function or of a run of statements, exact or renamed."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext

TYPE = "duplicate_pattern"


def find(context: ScanContext) -> Iterator[Finding]:
    """One finding per clone group; larger and more frequent copies rank higher."""
    for clone in context.clones:
        first = clone.locations[0]
        what = f"function {first.name}" if clone.kind == "function" else f"{clone.lines}-line block"
        places = ", ".join(f"{loc.path}:{loc.start}-{loc.end}" for loc in clone.locations[:4])
        more = f" and {len(clone.locations) - 4} more" if len(clone.locations) > 4 else ""
        copy_kind = "exact copies" if clone.exact else "copies with renamed identifiers or literals"
        paths = list(dict.fromkeys(loc.path for loc in clone.locations))
        where = paths[0] if len(paths) == 1 else f"{len(paths)} modules"
        yield Finding(
            type=TYPE,
            title=f"Deduplicate {what} ({len(clone.locations)} copies in {where})",
            description=f"{len(clone.locations)} {copy_kind}: {places}{more}.",
            affected_modules=tuple(dict.fromkeys(loc.path for loc in clone.locations)),
            evidence=clone.evidence(),
            severity="medium" if clone.exact and clone.lines * (len(clone.locations) - 1) >= 30 else "low",
            strength=min(1.0, clone.lines * (len(clone.locations) - 1) / 60),
            key=tuple((loc.path, loc.name, loc.start, loc.end) for loc in clone.locations),
        )
