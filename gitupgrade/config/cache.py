"""Validated configurations kept by what they were made of, so a command does not parse YAML again.

Loading a configuration parses the packaged defaults and the repository's ``config.yaml``
and validates them: a tenth of a ``git upgrade status``, for a result that changes only
when one of its inputs does. Each result is kept under a hash of those inputs: the
tool's code (:func:`~gitupgrade.code_version.code_version`, which covers the packaged
defaults and the schema), the blob id of ``config.yaml`` (none without one), and the
path and bytes of the ``--config`` file. A stored configuration can never be read for
other inputs, only for the same ones, so it is never stale.

Only what the inputs decide is kept: the label naming the commit that a value came
from is put back on reading, and the path checks (which look at the file system) run
every time. The file holds a few recent entries as JSON; a damaged one is ignored and
rewritten, and a repository that cannot be written to is simply read uncached.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from gitupgrade.code_version import code_version
from gitupgrade.files import write_atomically

CACHE_FILE = "config-cache.json"
_FORMAT = 1
_MAX_ENTRIES = 16  # a few commits' configs, each with and without a --config file


def config_key(blob_id: str | None, override: tuple[str, bytes] | None) -> str:
    """The key of a configuration made of ``config.yaml`` blob ``blob_id`` and ``override`` (path, bytes)."""
    parts = [_FORMAT, code_version(), blob_id]
    if override is not None:
        parts += [override[0], hashlib.sha256(override[1]).hexdigest()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def load_entry(state_dir: Path, key: str) -> tuple[dict[str, Any], list[str | None], dict[str, str | None]] | None:
    """The data, sources and origins stored for ``key``, or None.

    A source of None stands for the repository's ``config.yaml``, whose label names a commit.
    """
    entry = _read(state_dir).get(key)
    try:
        data, sources, origin_index = entry["data"], entry["sources"], entry["origins"]  # type: ignore[index]
        if not isinstance(data, dict) or not isinstance(sources, list) or not isinstance(origin_index, dict):
            return None
        origins = {str(path): sources[index] for path, index in origin_index.items()}
    except (TypeError, KeyError, IndexError):
        return None
    return data, sources, origins


def store_entry(
    state_dir: Path, key: str, data: dict[str, Any], sources: list[str | None], origins: dict[str, str | None]
) -> None:
    """Keep a configuration under ``key`` (the oldest entries make room); failures are ignored.

    Data that JSON would not give back the same (a YAML key that is not a string) is not kept.
    """
    try:
        if json.loads(json.dumps(data)) != data:
            return
    except (TypeError, ValueError):
        return
    entries = _read(state_dir)
    entries.pop(key, None)
    while len(entries) >= _MAX_ENTRIES:
        entries.pop(next(iter(entries)))
    entries[key] = {
        "data": data,
        "sources": sources,
        "origins": {path: sources.index(source) for path, source in origins.items()},
    }
    try:
        text = json.dumps({"format": _FORMAT, "entries": entries}, separators=(",", ":"))
        state_dir.mkdir(parents=True, exist_ok=True)
        # A concurrent reader sees the old cache or the new one.
        write_atomically(state_dir / CACHE_FILE, text)
    except (OSError, TypeError, ValueError):
        return


def _read(state_dir: Path) -> dict[str, Any]:
    try:
        stored = json.loads((state_dir / CACHE_FILE).read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(stored, dict) or stored.get("format") != _FORMAT or not isinstance(stored.get("entries"), dict):
        return {}
    entries: dict[str, Any] = stored["entries"]
    return entries
