"""architectural_violation: a lower layer importing a higher one (import-linter's layers contract)."""

from __future__ import annotations

from collections.abc import Iterator

from gitupgrade.analysis.smells.base import Finding, ScanContext

TYPE = "architectural_violation"


def find(context: ScanContext) -> Iterator[Finding]:
    """One finding per violating import statement (report-only: no strategy changes layers)."""
    for edge, importer_layer, imported_layer in context.violations:
        yield Finding(
            type=TYPE,
            title=f"{edge.importer} (layer {importer_layer}) imports {edge.imported} (layer {imported_layer})",
            description=(
                f"{edge.importer_path}:{edge.line} `{edge.statement}` makes the lower layer "
                f"{importer_layer} depend on the higher layer {imported_layer}."
            ),
            affected_modules=(edge.importer_path,),
            evidence={
                "importer": edge.importer,
                "importer_path": edge.importer_path,
                "imported": edge.imported,
                "line": edge.line,
                "importer_layer": importer_layer,
                "imported_layer": imported_layer,
            },
            severity="high",
            strength=0.5,
            key=(edge.importer, edge.imported, edge.line),
        )
