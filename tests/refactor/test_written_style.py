"""Code the splits write passes the project's own checks: mypy --strict, ruff, ruff format.

Real repositories driven through ``git upgrade scan`` and ``git upgrade run``; the merged
result is checked with the project's tools as its maintainers would run them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gitupgrade.refactor import Status
from gitupgrade.refactor.project_style import ProjectStyle
from tests.conftest import CliRun, GitRepoBuilder
from tests.refactor.helpers import Project, suggestion

STRICT_PYPROJECT = """\
[tool.ruff]
line-length = 88

[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP"]

[tool.ruff.lint.isort]
known-first-party = ["store"]

[tool.mypy]
strict = true
"""

CONFIG = """\
self_upgrading:
  risk_policies:
    medium: {auto_approve: true, require_tests: true}
  analysis:
    god_class_max_methods: %d
    god_module_max_definitions: %d
  validation:
    test_command: PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:cacheprovider tests
    # These tests are about what the writers write; moving public functions changes their
    # __module__, which the public-surface check refuses (tests/manager/test_public_surface.py).
    public_surface: false
"""

CONTAINER = '''\
"""A keyed container that tells its listeners about changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Container(Generic[K, V]):
    """Values by key, with listeners and a history of changes."""

    def __init__(self, name: str = "container") -> None:
        self.name = name
        self._data: dict[K, V] = {}
        self._listeners: list[Callable[[K, V], None]] = []
        self._history: list[tuple[K, V]] = []

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __setitem__(self, key: K, value: V) -> None:
        self._data[key] = value

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def subscribe(self, listener: Callable[[K, V], None]) -> None:
        """Call ``listener`` on every change."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[K, V], None]) -> None:
        self._listeners.remove(listener)

    def notify(self, key: K, value: V) -> None:
        for listener in self._listeners:
            listener(key, value)

    def listener_count(self) -> int:
        return len(self._listeners)

    def record(self, key: K, value: V) -> None:
        self._history.append((key, value))

    def last_change(self) -> tuple[K, V] | None:
        return self._history[-1] if self._history else None

    def describe(self) -> str:
        return f"{self.name}: {len(self)} keys, {len(self._history)} changes"
'''

CONTAINER_TESTS = """\
from store.container import Container


def test_container():
    seen = []
    c = Container[str, int]("c")
    c.subscribe(lambda k, v: seen.append((k, v)))
    for k, v in (("a", 1), ("b", 2)):
        c[k] = v
        c.notify(k, v)
        c.record(k, v)
    assert c["a"] == 1 and len(c) == 2 and list(c) == ["a", "b"]
    assert seen == [("a", 1), ("b", 2)] and c.listener_count() == 1
    assert c.last_change() == ("b", 2) and c.describe() == "c: 2 keys, 2 changes"
"""

# The god_class suggestion for Container in store/container.py (each test sets its own limit).
SPLIT_CONTAINER = suggestion(
    "god_class",
    ("store/container.py",),
    {"path": "store/container.py", "module": "store.container", "class": "Container"},
)

SHOP = '''\
"""Everything about the shop."""

import json
import re
from collections import OrderedDict
from decimal import Decimal

__all__ = ["Cart", "parse_sku", "Decimal"]

SKU_RE = re.compile(r"^[A-Z]{3}-\\d+$")


class Cart:
    """A cart."""

    def __init__(self):
        self.items = OrderedDict()

    def total(self):
        return sum(self.items.values())


def dump_cart(cart):
    return json.dumps(cart.items)


def parse_sku(text):
    """Parse a SKU."""
    if not SKU_RE.match(text):
        raise ValueError(text)
    return text


def format_sku(prefix, number, parse=parse_sku):
    return parse(f"{prefix}-{number}")


def sku_number(text, parse=parse_sku):
    return int(parse(text).split("-")[1])


def sku_price(text, number=sku_number, money=Decimal):
    return money(number(text)) / 100
'''

SHOP_TESTS = """\
from shop import core
from shop.core import Cart, format_sku


def test_shop():
    c = Cart()
    c.items[format_sku("ABC", 1)] = 3
    assert c.total() == 3 and core.sku_number("ABC-12") == 12
    assert core.dump_cart(c) == '{"ABC-1": 3}' and str(core.sku_price("ABC-250")) == "2.5"
    assert core.parse_sku("XYZ-1") == "XYZ-1"
"""


@pytest.fixture(autouse=True)
def user_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python``, ``ruff`` and ``mypy`` on PATH are this interpreter's (as in an activated virtualenv)."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


def _tool(repo: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", *args], cwd=repo, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def _split_in_a_strict_project(project: Project, container: str) -> str:
    """Split ``container`` at 5 methods in a strict-mypy project; mypy still passes. The history mixin's source."""
    project.write(
        {"pyproject.toml": "[tool.mypy]\nstrict = true\n", "store/__init__.py": "", "store/container.py": container}
    )
    result = project.apply(SPLIT_CONTAINER, god_class_max_methods=5)
    assert result.status is Status.APPLIED, result.reason
    checked = _tool(project.root, "mypy", "--cache-dir", os.devnull, "store")
    assert checked == (0, "Success: no issues found in 4 source files\n"), checked
    return next(project.read(c.path) for c in result.changes if "history" in c.path)


def _checks(repo: Path, package: str) -> dict[str, tuple[int, str]]:
    """mypy (the project's strict config), ruff check and ruff format --check, as the project runs them."""
    return {
        "mypy": _tool(repo, "mypy", "--cache-dir", os.devnull, package),
        "ruff": _tool(repo, "ruff", "check", "--no-cache", "."),
        "format": _tool(repo, "ruff", "format", "--check", "--no-cache", "."),
    }


def _scan_and_run(run_cli: CliRun, repo: GitRepoBuilder) -> dict[str, object]:
    scanned = run_cli("scan", cwd=repo.path)
    assert scanned.exit_code == 0, scanned.output
    ran = run_cli("run", "--json", cwd=repo.path)
    assert ran.exit_code == 0, ran.output
    [upgrade] = json.loads(ran.stdout)["upgrades"]
    assert (upgrade["status"], upgrade["failure_type"]) == ("merged", None), upgrade["detail"]
    return upgrade


def _created(repo: GitRepoBuilder, base: str) -> list[str]:
    return repo.git("diff", "--name-only", "--diff-filter=A", base, "HEAD").split()


def test_a_generic_god_class_splits_cleanly_under_mypy_strict_ruff_and_ruff_format(
    git_repo: GitRepoBuilder, run_cli: CliRun
) -> None:
    base = git_repo.commit(
        {
            "pyproject.toml": STRICT_PYPROJECT,
            # two groups stand alone (the container protocol, the history): both must move
            "config.yaml": CONFIG % (5, 40),
            ".gitignore": "__pycache__/\n",
            "store/__init__.py": '"""A store."""\n',
            "store/container.py": CONTAINER,
            "tests/test_container.py": CONTAINER_TESTS,
        }
    )
    clean = {"mypy": (0, "Success: no issues found in 2 source files\n"), "ruff": (0, "All checks passed!\n")}
    assert {k: v for k, v in _checks(git_repo.path, "store").items() if k != "format"} == clean

    _scan_and_run(run_cli, git_repo)

    created = _created(git_repo, base)
    assert len(created) >= 2, created
    checks = _checks(git_repo.path, "store")
    assert checks["mypy"] == (0, f"Success: no issues found in {2 + len(created)} source files\n")
    assert checks["ruff"] == (0, "All checks passed!\n")
    assert checks["format"][0] == 0, checks["format"][1]
    host = (git_repo.path / "store/container.py").read_text()
    mixins = []
    for path in created:
        text = (git_repo.path / path).read_text()
        [name] = [line[6:].partition("(")[0] for line in text.splitlines() if line.startswith("class ")]
        mixins.append(name)
        # the mixin is generic in the host's parameters and declares what it reads of the host
        assert f"class {name}(Generic[K, V]):" in text and "    if TYPE_CHECKING:\n" in text
        assert f"{name}[K, V]" in host
        # one line from the concept: the protocol, or the state the group alone changes
        assert text.splitlines()[0] in (
            '"""Length, iteration and item access of Container."""',
            '"""Keeps track of the history of Container."""',
        )
    # the import only the moved methods read left with them
    assert "Iterator" not in host
    # what users see: Container[str, int]()["a"] is still an int, a mixin's method still typed
    (git_repo.path.parent / "use.py").write_text(
        "from store.container import Container\n\n"
        'reveal_type(Container[str, int]()["a"])\nreveal_type(Container[str, int]().last_change())\n'
    )
    code, out = _tool(git_repo.path, "mypy", "--cache-dir", os.devnull, str(git_repo.path.parent / "use.py"))
    assert (code, out.count('Revealed type is "int"'), out.count('"tuple[str, int] | None"')) == (0, 1, 1), out


def test_a_module_split_leaves_no_unused_import_and_reexports_explicitly(
    git_repo: GitRepoBuilder, run_cli: CliRun
) -> None:
    base = git_repo.commit(
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "F", "W"]\n',
            "config.yaml": CONFIG % (20, 5),
            ".gitignore": "__pycache__/\n",
            "shop/__init__.py": "",
            "shop/core.py": SHOP,
            "tests/test_shop.py": SHOP_TESTS,
        }
    )
    assert _tool(git_repo.path, "ruff", "check", "--no-cache", "shop") == (0, "All checks passed!\n")

    _scan_and_run(run_cli, git_repo)

    [created] = _created(git_repo, base)
    assert _tool(git_repo.path, "ruff", "check", "--no-cache", "shop") == (0, "All checks passed!\n")
    core = (git_repo.path / "shop/core.py").read_text()
    moved = (git_repo.path / created).read_text()
    assert "def parse_sku" in moved and "import re\n" in moved and "from decimal import Decimal\n" in moved
    # re read only by the moved code: gone; Decimal is in __all__: stays although unused now
    assert "import re\n" not in core and "from decimal import Decimal\n" in core
    stem = Path(created).stem
    assert (
        "# re-exported so existing imports keep working\n"
        f"from shop.{stem} import (\n    SKU_RE as SKU_RE,\n    parse_sku,\n    format_sku as format_sku,\n"
    ) in core


