"""god_module: split cohesive groups into new modules and re-export them, or refuse."""

from __future__ import annotations

import re
import textwrap

import pytest

from gitupgrade.refactor import ChangeKind, FileChange, Status
from tests.refactor.helpers import Project, suggestion

CORE = '''
    """Everything about the shop."""
    from __future__ import annotations

    import json
    import re
    from collections import OrderedDict

    __all__ = ["Cart", "add_item", "parse_sku", "format_sku", "SKU_RE"]

    SKU_RE = re.compile(r"^[A-Z]{3}-\\d+$")


    class Cart:
        """A cart."""

        def __init__(self):
            self.items = OrderedDict()

        def total(self):
            return sum(self.items.values())


    def add_item(cart: Cart, sku: str, price: int) -> None:
        # no validation here
        cart.items[sku] = price


    def dump_cart(cart: Cart) -> str:
        return json.dumps(cart.items)


    # --- SKU helpers -------------------------------------------------
    def parse_sku(text: str) -> str:
        """Parse a SKU."""
        if not SKU_RE.match(text):
            raise ValueError(text)
        return text


    def format_sku(prefix: str, number: int) -> str:
        return SKU_RE.match(f"{prefix}-{number}").group(0)


    def sku_number(text: str) -> int:
        return int(SKU_RE.match(text).group(0).split("-")[1])
    '''

TESTS = """
    from shop import core
    from shop.core import *
    from shop.core import Cart, add_item, format_sku


    def test_cart():
        c = Cart()
        add_item(c, format_sku("ABC", 1), 3)
        assert c.total() == 3
        assert core.sku_number("ABC-12") == 12
        assert core.dump_cart(c) == '{"ABC-1": 3}'
        assert parse_sku("XYZ-1") == "XYZ-1" and SKU_RE.pattern
    """

EXPECTED_SKU = '''"""SKU helpers."""

from __future__ import annotations

import re


SKU_RE = re.compile(r"^[A-Z]{3}-\\d+$")


# --- SKU helpers -------------------------------------------------
def parse_sku(text: str) -> str:
    """Parse a SKU."""
    if not SKU_RE.match(text):
        raise ValueError(text)
    return text


def format_sku(prefix: str, number: int) -> str:
    return SKU_RE.match(f"{prefix}-{number}").group(0)


def sku_number(text: str) -> int:
    return int(SKU_RE.match(text).group(0).split("-")[1])
'''

GOD = suggestion(
    "god_module", ("shop/core.py",), {"path": "shop/core.py", "module": "shop.core", "lines": 600, "definitions": 50}
)


def _shop(project: Project, core: str = CORE, tests: str = TESTS, baseline: bool = False) -> None:
    project.write({"shop/__init__.py": "", "shop/core.py": core, "tests/test_shop.py": tests})
    if baseline:
        assert project.pytest() == (1, 0)


def test_cohesive_group_moves_and_is_reexported(project: Project) -> None:
    _shop(project, baseline=True)

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert result.changes == (
        FileChange("shop/_sku.py", ChangeKind.CREATE),
        FileChange("shop/core.py", ChangeKind.MODIFY),
    )
    assert project.read("shop/_sku.py") == EXPECTED_SKU
    core = project.read("shop/core.py")
    assert core.startswith('''"""Everything about the shop."""
from __future__ import annotations

import json
from collections import OrderedDict

# re-exported so existing imports keep working
from shop._sku import SKU_RE, parse_sku, format_sku, sku_number as sku_number

__all__ = ["Cart", "add_item", "parse_sku", "format_sku", "SKU_RE"]
''')
    assert "def parse_sku" not in core and "class Cart" in core
    assert project.pytest() == (1, 0)
    assert project.imports("shop.core", "shop._sku") == ""


def test_relative_import_style_is_kept(project: Project) -> None:
    _shop(project, CORE.replace("import json\n", "import json\n    from . import __name__ as _pkg\n"))
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert "from ._sku import SKU_RE, parse_sku, format_sku, sku_number as sku_number\n" in project.read("shop/core.py")
    assert project.pytest() == (1, 0)


