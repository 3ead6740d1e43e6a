"""Cycles through the real CLI: a failing one is fixed and merged, a pyparsing-shaped one is left alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CONFIG = "self_upgrading:\n  validation:\n    test_command: python -m pytest -q -p no:cacheprovider tests\n"

# Importing shop.models first fails: models imports pricing, which takes Order from models
# before models has defined it. Importing shop.pricing first works.
FAILING = {
    "config.yaml": CONFIG,
    "shop/__init__.py": "",
    "shop/models.py": """
        from shop import pricing


        class Order:
            def __init__(self, amount):
                self.amount = amount

            def total(self):
                return pricing.discounted(self)
        """,
    "shop/pricing.py": """
        from shop.models import Order


        def discounted(order):
            return order.amount * 0.9


        def make(amount):
            return Order(amount)
        """,
    "tests/__init__.py": "",
    "tests/test_shop.py": """
        from shop.pricing import make


        def test_total():
            assert make(10).total() == 9.0
        """,
}

# pyparsing's shape: the package binds names before it imports the submodules that take
# them back, so every import order works.
BINDS_FIRST = {
    "config.yaml": CONFIG,
    "text/__init__.py": """
        from .core import *
        from .core import __diag__
        from .helpers import *
        """,
    "text/core.py": """
        __all__ = ["Word"]
        __diag__ = {"warn": False}


        class Word:
            def __init__(self, chars):
                self.chars = chars
        """,
    "text/helpers.py": """
        from . import __diag__
        from .core import *


        def word_of(chars):
            return Word(chars), __diag__["warn"]
        """,
    "tests/__init__.py": "",
    "tests/test_text.py": """
        from text import word_of


        def test_word():
            assert word_of("ab")[0].chars == "ab"
        """,
}


def _files(files: dict[str, str]) -> dict[str, str | bytes]:
    return {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}


def _import_error(root: Path, module: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    return "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def test_a_cycle_that_fails_at_import_time_is_fixed_and_merged(run_cli, git_repo) -> None:
    git_repo.commit(_files(FAILING))
    assert _import_error(git_repo.path, "shop.models").startswith("ImportError: cannot import name 'Order'")
    base = git_repo.head()

    scanned = json.loads(run_cli("scan", "--json", cwd=git_repo.path).stdout)
    [found] = scanned["global_issues"]["circular_imports"]
    assert (found["cycle"], found["unsafe"]) == (["shop.models", "shop.pricing"], True)
    assert len(scanned["queue"]["queued"]) == 1 and scanned["queue"]["filtered"] == []

    ran = run_cli("run", "--json", cwd=git_repo.path)

    assert ran.exit_code == 0, ran.stderr
    [outcome] = json.loads(ran.stdout)["upgrades"]
    assert outcome["status"] == "merged", outcome
    assert git_repo.head() != base
    # of the two imports, the one of a module object is deferred (no name users patch goes
    # away), with the order that fails above it; pricing keeps ``from shop.models import Order``
    assert (git_repo.path / "shop/models.py").read_text() == (
        "class Order:\n"
        "    def __init__(self, amount):\n"
        "        self.amount = amount\n"
        "\n"
        "    def total(self):\n"
        "        # deferred: circular when shop.models is imported first\n"
        "        from shop import pricing\n"
        "\n"
        "        return pricing.discounted(self)\n"
    )
    assert (git_repo.path / "shop/pricing.py").read_text() == _files(FAILING)["shop/pricing.py"]
    assert _import_error(git_repo.path, "shop.models") == ""
    assert _import_error(git_repo.path, "shop.pricing") == ""


def test_a_package_binding_names_before_its_submodules_is_left_alone(run_cli, git_repo) -> None:
    git_repo.commit(_files(BINDS_FIRST))
    base = git_repo.head()

    scanned = json.loads(run_cli("scan", "--json", cwd=git_repo.path).stdout)

    [found] = scanned["global_issues"]["circular_imports"]
    assert (found["cycle"], found["unsafe"], found["failures"]) == (["text", "text.helpers"], False, [])
    assert scanned["queue"]["queued"] == []
    ran = run_cli("run", "--json", cwd=git_repo.path)
    assert ran.exit_code == 0, ran.stderr
    assert json.loads(ran.stdout)["upgrades"] == []
    assert git_repo.head() == base