def test_a_crlf_module_stays_crlf_and_its_new_module_is_crlf(git_repo: GitRepoBuilder, run_cli: CliRun) -> None:
    crlf = SHOP.replace("\n", "\r\n").encode()
    base = git_repo.commit(
        {
            "config.yaml": CONFIG % (20, 5),
            ".gitattributes": "*.py -text\n",
            "shop/__init__.py": "",
            "shop/core.py": crlf,
            "tests/test_shop.py": SHOP_TESTS,
        }
    )

    _scan_and_run(run_cli, git_repo)

    [created] = _created(git_repo, base)
    for path in ("shop/core.py", created):
        data = (git_repo.path / path).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n") > 10, path


def test_a_mixin_of_a_latin_1_module_keeps_its_encoding_cookie(project: Project) -> None:
    order = (
        "# -*- coding: latin-1 -*-\n"
        '"""Commandes."""\n\n\nclass Order:\n    def __init__(self):\n        self.lines = []\n'
        "        self.events = []\n"
        + "".join(f"\n    def total_{i}(self):\n        return ('é', len(self.lines))\n" for i in range(4))
        + "".join(f"\n    def event_{i}(self):\n        return ('ü', self.events)\n" for i in range(4))
    )
    (project.root / "shop").mkdir()
    (project.root / "shop/__init__.py").write_text("")
    (project.root / "shop/order.py").write_bytes(order.encode("latin-1"))
    evidence = {"path": "shop/order.py", "module": "shop.order", "class": "Order"}

    result = project.apply(suggestion("god_class", ("shop/order.py",), evidence), god_class_max_methods=6)

    assert result.status is Status.APPLIED, result.reason
    [created] = [c.path for c in result.changes if c.kind.name == "CREATE"]
    data = (project.root / created).read_bytes()
    assert data.startswith(b"# -*- coding: latin-1 -*-\n") and "return ('ü', self.events)".encode("latin-1") in data
    assert project.imports("shop.order", created[:-3].replace("/", ".")) == ""