def _refusal(project: Project, core: str, tests: str = TESTS) -> str:
    _shop(project, core, tests)
    before = project.snapshot()
    result = project.apply(GOD)
    assert result.status is Status.REFUSED, result.summary
    assert project.snapshot() == before
    return result.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        # the moved code depends on which module it lives in
        (
            "\n\n    def sku_owner():\n        return __name__, parse_sku\n",
            (
                "group SKU_RE, parse_sku, format_sku, sku_number ...: sku_owner uses __name__, "
                "which depends on the module"
            ),
        ),
        # a conditional definition the group reads stays behind
        (
            "\n\n    if True:\n        PREFIX = 'X'\n\n\n    def sku_prefix():\n        return PREFIX + parse_sku('ABC-1')\n",
            (
                "group SKU_RE, parse_sku, format_sku, sku_number ...: uses PREFIX, (re)defined at module "
                "level by code that stays (line 48)"
            ),
        ),
        # a registering decorator would run at another time
        (
            "\n\n    import atexit\n\n\n    @atexit.register\n    def sku_cleanup(): return parse_sku('ABC-1')\n",
            (
                "group SKU_RE, parse_sku, format_sku, sku_number ...: sku_cleanup is decorated with "
                "atexit.register, whose registration order would change"
            ),
        ),
    ],
)
def test_hazards_refuse_the_group(project: Project, change: str, reason: str) -> None:
    assert _refusal(project, CORE + change) == reason


def test_monkeypatched_name_read_by_the_group_refuses(project: Project) -> None:
    tests = (
        TESTS
        + """

    def test_patched(monkeypatch):
        monkeypatch.setattr(core, "SKU_RE", core.re.compile("."))
        assert core.parse_sku("x") == "x"
    """
    )
    project.write({"shop/__init__.py": "", "shop/core.py": CORE, "tests/test_shop.py": tests})
    assert project.pytest() == (2, 0)
    before = project.snapshot()
    result = project.apply(GOD)
    assert result.status is Status.REFUSED
    assert "reads or defines SKU_RE, which is rebound elsewhere" in result.reason
    assert project.snapshot() == before


def test_assignment_from_another_module_refuses(project: Project) -> None:
    project.write(
        {"shop/settings.py": "from shop import core\n\n\ndef strict():\n    core.SKU_RE = core.re.compile('^$')\n"}
    )
    reason = _refusal(project, CORE)
    assert reason == (
        "group SKU_RE, parse_sku, format_sku, sku_number: reads or defines SKU_RE, "
        "which is rebound elsewhere (global, patch or assignment)"
    )


def test_mock_patch_target_string_refuses(project: Project) -> None:
    tests = (
        TESTS
        + """

    def test_patched():
        from unittest import mock
        with mock.patch("shop.core.parse_sku", lambda t: t):
            assert core.parse_sku("x") == "x"
    """
    )
    project.write({"shop/__init__.py": "", "shop/core.py": CORE, "tests/test_shop.py": tests})
    before = project.snapshot()
    result = project.apply(GOD)
    assert result.status is Status.REFUSED
    assert "reads or defines parse_sku, which is rebound elsewhere" in result.reason
    assert project.snapshot() == before


def test_module_path_spelled_out_by_the_tests_refuses(project: Project) -> None:
    # found on docutils: the expected output names ``docutils.transforms.references.TargetNotes``
    tests = (
        TESTS
        + """

    EXPECTED = "formatted by shop.core.format_sku"


    def test_expected():
        assert core.format_sku.__module__ + ".format_sku" in EXPECTED
    """
    )
    reason = _refusal(project, CORE, tests)
    assert reason.endswith("other files spell out the module path of format_sku, which moving would change")


def test_module_path_reached_in_code_or_cited_in_a_docstring_moves(project: Project) -> None:
    # found on toolz (``first is toolz.itertoolz.first``) and jinja2 (``:class:`jinja2.lexer.Token```):
    # the re-export answers the attribute, and a docstring only cites the path
    tests = (
        TESTS
        + '''

    def test_reached():
        """Checks shop.core.format_sku through the module."""
        import shop.core
        assert shop.core.format_sku is format_sku
    '''
    )
    _shop(project, tests=tests)
    assert project.pytest() == (2, 0)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert project.pytest() == (2, 0)


