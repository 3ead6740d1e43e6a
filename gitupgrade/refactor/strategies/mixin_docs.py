"""The one line that says what a mixin is for, from its concept, or none.

A reviewer reads a docstring that lists the moved names, or says "methods that use
``body``", as filler: it says how the split was computed, not what the component does.
The line comes from what the group is about: the protocol its members implement
(``Container as a context manager.``), the section comment they all sat under
(``Sending for Conn.``), or the state the group owns, which it alone changes
(``Keeps track of the listeners of Container.``). When none says it, the mixin gets no
docstring: its name is all there is to say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from gitupgrade.refactor.strategies.naming import FILLER, words


class Part(Protocol):
    """What the line needs of a moved member."""

    name: str
    attrs: set[str]
    writes: set[str]
    ties: set[str]


# Words of a section heading that names no concept (found on jinja2: "Various compilation helpers").
_VAGUE = {"various", "misc", "miscellaneous", "other", "others", "helpers", "helper", "utilities", "utils", "stuff"}

# What a protocol family makes of the class (``{}`` is the class name).
_PROTOCOLS = {
    "context": "{} as a context manager.",
    "comparison": "How {} compares with others.",
    "pickling": "How {} is pickled.",
    "copy": "How {} is copied.",
    "container": "{} as a container.",
    "attributes": "Attribute access on {}.",
}


def purpose(group: Sequence[Part], members: Sequence[Part], class_name: str, sections: dict[str, str]) -> str:
    """The sentence saying what ``group`` is for as a part of ``class_name``, or ''."""
    n = len(group)
    families = Counter(t[1:] for m in group for t in m.ties if t.startswith("~") and ":" not in t)
    for family, count in families.most_common(1):
        if 2 * count >= n:
            if family.startswith("op_"):
                return f"The arithmetic operators of {class_name}."
            if family in _PROTOCOLS:
                return _PROTOCOLS[family].format(class_name)
    titles = {sections.get(m.name, "") for m in group}
    if len(titles) == 1 and "" not in titles:
        title = titles.pop()
        # "Various helpers", "Misc": a heading that names no concept says nothing here either
        if not set(words(title)) & _VAGUE:
            return f"{title[0].upper()}{title[1:]} for {class_name}."
    every = {m.name for m in members}
    owned = Counter(a for m in group for a in m.writes - every if not a.startswith("__"))
    for attr, _ in owned.most_common():
        users = sum(1 for m in group if attr in m.attrs)
        said = [w for w in words(attr) if w not in FILLER]
        if 2 * users >= n and said:
            return f"Keeps track of the {' '.join(said)} of {class_name}."
    return ""
