"""What a class's members are about: protocol families, twins, sections, and how cohesive a group is.

A group worth a mixin is one a person would name: members that share state *and*
meaning. Members that only work together stay together: ``__enter__`` with ``__exit__``,
``__eq__`` with ``__hash__``, ``__add__`` with ``__radd__`` and ``__iadd__``, a property
with its ``_get_x``/``_set_x`` helpers, ``visit_x`` with ``leave_x`` (*ties*, which no
cut may undo). The class's own section comments (``# --- Parsing ---``) and handler
prefixes (``on_click``, ``on_key``) are weaker signals (*affinity*). A candidate group
gets a cohesion score: how many of its members share state with another member, how
many share meaning, less how much it is linked to what stays.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import libcst as cst

from gitupgrade.refactor.strategies.naming import FILLER, HANDLER_VERBS, WHOLE_INSTANCE, same_word, words
from gitupgrade.refactor.strategies.syntax import suite_statements

# A group scoring below this stays in the class, with the score in the refusal.
COHESION_THRESHOLD = 0.5

_OPERATORS = "add sub mul matmul truediv floordiv div mod divmod pow lshift rshift and xor or".split()

# Protocol families: members of one family always stay on the same side of a split.
FAMILIES: dict[str, tuple[str, frozenset[str]]] = {
    "context": ("ContextManager", frozenset({"__enter__", "__exit__", "__aenter__", "__aexit__"})),
    "comparison": (
        "Comparison",
        frozenset({"__eq__", "__ne__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__", "__cmp__"}),
    ),
    "pickling": (
        "Pickling",
        frozenset(
            {"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__", "__getnewargs__", "__getnewargs_ex__"}
        ),
    ),
    "copy": ("Copy", frozenset({"copy", "__copy__", "__deepcopy__"})),
    "container": (
        "Container",
        frozenset(
            {
                "__iter__",
                "__next__",
                "__len__",
                "__contains__",
                "__getitem__",
                "__setitem__",
                "__delitem__",
                "__reversed__",
                "__missing__",
            }
        ),
    ),
    "attributes": (
        "AttributeAccess",
        frozenset({"__getattr__", "__getattribute__", "__setattr__", "__delattr__", "__dir__"}),
    ),
    **{f"op_{op}": ("Operators", frozenset({f"__{op}__", f"__r{op}__", f"__i{op}__"})) for op in _OPERATORS},
}
FAMILY_OF = {name: key for key, (_, names) in FAMILIES.items() for name in names}

# Words that make twins when two names differ by them alone: ``*_prev``/``*_next``.
_ANTONYMS = {
    frozenset(pair)
    for pair in (
        ("prev", "next"),
        ("previous", "next"),
        ("enter", "exit"),
        ("open", "close"),
        ("start", "stop"),
        ("start", "end"),
        ("begin", "end"),
        ("get", "set"),
        ("push", "pop"),
        ("load", "dump"),
        ("loads", "dumps"),
        ("encode", "decode"),
        ("read", "write"),
        ("before", "after"),
        ("visit", "leave"),
        ("visit", "depart"),
        ("enable", "disable"),
        ("show", "hide"),
        ("acquire", "release"),
        ("lock", "unlock"),
        ("serialize", "deserialize"),
        ("pack", "unpack"),
        ("first", "last"),
        ("min", "max"),
        ("up", "down"),
        ("add", "remove"),
        ("attach", "detach"),
        ("connect", "disconnect"),
        ("subscribe", "unsubscribe"),
        ("register", "unregister"),
        ("to", "from"),
        ("inc", "dec"),
        ("increment", "decrement"),
    )
}

_PROPERTY_DECORATORS = {"property", "cached_property", "abstractproperty", "reify", "lazy_property"}


class Method(Protocol):
    """What the scoring needs of a class member."""

    name: str
    attrs: set[str]
    ties: set[str]
    affinity: set[str]


class Member(Method, Protocol):
    """What tying needs of a class member."""

    nodes: list[cst.FunctionDef]


def tie_members(klass: cst.ClassDef, members: Sequence[Member], skip: Iterable[str] = ()) -> None:
    """Give each member its ties (protocol partners, twins, property helpers) and affinity (section, prefix).

    ``skip``: members that build the instance or the class, tied to nothing.
    """
    skipped = set(skip)
    properties = [m.name for m in members if any(is_property(n) for n in m.nodes)]
    found = ties([m.name for m in members], properties)
    titles = sections(klass)
    for member in members:
        if member.name in skipped:
            continue
        member.ties = found.get(member.name, set())
        section = titles.get(member.name, "")
        prefix = handler_prefix(member.name)
        member.affinity = {f"#{section}"} if section else set()
        member.affinity |= {prefix} if prefix else set()


def family_label(key: str) -> str:
    """The concept name of a tie token's family (``~comparison`` -> ``Comparison``), or ''."""
    return FAMILIES[key[1:]][0] if key[1:] in FAMILIES else ""


