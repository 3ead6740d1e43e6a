"""Which members of a class must stay in it, and why: a pin is a kind and the reason shown.

A method stays when moving it to a mixin could change what it means. Each rule of
:data:`RULES` looks at one member and returns the reason it stays, or ''; the first
that answers pins it. Code that acts on pins reads their :class:`PinKind`, never their
text (the helpers of a method pinned for :attr:`PinKind.MODULE_READS` may leave first).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from gitupgrade.refactor.strategies import concepts, hazards
from gitupgrade.refactor.strategies.group_hazards import is_pure_decorator
from gitupgrade.refactor.strategies.members import (
    CONSTRUCTION,
    Member,
    class_body_names,
    class_body_reads,
    evaluated_at_definition,
)
from gitupgrade.refactor.strategies.syntax import dotted, names_in
from gitupgrade.refactor.strategies.toplevel import TopLevel


class PinKind(enum.Enum):
    """Why a member stays in its class."""

    CONSTRUCTION = "construction"
    ABSTRACT = "abstract"
    FAMILY_IN_BODY = "family in body"
    OPAQUE_SUPER = "opaque super"
    CLASS_CELL = "class cell"
    MANGLED = "mangled"
    CLASS_BODY_READS = "class body reads"
    SIGNATURE = "signature"
    MODULE_READS = "module reads"
    PATCHED = "patched"
    MODULE_IDENTITY = "module identity"
    DECORATED = "decorated"
    TIED = "tied"
    SUPER_CONFLICT = "super conflict"


@dataclass(frozen=True)
class Pin:
    """Why one member stays: what kind of reason, and the reason as a reviewer reads it."""

    kind: PinKind
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ClassFacts:
    """What the rules need to know of the class and its module."""

    members: list[Member]
    imported: set[str]  # names the module imports
    class_reads: set[str]  # names the class body reads when it runs
    class_names: set[str]  # names the class body binds
    set_in_body: dict[str, str]  # protocol family -> the partner the body sets (``__hash__ = None``)
    patched: set[str]  # module names patched from elsewhere
    lazy: bool  # annotations are postponed and nothing reads them at run time
    member_names: set[str] = field(default_factory=set)


def pin_members(
    klass: cst.ClassDef,
    members: list[Member],
    statements: list[TopLevel],
    patched: set[str],
    lazy: bool,
    waived: frozenset[PinKind] = frozenset(),
) -> None:
    """Mark the members that must stay in the class, with the reason.

    ``waived``: kinds of reason not applied (what the plan would be if they were gone).

    With ``lazy`` annotations (postponed, and nothing reads them at run time) a module
    name read only in annotations needs no import at run time: the mixin module imports
    it under ``TYPE_CHECKING``, so such a method may move.
    """
    class_names = class_body_names(klass)
    member_names = {m.name for m in members}
    facts = ClassFacts(
        members,
        imported={n for s in statements if s.kind == "import" for n in s.binds},
        class_reads=class_body_reads(klass),
        class_names=class_names,
        # ``__hash__ = None`` or ``__radd__ = __add__`` in the body: their protocol partners stay beside them
        set_in_body={concepts.FAMILY_OF[n]: n for n in class_names - member_names if n in concepts.FAMILY_OF},
        patched=patched,
        lazy=lazy,
        member_names=member_names,
    )
    for member in members:
        _read_names(member, facts)
        for kind, rule in RULES:
            reason = "" if kind in waived else rule(member, facts)
            if reason:
                member.pinned = Pin(kind, reason)
                break


def _read_names(member: Member, facts: ClassFacts) -> None:
    """Settle what the member reads from its module, and how it uses ``super()``."""
    if not facts.lazy:
        member.globals |= member.hints
        member.hints = set()
    member.globals |= member.hints & facts.imported
    member.hints -= facts.imported
    member.module_reads = member.globals - facts.imported
    supers = super_reads(member.nodes) if any("super" in names_in(n) for n in member.nodes) else set()
    member.super_names = supers or set()
    member.opaque_super = supers is None


def _construction(member: Member, facts: ClassFacts) -> str:
    return "it builds the instance or the class" if member.name in CONSTRUCTION else ""


def _abstract(member: Member, facts: ClassFacts) -> str:
    # found on boltons SpooledIOBase: ABCMeta collects abstract methods from the class and
    # its ABC bases only, so on a plain mixin read/write stopped being abstract
    abstract = any(
        dotted(d.decorator).rpartition(".")[2].startswith("abstract") for n in member.nodes for d in n.decorators
    )
    return "it is an abstract method, which ABCMeta only sees on the class itself" if abstract else ""


def _family_in_body(member: Member, facts: ClassFacts) -> str:
    family = concepts.FAMILY_OF.get(member.name)
    return f"the class body sets {facts.set_in_body[family]} beside it" if family in facts.set_in_body else ""


def _opaque_super(member: Member, facts: ClassFacts) -> str:
    return "super() is used other than as super().name" if member.opaque_super else ""


def _class_cell(member: Member, facts: ClassFacts) -> str:
    return "uses __class__" if "__class__" in bare_names(member.nodes) else ""


def _mangled(member: Member, facts: ClassFacts) -> str:
    names = set().union(*(names_in(node) for node in member.nodes))
    return "uses a name-mangled __attribute" if any(n.startswith("__") and not n.endswith("__") for n in names) else ""


def _class_body_reads(member: Member, facts: ClassFacts) -> str:
    return "the class body reads it" if member.name in facts.class_reads else ""


def _signature(member: Member, facts: ClassFacts) -> str:
    # found on jinja2 CodeGenerator._make_finalize(self) -> _FinalizeInfo (a nested class)
    signature = {
        n for node in member.nodes for part in evaluated_at_definition(node, not facts.lazy) for n in names_in(part)
    }
    found = signature & facts.class_names
    return f"its signature reads {', '.join(sorted(found))} from the class body" if found else ""


def _module_reads(member: Member, facts: ClassFacts) -> str:
    needed = ", ".join(sorted(member.module_reads))
    return f"reads {needed} from its module (an import back would be circular)" if needed else ""


def _patched(member: Member, facts: ClassFacts) -> str:
    found = member.globals & facts.patched
    return f"reads {', '.join(sorted(found))}, patched elsewhere" if found else ""


def _module_identity(member: Member, facts: ClassFacts) -> str:
    if hazards.identity_names(cst.Module(body=list(member.nodes))):
        return "depends on the module it is written in (__name__, globals() ...)"
    return ""


def _decorated(member: Member, facts: ClassFacts) -> str:
    for node in member.nodes:
        for decorator in node.decorators:
            target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            name = dotted(target)
            if name.split(".")[0] in facts.member_names:
                continue  # @prop.setter travels with prop
            if not is_pure_decorator(name, set()):
                return f"decorated with {name or 'an expression'}, which may register it"
    return ""


Rule = Callable[[Member, ClassFacts], str]

# In the order a reviewer would give the reasons: the first that answers pins the member.
RULES: tuple[tuple[PinKind, Rule], ...] = (
    (PinKind.CONSTRUCTION, _construction),
    (PinKind.ABSTRACT, _abstract),
    (PinKind.FAMILY_IN_BODY, _family_in_body),
    (PinKind.OPAQUE_SUPER, _opaque_super),
    (PinKind.CLASS_CELL, _class_cell),
    (PinKind.MANGLED, _mangled),
    (PinKind.CLASS_BODY_READS, _class_body_reads),
    (PinKind.SIGNATURE, _signature),
    (PinKind.MODULE_READS, _module_reads),
    (PinKind.PATCHED, _patched),
    (PinKind.MODULE_IDENTITY, _module_identity),
    (PinKind.DECORATED, _decorated),
)


def propagate_pins(members: list[Member]) -> None:
    """A member tied to one that stays stays too: ``__exit__`` beside ``__enter__``."""
    changed = True
    while changed:
        changed = False
        for member in members:
            if member.pinned:
                continue
            partner = next((m for m in members if m.pinned and m is not member and m.ties & member.ties), None)
            if partner is not None:
                member.pinned = Pin(PinKind.TIED, f"tied to {partner.name}, which stays")
                changed = True


def super_reads(nodes: list[cst.FunctionDef]) -> set[str] | None:
    """The names ``N`` of every ``super().N`` in ``nodes``; None when ``super`` is used otherwise.

    ``super(Cls, self).N`` and ``s = super()`` followed by ``s.N`` (found on boltons'
    ``OrderedMultiDict.popall``) read ``N`` the same way. Zero-argument ``super()`` in a
    mixin starts the lookup after the mixin instead of after the class; that finds the
    same ``N`` unless ``N`` moved to a mixin further along, which the planner rules out.
    """
    found: set[str] = set()
    aliases: set[str] = set()
    counts = {"super": 0, "understood": 0, "alias": 0, "alias.name": 0}

    def is_super(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super"

    class Finder(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if is_super(node.value) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                aliases.add(node.targets[0].target.value)
                counts["understood"] += 1
                counts["alias.name"] += 1  # the assignment's target is no bare use

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if is_super(node.value):
                found.add(node.attr.value)
                counts["understood"] += 1
            elif isinstance(node.value, cst.Name) and node.value.value in aliases:
                found.add(node.attr.value)
                counts["alias.name"] += 1

        def visit_Name(self, node: cst.Name) -> None:
            counts["super"] += node.value == "super"
            counts["alias"] += node.value in aliases

    for node in nodes:
        node.visit(Finder())
    understood = counts["super"] == counts["understood"] and counts["alias"] == counts["alias.name"]
    return found if understood else None


def bare_names(nodes: list[cst.FunctionDef]) -> set[str]:
    """Names used in ``nodes`` on their own, not as ``obj.attribute``."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

    for node in nodes:
        node.visit(Finder())
    return found
