"""Groups by concept: protocol partners stay together, grab-bags and deprecated classes are refused."""

from __future__ import annotations

import pytest

from gitupgrade.refactor import Status
from gitupgrade.refactor.strategies.concepts import heading, ties
from gitupgrade.refactor.strategies.module_names import module_name
from gitupgrade.refactor.strategies.naming import NoName, concept_mixin
from tests.refactor.helpers import Project, suggestion

CONN = '''
    """Connections."""

    LIMIT = 3


    class Conn:
        def __init__(self, host):
            self.host = host
            self.sock = None
            self.sent = []
            self.total = 0
            self.weight = 3

        # --- Sending ---
        def send(self, data):
            self.sent.append(data)
            self.total += len(data)

        def send_all(self, items):
            for item in items:
                self.send(item)

        def sent_count(self):
            return len(self.sent)

        # --- Lifecycle ---
        def open(self):
            self.sock = "open:" + self.host

        def close(self):
            self.sock = None

        def reopen(self):
            self.close()
            self.open()

        def __enter__(self):
            self.open()
            return self

        def __exit__(self, *exc):
            self.close()
            return exc[0] is None and LIMIT > 0

        def __eq__(self, other):
            return self.host == other.host

        def __ne__(self, other):
            return not self == other

        __hash__ = None

        def __add__(self, other):
            return self.weight + other

        def __radd__(self, other):
            return other + self.weight

        def __iadd__(self, other):
            self.weight += other
            return self
    '''

CONN_TESTS = """
    from shop.conn import Conn


    def test_conn():
        with Conn("h") as c:
            assert c.sock == "open:h"
            c.send("ab")
            c.send_all(["c"])
            assert c.sent_count() == 2
        assert c.sock is None
        c.reopen()
        assert c.sock == "open:h"
        assert c + 1 == 4 and 1 + c == 4
        c += 2
        assert c.weight == 5 and c.total == 3
        assert c == Conn("h") and not (c != Conn("h"))
    """


def _god(path: str, module: str, cls: str) -> object:
    return suggestion("god_class", (path,), {"path": path, "module": module, "class": cls})


def _defs(text: str) -> list[str]:
    return [line.strip().split("(")[0][4:] for line in text.splitlines() if line.strip().startswith("def ")]


def test_protocol_partners_and_twins_are_tied() -> None:
    names = ["__enter__", "__exit__", "__eq__", "__hash__", "__add__", "__radd__", "__iadd__", "__sub__"]
    names += ["move_prev", "move_next", "visit_Name", "leave_Name", "size", "_get_size", "render", "copy", "__copy__"]
    found = ties(names, properties=["size"])
    assert found["__enter__"] == found["__exit__"] == {"~context"}
    assert found["__eq__"] == found["__hash__"] == {"~comparison"}
    assert found["__add__"] == found["__radd__"] == found["__iadd__"] == {"~op_add"}
    assert found["copy"] == found["__copy__"] == {"~copy"}
    assert found["move_prev"] == found["move_next"] and found["move_prev"]
    assert found["visit_Name"] == found["leave_Name"] and found["visit_Name"]
    assert found["size"] == found["_get_size"] == {"~property:size"}
    # a family of one and a name without a twin are tied to nothing
    assert found["__sub__"] == found["render"] == set()


def test_section_headings_are_told_from_other_comments() -> None:
    assert heading("# --- Parsing ---") == "Parsing"
    assert heading("# CORS") == "CORS"
    assert heading("#### Event handlers ####") == "Event handlers"
    assert heading("# noqa: E501") == ""
    assert heading("# the buffer is flushed lazily, see issue 12.") == ""
    assert heading("# x = compute(y)") == ""


def test_groups_move_by_concept_and_protocol_partners_stay_together(project: Project) -> None:
    project.write({"shop/__init__.py": "", "shop/conn.py": CONN, "tests/test_conn.py": CONN_TESTS})
    assert project.pytest() == (1, 0)

    result = project.apply(_god("shop/conn.py", "shop.conn", "Conn"), god_class_max_methods=8)

    assert result.status is Status.APPLIED, result.reason
    conn = project.read("shop/conn.py")
    # two components that stand alone are enough: the lifecycle, linked to __enter__ and
    # __exit__, is the class's own core and stays with them
    assert "class Conn(SendingMixin, OperatorsMixin):" in conn
    # __eq__/__ne__ stay by __hash__ = None
    assert _defs(conn) == ["__init__", "open", "close", "reopen", "__enter__", "__exit__", "__eq__", "__ne__"]
    assert "    __hash__ = None\n" in conn
    # named after the section comments and the protocol, never after attribute counts
    assert _defs(project.read("shop/_conn_sending.py")) == ["send", "send_all", "sent_count"]
    assert _defs(project.read("shop/_conn_operators.py")) == ["__add__", "__radd__", "__iadd__"]
    assert project.pytest() == (1, 0)