def test_star_import_refuses_the_module(project: Project) -> None:
    assert _refusal(project, CORE.replace("import json\n", "import json\n    from os.path import *\n")) == (
        "the module has a star import: its names cannot be resolved"
    )


def test_single_connected_module_refuses(project: Project) -> None:
    core = '"""One thing."""\n\n\ndef a():\n    return b()\n\n\ndef b():\n    return 1\n'
    tests = "from shop.core import a\n\n\ndef test_a():\n    assert a() == 1\n"
    assert _refusal(project, core, tests) == (
        "shop/core.py is within its limits now and the module's definitions form a single connected group"
    )


def test_small_groups_stay(project: Project) -> None:
    core = (
        '"""Main and a pair."""\n\n\nclass Main:\n    pass\n\n\ndef use_main():\n    return Main()\n\n\n'
        "def make_main():\n    return Main()\n\n\ndef pair_a():\n    return pair_b()\n\n\ndef pair_b():\n    return 2\n"
    )
    tests = "from shop.core import pair_a\n\n\ndef test_a():\n    assert pair_a() == 2\n"
    assert _refusal(project, core, tests) == (
        "shop/core.py is within its limits now and no cohesive group of at least 3 definitions apart from the main one"
    )


SIZES = """

    _SIZE_SYMBOLS = ('B', 'K', 'M')
    _SIZE_BOUNDS = [(1024 ** i, sym) for i, sym in enumerate(_SIZE_SYMBOLS)]
    _SIZE_BOUNDS.append((float('inf'), ''))
    _SIZE_RANGES = list(zip(_SIZE_BOUNDS, _SIZE_BOUNDS[1:]))


    def bytes2human(nbytes):
        for (size, symbol), (next_size, _) in _SIZE_RANGES:
            if nbytes < next_size:
                return f"{nbytes // size}{symbol}"
    """


def test_statement_between_definitions_moves_with_them(project: Project) -> None:
    # found on boltons.strutils: the append must still run before _SIZE_RANGES is computed
    tests = TESTS + "\n\n    def test_sizes():\n        assert core.bytes2human(1024 ** 2 * 5) == '5M'\n"
    project.write({"shop/__init__.py": "", "shop/core.py": CORE + SIZES, "tests/test_shop.py": tests})
    assert project.pytest() == (2, 0)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert (
        "moved 4 definitions (_SIZE_SYMBOLS, _SIZE_BOUNDS, _SIZE_RANGES, bytes2human) to shop/_size.py"
        in result.summary
    )
    assert "_SIZE_BOUNDS.append((float('inf'), ''))\n_SIZE_RANGES" in project.read("shop/_size.py")
    assert project.pytest() == (2, 0)


def test_statement_between_definitions_ties_what_it_uses_together(project: Project) -> None:
    # the append works on _SIZE_BOUNDS and Cart: the sizes stay with the cart, the SKU group moves
    sizes = SIZES.replace("_SIZE_BOUNDS.append((float('inf'), ''))", "_SIZE_BOUNDS.append((float('inf'), Cart))")
    project.write({"shop/__init__.py": "", "shop/core.py": CORE + sizes, "tests/test_shop.py": TESTS})
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    core = project.read("shop/core.py")
    assert "_SIZE_BOUNDS.append((float('inf'), Cart))" in core and "def bytes2human" in core
    assert "def parse_sku" in project.read("shop/_sku.py")
    assert project.pytest() == (1, 0)


def test_attribute_named_like_a_module_global_is_no_hazard(project: Project) -> None:
    # found on boltons.tbutils: type(self).__name__ is the class's name, not the module's
    core = CORE.replace("raise ValueError(text)", "raise ValueError(type(text).__name__)")
    _shop(project, core)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason


def test_group_importing_back_into_a_cycle_from_the_import_block_moves(project: Project) -> None:
    # shop.pricing imports shop.core; the new module imports pricing after core's own import
    # block has, so it finds pricing as far along as core did (found on click.core)
    core = CORE.replace("import json\n", "import json\n    from shop import pricing\n").replace(
        'return SKU_RE.match(f"{prefix}-{number}").group(0)', 'return SKU_RE.match(f"{prefix}-{pricing.RATE}").group(0)'
    )
    _shop(project, core)
    project.write({"shop/pricing.py": "import shop.core\n\nRATE = 1\n"})
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert "from shop import pricing" in project.read("shop/_sku.py")
    assert project.imports("shop.pricing") == "" and project.imports("shop.core") == ""


