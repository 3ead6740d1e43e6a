"""New modules of a god module split: private names, package conventions, docstrings, patch surface."""

from __future__ import annotations

import pytest

from gitupgrade.refactor import Status
from gitupgrade.refactor.strategies.module_names import module_name
from gitupgrade.refactor.strategies.naming import NoName
from tests.refactor.helpers import Project, suggestion

GOD = suggestion("god_module", ("pkg/core.py",), {"path": "pkg/core.py", "module": "pkg.core"})

CORE = '''
    """Core."""

    import re


    class Cart:
        def __init__(self):
            self.items = {}

        def total(self):
            return sum(self.items.values())


    def add_item(cart: Cart, sku: str, price: int) -> None:
        cart.items[sku] = price


    def dump_cart(cart: Cart) -> str:
        return repr(cart.items)


    # --- SKU helpers ---

    SKU_RE = re.compile(r"^[A-Z]{3}-\\d+$")


    def parse_sku(text):
        """Parse a SKU."""
        if not SKU_RE.match(text):
            raise ValueError(text)
        return text


    def sku_number(text):
        return int(SKU_RE.match(text).group(0).split("-")[1])
    '''

TESTS = """
    from pkg import core


    def test_core():
        assert core.parse_sku("ABC-1") == "ABC-1" and core.sku_number("ABC-12") == 12
        cart = core.Cart()
        core.add_item(cart, "ABC-1", 2)
        assert core.dump_cart(cart) == "{'ABC-1': 2}" and cart.total() == 2
    """


def _project(project: Project, core: str = CORE, **extra: str) -> dict[str, bytes]:
    project.write({"pkg/__init__.py": "", "pkg/core.py": core, "tests/test_core.py": TESTS, **extra})
    return project.snapshot()


def test_a_new_module_is_private_and_says_what_it_is_for(project: Project) -> None:
    _project(project)

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert [c.path for c in result.changes] == ["pkg/_sku.py", "pkg/core.py"]
    # the section comment the group sits under is its docstring, not a list of what moved
    assert project.read("pkg/_sku.py").startswith('"""SKU helpers."""\n\nimport re\n')
    assert project.pytest() == (1, 0)


def test_without_a_section_the_lead_definition_names_the_module(project: Project) -> None:
    _project(project, CORE.replace("    # --- SKU helpers ---\n\n", "").replace('"""Parse a SKU."""', "pass"))

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    # the function the group is made of says what it is for
    assert project.read("pkg/_sku.py").startswith('"""The ``parse_sku`` function and its helpers."""\n')


def test_a_lead_class_gives_its_summary_line() -> None:
    import libcst as cst

    from gitupgrade.refactor.strategies.module_docs import module_docstring
    from gitupgrade.refactor.strategies.toplevel import map_module

    code = 'class Pool:\n    """Keeps connections for reuse."""\n\n    size = 1\n\n\n_LIMIT = 3\n'
    statements = map_module(cst.parse_module(code))
    assert module_docstring(statements, "Pool", "_pool", 88) == '"""``Pool``: keeps connections for reuse."""\n'
    # nothing to say: no docstring rather than filler
    assert module_docstring(statements[1:], "", "_limit", 88) == '"""Limit helpers."""\n'
    # a noun most of its definitions do not say describes none of them
    assert module_docstring(statements[1:], "", "_things_x", 88) == ""
    assert module_docstring(statements[1:], "", "_mixin", 88) == ""


def test_names_a_reviewer_rejects_are_never_made() -> None:
    def free(name: str) -> bool:
        return False

    # never named after a function it holds (``from boltons import is_iterable`` would yield the module)
    assert module_name(["is_iterable", "_check"], "iterutils", free, lead="is_iterable") == "_iterable"
    with pytest.raises(NoName, match="_is_iterable is named after a definition it holds"):
        module_name(["is_iterable"], "iterutils", free, lead="is_iterable")
    # never a word a sibling module says: ``constants.py`` beside makes ``_arrow_constants`` ambiguous
    with pytest.raises(NoName, match="says a word of its sibling constants.py"):
        module_name(["_MISSING", "_UNSET", "_DEFAULT"], "arrow", free, siblings=["constants", "parser"])
    # nor a name the package binds, even with its underscore (the taken test sees the bare name too)
    with pytest.raises(NoName, match="is taken or shadows"):
        module_name(["sku_a", "sku_b", "sku_c"], "core", lambda n: n in {"sku", "core_sku"})
    # nor a stdlib module with or without its underscore
    assert module_name(["json_load", "json_dump", "json_parse"], "codec", free) == "_codec_json"
    assert module_name(["IndexedSet", "_MISSING"], "setutils", free, lead="IndexedSet") == "_indexed_set"