def test_a_mixin_reading_an_attribute_it_cannot_type_is_refused_in_a_checked_project(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": "[tool.mypy]\nstrict = true\n",
            "store/__init__.py": "",
            "store/container.py": CONTAINER.replace(
                "self._history: list[tuple[K, V]] = []", "self._history = make_list()"
            ).replace(
                "K = TypeVar", "def make_list() -> list:  # type: ignore[type-arg]\n    return []\n\n\nK = TypeVar"
            ),
        }
    )
    before = project.snapshot()

    # the history group stands alone and must move with the container protocol to reach the limit
    result = project.apply(SPLIT_CONTAINER, god_class_max_methods=5)

    assert result.status is Status.REFUSED
    assert "would read _history of Container, which it cannot declare for mypy" in result.reason
    assert project.snapshot() == before


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, ProjectStyle()),
        ({"setup.cfg": "[flake8]\nextend-ignore = E203\n"}, ProjectStyle(line_length=79)),
        ({"tox.ini": "[flake8]\nmax-line-length = 100\n"}, ProjectStyle(line_length=100)),
        (
            {"pyproject.toml": '[tool.black]\nline-length = 99\n[tool.isort]\nprofile = "black"\n'},
            ProjectStyle(line_length=99, formatter="black", sorter="isort"),
        ),
        (
            {"ruff.toml": 'line-length = 100\n[lint]\nextend-select = ["I"]\n', "mypy.ini": "[mypy]\nstrict = True\n"},
            ProjectStyle(
                line_length=100,
                formatter="ruff",
                sorter="ruff",
                type_checker="mypy",
                checks_untyped=True,
                implicit_reexport=False,
            ),
        ),
        (
            {"pyproject.toml": '[tool.ruff.lint]\nselect = ["ALL"]\nignore = ["D"]\n'},
            ProjectStyle(formatter="ruff", sorter="ruff", alias_flagged=True),
        ),
        (
            {
                ".pre-commit-config.yaml": textwrap.dedent(
                    """\
                    repos:
                      - repo: https://github.com/psf/black
                        hooks: [{id: black}]
                      - repo: https://github.com/pre-commit/mirrors-mypy
                        hooks: [{id: mypy}]
                    """
                )
            },
            ProjectStyle(formatter="black", type_checker="mypy"),
        ),
    ],
    ids=["nothing", "flake8-default", "flake8-100", "black-isort", "ruff-mypy-strict", "ruff-all", "pre-commit"],
)
def test_the_project_style_is_read_from_its_settings(
    tmp_path: Path, files: dict[str, str], expected: ProjectStyle
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert ProjectStyle.from_settings(tmp_path) == expected


@pytest.mark.parametrize(
    ("lint", "sorter", "flagged"),
    [('select = ["E", "F", "I"]', "ruff", False), ('select = ["ALL"]\nignore = ["I001"]', None, True)],
)
def test_ruff_itself_says_which_of_its_rules_apply(
    tmp_path: Path, user_python: None, lint: str, sorter: str | None, flagged: bool
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\n{lint}\n")
    (tmp_path / "mod.py").write_text("x = 1\n")

    style = ProjectStyle.read(tmp_path, "mod.py")

    assert (style.line_length, style.sorter, style.alias_flagged) == (100, sorter, flagged)


def test_a_package_init_keeps_what_it_imports_from_itself_as_a_reexport(project: Project) -> None:
    project.write(
        {
            "cache/__init__.py": '''
                """Caches."""

                import collections
                import json

                from . import keys

                __all__ = ["Cache", "dump_snapshot"]


                class Cache:
                    def __init__(self):
                        self.data = collections.OrderedDict()

                    def size(self):
                        return len(self.data)


                def dump_snapshot(cache):
                    return json.dumps(keys.hashkey(*cache.data))


                def load_snapshot(text):
                    return json.loads(text)


                def reload_snapshot(cache, load=load_snapshot, dump=dump_snapshot):
                    return load(dump(cache))
                ''',
            "cache/keys.py": "def hashkey(*args):\n    return args\n",
        }
    )
    evidence = {"path": "cache/__init__.py", "module": "cache", "lines": 600, "definitions": 50}

    result = project.apply(suggestion("god_module", ("cache/__init__.py",), evidence), god_module_max_definitions=3)

    assert result.status is Status.APPLIED, result.reason
    init = project.read("cache/__init__.py")
    # json was read by the moved functions only: gone; keys is the package's own: kept, marked re-exported
    assert "import json" not in init and "from . import keys as keys\n" in init
    assert "import collections\n" in init  # Cache, which stays, reads it
    assert project.imports("cache") == ""


def test_a_helper_moved_out_before_its_readers_became_mixins_stays_reexported(project: Project) -> None:
    # Report's formatted_rows reads _format_row: the helper leaves for a module first, then
    # formatted_rows for a mixin; report.py still re-exports the helper for its users
    from tests.refactor.test_god_class import REPORT

    project.write({"shop/__init__.py": "", "shop/report.py": REPORT})
    evidence = {"path": "shop/report.py", "module": "shop.report", "class": "Report"}

    result = project.apply(suggestion("god_class", ("shop/report.py",), evidence), god_class_max_methods=5)

    assert result.status is Status.APPLIED, result.reason
    assert "from shop._separator import SEPARATOR, _format_row as _format_row\n" in project.read("shop/report.py")
    assert project.imports("shop.report") == ""


def test_what_a_mixin_reads_from_the_hosts_base_class_is_declared_from_the_base(project: Project) -> None:
    base = '''
        class Base:
            """Named things."""

            label: str


        class Container'''
    history = _split_in_a_strict_project(
        project,
        CONTAINER.replace("\nclass Container", textwrap.dedent(base), 1)
        .replace("class Container(Generic[K, V]):", "class Container(Base, Generic[K, V]):")
        .replace("self.name = name\n", "self.name = name\n        self.label = name.title()\n")
        .replace('return f"{self.name}:', 'return f"{self.label}:'),
    )

    # the constructor sets label without a type the checker could copy: the base declares it
    assert "        label: str\n" in history


def test_a_final_host_attribute_is_declared_as_a_read_only_property(project: Project) -> None:
    container = CONTAINER.replace("from typing import Generic, TypeVar", "from typing import Final, Generic, TypeVar")
    container = container.replace(
        '    """Values by key, with listeners and a history of changes."""\n',
        '    """Values by key, with listeners and a history of changes."""\n\n    LIMIT: Final[int]\n',
    ).replace("self.name = name\n", "self.name = name\n        self.LIMIT = 10\n")
    container = container.replace("return self._history[-1] if", "return self._history[-self.LIMIT] if")
    history = _split_in_a_strict_project(project, container)

    assert "        @property\n        def LIMIT(self) -> int:\n" in history


def test_an_import_that_a_test_outside_the_source_root_takes_from_the_module_stays(project: Project) -> None:
    project.write(
        {
            "src/shop/__init__.py": "",
            "src/shop/core.py": SHOP,
            "tests/test_shop.py": SHOP_TESTS.replace(
                "from shop import core\n", "from shop import core\nfrom shop.core import re\n"
            ),
        }
    )
    evidence = {"path": "src/shop/core.py", "module": "shop.core", "lines": 600, "definitions": 50}

    result = project.apply(suggestion("god_module", ("src/shop/core.py",), evidence), god_module_max_definitions=5)

    assert result.status is Status.APPLIED, result.reason
    core = project.read("src/shop/core.py")
    # the moved SKU_RE took the last use of re; tests/test_shop.py imports it from here: kept, as a re-export
    assert "import re as re\n" in core and "import json\n" in core


def test_a_host_whose_type_variable_is_bound_to_a_class_of_its_module_is_refused(project: Project) -> None:
    container = CONTAINER.replace('K = TypeVar("K")', 'class Key:\n    """A key."""\n\n\nK = TypeVar("K", bound=Key)')
    project.write({"store/__init__.py": "", "store/container.py": container})
    before = project.snapshot()

    result = project.apply(SPLIT_CONTAINER, god_class_max_methods=8)

    assert (result.status, result.reason) == (
        Status.REFUSED,
        "the type variables of Container read Key from its module",
    )
    assert project.snapshot() == before


def test_a_type_checking_block_left_empty_goes_with_its_flag(project: Project) -> None:
    shop = SHOP.replace(
        "from decimal import Decimal\n",
        "from decimal import Decimal\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from re import Pattern\n",
    ).replace('SKU_RE = re.compile(r"^[A-Z]{3}-\\d+$")', 'SKU_RE: "Pattern[str]" = re.compile(r"^[A-Z]{3}-\\d+$")')
    project.write({"shop/__init__.py": "", "shop/core.py": shop})
    evidence = {"path": "shop/core.py", "module": "shop.core", "lines": 600, "definitions": 50}

    result = project.apply(suggestion("god_module", ("shop/core.py",), evidence), god_module_max_definitions=5)

    assert result.status is Status.APPLIED, result.reason
    core = project.read("shop/core.py")
    assert "TYPE_CHECKING" not in core and "Pattern" not in core and "import re\n" not in core
    moved = next(project.read(c.path) for c in result.changes if c.path != "shop/core.py")
    assert "if TYPE_CHECKING:\n    from re import Pattern\n" in moved
    assert project.imports("shop.core") == ""


def test_an_import_a_doctest_of_the_code_left_behind_reads_is_kept(project: Project) -> None:
    # doctests run with the module's globals: BytesIO is spelled only in Reader's docstring now
    project.write(
        {
            "io_tools/__init__.py": "",
            "io_tools/core.py": '''
                """IO tools."""

                from io import BytesIO


                class Reader:
                    """Reads.

                    >>> Reader().read(BytesIO(b"x"))
                    b'x'
                    """

                    def read(self, stream):
                        return stream.read()


                def wrap_bytes(data):
                    return BytesIO(data)


                def wrap_more_bytes(data, wrap=wrap_bytes):
                    return wrap(data + data)


                def wrap_most_bytes(data, wrap=wrap_more_bytes):
                    return wrap(data + data)
                ''',
        }
    )
    evidence = {"path": "io_tools/core.py", "module": "io_tools.core", "lines": 600, "definitions": 50}

    result = project.apply(suggestion("god_module", ("io_tools/core.py",), evidence), god_module_max_definitions=3)

    assert result.status is Status.APPLIED, result.reason
    assert "from io import BytesIO\n" in project.read("io_tools/core.py")