def test_group_reading_a_late_import_that_leads_back_refuses(project: Project) -> None:
    # an import below the definitions breaks a cycle: run earlier, it would meet core half-made
    core = (
        CORE.replace(
            'return SKU_RE.match(f"{prefix}-{number}").group(0)',
            'return SKU_RE.match(f"{prefix}-{pricing.RATE}").group(0)',
        )
        + "\n\n    from shop import pricing  # noqa: E402\n"
    )
    project.write({"shop/pricing.py": "import shop.core\n\nRATE = 1\n"})
    reason = _refusal(project, core)
    assert reason == (
        "group SKU_RE, parse_sku, format_sku, sku_number: its import of shop.pricing "
        "leads back to shop.core (an import cycle)"
    )


def test_import_read_only_by_a_decorator_is_copied(project: Project) -> None:
    # found on click.termui: "@t.overload" is the only use of "import typing as t" in the group
    core = CORE.replace("import json\n", "import json\n    import typing as t\n").replace(
        "    def format_sku(prefix: str, number: int) -> str:",
        "    @t.overload\n    def format_sku(prefix: str, number: int) -> str: ...\n\n\n"
        "    def format_sku(prefix: str, number: int) -> str:",
    )
    _shop(project, core)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert "\nimport typing as t\n" in project.read("shop/_sku.py")
    assert project.pytest() == (1, 0)


def test_monkeypatch_through_the_package_attribute_refuses(project: Project) -> None:
    # found on click's tests: monkeypatch.setattr(click._termui_impl, "isatty", ...)
    tests = (
        TESTS
        + """

    def test_patched(monkeypatch):
        import shop
        monkeypatch.setattr(shop.core, "SKU_RE", shop.core.re.compile("."))
        assert shop.core.parse_sku("x") == "x"
    """
    )
    project.write({"shop/__init__.py": "from shop import core\n", "shop/core.py": CORE, "tests/test_shop.py": tests})
    before = project.snapshot()
    result = project.apply(GOD)
    assert result.status is Status.REFUSED
    assert "reads or defines SKU_RE, which is rebound elsewhere" in result.reason
    assert project.snapshot() == before


SHAPES = '''
    """Shapes."""
    import math


    class Shape:
        def describe(self):
            return f"{type(self).__name__} of area {self.area():.1f}"


    class Square(Shape):
        def __init__(self, side):
            self.side = side

        def area(self):
            return self.side ** 2


    def squares(n, shape=Square):
        return [shape(i) for i in range(n)]


    def square_total(n, make=squares):
        return sum(s.area() for s in make(n))


    class Circle(Shape):
        def __init__(self, radius):
            self.radius = radius

        def area(self):
            return math.pi * self.radius ** 2


    def circles(n, shape=Circle):
        return [shape(i) for i in range(n)]


    def circle_total(n, make=circles):
        return sum(c.area() for c in make(n))
    '''

SHAPES_TESTS = """
    from shop import core
    from shop.core import Circle, Shape, Square, square_total


    def test_shapes():
        assert Square(2).describe() == "Square of area 4.0"
        assert isinstance(Circle(1), Shape) and round(core.circle_total(3), 2) == 15.71
        assert square_total(3) == 5
    """


def test_a_shared_base_leaves_for_its_own_module_so_the_groups_that_need_it_can_split(project: Project) -> None:
    # one connected graph through Shape: no part can leave without an import back, unless
    # Shape itself leaves first and both the rest and the original import it from there
    _shop(project, SHAPES, SHAPES_TESTS)
    assert project.pytest() == (1, 0)

    result = project.apply(GOD, god_module_max_definitions=4)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["shop/_shape.py", "shop/_circle.py", "shop/core.py"]
    assert "class Shape:" in project.read("shop/_shape.py")
    circle = project.read("shop/_circle.py")
    assert "import math\n\nfrom shop._shape import Shape\n" in circle and "def circle_total(n, make=circles):" in circle
    core = project.read("shop/core.py")
    # Square reads Shape: a plain import; the rest is only re-exported
    # no sorter: each in isort order among the first-party imports
    assert "# re-exported so existing imports keep working\nfrom shop._circle import (\n    Circle as Circle,\n" in core
    assert "    circle_total as circle_total,\n)\nfrom shop._shape import Shape\n\n\nclass Square" in core
    assert "class Square(Shape):" in core and "class Shape" not in core
    assert project.pytest() == (1, 0)
    assert project.imports("shop._circle", "shop.core") == ""


