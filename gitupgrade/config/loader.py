"""Loading and validating configuration: packaged defaults < repository config < --config file.

Only the ``self_upgrading`` section is read; the rest of a shared ``config.yaml``
belongs to other programs. Every error inside the section is collected and reported
at once, each with its key path, line and a hint. Each effective value remembers the
source that set it (``git upgrade config`` shows them).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitupgrade.config.cache import config_key, load_entry, store_entry
from gitupgrade.config.paths import check_config_paths
from gitupgrade.config.schema import SCHEMA, Field
from gitupgrade.errors import ConfigError, UserError
from gitupgrade.outcomes import PRIORITY_LABELS
from gitupgrade.repo import BlobId, CommitId, GitRepo, file_blob_id, read_blob
from gitupgrade.repo.core import STATE_DIR_NAME

SECTION = "self_upgrading"
REPO_CONFIG_PATH = "config.yaml"
DEFAULTS_LABEL = "defaults"


class Config(Mapping[str, Any]):
    """The validated, merged ``self_upgrading`` section (read-only).

    ``sources`` lists the files merged, lowest first; ``origins`` maps each leaf key
    path (``analysis.max_file_bytes``) to the source that set its value.
    """

    def __init__(
        self,
        data: dict[str, Any],
        sources: tuple[str, ...] = (DEFAULTS_LABEL,),
        origins: dict[str, str] | None = None,
    ) -> None:
        self._data = data
        self.sources = sources
        self.origins = origins if origins is not None else dict.fromkeys(leaf_paths(data), DEFAULTS_LABEL)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get_path(self, dotted: str) -> Any:
        """The value at a dotted key path such as ``analysis.god_class_max_methods``."""
        node: Any = self._data
        for part in dotted.split("."):
            node = node[part]
        return node

    def origin(self, dotted: str) -> str:
        """Where the value at ``dotted`` came from (defaults, ``config.yaml at <commit>``, a file)."""
        return self.origins.get(dotted, DEFAULTS_LABEL)

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the configuration as plain data."""
        return copy.deepcopy(self._data)


@dataclass(frozen=True)
class Problem:
    """One error in a ``self_upgrading`` section: where, what, and what to do."""

    path: str
    line: int | None
    message: str
    hint: str | None = None

    def describe(self) -> str:
        """``line N: message (hint)`` for the error listing."""
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}" + (f" ({self.hint})" if self.hint else "")


class ConfigErrors(ConfigError):
    """Every error of one configuration source; ``problems`` lists them in file order."""

    def __init__(self, label: str, problems: list[Problem]) -> None:
        if len(problems) == 1:
            only = problems[0]
            where = f"line {only.line}: " if only.line else ""
            super().__init__(f"{label}: {where}{only.message}", hint=only.hint)
        else:
            super().__init__(
                f"{label}: {len(problems)} errors in {SECTION}:",
                hint="fix them all, then `git upgrade config` shows the effective values",
                details=tuple(f"  {p.describe()}" for p in problems),
            )
        self.label = label
        self.problems = problems


def default_config() -> Config:
    """The packaged defaults alone."""
    from importlib import resources

    text = resources.files("gitupgrade.config").joinpath("defaults.yaml").read_text("utf-8")
    return Config(_section(text, "packaged defaults", trusted=True))


def load_config(
    repo: GitRepo | None = None,
    commit: CommitId | None = None,
    override_file: str | Path | None = None,
) -> Config:
    """Merge the repository's ``config.yaml`` at ``commit`` and ``override_file`` over the defaults.

    The merged and validated result is kept in the repository's state dir under what it
    was made of (``config/cache.py``), so that the next command reads it back unparsed.
    """
    blob_id = file_blob_id(repo, commit, REPO_CONFIG_PATH) if repo is not None and commit is not None else None
    repo_label = f"{REPO_CONFIG_PATH} at {commit[:8]}" if blob_id is not None and commit is not None else None
    state_dir = repo.common_dir / STATE_DIR_NAME if repo is not None else None
    key = _cache_key(blob_id, override_file) if state_dir is not None else None
    cached = load_entry(state_dir, key) if state_dir is not None and key is not None else None
    if cached is not None:
        data, stored_sources, stored_origins = cached
        label = repo_label or REPO_CONFIG_PATH
        sources = tuple(label if s is None else s for s in stored_sources)
        config = Config(data, sources, {path: label if s is None else s for path, s in stored_origins.items()})
    else:
        config = _merge_sources(repo, blob_id, repo_label, override_file)
        if state_dir is not None and key is not None:
            store_entry(
                state_dir,
                key,
                config.to_dict(),
                [None if s == repo_label else s for s in config.sources],
                {path: None if s == repo_label else s for path, s in config.origins.items()},
            )
    if repo is not None:
        # Path keys name places the tool creates, replaces or deletes: checked once merged.
        check_config_paths(repo, config)
    return config


def _cache_key(blob_id: str | None, override_file: str | Path | None) -> str | None:
    """The cache key of these inputs; None when the ``--config`` file cannot be read (the merge says why)."""
    if override_file is None:
        return config_key(blob_id, None)
    try:
        return config_key(blob_id, (str(override_file), Path(override_file).read_bytes()))
    except OSError:
        return None


def _merge_sources(
    repo: GitRepo | None, blob_id: BlobId | None, repo_label: str | None, override_file: str | Path | None
) -> Config:
    """Parse, validate and merge the defaults, ``config.yaml`` (blob ``blob_id``) and ``override_file``."""
    data = default_config().to_dict()
    origins = dict.fromkeys(leaf_paths(data), DEFAULTS_LABEL)
    sources = [DEFAULTS_LABEL]
    if repo is not None and blob_id is not None and repo_label is not None:
        blob = read_blob(repo, blob_id)
        _merge(data, _section(_decode(blob, repo_label), repo_label), repo_label, origins)
        sources.append(repo_label)
    if override_file is not None:
        path = Path(override_file)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UserError(
                f"cannot read config file {path}: {reason}", hint="--config takes a readable UTF-8 YAML file"
            ) from exc
        _merge(data, _section(text, str(path)), str(path), origins)
        sources.append(str(path))
    _check_merged(data, origins)
    return Config(data, tuple(sources), origins)