def ties(names: Iterable[str], properties: Iterable[str] = ()) -> dict[str, set[str]]:
    """Tie tokens (``~family``) per member name: what must stay on one side of a split.

    Families count only when two or more of their members are defined; twins are two
    names that differ by one pair of opposite words; a property is tied to the helpers
    named after it (``_get_size``, ``_set_size``, ``_size``).
    """
    names = list(dict.fromkeys(names))
    found: dict[str, set[str]] = {n: set() for n in names}
    by_family = Counter(FAMILY_OF[n] for n in names if n in FAMILY_OF)
    for name in names:
        family = FAMILY_OF.get(name)
        if family and by_family[family] >= 2:
            found[name].add(f"~{family}")
    # dunder partners are families above; twins are the class's own names
    split = {n: words(n) for n in names if not (n.startswith("__") and n.endswith("__"))}
    names = list(split)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            wa, wb = split[a], split[b]
            if len(wa) != len(wb) or not wa:
                continue
            diff = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
            if len(diff) == 1 and frozenset(diff[0]) in _ANTONYMS:
                token = f"~twin:{'_'.join(w for w in wa if w != diff[0][0])}:{'/'.join(sorted(diff[0]))}"
                found[a].add(token)
                found[b].add(token)
    for prop in (p for p in properties if p in found):
        helpers = [f"_get_{prop}", f"_set_{prop}", f"_del_{prop}", f"get_{prop}", f"set_{prop}", f"_{prop}"]
        present = [h for h in helpers if h in found]
        for helper in present:
            found[helper].add(f"~property:{prop}")
        if present:
            found[prop].add(f"~property:{prop}")
    return found


def handler_prefix(name: str) -> str:
    """The affinity token of a handler (``on_click`` -> ``@on``), or ''."""
    parts = words(name)
    return f"@{parts[0]}" if len(parts) > 1 and parts[0] in HANDLER_VERBS else ""


def is_property(node: cst.FunctionDef) -> bool:
    """True for a ``@property`` (or cached/lazy property) getter."""
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if name in _PROPERTY_DECORATORS:
            return True
    return False


def sections(klass: cst.ClassDef) -> dict[str, str]:
    """The section heading each method of the class sits under (``# --- Parsing ---``), '' for none."""
    body = suite_statements(klass.body)
    current = ""
    found: dict[str, str] = {}
    for statement in body:
        for line in getattr(statement, "leading_lines", ()):
            title = heading(line.comment.value) if line.comment else ""
            if title:
                current = title
        if isinstance(statement, cst.FunctionDef):
            found.setdefault(statement.name.value, current)
    return found


_PRAGMA = re.compile(r"^(noqa|type:|pragma|pylint|fmt|todo|xxx|fixme|nosec|mypy|isort|ruff)", re.IGNORECASE)


def heading(comment: str) -> str:
    """The title of a section comment (``# --- Parsing ---``, ``# CORS``), or '' for any other comment."""
    text = comment.lstrip("#").strip()
    decorated = bool(re.match(r"^[-=#*~]{2,}", text) or re.search(r"[-=#*~]{2,}$", text))
    core = text.strip("-=#*~ ").strip()
    parts = core.split()
    if not parts or _PRAGMA.match(core) or not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9/&-]*", w) for w in parts):
        return ""
    if decorated and len(parts) <= 5:
        return core
    if len(parts) <= 3 and core[0].isupper():
        return core
    return ""