def test_a_new_module_never_shadows_a_name_its_package_binds(project: Project) -> None:
    # ``import shop.sku`` would replace the function the package exports as ``shop.sku``
    _shop(project)
    project.write({"shop/__init__.py": "from shop.core import parse_sku as sku\n"})

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["shop/_core_sku.py", "shop/core.py"]
    assert project.pytest() == (1, 0)


def test_a_new_module_never_shadows_a_name_the_package_star_imports(project: Project) -> None:
    # found on toolz: __init__ does ``from .itertoolz import *``; toolz/get.py would replace toolz.get
    _shop(project)
    project.write({"shop/__init__.py": "from .helpers import *\n", "shop/helpers.py": "def sku():\n    return 1\n"})

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["shop/_core_sku.py", "shop/core.py"]
    assert project.pytest() == (1, 0)


def test_a_private_module_gets_private_new_modules(project: Project) -> None:
    tests = TESTS.replace("shop.core", "shop._core").replace("from shop import core", "from shop import _core as core")
    project.write({"shop/__init__.py": "", "shop/_core.py": CORE, "tests/test_shop.py": tests})
    god = suggestion("god_module", ("shop/_core.py",), {"path": "shop/_core.py", "module": "shop._core"})

    result = project.apply(god)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["shop/_sku.py", "shop/_core.py"]
    assert "from shop._sku import SKU_RE, parse_sku, format_sku, sku_number" in project.read("shop/_core.py")
    assert project.pytest() == (1, 0)


def test_a_toolbox_of_unrelated_functions_is_not_bundled_into_a_grab_bag(project: Project) -> None:
    # the planner's last resort packs unrelated functions in source order: pad_right,
    # pad_both, trim_left use none of each other, and a reviewer would not name them
    tools = '"""Tools."""\n' + "".join(
        f"\n\ndef {name}(x):\n    return x + {i}\n"
        for i, name in enumerate(["pad_left", "pad_right", "pad_both", "trim_left", "trim_right", "count_words"])
    )
    tests = "from shop.core import pad_left, count_words\n\n\ndef test_tools():\n    assert pad_left(1) + count_words(1) == 7\n"
    _shop(project, tools, tests)
    before = project.snapshot()

    result = project.apply(GOD, god_module_max_definitions=3)

    assert result.status is Status.REFUSED
    assert result.reason == (
        "group pad_right, pad_both, trim_left: cohesion 0.27 below 0.5: "
        "0% of its definitions use another of the group, 67% share a word"
    )
    assert project.snapshot() == before


def test_a_module_that_cannot_get_under_its_limits_refuses(project: Project) -> None:
    _shop(project, SHAPES, SHAPES_TESTS)
    before = project.snapshot()
    result = project.apply(GOD, god_module_max_lines=10)
    assert result.status is Status.REFUSED
    assert result.reason.startswith("moving every group that can move leaves about"), result.reason
    assert project.snapshot() == before


def test_a_registry_reading_every_definition_stays_and_does_not_hold_the_module_together(project: Project) -> None:
    tools = '''"""Tools."""


def pad_left(text):
    return " " + text


def pad_right(text):
    return text + " "


def pad_both(text):
    return pad_left(pad_right(text))


def trim_left(text):
    return text.lstrip()


def trim_right(text):
    return text.rstrip()


def trim_both(text, left=trim_left, right=trim_right):
    return left(right(text))


TOOLS = {f.__name__: f for f in (pad_left, pad_right, pad_both, trim_left, trim_right, trim_both)}
'''
    tests = (
        "from shop.core import TOOLS, trim_both\n\n\ndef test_tools():\n"
        "    assert TOOLS['pad_both']('x') == ' x ' and trim_both(' x ') == 'x'\n"
    )
    _shop(project, tools, tests)

    result = project.apply(GOD, god_module_max_definitions=4)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["shop/_trim.py", "shop/core.py"]
    core = project.read("shop/core.py")
    assert "from shop._trim import trim_left, trim_right, trim_both\n" in core  # TOOLS reads them
    assert "TOOLS = {" in core
    assert project.pytest() == (1, 0)


