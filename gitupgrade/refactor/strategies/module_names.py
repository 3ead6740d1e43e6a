"""Names for the modules a god module split creates, and the names they must not take.

A new module is an import path users start to depend on, so a bot makes none public:
every new module is private (``_name.py``). Its name says what the group is about (the
class it is made of, a word most of its names share) and is never a name a reviewer
would reject (found in a blind review of merged upgrades):

- the name of a definition it holds (``boltons/is_iterable.py`` holding ``is_iterable``:
  ``from boltons import is_iterable`` then yields the module once it is imported);
- a name the package ``__init__`` binds, a stdlib module or a builtin, with or without
  its underscore (``_json`` is a stdlib module too);
- a word a sibling module's name already says (``arrow_constants.py`` or
  ``_constants.py`` beside ``constants.py``: a reader cannot tell which one to use);
- a test-discovery name or a numbered suffix.

When no name is left the group is refused with the reason (:class:`naming.NoName`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from gitupgrade.refactor.strategies.naming import (
    NoName,
    dominant_words,
    refused_module_name,
    reserved_names,
    stem_of,
    words,
)
from gitupgrade.refactor.strategies.source import ModuleSource, Workspace


class ModuleNamer:
    """Names new modules beside ``source``, remembering the ones it gave."""

    def __init__(self, ws: Workspace, source: ModuleSource) -> None:
        self.ws, self.source = ws, source
        self.reserved = reserved_names(ws, source)
        self.siblings = sibling_stems(ws, source)
        self.created: list[str] = []

    def taken(self, stem: str) -> bool:
        """True when ``stem`` is a module beside ``source``, one named before, or a name the package binds."""
        return stem in self.created or stem in self.reserved or self.ws.sibling_taken(self.source, stem)

    def name(self, names: list[str], lead: str = "") -> str:
        """A new private module name for a group defining ``names``; raises :class:`NoName`."""
        chosen = module_name(names, self.source.stem, self.taken, lead, [*self.siblings, *self.created])
        self.created.append(chosen)
        return chosen


def module_name(
    names: Iterable[str], stem: str, taken: Callable[[str], bool], lead: str = "", siblings: Iterable[str] = ()
) -> str:
    """A private module name (no ``.py``) for a group split off module ``stem``; raises :class:`NoName`.

    ``lead``: the class the group is mostly made of (``IndexedSet`` with its private
    constants) names the module, ``_indexed_set``. Otherwise the words most of the
    group's names share. ``siblings``: the other modules beside it, whose words it must
    not repeat.
    """
    names = list(names)
    siblings = [s for s in siblings if s != stem]
    bare_stem = stem.lstrip("_")
    candidates: list[str] = []
    if names and all(re.fullmatch(r"_*[A-Z][A-Z0-9_]*", n) for n in names):
        # sentinels and constants both sides need (``_MISSING``, ``PREV``, ``NEXT``) say what they are
        candidates.append(f"_{bare_stem}_constants")
    base = "_".join(words(lead))
    if base and base != bare_stem:
        candidates.append(f"_{base}")
    chosen = dominant_words(names, avoid=[stem], recurring=True)
    # a word two thirds of the names share, of two names at least: ``array_attribute.py`` for
    # 17 AST nodes of which 3 are arrays, or ``_contra.py`` for one TypeVar, says nothing
    # (of two, a helper beside the constant it reads: ``SEPARATOR``, ``_format_row`` -> _separator.py)
    chosen = [c for c in chosen if 3 * _covering(c, names) >= 2 * len(names) or len(names) == 2]
    chosen = chosen if len(names) >= 2 else []
    if chosen:
        candidates.append(f"_{'_'.join(chosen)}")
        if not any(w.startswith(c) or c.startswith(w) for w in words(stem) for c in chosen):
            # ``_orderbook_events``, never ``_cachetools_cache``
            candidates.append(f"_{bare_stem}_{'_'.join(chosen)}")
    if not candidates:
        shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        raise NoName(f"no name says what {shown} are about (no leading class, no word most names share)")
    reasons = []
    for candidate in dict.fromkeys(candidates):
        reason = why_refused(candidate, names, taken, siblings, stem)
        if not reason:
            return candidate
        reasons.append(f"{candidate} {reason}")
    raise NoName("no name is left: " + "; ".join(reasons))


def why_refused(
    candidate: str, names: Iterable[str], taken: Callable[[str], bool], siblings: Iterable[str], stem: str = ""
) -> str:
    """Why ``candidate`` cannot name a new module holding ``names`` split off ``stem`` ('' when it can)."""
    bare = candidate.lstrip("_")
    if bare in set(names):
        return "is named after a definition it holds"
    if refused_module_name(candidate) or refused_module_name(bare):
        return "is a stdlib module, a builtin, a test-discovery or numbered name"
    if taken(candidate) or taken(bare):
        return "is taken or shadows a name the package binds"
    shared = next((s for s in siblings if shares_word(candidate, s, ignore=stem)), None)
    if shared:
        return f"says a word of its sibling {shared}.py"
    return ""


def shares_word(one: str, other: str, ignore: str = "") -> bool:
    """True when two module names say a common word (``constants``, ``arrow_constants``; ``cache``, ``caches``).

    The words of ``ignore`` (the module both were split off) do not count: ``_itertoolz_partition``
    and ``_itertoolz_merge_sorted`` say two things.
    """
    skipped = {stem_of(w) for w in words(ignore)}
    mine = {stem_of(w) for w in words(one) if len(w) >= 3} - skipped
    return any(stem_of(w) in mine for w in words(other) if len(w) >= 3)


def _covering(word: str, names: list[str]) -> int:
    """How many of ``names`` say ``word`` (or a longer form of it: ``cached`` in ``cachedmethod``)."""
    return sum(1 for n in names if any(w.startswith(word[:5]) for w in words(n)))


def sibling_stems(ws: Workspace, source: ModuleSource) -> list[str]:
    """The modules and packages beside ``source`` (itself and ``__init__`` aside)."""
    folder = ws.inside(str(PurePosixPath(source.path).parent))
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix == ".py" and entry.is_file():
            found.append(entry.stem)
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            found.append(entry.name)
    return [s for s in found if s not in {"__init__", source.stem, PurePosixPath(source.path).stem}]