def test_a_method_tied_to_one_that_stays_stays(project: Project) -> None:
    # __radd__ reads the class from its module: __add__ and __iadd__ stay with it, and the
    # sending group alone leaves the class over its limits
    conn = CONN.replace("return other + self.weight", "return other + self.weight + 0 * isinstance(other, Conn)")
    project.write({"shop/__init__.py": "", "shop/conn.py": conn, "tests/test_conn.py": CONN_TESTS})
    before = project.snapshot()

    result = project.apply(_god("shop/conn.py", "shop.conn", "Conn"), god_class_max_methods=8)

    assert result.status is Status.REFUSED
    assert "Conn.__add__ stays: tied to __radd__, which stays" in result.reason
    assert project.snapshot() == before


PROPS = '''
    """Boxes."""

    UNIT = "cm"


    class Box:
        def __init__(self, w):
            self.w = w
            self.log = []

        @property
        def size(self):
            return self._get_size()

        def _get_size(self):
            return f"{self.w}{UNIT}"

        def grow(self, by):
            self.w += by

        def shrink(self, by):
            self.w -= by

        def reset_width(self):
            self.w = 0

        def note(self, text):
            self.log.append(text)

        def notes(self):
            return list(self.log)

        def clear_notes(self):
            self.log.clear()
    '''


def test_a_property_stays_with_its_helper(project: Project) -> None:
    # _get_size reads UNIT from its module and stays: the property that calls it stays too,
    # though it shares nothing else with the rest
    tests = "from shop.box import Box\n\n\ndef test_box():\n    b = Box(2)\n    b.grow(1)\n    assert b.size == '3cm'\n"
    project.write({"shop/__init__.py": "", "shop/box.py": PROPS, "tests/test_box.py": tests})

    result = project.apply(_god("shop/box.py", "shop.box", "Box"), god_class_max_methods=6)

    assert result.status is Status.APPLIED, result.reason
    box = project.read("shop/box.py")
    assert "    @property\n    def size(self):" in box and "def _get_size(self):" in box
    # named after the state the group owns
    assert "class Box(LogMixin):" in box
    assert _defs(project.read("shop/_box_log.py")) == ["note", "notes", "clear_notes"]
    assert project.pytest() == (1, 0)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            (
                "class Box:\n        def __init__(self, w):\n",
                'class Box:\n        """Deprecated: use Crate."""\n\n        def __init__(self, w):\n',
            ),
            "Box is deprecated (its docstring says so): it is going away, not worth splitting",
        ),
        (
            (
                "class Box:\n        def __init__(self, w):\n",
                'class Box:\n        """A box.\n\n        .. deprecated:: 2.0\n        """\n\n        def __init__(self, w):\n',
            ),
            "Box is deprecated (its docstring says so): it is going away, not worth splitting",
        ),
        (
            ("self.w = w\n", 'warnings.warn("use Crate", DeprecationWarning)\n            self.w = w\n'),
            "Box is deprecated (__init__ warns with a DeprecationWarning): it is going away, not worth splitting",
        ),
        (
            ("class Box:", "@deprecated('use Crate')\n    class Box:"),
            "Box is deprecated (@deprecated): it is going away, not worth splitting",
        ),
    ],
)
def test_a_deprecated_class_is_not_split(project: Project, change: tuple[str, str], reason: str) -> None:
    text = PROPS.replace(*change).replace(
        'UNIT = "cm"', 'import warnings\n\n    from typing_extensions import deprecated\n\n    UNIT = "cm"'
    )
    project.write({"shop/__init__.py": "", "shop/box.py": text})
    before = project.snapshot()

    result = project.apply(_god("shop/box.py", "shop.box", "Box"), god_class_max_methods=6)

    assert result.status is Status.REFUSED
    assert result.reason == reason
    assert project.snapshot() == before


MISC = '''
    """Odds and ends."""


    class Misc:
        def __init__(self):
            self.a, self.b, self.c, self.d, self.e = 1, 2, 3, 4, 5

        def alpha(self):
            return self.a

        def beta(self):
            return self.b

        def gamma(self):
            return self.c

        def delta(self):
            return self.d

        def epsilon(self):
            return self.e
    '''


def test_a_class_documenting_a_deprecated_argument_is_not_deprecated(project: Project) -> None:
    text = PROPS.replace(
        "class Box:\n        def __init__(self, w):\n",
        'class Box:\n        """A box.\n\n        The ``unit`` argument is deprecated.\n        """\n\n        def __init__(self, w):\n',
    )
    tests = "from shop.box import Box\n\n\ndef test_box():\n    assert Box(2).size == '2cm'\n"
    project.write({"shop/__init__.py": "", "shop/box.py": text, "tests/test_box.py": tests})

    result = project.apply(_god("shop/box.py", "shop.box", "Box"), god_class_max_methods=6)

    assert result.status is Status.APPLIED, result.reason
    assert project.pytest() == (1, 0)


def test_a_grab_bag_of_unrelated_methods_is_refused_with_its_cohesion(project: Project) -> None:
    project.write({"shop/__init__.py": "", "shop/misc.py": MISC})
    before = project.snapshot()

    result = project.apply(_god("shop/misc.py", "shop.misc", "Misc"), god_class_max_methods=3)

    assert result.status is Status.REFUSED
    # methods that share nothing are never bundled into a mixin: there is no group to move
    assert (
        result.reason
        == "no group of at least 3 methods stands alone apart from the main one (limits 3 methods, 500 lines)"
    )
    assert project.snapshot() == before