def test_type_checking_block_comes_along_with_the_names_it_defines(project: Project) -> None:
    # found on click.decorators: if t.TYPE_CHECKING: import typing_extensions as te; P = te.ParamSpec("P")
    core = CORE.replace(
        "import json\n",
        "import json\n    import typing as t\n\n    if t.TYPE_CHECKING:\n"
        "        import collections.abc as cabc\n\n        Parser = cabc.Callable[[str], str]\n",
    ).replace("def parse_sku(text: str) -> str:", "def parse_sku(text: Parser) -> str:")
    _shop(project, core)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    sku = project.read("shop/_sku.py")
    assert (
        "import typing as t\n\nif t.TYPE_CHECKING:\n    import collections.abc as cabc\n\n"
        "    Parser = cabc.Callable[[str], str]\n"
    ) in sku
    assert project.pytest() == (1, 0)


def test_a_type_checking_flag_defined_by_the_module_comes_along(project: Project) -> None:
    # found on docutils: TYPE_CHECKING = False / if TYPE_CHECKING: ... (no typing import at run time)
    core = CORE.replace(
        "import json\n",
        "import json\n\n    TYPE_CHECKING = False\n    if TYPE_CHECKING:\n"
        "        from collections.abc import Callable\n",
    ).replace("def parse_sku(text: str) -> str:", "def parse_sku(text: str, check: Callable | None = None) -> str:")
    _shop(project, core, baseline=True)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    sku = project.read("shop/_sku.py")
    assert "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from collections.abc import Callable\n" in sku
    assert project.imports("shop._sku", "shop.core") == ""
    assert project.pytest() == (1, 0)


FALLBACK = """    from collections import OrderedDict

    try:
        from os import urandom as make_sentinel
        _MISSING = make_sentinel(8)
    except ImportError:
        _MISSING = object()
"""

# the cart stays the module's largest part while the SKU group takes the fallback block along
LARGER_CART = '''        def count(self):
            """How many items."""
            return len(self.items)

        def empty(self):
            """True with no item."""
            return not self.items

        def total(self):'''


def _fallback_core() -> str:
    return (
        CORE.replace("    from collections import OrderedDict\n", FALLBACK)
        .replace("        def total(self):", LARGER_CART)
        .replace(
            "    return int(SKU_RE.match(text)",
            "    assert text is not _MISSING\n        return int(SKU_RE.match(text)",
        )
    )


def test_a_fallback_import_block_moves_whole_with_the_group_that_reads_it(project: Project) -> None:
    # found on boltons.setutils: try: from .typeutils import make_sentinel ... except ImportError: ...
    core = _fallback_core()
    tests = (
        TESTS + "\n    def test_same_sentinel():\n        from shop import _sku\n"
        "        assert core._MISSING is _sku._MISSING\n"
    )
    _shop(project, core, tests)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    sku, core_after = project.read("shop/_sku.py"), project.read("shop/core.py")
    assert "try:\n    from os import urandom as make_sentinel\n    _MISSING = make_sentinel(8)\n" in sku
    assert "try:" not in core_after
    # bound only when the import works: not re-exported, so the original never fails to import
    assert (
        "from shop._sku import (\n    _MISSING as _MISSING,\n    SKU_RE,\n    parse_sku,\n    format_sku,\n"
        "    sku_number as sku_number,\n)\n"
    ) in core_after
    assert project.pytest() == (2, 0)


def test_code_that_stays_reading_a_name_bound_on_one_path_refuses(project: Project) -> None:
    core = _fallback_core() + "\n\n    assert make_sentinel\n"
    assert _refusal(project, core).endswith("reads make_sentinel, which the moved code binds on some paths only")