def test_a_plugin_folder_gets_no_new_module(project: Project) -> None:
    plugin = "def makeExtension(**kwargs):\n    return kwargs\n"
    before = _project(
        project,
        CORE + "\n\n    def makeExtension(**kwargs):\n        return kwargs\n",
        **{"pkg/toc.py": plugin, "pkg/tables.py": plugin, "pkg/abbr.py": plugin},
    )

    result = project.apply(GOD)

    assert result.status is Status.REFUSED
    assert result.reason == (
        "pkg is a plugin folder (4 of its 4 modules define makeExtension): "
        "every module there is loadable by name, a new one would be a plugin too"
    )
    assert project.snapshot() == before


def test_a_package_of_standalone_modules_gets_no_new_module(project: Project) -> None:
    # as boltons: a sibling import inside ``try: ... except ImportError`` keeps a module standalone
    optional = "try:\n    from .a import x\nexcept ImportError:\n    x = None\n"
    siblings = {f"pkg/{n}.py": f"def {n}_only():\n    return 1\n" for n in ("a", "b", "c", "d")}
    before = _project(project, **siblings, **{"pkg/e.py": optional})

    result = project.apply(GOD)

    assert result.status is Status.REFUSED
    assert result.reason == (
        "no module of pkg imports another (each is meant to be copied alone): "
        "a new module beside core would make it depend on a sibling"
    )
    assert project.snapshot() == before
    # one module that needs a sibling: no such convention
    project.write({"pkg/e.py": "from .a import a_only\n"})
    assert project.apply(GOD).status is Status.APPLIED


def test_moved_code_calling_a_public_function_by_its_bare_name_stays(project: Project) -> None:
    # ``monkeypatch.setattr(core, "parse_sku", fake)`` would no longer reach sku_number once moved
    core = CORE.replace("int(SKU_RE.match(text).group(0)", "int(parse_sku(text)")
    before = _project(project, core)

    result = project.apply(GOD)

    assert result.status is Status.REFUSED
    assert result.reason == (
        "group SKU_RE, parse_sku, sku_number: sku_number calls parse_sku by its bare name: "
        "users patching it on the module would no longer reach the moved code"
    )
    assert project.snapshot() == before


@pytest.mark.parametrize(
    "call",
    [
        "_parse(text)",  # a private helper is nobody's patch target
        "core.parse_sku(text)",  # read on the module at call time: a patch still reaches it
    ],
)
def test_private_helpers_and_module_attribute_reads_move(project: Project, call: str) -> None:
    core = CORE.replace("int(SKU_RE.match(text).group(0)", f"int({call}")
    core += "\n\n    def _parse(text):\n        return SKU_RE.match(text).group(0)\n"
    core = core.replace("    import re\n", "    import re\n\n    from pkg import core\n")
    _project(project, core)

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert project.pytest() == (1, 0)


ORDERED = '''"""Core."""

import os
import re
try:
    import simplejson as json
except ImportError:
    import json
import sys

import click

from pkg import models
from pkg.views import render

from . import util


def f():
    return os, re, json, sys, click, models, render, util
'''


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # stdlib: after the try block, in order, never in the middle of it
        ("from shutil import copy\n", "import sys\nfrom shutil import copy\n\nimport click\n"),
        ("import abc\n", '"""Core."""\n\nimport abc\nimport os\n'),
        # first party, between its own lines; local, after the relative one
        (
            "from pkg._sku import SKU\n",
            "\nfrom pkg import models\nfrom pkg._sku import SKU\nfrom pkg.views import render\n",
        ),
        ("from ._sku import SKU\n", "\nfrom . import util\nfrom ._sku import SKU\n\n\ndef f():"),
    ],
)
def test_an_import_goes_into_its_isort_section_in_order(line: str, expected: str) -> None:
    import libcst as cst

    from gitupgrade.refactor.strategies.import_sections import insert_import

    module = cst.parse_module(ORDERED)
    body = insert_import(list(module.body), cst.parse_statement(line), {"pkg"})
    assert expected in module.with_changes(body=body).code


def test_a_missing_section_is_started_after_the_ones_before_it() -> None:
    import libcst as cst

    from gitupgrade.refactor.strategies.import_sections import insert_import

    module = cst.parse_module('"""Doc."""\n\nimport os\n\nfrom . import util\n\nX = 1\n')
    body = insert_import(list(module.body), cst.parse_statement("from pkg._sku import SKU\n"), {"pkg"})
    assert module.with_changes(body=body).code == (
        '"""Doc."""\n\nimport os\n\nfrom pkg._sku import SKU\n\nfrom . import util\n\nX = 1\n'
    )


