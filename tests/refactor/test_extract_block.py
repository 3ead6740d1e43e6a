"""duplicate_pattern on exact statement runs in one module: one named helper, or a refusal."""

from __future__ import annotations

import textwrap

from gitupgrade.refactor import Status
from tests.refactor.helpers import Project, suggestion

GUARDS = """\
    if not name.isidentifier():
        raise ValueError(f"not an identifier: {name!r}")
    if name.startswith("_"):
        raise ValueError(f"starts with an underscore: {name!r}")
    if keyword.iskeyword(name):
        raise ValueError(f"a keyword: {name!r}")
"""

NAMES = f'''\
"""Named records."""

import keyword


def make_tuple(name, fields):
{GUARDS}    return (name, tuple(fields))


def make_list(name, fields):
{GUARDS}    return [name, *fields]
'''

NAMES_TESTS = """\
import pytest

from pkg.names import make_list, make_tuple


def test_records():
    assert make_tuple("point", "xy") == ("point", ("x", "y"))
    assert make_list("point", "xy") == ["point", "x", "y"]


@pytest.mark.parametrize("bad", ["1x", "_x", "class"])
def test_bad_names(bad):
    for make in (make_tuple, make_list):
        with pytest.raises(ValueError):
            make(bad, "ab")
"""


def runs_of(text: str, run: str) -> list[dict[str, object]]:
    """The locations of each copy of ``run`` in ``text``, as the clone finder reports them."""
    lines = text.splitlines()
    first = run.splitlines()[0]
    size = len(run.splitlines())
    return [
        {"path": "pkg/names.py", "module": "pkg.names", "name": None, "start": i + 1, "end": i + size}
        for i, line in enumerate(lines)
        if line == first
    ]


def clone(text: str, run: str, exact: bool = True) -> object:
    locations = runs_of(text, run)
    return suggestion(
        "duplicate_pattern",
        ("pkg/names.py",),
        {"kind": "block", "exact": exact, "lines": len(run.splitlines()), "locations": locations},
    )


def project_with(project: Project, names: str, tests: str = NAMES_TESTS) -> Project:
    return project.write({"pkg/__init__.py": "", "pkg/names.py": names, "tests/test_names.py": tests})