def test_a_public_name_defined_on_one_path_only_stays(project: Project) -> None:
    # ``if sys.platform == "win32": def only_here()`` is API on one platform: it is never moved
    core = CORE.replace(
        "    from collections import OrderedDict\n",
        "    from collections import OrderedDict\n\n    if json:\n        SKU_FORMAT = '{}-{}'\n",
    ).replace('SKU_RE.match(f"{prefix}-{number}")', "SKU_RE.match(SKU_FORMAT.format(prefix, number))")
    assert "SKU_FORMAT, (re)defined at module level by code that stays" in _refusal(project, core)


def test_a_type_checking_block_with_a_class_is_copied(project: Project) -> None:
    # found on jinja2.runtime: if t.TYPE_CHECKING: ... class LoopRenderFunc(te.Protocol)
    core = CORE.replace(
        "import json\n",
        "import json\n    import typing as t\n\n    if t.TYPE_CHECKING:\n"
        "        class Parser(t.Protocol):\n            def __call__(self, text: str) -> str: ...\n",
    ).replace("def parse_sku(text: str) -> str:", "def parse_sku(text: str, via: Parser = None) -> str:")
    _shop(project, core, baseline=True)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert "if t.TYPE_CHECKING:\n    class Parser(t.Protocol):" in project.read("shop/_sku.py")
    assert "if t.TYPE_CHECKING:\n    class Parser(t.Protocol):" in project.read("shop/core.py")
    assert project.pytest() == (1, 0)


def _table_filling_core() -> str:
    """CORE with ``for prefix in SKU_PREFIXES: SKU_KNOWN[...] = prefix`` among the SKU definitions."""
    return CORE.replace(
        "    SKU_RE = re.compile",
        "    SKU_PREFIXES = ['ABC', 'XYZ']\n    SKU_KNOWN = {}\n"
        "    for prefix in SKU_PREFIXES:\n        SKU_KNOWN[prefix.lower()] = prefix\n    SKU_RE = re.compile",
    ).replace("    if not SKU_RE.match(text):", "    if not SKU_RE.match(text) or text[:3] not in SKU_KNOWN.values():")


def test_a_loop_filling_a_table_moves_with_it_and_its_variable_is_reexported(project: Project) -> None:
    # found on pycparser.c_lexer: for keyword in _keywords: _keyword_map[...] = keyword
    _shop(project, _table_filling_core(), baseline=True)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert "for prefix in SKU_PREFIXES:\n    SKU_KNOWN[prefix.lower()] = prefix\n" in project.read("shop/_sku.py")
    assert "prefix," in project.read("shop/core.py")
    assert project.pytest() == (1, 0)


def test_a_loop_variable_used_elsewhere_keeps_the_group(project: Project) -> None:
    core = _table_filling_core().replace("        cart.items[sku] = price", "        cart.items[sku] = price or prefix")
    assert "works on its names between their definitions" in _refusal(project, core)


PARSER = '''
    """Block parsing."""
    import re

    _WORD = re.compile(r"[a-z]+")
    _NUMBER = re.compile(r"[0-9]+")
    _SPACE = re.compile(r" +")


    def _squeeze(text):
        return _SPACE.sub(" ", text)


    class BlockParser:
        """Parses blocks of text."""

        def __init__(self, text):
            self.text = _squeeze(text)
            self.tokens = []
            self.counts = {}

        def parse(self):
            self.scan_words()
            self.scan_numbers()
            return self.tokens

        def scan_words(self):
            self.tokens += _WORD.findall(self.text)

        def scan_numbers(self):
            self.tokens += _NUMBER.findall(self.text)

        def count(self, token):
            self.counts[token] = self.counts.get(token, 0) + 1

        def count_all(self, tokens):
            for token in tokens:
                self.count(token)
            return self.counts

        def most_common(self):
            return max(self.counts, key=self.counts.get)
    '''


