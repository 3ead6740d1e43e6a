"""A group moves only when it stands alone; its mixin says in one line what it is for."""

from __future__ import annotations

import libcst as cst

from gitupgrade.refactor.strategies.members import Member, collect_members, written_attributes
from gitupgrade.refactor.strategies.mixin_docs import purpose
from gitupgrade.refactor.strategies.pins import Pin, PinKind, pin_members, propagate_pins
from gitupgrade.refactor.strategies.standalone import dependence
from gitupgrade.refactor.strategies.toplevel import map_module

PARSER = """
import re

WORD = re.compile("[a-z]+")


class Parser:
    kind = "plain"

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.body = []
        self.errors = []

    def feed(self, more):
        self.text += more

    def advance(self):
        self.pos += 1

    def peek(self):
        return self.text[self.pos]

    def emit(self, token):
        self.body.append(token)

    def tokens(self):
        return list(self.body)

    def report(self, message):
        self.errors.append(message)

    def error_count(self):
        return len(self.errors)

    def last_error(self):
        return self.errors[-1] if self.errors else None

    def describe(self):
        return f"{self.kind}: {self.error_count()} errors, {len(self)} tokens"

    def __len__(self):
        return len(self.body)

    def words(self):
        return WORD.findall(self.text) + [self.parent]

    def usage(self):
        return self.formatter.usage(self) + str(len(self))
"""


def _members() -> dict[str, Member]:
    module = cst.parse_module(PARSER)
    klass = next(s for s in module.body if isinstance(s, cst.ClassDef))
    members = collect_members(module, klass)
    pin_members(klass, members, map_module(module), set(), lazy=False)
    propagate_pins(members)
    return {m.name: m for m in members}


def _why(*names: str) -> str:
    members = _members()
    return dependence([members[n] for n in names], list(members.values()), {"kind"}, {"__init__"})


def test_a_group_that_owns_its_state_stands_alone() -> None:
    # errors is set by the constructor and changed by the group alone; describe uses it
    # through error_count, a method of the group
    assert _why("report", "error_count", "last_error") == ""


def test_a_group_reading_state_a_staying_method_sets_does_not_stand_alone() -> None:
    assert _why("peek", "advance", "emit") == (
        "advance, emit, peek would not stand alone: reads `self.text` set by `feed`, which stays in the class; "
        "`__len__` and `tokens`, which stay, use `self.body` that it changes; a mixin would depend on its host"
    )


def test_calls_to_staying_methods_and_class_attributes_keep_a_group_in_place() -> None:
    assert _why("describe", "last_error", "report") == (
        "describe, last_error, report would not stand alone: calls `self.error_count`, which stays in the class; "
        "reads the class attribute `kind` (and 1 more); a mixin would depend on its host"
    )
    # the object's own protocol is no dependency: len(self) or self.__len__() may stay behind
    assert "__len__" not in _why("describe", "error_count", "report", "last_error")


def test_an_attribute_the_class_never_sets_is_a_dependency_on_a_base_or_a_caller() -> None:
    assert "reads `self.parent`, which the class never sets (a base class or a caller does)" in _why("words")


def test_a_group_handing_self_to_other_code_does_not_stand_alone() -> None:
    # found on click's Context: get_usage returns self.command.get_usage(self), which calls
    # the context's own methods; len(self) only reaches the object's protocol
    assert "hands `self` to `self.formatter.usage`, which may use any of the host" in _why("usage")
    assert "len" not in _why("usage")


def test_what_a_method_writes_counts_changes_in_place() -> None:
    method = cst.parse_statement(
        "def f(self, x):\n"
        "    self.a = x\n    self.b += 1\n    del self.c\n    self.d[x] = 1\n    self.e.append(x)\n"
        "    self.f.g = 2\n    setattr(self, 'h', x)\n    self.i.get(x)\n    (self.j, k) = x, 1\n"
    )
    assert isinstance(method, cst.FunctionDef)
    assert written_attributes(method) == {"a", "b", "c", "d", "e", "f", "h", "j"}


def test_pins_are_values_not_text() -> None:
    members = _members()
    assert members["__init__"].pinned == Pin(PinKind.CONSTRUCTION, "it builds the instance or the class")
    assert members["words"].pinned is not None and members["words"].pinned.kind is PinKind.MODULE_READS
    assert str(members["words"].pinned) == "reads WORD from its module (an import back would be circular)"
    assert members["peek"].pinned is None


def test_a_mixin_docstring_says_what_the_component_is_for_or_nothing() -> None:
    def member(name: str, attrs: set[str], writes: set[str] = frozenset(), ties: set[str] = frozenset()) -> Member:
        return Member(name, [], attrs=set(attrs), writes=set(writes), ties=set(ties))

    context = [member("__enter__", set(), ties={"~context"}), member("__exit__", set(), ties={"~context"})]
    assert purpose(context, context, "Conn", {}) == "Conn as a context manager."
    sending = [member("send", {"sent"}, {"sent"}), member("sent_count", {"sent"})]
    assert purpose(sending, sending, "Conn", {"send": "Sending", "sent_count": "Sending"}) == "Sending for Conn."
    # found on jinja2's CodeGenerator: a heading that names no concept gives no line
    vague = {"send": "Various helpers", "sent_count": "Various helpers"}
    assert not purpose(sending, sending, "Conn", vague).startswith("Various")
    listeners = [member("subscribe", {"_listeners"}, {"_listeners"}), member("notify", {"_listeners"})]
    assert purpose(listeners, listeners, "Hub", {}) == "Keeps track of the listeners of Hub."
    # state it only reads says nothing the mixin's name does not: no filler line
    rows = [member("row_count", {"rows"}), member("formatted_rows", {"rows"})]
    assert purpose(rows, rows, "Report", {}) == ""


def test_a_mixin_docstring_never_says_a_word_of_the_class_name_twice() -> None:
    def member(name: str, attrs: set[str] = frozenset(), writes: set[str] = frozenset(), tie: str = "") -> Member:
        return Member(name, [], attrs=set(attrs), writes=set(writes), ties={tie} if tie else set())

    container = [member("__len__", tie="~container"), member("__iter__", tie="~container")]
    assert purpose(container, container, "Bag", {}) == "Bag as a container."
    # the class name says what the protocol's own line would: the protocol is said without that word
    assert purpose(container, container, "Container", {}) == "Length, iteration and item access of Container."
    assert purpose(container, container, "LRUContainers", {}) == "Length, iteration and item access of LRUContainers."
    context = [member("__enter__", tie="~context"), member("__exit__", tie="~context")]
    assert purpose(context, context, "ContextManager", {}) == "What a with statement does with ContextManager."
    adding = [member("__add__", tie="~op_add"), member("__radd__", tie="~op_add")]
    assert purpose(adding, adding, "Operators", {}) == "Arithmetic on Operators."
    # no phrasing of the protocol avoids the word, and neither does the state's line: no line at all
    assert purpose(adding, adding, "Arithmetic", {}) == ""
    history = [member("record", {"_history"}, {"_history"}), member("last", {"_history"})]
    assert purpose(history, history, "History", {}) == ""
    sections = {"record": "History", "last": "History"}
    assert purpose(history, history, "Ledger", sections) == "History for Ledger."
    assert purpose(history, history, "History", sections) == ""
