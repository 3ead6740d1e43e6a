"""god_class: move attribute clusters into mixins the class inherits from, or refuse."""

from __future__ import annotations

import libcst as cst
import pytest

from gitupgrade.refactor import ChangeKind, FileChange, Status
from gitupgrade.refactor.strategies.god_class import super_conflicts
from gitupgrade.refactor.strategies.members import Member
from gitupgrade.refactor.strategies.pins import super_reads
from tests.refactor.helpers import Project, suggestion

ORDER = '''
    """Orders."""
    import json

    TAX = 0.2


    class Base:
        def describe(self):
            return "base"


    class Order(Base):
        """An order."""

        kind = "order"

        def __init__(self, lines):
            self.lines = list(lines)
            self.events = []
            self.__secret = 1

        # --- totals ---
        def total(self):
            return sum(self.lines)

        def with_tax(self):
            return self.total() * (1 + TAX)

        def average(self):
            return self.total() / self.count()

        def count(self):
            return len(self.lines)

        # --- events ---
        def record(self, name):
            """Record an event."""
            self.events.append(name)

        def last_event(self):
            return self.events[-1] if self.events else None

        def dump_events(self):
            return json.dumps(self.events)

        def describe(self):
            self.record("describe")
            return super().describe() + "!"

        def secret(self):
            return self.__secret
    '''

TESTS = """
    from shop.order import Order


    def test_order():
        o = Order([1, 2])
        assert o.total() == 3 and o.count() == 2 and o.average() == 1.5
        assert o.describe() == "base!"
        assert o.last_event() == "describe"
        assert o.dump_events() == '["describe"]'
        assert o.secret() == 1
        assert Order.kind == "order"
    """

# one line from the section it came from: never the moved names or "methods that use lines"
EXPECTED_MIXIN = '''"""Totals for Order."""


class TotalsMixin:
    """Totals for Order."""

    # --- totals ---
    def total(self):
        return sum(self.lines)

    def average(self):
        return self.total() / self.count()

    def count(self):
        return len(self.lines)
'''


def god(cls: str = "Order") -> object:
    return suggestion(
        "god_class",
        ("shop/order.py",),
        {
            "path": "shop/order.py",
            "module": "shop.order",
            "class": cls,
            "line": 12,
            "end_line": 60,
            "methods": 25,
            "lines": 600,
            "lcom4": 3,
        },
    )


def _shop(project: Project, order: str = ORDER, tests: str = TESTS, baseline: bool = False) -> None:
    project.write({"shop/__init__.py": "", "shop/order.py": order, "tests/test_order.py": tests})
    if baseline:
        assert project.pytest() == (1, 0)


def test_cluster_moves_to_a_mixin_and_pinned_methods_stay(project: Project) -> None:
    _shop(project, baseline=True)

    result = project.apply(god())

    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (
        FileChange("shop/_order_totals.py", ChangeKind.CREATE),
        FileChange("shop/order.py", ChangeKind.MODIFY),
    )
    assert project.read("shop/_order_totals.py") == EXPECTED_MIXIN
    order = project.read("shop/order.py")
    assert '"""Orders."""\nimport json\n\nfrom shop._order_totals import TotalsMixin\n\nTAX = 0.2\n' in order
    assert "class Order(TotalsMixin, Base):" in order
    assert "    def with_tax(self):" in order and "    def count(self):" not in order
    # secret sits in the events section: it stays with the events, the class's main group
    assert result.refusals == ("Order.with_tax stays: reads TAX from its module (an import back would be circular)",)
    assert project.pytest() == (1, 0)
    assert project.imports("shop.order") == ""


def test_zero_argument_super_moves_when_it_still_finds_the_same_method(project: Project) -> None:
    # in TotalsMixin, super() starts after the mixin: describe stays in Order, before it
    # in the MRO, so super().describe() is still Base.describe
    order = ORDER.replace(
        "def count(self):\n            return len(self.lines)",
        "def count(self):\n            return len(self.lines) + len(super().describe()) * 0",
    )
    _shop(project, order, baseline=True)
    result = project.apply(god())
    assert result.status is Status.APPLIED, result.reason
    assert "len(super().describe())" in project.read("shop/_order_totals.py")
    assert project.pytest() == (1, 0)


