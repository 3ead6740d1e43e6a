"""Unsafe cycles are the ones that fail at import time: the scan's replay agrees with the interpreter.

Each layout is a real package in a real repository; the scan ranks its cycle, and a fresh
interpreter imports each module of the cycle first. A cycle is unsafe exactly when one of
those imports fails.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.analysis.helpers import scan_json

# pyparsing's shape: the package binds names (star and from-imports) before it imports the
# submodule that takes them back from the package. Every import order works.
BINDS_FIRST = {
    "pkg/__init__.py": """
        from .core import *
        from .core import __diag__, _builtins as core_builtins
        from .helpers import *
        from .testing import check
        """,
    "pkg/core.py": """
        __all__ = ["Word", "Group"]
        __diag__ = object()
        _builtins = []


        class Word:
            pass


        class Group(Word):
            pass
        """,
    "pkg/helpers.py": """
        from . import __diag__
        from .core import *


        def delimited(expr):
            return Group(expr), __diag__
        """,
    "pkg/testing.py": """
        from . import core_builtins
        import pkg


        def check():
            return core_builtins, pkg.Word
        """,
}

# The same package, but a submodule takes a name from the package at the top: importing the
# submodule first runs the package, which imports the submodule's sibling before binding it.
SUBMODULE_FIRST_FAILS = {
    "pkg/__init__.py": """
        from .helpers import delimited
        from .core import Word
        """,
    "pkg/core.py": "class Word:\n    pass\n",
    "pkg/helpers.py": """
        from pkg import Word


        def delimited(expr):
            return Word, expr
        """,
}

# Two plain modules: a binds what b needs before it imports b, so importing a first works;
# importing b first runs a, which reaches back for b's helper before b has defined it.
FLAT_ORDER = {
    "a.py": """
        def run():
            return helper()


        from b import helper
        """,
    "b.py": """
        from a import run


        def helper():
            return run
        """,
}

# ``import pkg`` then ``pkg.NAME`` read while the module runs (a class attribute).
ATTRIBUTE_READ = {
    "pkg/__init__.py": "from pkg import models\n\nLIMIT = 3\n",
    "pkg/models.py": "import pkg\n\n\nclass Order:\n    limit = pkg.LIMIT\n",
}
ATTRIBUTE_READ_BOUND_FIRST = {
    "pkg/__init__.py": "LIMIT = 3\n\nfrom pkg import models\n",
    "pkg/models.py": ATTRIBUTE_READ["pkg/models.py"],
}

# The same read, inside a function of the module that it calls while it is importing.
CALLED_AT_IMPORT = {
    "pkg/__init__.py": ATTRIBUTE_READ["pkg/__init__.py"],
    "pkg/models.py": "import pkg\n\n\ndef _limit():\n    return pkg.LIMIT\n\n\nDEFAULT = _limit()\n",
}

# Only module objects cross the cycle and their names are read inside functions.
MODULES_ONLY = {
    "pkg/__init__.py": "",
    "pkg/c.py": "import pkg.d\n\n\ndef c():\n    return pkg.d.d()\n",
    "pkg/d.py": "import pkg.c\n\n\ndef d():\n    return pkg.c.c()\n",
}

# A submodule read through its package while it is still running: the package gets the
# submodule's name only once the submodule finishes.
SUBMODULE_ATTRIBUTE = {
    "pkg/__init__.py": "",
    "pkg/c.py": "import pkg.d\n\nNAME = 'c'\n",
    "pkg/d.py": "import pkg.c\n\nFROM_C = pkg.c.NAME\n",
}

# The package writes names through globals(): the model cannot see them and trusts they are there.
DYNAMIC = {
    "pkg/__init__.py": "globals().update({'Word': object})\nfrom pkg import helpers\n",
    "pkg/helpers.py": "from pkg import Word\n",
}

LAYOUTS = {
    "binds_first": (BINDS_FIRST, False),
    "submodule_first_fails": (SUBMODULE_FIRST_FAILS, True),
    "flat_order": (FLAT_ORDER, True),
    "attribute_read": (ATTRIBUTE_READ, True),
    "attribute_read_bound_first": (ATTRIBUTE_READ_BOUND_FIRST, False),
    "called_at_import": (CALLED_AT_IMPORT, True),
    "modules_only": (MODULES_ONLY, False),
    "submodule_attribute": (SUBMODULE_ATTRIBUTE, True),
    "dynamic": (DYNAMIC, False),
}


def _dedent(files: dict[str, str]) -> dict[str, str | bytes]:
    return {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}


def _fails_first(root: Path, module: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode != 0


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_unsafe_exactly_when_an_import_order_fails(run_cli, git_repo, name: str) -> None:
    files, expected = LAYOUTS[name]
    git_repo.commit(_dedent(files))

    [cycle] = scan_json(run_cli, git_repo.path)["global_issues"]["circular_imports"]
    failing = [m for m in cycle["cycle"] if _fails_first(git_repo.path, m)]

    assert cycle["unsafe"] is expected
    assert bool(failing) is expected, failing
    assert bool(cycle["failures"]) is expected


def test_failures_say_which_order_fails_and_why(run_cli, git_repo) -> None:
    git_repo.commit(_dedent(SUBMODULE_FIRST_FAILS))
    report = scan_json(run_cli, git_repo.path)

    [cycle] = report["global_issues"]["circular_imports"]
    assert cycle["failures"] == [
        {
            "entry": "pkg",
            "importer": "pkg.helpers",
            "imported": "pkg",
            "line": 1,
            "owner": "pkg",
            "name": "Word",
            "read_line": 1,
            "why": "importing pkg first fails: pkg.helpers line 1 needs pkg.Word "
            "while pkg is still importing and has not bound it",
        }
    ]
    [suggestion] = [s for s in report["upgrade_suggestions"] if s["type"] == "circular_import"]
    assert "importing pkg first fails: pkg.helpers line 1 needs pkg.Word" in suggestion["description"]
    # the failing import is the one the cut takes first
    assert [(e["importer"], e["line"]) for e in cycle["cut"]][:1] == [("pkg.helpers", 1)]


def test_flat_modules_name_the_entry_point_that_fails(run_cli, git_repo) -> None:
    git_repo.commit(_dedent(FLAT_ORDER))
    [cycle] = scan_json(run_cli, git_repo.path)["global_issues"]["circular_imports"]
    assert [(f["entry"], f["importer"], f["owner"], f["name"]) for f in cycle["failures"]] == [
        ("b", "a", "b", "helper")
    ]
    assert not _fails_first(git_repo.path, "a") and _fails_first(git_repo.path, "b")


def test_a_cycle_that_imports_fine_is_not_queued(run_cli, git_repo) -> None:
    git_repo.commit(_dedent(BINDS_FIRST))
    report = scan_json(run_cli, git_repo.path)
    [cycle] = report["global_issues"]["circular_imports"]
    assert report["queue"]["queued"] == []
    assert [f["suggestion_id"] for f in report["queue"]["filtered"]] == [cycle["suggestion_id"]]


def test_a_scan_from_the_cache_finds_the_same_failures(run_cli, git_repo) -> None:
    git_repo.commit(_dedent(FLAT_ORDER))
    cold = scan_json(run_cli, git_repo.path)
    warm = scan_json(run_cli, git_repo.path)
    assert (cold["metadata"]["cache_hits"], warm["metadata"]["cache_hits"]) == (0, 2)
    assert warm["global_issues"]["circular_imports"] == cold["global_issues"]["circular_imports"]
    assert warm["global_issues"]["circular_imports"][0]["failures"]
