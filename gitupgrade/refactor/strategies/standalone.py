"""Whether a group of methods stands alone: a component its class uses, not a slice of the class.

A reviewer merges a mixin they can read and test on its own. That holds when the group
owns its state and its behaviour:

- every attribute of ``self`` its methods read is set by the group itself, or only
  initialised by the constructor (``__init__`` and the like); state that a staying
  method sets, a class attribute, or an attribute the class never sets (a base class or
  a caller does) makes the mixin depend on its host;
- it calls no method that stays, except the special methods of the object as a whole
  (``self.__len__()``, ``self.__iter__()``): those are the object's protocol, which
  any component of it may use;
- it does not hand ``self`` to other code (``self.command.get_usage(self)``), which may
  call anything of the host;
- what stays reads the group's state only through the group's methods: a staying method
  reading ``self.out`` that the group appends to would couple the host to its mixin.

Construction is the one exception on both sides: it initialises every attribute, and it
stays in the class by design.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

# Attributes every object has: reading them says nothing about the host.
_OBJECT = set(dir(object)) | {"__dict__", "__slots__", "__module__", "__weakref__"}


class Part(Protocol):
    """What the check needs of a class member."""

    name: str
    attrs: set[str]  # attributes of self it reads or writes (methods it calls included)
    writes: set[str]  # attributes of self it assigns, deletes or changes in place
    hands_self: set[str]  # calls that get ``self`` itself as an argument


def dependence(
    group: Sequence[Part], members: Sequence[Part], class_attributes: Iterable[str], construction: Iterable[str]
) -> str:
    """Why ``group`` would not stand alone as a mixin of the class ('' when it would).

    ``class_attributes``: the names the class body binds other than its methods;
    ``construction``: the members that initialise the instance (they stay).
    """
    builders = set(construction)
    names = {m.name for m in group}
    staying = [m for m in members if m.name not in names]
    staying_names = {m.name for m in staying}
    every = {m.name for m in members}
    assigned = {a for m in members for a in m.writes}
    constants = set(class_attributes) - every
    reasons: list[str] = []
    calls = sorted({a for m in group for a in m.attrs} & staying_names - _special(staying_names - builders))
    if calls:
        reasons.append(f"calls {_listed(calls)}, which {_stay(calls)} in the class")
    handed = sorted({c for m in group for c in m.hands_self})
    if handed:
        reasons.append(f"hands `self` to {_listed(handed, '')}, which may use any of the host")
    read = sorted({a for m in group for a in m.attrs} - every - _OBJECT)
    for attr in read:
        setters = sorted(m.name for m in staying if attr in m.writes and m.name not in builders)
        if setters:
            reasons.append(f"reads `self.{attr}` set by {_listed(setters, '')}, which {_stay(setters)} in the class")
        elif attr in constants and attr not in assigned:
            # a default the constructor overrides (``allow_extra_args = False``) is instance state
            reasons.append(f"reads the class attribute `{attr}`")
        elif attr not in assigned:
            reasons.append(f"reads `self.{attr}`, which the class never sets (a base class or a caller does)")
    owned = sorted({a for m in group for a in m.writes} - every)
    for attr in owned:
        readers = sorted(m.name for m in staying if attr in m.attrs and m.name not in builders)
        if readers:
            verb = "uses" if len(readers) == 1 else "use"
            reasons.append(f"{_listed(readers, '')}, which {_stay(readers)}, {verb} `self.{attr}` that it changes")
    if not reasons:
        return ""
    shown = ", ".join(sorted(names)[:4]) + (" ..." if len(names) > 4 else "")
    more = f" (and {len(reasons) - 2} more)" if len(reasons) > 2 else ""
    return f"{shown} would not stand alone: {'; '.join(reasons[:2])}{more}; a mixin would depend on its host"


def _special(names: Iterable[str]) -> set[str]:
    # the object's own protocol (``__len__``, ``__iter__``): any part of it may use that
    return {n for n in names if n.startswith("__") and n.endswith("__")}


def _listed(names: Sequence[str], prefix: str = "self.") -> str:
    spelled = [f"`{prefix}{n}`" for n in names[:3]] + (["..."] if len(names) > 3 else [])
    return ", ".join(spelled[:-1]) + f" and {spelled[-1]}" if len(spelled) > 1 else spelled[0]


def _stay(names: Sequence[str]) -> str:
    return "stays" if len(names) == 1 else "stay"