def test_super_calls_keep_finding_what_they_found() -> None:
    def member(name: str, supers: set[str] = frozenset()) -> Member:
        return Member(name, [], super_names=set(supers))

    first = [member("render", {"header"}), member("rows")]
    second = [member("header"), member("footer", {"rows"}), member("title", {"keys"})]
    # found on boltons LRI: __setitem__ stays and calls super().__delitem__ (dict's)
    staying = [member("__setitem__", {"__delitem__"}), member("pop", {"pop"})]
    third = [member("__delitem__")]
    assert super_conflicts([*first, *second, *staying, *third], [first, second, third]) == {
        "render": "its super().header would find header moved to another mixin",
        "footer": "its super().rows would find rows moved to another mixin",
        "__delitem__": "super().__delitem__ in __setitem__, which stays, would find it in a mixin",
    }
    # getattr(super(), name) may look up anything: nothing may move past it
    opaque = Member("lookup", [], opaque_super=True)
    assert set(super_conflicts([*first, opaque], [first])) == {"render", "rows"}


def test_super_kept_in_a_variable_is_read_like_super_name() -> None:
    # found on boltons OrderedMultiDict.popall: super_self = super(); super_self.pop(k)
    popall = cst.parse_statement(
        "def popall(self, k):\n    s = super()\n    if s.__contains__(k):\n        return s.pop(k)\n"
    )
    assert super_reads([popall]) == {"__contains__", "pop"}
    leaked = cst.parse_statement("def f(self):\n    s = super()\n    return g(s)\n")
    assert super_reads([leaked]) is None
    assert super_reads([cst.parse_statement("def f(self):\n    return super(A, self).pop()\n")]) == {"pop"}


def test_super_used_other_than_super_name_stays(project: Project) -> None:
    order = ORDER.replace(
        "def count(self):\n            return len(self.lines)",
        "def count(self):\n            return len(self.lines) + 0 * len(getattr(super(), 'describe')())",
    )
    _shop(project, order)
    result = project.apply(god())
    assert result.status is Status.REFUSED
    assert "Order.count stays: super() is used other than as super().name" in result.reason


def test_slots_class_gets_slotted_mixin(project: Project) -> None:
    order = ORDER.replace('kind = "order"', '__slots__ = ("lines", "events", "__secret")\n        kind = "order"')
    _shop(project, order, baseline=True)
    result = project.apply(god())
    assert result.status is Status.APPLIED, result.reason
    assert '    """Totals for Order."""\n\n    __slots__ = ()\n' in project.read("shop/_order_totals.py")
    assert project.pytest() == (1, 0)


def test_a_class_in_a_package_of_standalone_modules_keeps_its_methods(project: Project) -> None:
    # the mixin would be a new sibling module the class's module depends on
    _shop(project)
    project.write({f"shop/{n}.py": f"def {n}_only():\n    return 1\n" for n in ("a", "b", "c", "d", "e")})
    before = project.snapshot()

    result = project.apply(god())

    assert result.status is Status.REFUSED
    assert result.reason == (
        "no module of shop imports another (each is meant to be copied alone): "
        "a new module beside order would make it depend on a sibling"
    )
    assert project.snapshot() == before


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("class Order(Base, enum.Enum):", "Order derives from enum.Enum, whose members are not plain methods"),
        ("class Order(Base, metaclass=abc.ABCMeta):", "Order has a metaclass or class keywords"),
        ("@register\n    class Order(Base):", "Order is decorated with register"),
        (
            "from os.path import *\n\n\n    class Order(Base):",
            "the module has a star import: the names its methods read cannot be resolved",
        ),
    ],
)
def test_special_classes_refuse(project: Project, header: str, reason: str) -> None:
    order = ORDER.replace("class Order(Base):", header).replace(
        "import json\n", "import abc\n    import enum\n    import json\n\n    def register(c):\n        return c\n"
    )
    project.write({"shop/__init__.py": "", "shop/order.py": order})
    before = project.snapshot()
    result = project.apply(god())
    assert result.status is Status.REFUSED
    assert result.reason == reason
    assert project.snapshot() == before