def leaf_paths(node: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The dotted paths of the leaves (non-mapping values) of ``node``."""
    paths: list[str] = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        paths.extend(leaf_paths(value, f"{path}.") if isinstance(value, dict) else [path])
    return paths


def _decode(blob: bytes, label: str) -> str:
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not UTF-8 text") from exc


def _section(text: str, label: str, trusted: bool = False) -> dict[str, Any]:
    # PyYAML is loaded only when a file must be parsed: a cached configuration needs none.
    from gitupgrade.config.yamlread import parse

    document, lines = parse(text, label, trusted)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{label}: expected a mapping at the top level")
    # Everything but our section belongs to other programs: never read, never judged.
    section = document.get(SECTION, {})
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigErrors(
            label, [Problem(SECTION, lines.get(SECTION), f"{SECTION} must be a mapping, got {_kind(section)}")]
        )
    problems: list[Problem] = []
    _validate(section, SCHEMA, SECTION, lines, problems)
    if problems:
        raise ConfigErrors(label, problems)
    return section


def _validate(
    node: dict[str, Any], schema: dict[str, Any], path: str, lines: dict[str, int], problems: list[Problem]
) -> None:
    from gitupgrade.config.yamlread import UnknownTag  # loaded by the parse that gave ``node``

    for key, value in node.items():
        key_path = f"{path}.{key}"
        line = lines.get(key_path)
        if key not in schema:
            problems.append(Problem(key_path, line, f"unknown key {key_path}", _unknown_key_hint(str(key), schema)))
            continue
        expected = schema[key]
        if isinstance(value, UnknownTag):
            problems.append(
                Problem(
                    key_path,
                    line,
                    f"{key_path} uses the YAML tag {value.tag}, which git upgrade does not read",
                    "write the value itself; other programs' tags are fine outside self_upgrading",
                )
            )
        elif isinstance(expected, dict):
            if not isinstance(value, dict):
                problems.append(Problem(key_path, line, f"{key_path} must be a mapping, got {_kind(value)}"))
                continue
            _validate(value, expected, key_path, lines, problems)
        else:
            message = _check_field(value, expected, key_path)
            if message is not None:
                problems.append(Problem(key_path, line, message, _field_hint(expected)))


def _check_field(value: Any, field: Field, key_path: str) -> str | None:
    """What is wrong with ``value`` for ``field``, or None when it fits."""
    wrong = f"{key_path} must be {field.describe()}, got {_kind(value)}"
    if value is None:
        return None if field.nullable else wrong
    # bool is an int subclass in Python; a YAML `yes` must not pass as a number.
    if isinstance(value, bool) and bool not in field.types:
        return wrong
    if not isinstance(value, field.types):
        return wrong
    if field.choices is not None and value not in field.choices:
        return wrong
    if isinstance(value, float) and not math.isfinite(value):
        # YAML's .inf and .nan are floats; an endless timeout or a NaN threshold is never meant.
        return f"{key_path} must be a finite number, got {value}"
    if field.minimum is not None and isinstance(value, (int, float)) and value < field.minimum:
        return f"{key_path} must be at least {field.minimum:g}, got {value}"
    if field.maximum is not None and isinstance(value, (int, float)) and value > field.maximum:
        return f"{key_path} must be at most {field.maximum:g}, got {value}"
    if isinstance(value, list) and field.item_type is not None:
        if not all(isinstance(item, field.item_type) for item in value):
            return wrong
    return None


def _field_hint(field: Field) -> str | None:
    if field.maximum is not None and field.minimum is not None:
        return f"the spec's priority scale: a whole number from {field.minimum:g} to {field.maximum:g}"
    if bool in field.types:
        return "write true or false"
    return None


def _unknown_key_hint(key: str, schema: dict[str, Any]) -> str:
    import difflib  # only for a mistyped key

    close = difflib.get_close_matches(key, list(schema), n=1)
    if close:
        return f"did you mean {close[0]}?"
    return f"known keys here: {', '.join(sorted(schema))}"


def _check_merged(data: dict[str, Any], origins: dict[str, str]) -> None:
    """Checks across keys, on the effective values: the thresholds must rise with the labels."""
    thresholds = data["priority_thresholds"]
    for lower, higher in zip(PRIORITY_LABELS, PRIORITY_LABELS[1:], strict=False):
        if thresholds[lower] <= thresholds[higher]:
            continue
        # blame the key a file set (the other one kept its default), else the higher label's
        keys = [f"priority_thresholds.{lower}", f"priority_thresholds.{higher}"]
        culprit = keys[0] if origins.get(keys[1], DEFAULTS_LABEL) == DEFAULTS_LABEL else keys[1]
        problem = Problem(
            f"{SECTION}.{culprit}",
            None,
            f"{SECTION}.{keys[0]} ({thresholds[lower]}) is above {keys[1]} ({thresholds[higher]})",
            "thresholds rise from minimal to critical",
        )
        raise ConfigErrors(origins.get(culprit, DEFAULTS_LABEL), [problem])


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (dict, list)) else type(value).__name__


def _merge(
    base: dict[str, Any], override: dict[str, Any], label: str, origins: dict[str, str], prefix: str = ""
) -> None:
    for key, value in override.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, label, origins, f"{path}.")
        else:
            base[key] = copy.deepcopy(value)
            origins[path] = label
