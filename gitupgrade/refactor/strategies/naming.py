"""Names for split-off modules and mixins, derived from what the moved code is about.

A group of ``place_order``, ``cancel_order``, ``OrderEvent`` becomes ``order_events.py``
or ``OrderEventsMixin``: the most frequent meaningful words of the group's names (and,
for classes, of the attributes the methods share), never ``part1``.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Callable, Iterable

# Words that say how, not what: they never name a group.
_FILLER = {
    "get",
    "set",
    "is",
    "has",
    "to",
    "from",
    "the",
    "and",
    "for",
    "of",
    "in",
    "on",
    "with",
    "make",
    "new",
    "do",
    "init",
    "self",
    "cls",
    "create",
    "build",
    "run",
    "add",
    "all",
    "by",
    "impl",
    "helper",
    "helpers",
    "util",
    "utils",
    "base",
    "default",
    "value",
    "values",
    "check",
    "handle",
    "process",
    "func",
    "args",
    "kwargs",
    "obj",
    "data",
    "item",
    "items",
}


def words(name: str) -> list[str]:
    """Lower-case words of an identifier: ``_parseHTTPHeader`` -> ``parse http header``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def dominant_words(
    names: Iterable[str], avoid: Iterable[str] = (), count: int = 2, recurring: bool = False
) -> list[str]:
    """The ``count`` most frequent meaningful words of ``names`` (first seen wins a tie).

    ``recurring``: among three names or more a word must recur to say what they are
    about; a bundle of unrelated helpers (``NEED_DATA``, ``_keep_alive``, ``_body_framing``)
    has none.
    """
    names = list(names)
    skip = _FILLER | {w for a in avoid for w in words(a)}
    tally: Counter[str] = Counter()
    first: dict[str, int] = {}
    spelled: dict[str, Counter[str]] = {}
    for name in names:
        for word in dict.fromkeys(words(name)):
            if len(word) < 3 or word in skip or word.isdigit():
                continue
            # ``price`` and ``prices`` are one word: a name must not say it twice
            stem = _stem(word)
            tally[stem] += 1
            first.setdefault(stem, len(first))
            spelled.setdefault(stem, Counter())[word] += 1
    ranked = sorted(tally, key=lambda w: (-tally[w], first[w]))
    if recurring and len(set(names)) >= 3 and ranked and tally[ranked[0]] < 2:
        return []
    # a runner-up word much rarer than the leader would make the name say less, not more
    chosen = ranked[:1]
    for word in ranked[1:count]:
        if tally[word] >= 2 and 2 * tally[word] >= tally[ranked[0]]:
            chosen.append(word)
    # the commoner spelling; on a tie the plural, which reads better as a module name
    return [max(spelled[stem], key=lambda w: (spelled[stem][w], len(w))) for stem in chosen]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def module_name(names: Iterable[str], stem: str, taken: Callable[[str], bool], lead: str = "") -> str:
    """A module name (no ``.py``) for a group split off module ``stem``.

    ``lead``: the definition the group is mostly made of (``IndexedSet`` with its private
    constants): the module is named after it, ``indexed_set``.
    """
    base = "_".join(words(lead))
    if base and base != stem and not keyword.iskeyword(base) and not taken(base):
        return base
    chosen = dominant_words(names, avoid=[stem], recurring=True)
    if not chosen:
        return unique(f"{stem}_helpers", taken)
    base = "_".join(chosen)
    if base == stem or keyword.iskeyword(base) or taken(base):
        base = f"{stem}_{base}"
    return unique(base, taken)


def mixin_name(names: Iterable[str], class_name: str, taken: Callable[[str], bool]) -> str:
    """A mixin class name for methods split off ``class_name``: ``<Class><Words>Mixin``."""
    chosen = dominant_words(names, avoid=[class_name]) or ["support"]
    base = class_name.lstrip("_") + "".join(w.capitalize() for w in chosen) + "Mixin"
    candidate, n = base, 2
    while taken(candidate):
        candidate, n = f"{base}{n}", n + 1
    return candidate


def unique(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base_2``, ``base_3`` ... when taken."""
    candidate, n = base, 2
    while taken(candidate):
        candidate, n = f"{base}_{n}", n + 1
    return candidate