def test_names_only_in_postponed_annotations_are_imported_for_type_checking(project: Project) -> None:
    # found on click.core.Context: "-> Context" alone must not keep a method in the class
    order = (
        ORDER.replace('"""Orders."""\n', '"""Orders."""\n    from __future__ import annotations\n\n')
        .replace("def count(self):", "def count(self) -> Count:")
        .replace("def average(self):", "def average(self, other: Order | None = None):")
        .replace("TAX = 0.2\n", "TAX = 0.2\n    Count = int\n")
    )
    _shop(project, order, baseline=True)
    result = project.apply(god())
    assert result.status is Status.APPLIED, result.reason
    mixin = project.read("shop/_order_totals.py")
    assert mixin.startswith(
        EXPECTED_MIXIN.split("\n\n\nclass")[0].replace(
            '"""\n',
            '"""\n\nfrom __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n'
            "if TYPE_CHECKING:\n    from shop.order import Count, Order\n",
            1,
        )[:-1]
    )
    assert "    def count(self) -> Count:\n" in mixin
    assert project.pytest() == (1, 0)
    assert project.imports("shop._order_totals", "shop.order") == ""


REPORT = '''
    """Reports."""

    SEPARATOR = " | "


    def _format_row(row):
        return SEPARATOR.join(str(cell) for cell in row)


    class Report:
        def __init__(self, title, rows):
            self.title = title
            self.rows = rows
            self.width = 12

        def heading(self):
            return self.title.upper()[: self.width]

        def underline(self):
            return "=" * min(len(self.title), self.width)

        def title_width(self):
            return min(len(self.title), self.width)

        def formatted_rows(self):
            return [_format_row(row)[: self.width] for row in self.rows]

        def row_count(self):
            return min(len(self.rows), self.width)

        def __len__(self):
            return len(self.rows)

        def render(self):
            return [self.heading(), self.underline(), SEPARATOR.strip()]
    '''

REPORT_TESTS = """
    from shop.report import Report, _format_row


    def test_report():
        report = Report("sales", [(1, 2), (3, 4)])
        assert report.render() == ["SALES", "=====", "|"]
        assert report.formatted_rows() == ["1 | 2", "3 | 4"]
        assert len(report) == 2 and report.title_width() == 5 and report.row_count() == 2
        assert _format_row((5, 6)) == "5 | 6"
    """

# The rows are written to ``self.out``, which ``render`` (staying) reads back.
WRITER = (
    REPORT.replace("self.width = 12", "self.width = 12\n            self.out = []")
    .replace(
        "return [_format_row(row)[: self.width] for row in self.rows]",
        "self.out.extend(_format_row(row)[: self.width] for row in self.rows)\n            return self.out",
    )
    .replace("SEPARATOR.strip()]", "SEPARATOR.strip(), *self.out[:0]]")
)


def _report(project: Project, report: str = REPORT) -> object:
    project.write({"shop/__init__.py": "", "shop/report.py": report, "tests/test_report.py": REPORT_TESTS})
    assert project.pytest() == (1, 0)
    return suggestion(
        "god_class", ("shop/report.py",), {"path": "shop/report.py", "module": "shop.report", "class": "Report"}
    )


def test_a_setting_every_method_reads_is_cut_and_a_group_that_stands_alone_moves(project: Project) -> None:
    # every method reads self.width: LCOM4 sees one cluster; without `width`, rows and title part.
    # The rows group reads only what the constructor sets, and nothing that stays uses its state.
    god_report = _report(project)

    result = project.apply(god_report, god_class_max_methods=5)

    assert result.status is Status.APPLIED, result.reason
    report = project.read("shop/report.py")
    # one concept, named after the state it owns, not after the host
    assert "class Report(RowsMixin):" in report
    assert [line.strip() for line in report.splitlines() if line.strip().startswith("def ")] == [
        "def __init__(self, title, rows):",
        "def heading(self):",
        "def underline(self):",
        "def title_width(self):",
        "def render(self):",
    ]
    mixin = project.read("shop/_report_rows.py")
    for name in ("formatted_rows", "row_count", "__len__"):
        assert f"    def {name}(self):" in mixin and f"    def {name}(self):" not in report
    # formatted_rows reads _format_row: the helper left for a module both import from
    helper = project.read("shop/_separator.py")
    assert 'SEPARATOR = " | "' in helper and "def _format_row(row):" in helper
    # re-exported: Report reads SEPARATOR; _format_row only the tests import from here now
    assert "from shop._separator import SEPARATOR, _format_row as _format_row" in report
    assert "from shop._separator import _format_row" in mixin
    assert "def _format_row" not in report
    assert project.pytest() == (1, 0)
    assert project.imports("shop._report_rows", "shop.report") == ""