def test_guard_clauses_about_one_value_become_one_check(project: Project) -> None:
    project_with(project, NAMES)
    assert project.pytest() == (4, 0)
    result = project.apply(clone(NAMES, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    assert result.title == "Extract _check_name from 2 copies in pkg/names.py"
    checks = textwrap.indent(textwrap.dedent(GUARDS), "    ")
    assert project.read("pkg/names.py") == (
        '"""Named records."""\n\nimport keyword\n\n\n'
        f"def _check_name(name):\n{checks}\n\n"
        "def make_tuple(name, fields):\n    _check_name(name)\n    return (name, tuple(fields))\n\n\n"
        "def make_list(name, fields):\n    _check_name(name)\n    return [name, *fields]\n"
    )
    assert project.pytest() == (4, 0)


FRANGE_HEAD = """\
    if not step:
        raise ValueError("step must be non-zero")
    if start is None:
        start, stop = 0.0, stop * 1.0
    else:
        stop, start = start * 1.0, stop * 1.0
    count = int((stop - start) / step)
"""

RANGES = f'''\
"""Float ranges."""


def frange(stop, start=None, step=1.0):
{FRANGE_HEAD}    return [start + i * step for i in range(count)]


def xfrange(stop, start=None, step=1.0):
{FRANGE_HEAD}    for i in range(count):
        yield start + i * step
'''


def test_the_same_argument_handling_opening_functions_of_one_name(project: Project) -> None:
    tests = (
        "from pkg.names import frange, xfrange\n\n\n"
        "def test_ranges():\n"
        "    assert frange(2) == list(xfrange(2)) == [0.0, 1.0]\n"
        "    assert frange(1, 5, 2) == list(xfrange(1, 5, 2)) == [1.0, 3.0]\n"
    )
    project_with(project, RANGES, tests)
    result = project.apply(clone(RANGES, FRANGE_HEAD))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert "def _frange_arguments(step, start, stop):\n" in text
    assert text.count("    count, start = _frange_arguments(step, start, stop)\n") == 2
    assert "    return count, start\n" in text
    assert project.pytest() == (1, 0)


METHOD_GUARDS = """\
        if amount <= 0:
            raise ValueError("amount must be positive")
        if amount > self.limit:
            raise ValueError("amount over the limit")
        if self.frozen:
            raise RuntimeError("the account is frozen")
"""

ACCOUNT = f"""\
class Account:
    def __init__(self, limit):
        self.limit = limit
        self.frozen = False
        self.balance = 0

    def deposit(self, amount):
{METHOD_GUARDS}        self.balance += amount

    def withdraw(self, amount):
{METHOD_GUARDS}        self.balance -= amount

    def __repr__(self):
        return f"Account({{self.balance}})"
"""


def test_checks_that_read_self_become_a_method_after_the_last_caller(project: Project) -> None:
    tests = (
        "import pytest\n\nfrom pkg.names import Account\n\n\n"
        "def test_account():\n"
        "    account = Account(10)\n    account.deposit(5)\n    account.withdraw(2)\n"
        "    assert account.balance == 3\n"
        "    with pytest.raises(ValueError):\n        account.withdraw(11)\n"
    )
    project_with(project, ACCOUNT, tests)
    result = project.apply(clone(ACCOUNT, METHOD_GUARDS))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert text.count("        self._check_amount(amount)\n") == 2
    helper = text.index("    def _check_amount(self, amount):\n")
    assert text.index("def withdraw") < helper < text.index("def __repr__")
    assert "\n\n    def _check_amount" in text and "\n    \n" not in text
    assert project.pytest() == (1, 0)


def test_an_early_return_on_some_paths_refuses(project: Project) -> None:
    run = "    if not fields:\n        return None\n" + GUARDS
    names = NAMES.replace(GUARDS, run)
    project_with(project, names)
    before = project.snapshot()
    result = project.apply(clone(names, run))
    assert result.status is Status.REFUSED
    assert result.reason == "it returns from the function, but not on every path out of the copy"
    assert project.snapshot() == before


def test_a_warning_pointing_at_its_caller_stays(project: Project) -> None:
    run = GUARDS + '    warnings.warn("records are deprecated", DeprecationWarning, stacklevel=2)\n'
    names = NAMES.replace(GUARDS, run).replace("import keyword\n", "import keyword\nimport warnings\n")
    project_with(project, names)
    result = project.apply(clone(names, run))
    assert result.status is Status.REFUSED
    assert result.reason == "it passes stacklevel=: a helper would move where the warning points"


def test_code_no_shape_names_is_refused(project: Project) -> None:
    run = GUARDS + "    fields = tuple(fields)\n"
    names = NAMES.replace(GUARDS, run)
    project_with(project, names)
    result = project.apply(clone(names, run))
    assert result.status is Status.REFUSED
    assert result.reason.startswith("no name says what the repeated code does")


def test_copies_with_renamed_identifiers_are_report_only(project: Project) -> None:
    project_with(project, NAMES)
    result = project.apply(clone(NAMES, GUARDS, exact=False))
    assert result.status is Status.REFUSED
    assert result.reason == "the copies differ in names or literals: report-only without an LLM provider"


def test_typed_functions_give_the_helper_their_types(project: Project) -> None:
    typed = NAMES.replace("(name, fields):", "(name: str, fields: str) -> object:")
    project_with(project, typed).write({"pyproject.toml": "[tool.mypy]\nstrict = true\n"})
    result = project.apply(clone(typed, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    assert "def _check_name(name: str) -> None:\n" in project.read("pkg/names.py")