def test_names_a_reviewer_would_not_keep_are_never_made() -> None:
    def free(name: str) -> bool:
        return False

    # a stdlib module name would shadow it for ``import json`` inside the package (Python 2 style)
    assert module_name(["json_load", "json_dump", "json_parse"], "codec", free) == "_codec_json"
    with pytest.raises(NoName, match="_test is a stdlib module, a builtin, a test-discovery or numbered name"):
        module_name(["test_alpha", "test_beta", "test_gamma"], "core", free)
    # never a numbered suffix: a name that is taken is refused, not numbered
    with pytest.raises(NoName, match="is taken"):
        module_name(["parse_a", "parse_b", "parse_c"], "core", lambda n: n in {"parse", "core_parse"})
    # nor a builtin's, nor a word only some of the group says (found on pycparser: array_attribute.py)
    assert module_name(["any_of", "any_match", "any_value"], "checks", free) == "_checks_any"
    with pytest.raises(NoName, match="no name says what ArrayDecl, ArrayRef, ArrayDesignator, Constant ..."):
        module_name(["ArrayDecl", "ArrayRef", "ArrayDesignator", "Constant", "Goto", "If"], "c_ast", free)
    with pytest.raises(NoName, match="no name says what _ValueT_contra are about"):
        module_name(["_ValueT_contra"], "types", free)
    assert concept_mixin(["lines"], "Order", "order", free, free) == ("LinesMixin", "_order_lines")
    assert concept_mixin(["lines"], "Order", "_order", lambda n: n == "LinesMixin", free) == (
        "OrderLinesMixin",
        "_order_lines",
    )
    with pytest.raises(NoName, match="would be collected as a test"):
        concept_mixin(["test", "cases"], "Suite", "suite", free, free)


def test_a_private_module_gets_private_mixin_modules(project: Project) -> None:
    tests = CONN_TESTS.replace("shop.conn", "shop._conn")
    project.write({"shop/__init__.py": "", "shop/_conn.py": CONN, "tests/test_conn.py": tests})

    result = project.apply(_god("shop/_conn.py", "shop._conn", "Conn"), god_class_max_methods=8)

    assert result.status is Status.APPLIED, result.reason
    assert sorted(c.path for c in result.changes) == [
        "shop/_conn.py",
        "shop/_conn_operators.py",
        "shop/_conn_sending.py",
    ]
    assert project.pytest() == (1, 0)


def test_a_mixin_is_named_after_its_concept() -> None:
    from gitupgrade.refactor.strategies.members import Member
    from gitupgrade.refactor.strategies.naming import concept_words

    def member(name: str, attrs: set[str] = frozenset(), ties: set[str] = frozenset()) -> Member:
        return Member(name, [], attrs=set(attrs), ties=set(ties))

    host = [member("__init__", {"_listeners", "_queue"}), member("run", {"_queue"})]
    # the state it owns
    listeners = [member("subscribe", {"_listeners"}), member("notify", {"_listeners"}), member("drop", {"_listeners"})]
    assert concept_words(listeners, host + listeners, "Bus", {}) == ["listeners"]
    # the protocol
    pickling = [member("__getstate__", ties={"~pickling"}), member("__setstate__", ties={"~pickling"})]
    assert concept_words(pickling, host + pickling, "Bus", {}) == ["pickling"]
    # the section comment
    sending = [member("push"), member("flush"), member("emit")]
    assert concept_words(sending, host + sending, "Bus", dict.fromkeys(["push", "flush", "emit"], "Sending")) == [
        "sending"
    ]
    # the common words, never a word of the class's own name (parse of InlineParser)
    auto = [member("parse_auto_link"), member("parse_auto_email"), member("_add_auto_link")]
    assert concept_words(auto, host + auto, "InlineParser", {}) == ["auto", "link"]
    # twins name the group together
    rw = [member("read", ties={"~twin::read/write"}), member("write", ties={"~twin::read/write"}), member("writelines")]
    assert concept_words(rw, host + rw, "Spooled", {}) == ["read", "write"]
    # handler verbs say how a visitor is called, not what the group is about
    visits = [member("visit_date"), member("depart_date"), member("visit_author"), member("depart_author")]
    with pytest.raises(NoName, match="no name says what visit_date, depart_date, visit_author, depart_author are"):
        concept_words(visits, host + visits, "HTMLTranslator", {})


def test_a_concept_named_like_its_module_names_the_mixins_file_without_stuttering() -> None:
    def free(name: str) -> bool:
        return False  # nothing is taken

    assert concept_mixin(["container"], "Container", "container", free, free) == ("ContainerMixin", "_container_mixin")
    assert concept_mixin(["container"], "Box", "_containers", free, free) == ("ContainerMixin", "_container_mixin")
    assert concept_mixin(["listeners"], "Bus", "events", free, free) == ("ListenersMixin", "_events_listeners")