@dataclass(frozen=True)
class Cohesion:
    """How well a group hangs together, and why."""

    score: float
    state: float  # share of members sharing state with another member
    meaning: float  # share of members sharing a protocol, section, twin or name word with another
    cross: float  # links to what stays, relative to the group's own

    def refusal(self, names: list[str]) -> str:
        """Why the group stays, or '' when it is cohesive enough."""
        if self.score >= COHESION_THRESHOLD:
            return ""
        shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        parts = [
            "they share no state" if self.state == 0 else f"{self.state:.0%} share state",
            "no name, protocol or section" if self.meaning == 0 else f"{self.meaning:.0%} share a name or section",
        ]
        if self.cross:
            parts.append(f"{self.cross:.0%} of their links reach what stays")
        return f"cohesion {self.score:.2f} below {COHESION_THRESHOLD}: {shown} ({', '.join(parts)})"


def cohesion(group: Sequence[Method], members: Sequence[Method], avoid: Iterable[str] = ()) -> Cohesion:
    """The cohesion of ``group`` split off the class whose members are ``members``.

    ``avoid``: words saying nothing about one group (the class's own name).
    """
    group_names = {m.name for m in group}
    all_names = {m.name for m in members}
    staying = [m for m in members if m.name not in group_names and m.name not in WHOLE_INSTANCE]
    data = {m.name: m.attrs - all_names for m in members}
    # attributes most methods use (``self.out`` of a writer) say nothing about one group
    counted = [m for m in members if m.name not in WHOLE_INSTANCE]
    uses = Counter(a for m in counted for a in data[m.name])
    ambient = {a for a, n in uses.items() if 2 * n > len(counted)}
    own = {m.name: data[m.name] - ambient for m in group}
    calls = {m.name: m.attrs & all_names for m in members}
    avoided = {w for a in avoid for w in words(a)}
    vocabulary = {
        m.name: {w for w in words(m.name) if len(w) > 2 and w not in FILLER and not same_word(w, avoided)}
        for m in group
    }
    state_tied = meaning_tied = 0
    for m in group:
        others = [o for o in group if o is not m]
        if any(own[m.name] & own[o.name] or o.name in calls[m.name] or m.name in calls[o.name] for o in others):
            state_tied += 1
        if (m.ties or m.affinity) and any(m.ties & o.ties or m.affinity & o.affinity for o in others):
            meaning_tied += 1
        elif any(_share_word(vocabulary[m.name], vocabulary[o.name]) for o in others):
            meaning_tied += 1
    group_state = set().union(*own.values()) if own else set()
    staying_state = set().union(*(data[m.name] for m in staying)) - ambient if staying else set()
    outward = {c for m in group for c in calls[m.name]} - group_names
    inward = {c for m in staying for c in calls[m.name]} & group_names
    shared = len(group_state & staying_state) + len(outward) + len(inward)
    cross = min(1.0, shared / max(1, len(group_state) + len(group_names)))
    state = state_tied / len(group)
    meaning = meaning_tied / len(group)
    # a mixin reading its host's state is normal: links to what stays weigh less than what binds the group
    score = round(0.6 * state + 0.4 * meaning - 0.25 * cross, 2)
    return Cohesion(score, round(state, 2), round(meaning, 2), round(cross, 2))


def _share_word(these: set[str], those: set[str]) -> bool:
    # ``pop`` and ``popall``, ``cached`` and ``cachedmethod`` share a word
    return any(a.startswith(b) or b.startswith(a) for a in these for b in those)


def deprecation(klass: cst.ClassDef, module: cst.Module) -> str:
    """Why the class is deprecated (a reason to leave it alone), or ''."""
    name = klass.name.value
    for decorator in klass.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        spelled = module.code_for_node(target)
        if spelled.rpartition(".")[2] == "deprecated":
            return f"{name} is deprecated (@{spelled}): it is going away, not worth splitting"
    docstring = klass.get_docstring() or ""
    # the summary paragraph or a Sphinx directive: "the x argument is deprecated" is about an argument
    summary = docstring.split("\n\n")[0].lower()
    if "deprecated" in summary or re.search(r"^\s*\.\. deprecated::", docstring, re.MULTILINE):
        return f"{name} is deprecated (its docstring says so): it is going away, not worth splitting"
    body = suite_statements(klass.body)
    for statement in body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in {"__init__", "__new__"}:
            code = module.code_for_node(statement)
            if "warn" in code and re.search(r"\b(Pending)?DeprecationWarning\b", code):
                return (
                    f"{name} is deprecated ({statement.name.value} warns with a DeprecationWarning): "
                    "it is going away, not worth splitting"
                )
    return ""
