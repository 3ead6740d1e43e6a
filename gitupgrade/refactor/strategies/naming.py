"""Names for split-off modules and mixins, derived from what the moved code is about.

The methods owning ``self._listeners`` become ``ListenersMixin``, ``__eq__`` with
``__hash__`` ``ComparisonMixin``. A name comes from the concept (the protocol, the
section comment, the state the group owns, a word most of its names share) and is never
a test-discovery name, a stdlib module, a name the package already binds, a numbered
suffix (``helpers2``) or a generic ``_helpers``: when no good name exists the group is
refused with the reason. Every new module is private (``_name.py``); the rules for the
modules a god module split creates are in :mod:`.module_names`.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

import libcst as cst

from gitupgrade.refactor.strategies.source import RefusedChange

if TYPE_CHECKING:
    from gitupgrade.refactor.strategies.source import ModuleSource, Workspace


class Concept(Protocol):
    """What naming needs of a class member."""

    name: str
    attrs: set[str]
    ties: set[str]


# Words that say how, not what: they never name a group.
FILLER = {
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
    # dunder attributes (``__class__``, ``__dict__``) and words that name no concept
    "class",
    "dict",
    "doc",
    "module",
    "slots",
    "weakref",
    "mixin",
    "support",
    "misc",
    "other",
    "stuff",
    # containers say how state is held, not what it is about (found on IndexedSet: MapMixin)
    "map",
    "list",
    "tuple",
    "state",
    "info",
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
    avoided = {w for a in avoid for w in words(a)}
    skip = FILLER | avoided
    tally: Counter[str] = Counter()
    first: dict[str, int] = {}
    spelled: dict[str, Counter[str]] = {}
    split = {name: [w for w in dict.fromkeys(words(name)) if len(w) >= 3 and not w.isdigit()] for name in names}
    seen = {w for ws in split.values() for w in ws}
    for name in names:
        for word in split[name]:
            # ``cachedmethod`` is about ``cached``, ``popall`` about ``pop``
            # (a plural is the same word: ``_stem`` below keeps its spelling)
            word = min(
                (w for w in seen if word.startswith(w) and len(word) - len(w) >= 3 and w not in skip),
                key=len,
                default=word,
            )
            if word in skip or same_word(word, avoided):
                continue
            # ``price`` and ``prices`` are one word: a name must not say it twice
            stem = stem_of(word)
            tally[stem] += 1
            first.setdefault(stem, len(first))
            spelled.setdefault(stem, Counter())[word] += 1
    ranked = sorted(tally, key=lambda w: (-tally[w], first[w]))
    if recurring and len(set(names)) >= 3 and ranked and tally[ranked[0]] < 2:
        return []
    # a runner-up word much rarer than the leader would make the name say less, not more
    chosen = ranked[:1]
    for word in ranked[1:count]:
        if word[:5] == ranked[0][:5]:
            continue  # ``cache`` beside ``cached`` would say it twice
        if tally[word] >= 2 and 2 * tally[word] >= tally[ranked[0]]:
            chosen.append(word)
    # the commoner spelling; on a tie the plural, which reads better as a module name
    return [max(spelled[stem], key=lambda w: (spelled[stem][w], len(w))) for stem in chosen]


def same_word(word: str, others: Iterable[str]) -> bool:
    """True when ``word`` is one of ``others`` or a form of one (``parse`` of ``parser``)."""
    return any(
        word == o
        or (min(len(word), len(o)) >= 4 and abs(len(word) - len(o)) <= 2 and (o.startswith(word) or word.startswith(o)))
        for o in others
    )


def stem_of(word: str) -> str:
    """The word without a plural ``s``: ``prices`` and ``price`` are one word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


class NoName(RefusedChange):
    """No name says what a group is about; the message says why."""