def test_a_module_split_that_only_slims_its_main_class_refuses(project: Project) -> None:
    # found on mistune.block_parser: 615 lines, BlockParser 491 of them, no god class
    tests = (
        "from blocks.parser import BlockParser, _WORD\n\n\ndef test_parse():\n"
        "    parser = BlockParser('ab  12 cd')\n    assert parser.parse() == ['ab', 'cd', '12']\n"
        "    assert parser.count_all(['x', 'y', 'x']) == {'x': 2, 'y': 1} and parser.most_common() == 'x'\n"
        "    assert _WORD.pattern\n"
    )
    project.write({"blocks/__init__.py": "", "blocks/parser.py": PARSER, "tests/test_parser.py": tests})
    assert project.pytest() == (1, 0)
    god = suggestion(
        "god_module",
        ("blocks/parser.py",),
        {"path": "blocks/parser.py", "module": "blocks.parser", "lines": 46, "definitions": 6},
    )

    before = project.snapshot()

    result = project.apply(god, god_module_max_lines=38)

    # slimming BlockParser is all the split would do: a god_class upgrade in disguise
    assert result.status is Status.REFUSED
    assert result.reason.startswith(
        "the split would only move methods of the module's largest class into mixins: that is not a module split"
    ), result.reason
    assert project.snapshot() == before


def test_a_main_class_that_cannot_shed_methods_refuses_the_split(project: Project) -> None:
    # every method reads the class itself: none may move to a mixin (an import back)
    pinned = re.sub(r"(        def (?!__init__)\w+\(self.*\):\n)", r"\1            assert BlockParser\n", PARSER)
    project.write({"blocks/__init__.py": "", "blocks/parser.py": pinned})
    before = project.snapshot()
    god = suggestion(
        "god_module",
        ("blocks/parser.py",),
        {"path": "blocks/parser.py", "module": "blocks.parser", "lines": 48, "definitions": 6},
    )
    result = project.apply(god, god_module_max_lines=38)
    assert result.status is Status.REFUSED
    assert "BlockParser cannot shed" in result.reason and "reads BlockParser from its module" in result.reason
    assert project.snapshot() == before


def test_an_annotation_naming_a_moved_class_is_no_rebinding(project: Project) -> None:
    # found on marshmallow's tests: ``age: fields.Field = fields.Float()`` annotates age
    tests = TESTS + "\n    def test_annotated():\n        sku: core.SKU_RE = core.SKU_RE\n        assert sku\n"
    _shop(project, tests=tests)
    result = project.apply(GOD)
    assert result.status is Status.APPLIED, result.reason
    assert project.pytest() == (2, 0)


def test_a_reexport_goes_after_the_module_dunders_that_lead_the_imports(project: Project) -> None:
    # PEP 8 (and docutils) put __docformat__ before the imports: the re-export joins the imports
    core = CORE.replace("    import json\n", '    __docformat__ = "reStructuredText"\n\n    import json\n', 1)
    _shop(project, core)

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    lines = project.read("shop/core.py").splitlines()
    reexport = next(i for i, line in enumerate(lines) if line.startswith("from shop._sku import"))
    assert lines.index('__docformat__ = "reStructuredText"') < lines.index("import json") < reexport


def test_a_licence_notice_comes_whole_into_the_new_module(project: Project) -> None:
    notice = (
        "# Copyright (c) 2013, Example Authors\n"
        "# All rights reserved.\n"
        "#\n"
        "# Redistribution and use in source and binary forms, with or without\n"
        "# modification, are permitted provided that the following conditions are met.\n"
    )
    _shop(project, notice + "\n" + textwrap.dedent(CORE))

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert project.read("shop/_sku.py").startswith(notice + "\n")


def test_a_shared_base_does_not_leave_alone_when_the_groups_reading_it_stay(project: Project) -> None:
    # found on click's parser: the helpers two groups shared left alone, as a module about nothing
    shapes = SHAPES.replace(
        "def circles(n, shape=Circle):\n        return [shape(i)", "def circles(n):\n        return [Circle(i)"
    )
    _shop(project, shapes, SHAPES_TESTS)
    before = project.snapshot()

    result = project.apply(GOD, god_module_max_definitions=4)

    assert result.status is Status.REFUSED
    assert result.reason.endswith("; group Shape: shared by groups that stay, it is no concept of its own")
    assert "group Circle, circles, circle_total: circles calls Circle by its bare name" in result.reason
    assert project.snapshot() == before
