"""The one line that says what a mixin is for, from its concept, or none.

A reviewer reads a docstring that lists the moved names, or says "methods that use
``body``", as filler: it says how the split was computed, not what the component does.
The line comes from what the group is about: the protocol its members implement
(``Container as a context manager.``), the section comment they all sat under
(``Sending for Conn.``), or the state the group owns, which it alone changes
(``Keeps track of the listeners of Container.``). When none says it, the mixin gets no
docstring: its name is all there is to say. A line never says a word of the class name
twice: ``Container as a container.`` tells a reviewer nothing, so a protocol is then
said without its own word (``Length, iteration and item access of Container.``) and
another rule's line is not used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from gitupgrade.refactor.strategies.naming import FILLER, same_word, words


class Part(Protocol):
    """What the line needs of a moved member."""

    name: str
    attrs: set[str]
    writes: set[str]
    ties: set[str]


# Words of a section heading that names no concept (found on jinja2: "Various compilation helpers").
_VAGUE = {"various", "misc", "miscellaneous", "other", "others", "helpers", "helper", "utilities", "utils", "stuff"}

# What a protocol family makes of the class (``{}`` is the class name), then the same said
# without the family's word, for a class whose name says it already (``Container``).
_PROTOCOLS = {
    "context": ("{} as a context manager.", "What a with statement does with {}."),
    "comparison": ("How {} compares with others.", "Equality, ordering and hashing of {}."),
    "pickling": ("How {} is pickled.", "How {} is serialized and restored."),
    "copy": ("How {} is copied.", "How {} is duplicated."),
    "container": ("{} as a container.", "Length, iteration and item access of {}."),
    "attributes": ("Attribute access on {}.", "Dynamic name lookup on {}."),
    "op_": ("The arithmetic operators of {}.", "Arithmetic on {}."),
}


def purpose(group: Sequence[Part], members: Sequence[Part], class_name: str, sections: dict[str, str]) -> str:
    """The sentence saying what ``group`` is for as a part of ``class_name``, or ''."""
    n = len(group)
    families = Counter(t[1:] for m in group for t in m.ties if t.startswith("~") and ":" not in t)
    for family, count in families.most_common(1):
        phrasings = _PROTOCOLS.get("op_" if family.startswith("op_") else family, ())
        if 2 * count >= n:
            for phrasing in phrasings:
                if not _repeats(phrasing, class_name):
                    return phrasing.format(class_name)
    titles = {sections.get(m.name, "") for m in group}
    if len(titles) == 1 and "" not in titles:
        title = titles.pop()
        # "Various helpers", "Misc": a heading that names no concept says nothing here either
        if not set(words(title)) & _VAGUE and not _repeats(title, class_name):
            return f"{title[0].upper()}{title[1:]} for {class_name}."
    every = {m.name for m in members}
    owned = Counter(a for m in group for a in m.writes - every if not a.startswith("__"))
    for attr, _ in owned.most_common():
        users = sum(1 for m in group if attr in m.attrs)
        said = [w for w in words(attr) if w not in FILLER]
        if 2 * users >= n and said and not _repeats(" ".join(said), class_name):
            return f"Keeps track of the {' '.join(said)} of {class_name}."
    return ""


def _repeats(text: str, class_name: str) -> bool:
    """Whether ``text`` (a line without the class name) says a word the class name says."""
    named = words(class_name)
    return any(same_word(word, named) for word in words(text) if len(word) > 2 and word not in FILLER)
