"""Reading a shared ``config.yaml``: tolerant of other programs' YAML tags, with line numbers.

``config.yaml`` is often the application's own configuration too, with tags we do not
know (``!ENV``, ``!include``, ...) in sections that are not ours. Those load as
:class:`UnknownTag` placeholders and are never looked at; inside ``self_upgrading`` a
placeholder is a configuration error. The composed node tree gives the line of every
key, so each error can name where to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from gitupgrade.errors import ConfigError


@dataclass(frozen=True)
class UnknownTag:
    """A value written with a YAML tag we do not know, e.g. ``!ENV ${HOME}``."""

    tag: str
    line: int

    def __str__(self) -> str:
        return f"{self.tag} (line {self.line})"


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that turns unknown tags into placeholders instead of failing."""


def _placeholder(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> UnknownTag:
    return UnknownTag(node.tag, node.start_mark.line + 1)


# The "" prefix matches every tag SafeLoader has no constructor for (standard tags keep theirs).
_TolerantLoader.add_multi_constructor("", _placeholder)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # a runtime choice
    """libyaml's parser where PyYAML has it: 20 times faster, for the packaged defaults only.

    Its composer recurses in C, so a hostile file nested deep enough crashes the process
    instead of raising; files from a repository or --config go through the Python one.
    """


_FastLoader.add_multi_constructor("", _placeholder)


def parse(text: str, label: str, trusted: bool = False) -> tuple[Any, dict[str, int]]:
    """The document of ``text`` and the 1-based line of each dotted key path (``trusted``: our own file)."""
    loader = (_FastLoader if trusted else _TolerantLoader)(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(
            f"{label}: invalid YAML{where}: {str(exc).splitlines()[0]}",
            hint="fix the YAML syntax; keys outside self_upgrading may use any tags, but the file must parse",
        ) from exc
    except RecursionError:
        # PyYAML's composer recurses once per nesting level; no real config nests that deep.
        raise ConfigError(f"{label}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _key_lines(node, "", lines)
    return document, lines


def _key_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        path = f"{prefix}{key_node.value}"
        lines.setdefault(path, key_node.start_mark.line + 1)
        _key_lines(value_node, f"{path}.", lines)
