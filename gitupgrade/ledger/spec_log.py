"""The spec's ledger methods: plain dicts in, the id of the recorded event out.

``log_scan(analysis_results, scan_metadata)``, ``log_upgrade_execution(upgrade_id,
suggestion, execution_result)`` and ``log_rollback(upgrade_id, rollback_result)``
take the spec's arguments (dicts, or our values with ``to_dict()``) and return the
row id of the event in the ledger's index (``events`` table), as the spec's
``-> int``. They are built on the ``record_*`` methods the tool itself uses; the
``record_*`` call forms are accepted here too, so older callers keep working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from gitupgrade.ledger import events as ev
from gitupgrade.ledger.recorder import ExecutionRecord, LedgerRecorder
from gitupgrade.suggestion import check_priority, coerce_suggestion

if TYPE_CHECKING:
    from gitupgrade.ledger.index import LedgerIndex

# Keys of an execution result the ledger keeps (the rest of a caller's dict is dropped).
_EXECUTION_KEYS = (*ev.EXECUTION_DEFAULTS, "status", "attempts", "approval", "merge_commit")
_ROLLBACK_KEYS = (*ev.ROLLBACK_DEFAULTS, "status", "target_branch", "detail")


class SpecLedgerLog(LedgerRecorder):
    """The spec's ``log_*`` signatures over :class:`LedgerRecorder`."""

    if TYPE_CHECKING:
        # Provided by UpgradeLedger.
        @property
        def index(self) -> LedgerIndex: ...

    def log_scan(self, analysis_results: Any, scan_metadata: Any = None, *rest: Any) -> int:
        """Record a scan: the analyzer's results (dict or report) and metadata such as ``commit``, ``queued``.

        The commit is ``scan_metadata['commit']``, else the one the results name, else HEAD.
        """
        if isinstance(analysis_results, str):  # record_scan(commit, summary, ids, queued, filtered)
            return self.event_id(self.record_scan(analysis_results, scan_metadata, *rest))
        results = _plain(analysis_results)
        metadata = dict(_plain(scan_metadata) if scan_metadata is not None else {})
        commit = metadata.pop("commit", None) or (results.get("metadata") or {}).get("commit") or "HEAD"
        summary = results.get("summary") or {"suggestions": len(results.get("upgrade_suggestions") or [])}
        ids = [str(s.get("id")) for s in results.get("upgrade_suggestions") or [] if isinstance(s, Mapping)]
        queued = list(metadata.pop("queued", []) or [])
        filtered = metadata.pop("filtered", 0)
        filtered = len(filtered) if isinstance(filtered, (list, tuple)) else int(filtered or 0)
        event = self.append(
            ev.SCAN,
            commit,
            commit=self.resolve(commit),
            summary=summary,
            suggestion_ids=ids,
            queued=queued,
            filtered=filtered,
            **({"metadata": metadata} if metadata else {}),
        )
        return self.event_id(event)

    def log_upgrade_execution(self, upgrade_id: Any, suggestion: Any = None, execution_result: Any = None) -> int:
        """Record one execution of ``upgrade_id`` of ``suggestion`` with its ``execution_result``.

        An upgrade the ledger has not seen is recorded as queued first (on the result's
        base commit, else HEAD), so that its status and statistics read as usual. The
        status is ``execution_result['status']``, else ``awaiting_review`` when
        ``success`` is true and ``failed`` otherwise.
        """
        # The spec's callers pass free-form dicts: make_event checks the keys and values it writes.
        if isinstance(upgrade_id, Mapping):  # record_execution(record)
            return self.event_id(self.record_execution(cast(ExecutionRecord, dict(upgrade_id))))
        data = coerce_suggestion(suggestion).to_dict()
        check_priority(data["priority"])  # a Suggestion value too: it is recorded as queued below
        result = dict(_plain(execution_result) if execution_result is not None else {})
        record = {key: result[key] for key in _EXECUTION_KEYS if key in result}
        record.setdefault("status", "awaiting_review" if result.get("success") else "failed")
        known = self.upgrade(str(upgrade_id))
        base = record.get("base_commit") or (known.base_commit if known else None) or self.resolve("HEAD")
        record.update(upgrade_id=str(upgrade_id), base_commit=base, type=data["type"], risk_level=data["risk_level"])
        record.setdefault("strategy", f"{data['strategy']}:{data['type']}")
        if known is None:
            self.log_upgrade_queued(str(upgrade_id), data, base, None)
        return self.event_id(self.record_execution(cast(ExecutionRecord, record)))

    def log_rollback(self, upgrade_id: Any, rollback_result: Any = None) -> int:
        """Record a rollback of ``upgrade_id``; the status is ``rollback_result['status']``, else ``done``."""
        if isinstance(upgrade_id, Mapping):  # record_rollback(record)
            return self.event_id(self.record_rollback(dict(upgrade_id)))
        result = dict(_plain(rollback_result) if rollback_result is not None else {})
        record = {key: result[key] for key in _ROLLBACK_KEYS if key in result}
        record.setdefault("status", "done" if result.get("success", True) else "conflict")
        if result.get("commit"):
            record["commit"] = result["commit"]
        return self.event_id(self.record_rollback({**record, "upgrade_id": str(upgrade_id)}))

    def event_id(self, event: Mapping[str, Any]) -> int:
        """The row id of a recorded event in the index (stable until the index is rebuilt)."""
        digest = ev.line_hash(ev.serialize(dict(event)))
        with self.index.snapshot() as conn:
            row = conn.execute("SELECT rowid FROM events WHERE hash = ?", (digest,)).fetchone()
        if row is None:
            raise LookupError(f"event {event.get('event')} of {event.get('upgrade_id')} is not in the index")
        return int(row[0])


def _plain(value: Any) -> dict[str, Any]:
    """A mapping from a dict or one of our values with ``to_dict()``."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a dict (or a value with to_dict()), got {type(value).__name__}")
    return dict(value)