def test_a_reexport_goes_into_the_first_party_section_of_a_project_without_a_sorter(project: Project) -> None:
    core = CORE.replace(
        "    import re\n",
        "    import re\n    try:\n        import json\n    except ImportError:\n        json = None\n"
        "    import sys\n\n    from pkg import models\n    from pkg.views import render\n",
    )
    core = core.replace(
        "        return repr(cart.items)",
        "        return repr((cart.items, json, sys, models, render))[:0] + repr(cart.items)",
    )
    _project(project, core, **{"pkg/models.py": "", "pkg/views.py": "render = None\n"})

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason
    assert project.read("pkg/core.py").startswith('"""Core."""\n\ntry:\n')  # re left: its blank line stays
    assert (
        "    json = None\nimport sys\n\nfrom pkg import models\n"
        "# re-exported so existing imports keep working\n"
        "from pkg._sku import SKU_RE as SKU_RE, parse_sku as parse_sku, sku_number as sku_number\n"
        "from pkg.views import render\n"
    ) in project.read("pkg/core.py")
    assert project.pytest() == (1, 0)


def test_a_generated_module_is_not_split(project: Project) -> None:
    before = _project(project, "    # This file was automatically generated by gen.py; do not edit.\n" + CORE)

    result = project.apply(GOD)

    assert result.status is Status.REFUSED
    assert result.reason == ("the module says it is generated ('automatically generated'): change its generator")
    assert project.snapshot() == before


def test_two_unlinked_definitions_with_no_common_word_are_no_group() -> None:
    import libcst as cst

    from gitupgrade.refactor.strategies.definition_groups import Group
    from gitupgrade.refactor.strategies.god_module import group_cohesion
    from gitupgrade.refactor.strategies.toplevel import map_module

    code = "def _split_opt(o):\n    return o\n\n\nclass _ParsingState:\n    pass\n"
    statements = map_module(cst.parse_module(code))
    assert group_cohesion(Group(statements)).startswith("cohesion 0.20 below 0.5: 0% of its definitions use")
    linked = map_module(cst.parse_module("SEP = '|'\n\n\ndef _format_row(r):\n    return SEP.join(r)\n"))
    assert group_cohesion(Group(linked)) == ""


def test_a_folder_of_modules_each_defining_the_same_class_is_a_plugin_folder(project: Project) -> None:
    # as docutils' writers: each module's ``Writer`` is found by the module's name
    writer = "class Writer:\n    pass\n"
    _project(project, CORE + "\n\n    class Writer:\n        pass\n", **{"pkg/html.py": writer, "pkg/xml.py": writer})

    result = project.apply(GOD)

    assert result.status is Status.REFUSED
    assert result.reason.startswith("pkg is a plugin folder (3 of its 3 modules define Writer)")


def test_a_subpackage_importing_a_sibling_module_breaks_the_standalone_convention(project: Project) -> None:
    siblings = {f"pkg/{n}.py": f"def {n}_only():\n    return 1\n" for n in ("a", "b", "c", "d")}
    _project(project, **siblings, **{"pkg/sub/__init__.py": "from ..a import a_only\n"})

    result = project.apply(GOD)

    assert result.status is Status.APPLIED, result.reason


def test_the_word_of_the_module_split_is_no_word_two_new_modules_share() -> None:
    assert module_name(
        ["partition", "partition_all", "no_pad"], "itertoolz", lambda n: False, siblings=["_itertoolz_merge_sorted"]
    ) == ("_itertoolz_partition")


def test_a_subclass_calling_its_base_by_name_is_no_patch_hazard(project: Project) -> None:
    core = CORE + (
        "\n\n    class SkuError(ValueError):\n        def __str__(self):\n            return ValueError.__str__(self)\n"
        "\n\n    class SkuCart(Cart):\n        def total(self):\n            return Cart.total(self) + parse_sku('ABC-1').count('A')\n"
    )
    import textwrap

    import libcst as cst

    from gitupgrade.refactor.strategies.group_hazards import patch_hazard
    from gitupgrade.refactor.strategies.toplevel import map_module

    statements = map_module(cst.parse_module(textwrap.dedent(core)))
    sku_cart = [s for s in statements if s.name == "SkuCart"]
    # Cart is its base: no hazard; parse_sku is called by its bare name: a hazard
    assert patch_hazard(sku_cart, statements) == (
        "SkuCart calls parse_sku by its bare name: users patching it on the module would no longer reach the moved code"
    )
    assert patch_hazard([s for s in statements if s.name == "SkuError"], statements) is None
