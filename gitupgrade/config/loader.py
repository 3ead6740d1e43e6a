"""Loading and validating configuration: packaged defaults < repository config < --config file."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gitupgrade.config.paths import check_config_paths
from gitupgrade.config.schema import SCHEMA, Field
from gitupgrade.errors import ConfigError, UserError
from gitupgrade.repo import CommitId, GitRepo, read_file

SECTION = "self_upgrading"
REPO_CONFIG_PATH = "config.yaml"


class Config(Mapping[str, Any]):
    """The validated, merged ``self_upgrading`` section (read-only)."""

    def __init__(self, data: dict[str, Any], sources: tuple[str, ...] = ("defaults",)) -> None:
        self._data = data
        self.sources = sources

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

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the configuration as plain data."""
        return copy.deepcopy(self._data)


def default_config() -> Config:
    """The packaged defaults alone."""
    text = resources.files("gitupgrade.config").joinpath("defaults.yaml").read_text("utf-8")
    return Config(_section(text, "packaged defaults"))


def load_config(
    repo: GitRepo | None = None,
    commit: CommitId | None = None,
    override_file: str | Path | None = None,
) -> Config:
    """Merge the repository's ``config.yaml`` at ``commit`` and ``override_file`` over the defaults."""
    data = default_config().to_dict()
    sources = ["defaults"]
    if repo is not None and commit is not None:
        blob = read_file(repo, commit, REPO_CONFIG_PATH)
        if blob is not None:
            label = f"{REPO_CONFIG_PATH} at {commit[:8]}"
            _merge(data, _section(_decode(blob, label), label), label)
            sources.append(label)
    if override_file is not None:
        path = Path(override_file)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read config file {path}: {exc}") from exc
        _merge(data, _section(text, str(path)), str(path))
        sources.append(str(path))
    if repo is not None:
        # Path keys name places the tool creates, replaces or deletes: checked once merged.
        check_config_paths(repo, data)
    return Config(data, tuple(sources))


def _decode(blob: bytes, label: str) -> str:
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not UTF-8 text") from exc


def _section(text: str, label: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: invalid YAML: {str(exc).splitlines()[0]}") from exc
    except RecursionError:
        # PyYAML's composer recurses once per nesting level; no real config nests that deep.
        raise ConfigError(f"{label}: invalid YAML: nested too deeply") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{label}: expected a mapping at the top level")
    section = document.get(SECTION, {})
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigError(f"{label}: {SECTION} must be a mapping")
    _validate(section, SCHEMA, SECTION, label)
    return section


def _validate(node: dict[str, Any], schema: dict[str, Any], path: str, label: str) -> None:
    for key, value in node.items():
        key_path = f"{path}.{key}"
        if key not in schema:
            known = ", ".join(sorted(schema))
            raise ConfigError(f"{label}: unknown key {key_path}", hint=f"known keys here: {known}")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{label}: {key_path} must be a mapping, got {_kind(value)}")
            _validate(value, expected, key_path, label)
        else:
            _check_field(value, expected, key_path, label)


def _check_field(value: Any, field: Field, key_path: str, label: str) -> None:
    def fail() -> ConfigError:
        return ConfigError(f"{label}: {key_path} must be {field.describe()}, got {_kind(value)}")

    if value is None:
        if not field.nullable:
            raise fail()
        return
    # bool is an int subclass in Python; a YAML `yes` must not pass as a number.
    if isinstance(value, bool) and bool not in field.types:
        raise fail()
    if not isinstance(value, field.types):
        raise fail()
    if field.choices is not None and value not in field.choices:
        raise fail()
    if isinstance(value, float) and not math.isfinite(value):
        # YAML's .inf and .nan are floats; an endless timeout or a NaN threshold is never meant.
        raise ConfigError(f"{label}: {key_path} must be a finite number, got {value}")
    if field.minimum is not None and value < field.minimum:
        raise ConfigError(f"{label}: {key_path} must be at least {field.minimum}, got {value}")
    if isinstance(value, list) and field.item_type is not None:
        if not all(isinstance(item, field.item_type) for item in value):
            raise fail()


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (dict, list)) else type(value).__name__


def _merge(base: dict[str, Any], override: dict[str, Any], label: str) -> None:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, label)
        else:
            base[key] = copy.deepcopy(value)