def test_a_group_whose_state_a_staying_method_reads_does_not_move(project: Project) -> None:
    # formatted_rows appends to self.out, which render reads: a mixin would depend on its host
    god_report = _report(project, WRITER)
    before = project.snapshot()

    result = project.apply(god_report, god_class_max_methods=5)

    assert result.status is Status.REFUSED
    assert result.reason.startswith("no group of at least 3 methods stands alone"), result.reason
    assert "`render`, which stays, uses `self.out` that it changes" in result.reason
    assert project.snapshot() == before


def test_a_split_that_cannot_bring_the_class_under_its_limits_refuses(project: Project) -> None:
    god_report = _report(project)
    before = project.snapshot()

    result = project.apply(god_report, god_class_max_methods=3)

    assert result.status is Status.REFUSED
    assert result.reason.startswith(
        "moving the groups that stand alone (formatted_rows, row_count, __len__) would leave about 5 methods"
    ), result.reason
    assert project.snapshot() == before


def test_method_read_by_a_default_argument_stays(project: Project) -> None:
    # found on docutils.nodes.Element: update_all_atts(self, dict_, update_fun=copy_attr_consistent)
    order = ORDER.replace(
        "        def secret(self):",
        "        def counted(self, how=count):\n            return how(self)\n\n        def secret(self):",
    )
    _shop(project, order)
    before = project.snapshot()
    result = project.apply(god())
    # count must stay, which leaves the lines cluster too small to move
    assert result.status is Status.REFUSED
    assert "Order.count stays: the class body reads it" in result.reason
    assert project.snapshot() == before


def test_method_whose_signature_reads_a_class_attribute_stays(project: Project) -> None:
    # found on jinja2: def _make_finalize(self) -> _FinalizeInfo, a class nested in the body
    order = ORDER.replace('kind = "order"', 'kind = "order"\n        Count = int').replace(
        "def count(self):", "def count(self) -> Count:"
    )
    _shop(project, order)
    result = project.apply(god())
    assert result.status is Status.REFUSED
    assert "Order.count stays: its signature reads Count from the class body" in result.reason


def test_abstract_methods_stay_where_abcmeta_can_see_them(project: Project) -> None:
    methods = "".join(
        f"    def {verb}_{noun}(self):\n        return self.{noun}s\n\n"
        for noun in ("log", "entry")
        for verb in ("get", "count", "clear", "last")
    )
    store = (
        "import abc\n\n\nclass Store(abc.ABC):\n"
        "    def __init__(self):\n        self.buffer = []\n        self.logs = []\n        self.entrys = []\n\n"
        "    @abc.abstractmethod\n    def read(self):\n        return self.buffer\n\n"
        "    @abc.abstractmethod\n    def write(self, x):\n        self.buffer.append(x)\n\n"
        "    def readline(self):\n        return self.buffer[0]\n\n"
        "    def readlines(self):\n        return list(self.buffer)\n\n" + methods
    )
    test = (
        "import pytest\n\nfrom shop.store import Store\n\n\n"
        "def test_still_abstract():\n"
        "    assert Store.__abstractmethods__ == {'read', 'write'}\n"
        "    with pytest.raises(TypeError):\n        Store()\n"
    )
    project.write({"shop/__init__.py": "", "shop/store.py": store, "tests/test_store.py": test})
    evidence = {"path": "shop/store.py", "module": "shop.store", "class": "Store"}

    result = project.apply(suggestion("god_class", ("shop/store.py",), evidence), god_class_max_methods=8)

    assert result.status is Status.APPLIED, result.reason
    assert "def read(self)" in project.read("shop/store.py") and "def write(self, x)" in project.read("shop/store.py")
    assert project.pytest() == (1, 0)