def concept_words(
    group: Iterable[Concept], members: Iterable[Concept], class_name: str, sections: dict[str, str]
) -> list[str]:
    """The words naming what a group of methods is about; raises :class:`NoName`.

    In this order: the protocol most of them implement (``Comparison``), the section
    comment all of them sit under, the attribute most of them use and nothing that stays
    does (``_listeners``), the word most of their names share.
    """
    group, members = list(group), list(members)
    n = len(group)
    half = max(2, (n + 1) // 2)
    labels = Counter(label for m in group for label in {_family(t) for t in m.ties} if label)
    if labels:
        label, count = labels.most_common(1)[0]
        if 2 * count >= n:
            return words(label)
    titled = {sections.get(m.name, "") for m in group}
    if len(titled) == 1 and "" not in titled:
        chosen = [w for w in words(titled.pop()) if w not in FILLER and len(w) > 2][:2]
        if chosen:
            return chosen
    every = {m.name for m in members}
    users: Counter[str] = Counter()
    for m in members:
        if m.name not in WHOLE_INSTANCE:
            users.update(m.attrs - every)
    owned = Counter(a for m in group for a in m.attrs - every if not a.startswith("__"))
    # the most used first; between equals the one fewest others use
    for attr, count in sorted(owned.items(), key=lambda kv: (-kv[1], users[kv[0]], kv[0])):
        # the state the group owns: most of the group uses it, and most of its users are in the group
        chosen = [w for w in words(attr) if w not in FILLER and len(w) > 2 and not same_word(w, words(class_name))]
        if count >= half and 2 * count >= users[attr] and chosen:
            return chosen[-2:]
    # twins that make the group: ``read``/``write`` with ``writelines`` -> ReadWrite
    pairs = Counter(t.rpartition(":")[2] for m in group for t in m.ties if t.startswith("~twin:"))
    for pair, _ in pairs.most_common(1):
        both = pair.split("/")
        covered = sum(1 for m in group if any(w.startswith(b) for b in both for w in words(m.name)))
        if not set(both) & set(HANDLER_VERBS) and 3 * covered >= 2 * n:
            return sorted(both, key=lambda b: min(i for i, m in enumerate(group) if b in words(m.name)))
    # handler verbs (``visit_x``/``depart_x``) are how a translator is called, not what a group is about
    common = dominant_words([m.name for m in group], avoid=[class_name, *HANDLER_VERBS], count=2, recurring=True)
    tallies = [sum(1 for m in group if any(w.startswith(c[:4]) for w in words(m.name))) for c in common]
    # a word most of a group shares still leaves a third that is about something else
    common = [c for c, t in zip(common, tallies, strict=True) if 3 * t >= 2 * n and t >= 2]
    if common:
        return common
    shown = ", ".join(m.name for m in group[:4]) + (" ..." if n > 4 else "")
    raise NoName(
        f"no name says what {shown} are about (no protocol, section, state they own or word most of them share)"
    )


def concept_mixin(
    chosen: list[str],
    class_name: str,
    stem: str,
    class_taken: Callable[[str], bool],
    module_taken: Callable[[str], bool],
) -> tuple[str, str]:
    """The mixin class and module names for a concept: (``ListenersMixin``, ``_events_listeners``).

    The class gets the host's name in front only when the plain name is taken in the module.
    The module is private, as every module a bot creates: a public one is a new import
    path users would start to depend on.
    """
    concept = "".join(w.capitalize() for w in chosen)
    mixin = next((c for c in (f"{concept}Mixin", f"{class_name.lstrip('_')}{concept}Mixin") if not class_taken(c)), "")
    if not mixin or mixin.startswith("Test"):
        raise NoName(f"{concept}Mixin is taken in the module or would be collected as a test")
    own = [w for w in chosen if not any(w.startswith(s) or s.startswith(w) for s in words(stem))]
    # ``container_container.py`` stutters: a concept named like its module names the mixin's file
    module = f"_{stem.lstrip('_')}_{'_'.join(own)}" if own else f"_{'_'.join(chosen)}_mixin"
    bare = module.lstrip("_")
    if refused_module_name(module, module_taken) or refused_module_name(bare, module_taken):
        raise NoName(f"{module}.py is taken, shadows a name or would be collected as a test")
    return mixin, module


def _family(token: str) -> str:
    # concepts reads this module's words: imported here, where both are loaded
    from gitupgrade.refactor.strategies.concepts import family_label

    return family_label(token)


# ``any.py`` beside code calling any(): a reader cannot tell which one a name means
_BUILTINS = frozenset(dir(builtins))

# First words of handler families (``on_click``, ``visit_x``/``depart_x``): how a method is
# called, not what it is about; the handlers of one verb are one concept.
HANDLER_VERBS = ("on", "handle", "visit", "leave", "depart", "do")

# the constructor and the like touch every attribute: which ones they use says nothing of a group
WHOLE_INSTANCE = frozenset({"__init__", "__new__", "__post_init__", "__repr__", "__str__"})


def refused_module_name(stem: str, taken: Callable[[str], bool] = lambda _: False) -> bool:
    """True for a module name a reviewer would not keep or Python would read otherwise."""
    bare = stem.lstrip("_")
    return (
        not stem.isidentifier()
        or keyword.iskeyword(stem)
        or bare.startswith("test")
        or bare.endswith("_test")
        or bare.endswith("_tests")
        or stem in sys.stdlib_module_names
        or stem in _BUILTINS
        or bool(re.search(r"\d$", stem))
        or taken(stem)
    )


def reserved_names(ws: Workspace, source: ModuleSource) -> set[str]:
    """Names the package ``__init__`` beside ``source`` binds: a new module named so would shadow one.

    A star import there (``from .itertoolz import *``, found on toolz) binds every public
    name of that sibling module too: ``import toolz.get`` would replace ``toolz.get``.
    """
    init = source.sibling_path("__init__")
    module = _parsed(ws, init)
    if module is None:
        return set()
    found = _bound(module)
    for statement in module.body:
        for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar) and small.module:
                last = cst.Module(body=[]).code_for_node(small.module).rpartition(".")[2]
                sibling = _parsed(ws, source.sibling_path(last))
                if sibling is not None:
                    found |= {n for n in _bound(sibling) if not n.startswith("_")}
    return found


def _parsed(ws: Workspace, path: str) -> cst.Module | None:
    if not ws.exists(path):
        return None
    try:
        return cst.parse_module(ws.read(path).text)
    except (cst.ParserSyntaxError, UnicodeDecodeError, ValueError):
        return None


def _bound(module: cst.Module) -> set[str]:
    """Names a module may bind: definitions, imports, assigned names, ``__all__`` strings (a superset)."""
    found: set[str] = set()

    class Binder(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            found.add(node.name.value)
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            found.add(node.name.value)
            return False

        def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
            bound = node.asname.name if node.asname else node.name
            code = cst.Module(body=[]).code_for_node(bound)
            found.add(code.split(".")[0])

        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)  # assignment targets, and names read: a few more never hurt

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            value = node.evaluated_value
            if isinstance(value, str) and value.isidentifier():
                found.add(value)

    module.visit(Binder())
    return found
