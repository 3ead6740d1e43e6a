"""duplicate_pattern on exact statement runs in one module: one named helper, or a refusal."""

from __future__ import annotations

import textwrap

from gitupgrade.refactor import Status
from gitupgrade.refactor.strategies.package_conventions import copy_refusal
from gitupgrade.refactor.strategies.source import ModuleSource
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


def extracted(project: Project, names: str, run: str, tests: str = NAMES_TESTS) -> str:
    """``pkg/names.py`` after the copies of ``run`` in ``names`` were extracted."""
    project_with(project, names, tests)
    result = project.apply(clone(names, run))
    assert result.status is Status.APPLIED, result.reason
    return project.read("pkg/names.py")


def refusal(project: Project, names: str, run: str, tests: str = NAMES_TESTS) -> str:
    """Why the copies of ``run`` in ``names`` (the project's ``pkg/names.py``) stay."""
    project_with(project, names, tests)
    result = project.apply(clone(names, run))
    assert result.status is Status.REFUSED
    return result.reason


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


def test_the_same_argument_handling_opening_functions_of_one_name_is_named_as_normalizing_their_arguments(
    project: Project,
) -> None:
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
    assert "def _normalize_frange_args(stop, start, step):\n" in text
    # in the order the run binds them, as a reviewer asked (was "count, start": sorted by name)
    assert text.count("    start, count = _normalize_frange_args(stop, start, step)\n") == 2
    assert "    return start, count\n" in text
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
    assert refusal(project, names, run) == "it passes stacklevel=: a helper would move where the warning points"


def test_code_no_shape_names_is_refused(project: Project) -> None:
    run = GUARDS + "    fields = tuple(fields)\n"
    names = NAMES.replace(GUARDS, run)
    assert refusal(project, names, run).startswith("no name says what the repeated code does")


def test_copies_with_other_literals_stay(project: Project) -> None:
    names = NAMES.replace('"a keyword: {name!r}"', '"reserved: {name!r}"', 1)
    project_with(project, names)
    result = project.apply(clone(names, GUARDS, exact=False))
    assert result.status is Status.REFUSED
    assert result.reason == "the copies differ in more than the names of their locals"


def test_copies_with_renamed_locals_call_one_helper_with_their_own_names(project: Project) -> None:
    run = (
        "    if options.get('fields'):\n"
        "        wanted_fields = [f for f in fields if f in options['fields']]\n"
        "    else:\n"
        "        wanted_fields = list(fields)\n"
    )
    renamed = run.replace("options", "opts")
    body = (
        '"""Tables."""\n\n\n'
        f"def as_csv(fields, options):\n{run}    return ','.join(wanted_fields)\n\n\n"
        f"def as_tsv(fields, opts):\n{renamed}    return '\\t'.join(wanted_fields)\n"
    )
    tests = (
        "from pkg.names import as_csv, as_tsv\n\n\n"
        "def test_tables():\n"
        "    assert as_csv('ab', {'fields': 'b'}) == 'b' and as_tsv('ab', {}) == 'a\\tb'\n"
    )
    project_with(project, body, tests)
    locations = runs_of(body, run)[:1] + runs_of(body, renamed)
    evidence = {"kind": "block", "exact": False, "lines": 4, "locations": locations}
    result = project.apply(suggestion("duplicate_pattern", ("pkg/names.py",), evidence))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert "    wanted_fields = _wanted_fields(fields, options)\n" in text
    assert "    wanted_fields = _wanted_fields(fields, opts)\n" in text
    assert "ran the same (locals renamed) statement; each now calls" in result.summary
    assert "Why: one version of the step instead of two that can drift apart" in result.summary
    assert project.pytest() == (1, 0)


def test_a_name_made_of_a_renamed_local_fits_one_copy_only_and_is_refused(project: Project) -> None:
    # found on moto: _check_role(user) in delete_user
    renamed = GUARDS.replace("name", "label")
    names = NAMES.replace("def make_list(name, fields):\n" + GUARDS, "def make_list(label, fields):\n" + renamed)
    names = names.replace("return [name, *fields]", "return [label, *fields]")
    project_with(project, names)
    locations = runs_of(names, GUARDS)[:1] + runs_of(names, renamed)
    evidence = {"kind": "block", "exact": False, "lines": 6, "locations": locations}
    result = project.apply(suggestion("duplicate_pattern", ("pkg/names.py",), evidence))
    assert result.status is Status.REFUSED
    assert result.reason.startswith("no name says what the repeated code does")


def test_typed_functions_give_the_helper_their_types(project: Project) -> None:
    typed = NAMES.replace("(name, fields):", "(name: str, fields: str) -> object:")
    project_with(project, typed).write({"pyproject.toml": "[tool.mypy]\nstrict = true\n"})
    result = project.apply(clone(typed, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    assert "def _check_name(name: str) -> None:\n" in project.read("pkg/names.py")


TALLY = """\
        # count the words
        words = line.split()
        total = total + len(words)
        longest = max(longest, *map(len, words), 0)
        seen.update(words)
        lines += 1
"""

STATS = f'''\
"""Text statistics."""


def stats(text):
    total, longest, lines, seen = 0, 0, 0, set()
    for line in text.splitlines():
{TALLY}    return total, longest, lines, len(seen)


def stats_of(paths):
    total, longest, lines, seen = 0, 0, 0, set()
    for path in paths:
        line = open(path).read()
{TALLY}        words = None
    return total, longest, lines, len(seen)
'''


def test_a_run_whose_functions_read_three_of_its_locals_later_stays(project: Project) -> None:
    tests = (
        "from pkg.names import stats, stats_of\n\n\n"
        "def test_stats(tmp_path):\n"
        "    assert stats('a bb\\nccc') == (3, 3, 2, 3)\n"
        "    (tmp_path / 'f').write_text('x yy')\n"
        "    assert stats_of([tmp_path / 'f'] * 2) == (4, 2, 2, 2)\n"
    )
    run = "".join(TALLY.splitlines(keepends=True)[1:])  # the finder reports statements, not the comment
    project_with(project, STATS, tests)
    result = project.apply(clone(STATS, run))
    assert result.status is Status.REFUSED  # three results: more than a helper should give back
    assert result.reason == "the run sets 3 locals the functions read later"


def vocabulary_with(step: str) -> str:
    """Two functions that run ``step`` for each line, of strings or of files."""
    return f'''\
"""Words."""


def vocabulary(lines):
    seen = set()
    for line in lines:
{step}    return seen


def vocabulary_of(paths):
    seen = set()
    for path in paths:
        line = open(path).read()
{step}    return sorted(seen)
'''


def test_locals_rebound_before_any_read_are_not_results(project: Project) -> None:
    run = "        words = line.split()\n        seen.update(words)\n"
    step = f"        # remember the words\n{run}        words = None\n"
    body = vocabulary_with(step)
    tests = "from pkg.names import vocabulary\n\n\ndef test_vocabulary():\n    assert vocabulary(['a b', 'b']) == {'a', 'b'}\n"
    text = extracted(project, body, run, tests)
    assert "def _remember_words(line, seen):\n" in text
    # the comment above the copies became the name: it is not left above the calls
    assert text.count("        _remember_words(line, seen)\n") == 2 and "# remember the words" not in text
    assert project.pytest() == (1, 0)


def test_a_comment_naming_only_the_first_of_two_commented_steps_does_not_name_the_run(project: Project) -> None:
    # found on networkx: "# sort the adjacency lists again" named a run that went on to
    # "# initialize the embedding"
    run = "        words = line.split()\n        # remember them\n        seen.update(words)\n"
    step = f"        # split the line\n{run}        words = None\n"
    body = vocabulary_with(step)
    assert refusal(project, body, run).startswith("no name says what the repeated code does")


def test_one_value_computed_the_same_way_is_named_after_it(project: Project) -> None:
    run = (
        "    if options.get('fields'):\n"
        "        wanted_fields = [f for f in fields if f in options['fields']]\n"
        "    else:\n"
        "        wanted_fields = list(fields)\n"
    )
    body = (
        '"""Tables."""\n\n\n'
        f"def as_csv(fields, options):\n{run}    return ','.join(wanted_fields)\n\n\n"
        f"def as_tsv(fields, options):\n{run}    return '\\t'.join(wanted_fields)\n"
    )
    tests = (
        "from pkg.names import as_csv, as_tsv\n\n\n"
        "def test_tables():\n"
        "    assert as_csv('ab', {'fields': 'b'}) == 'b' and as_tsv('ab', {}) == 'a\\tb'\n"
    )
    text = extracted(project, body, run, tests)
    assert "def _wanted_fields(fields, options):\n" in text
    assert text.count("    wanted_fields = _wanted_fields(fields, options)\n") == 2
    assert project.pytest() == (1, 0)


def test_the_words_functions_share_do_not_name_the_step_they_end_with(project: Project) -> None:
    tail = (
        "        if i < n:\n"
        "            self.index = i\n"
        "            return True\n"
        "        self.index = n\n"
        "        return False\n"
    )
    body = (
        "class Cursor:\n"
        "    def __init__(self, text):\n        self.text, self.index = text, 0\n\n"
        "    def advance_while(self, chars):\n"
        "        i, n = self.index, len(self.text)\n"
        "        while i < n and self.text[i] in chars:\n            i += 1\n"
        f"{tail}\n"
        "    def advance_until(self, chars):\n"
        "        i, n = self.index, len(self.text)\n"
        "        while i < n and self.text[i] not in chars:\n            i += 1\n"
        f"{tail}"
    )
    tests = (
        "from pkg.names import Cursor\n\n\n"
        "def test_cursor():\n"
        "    c = Cursor('aab')\n"
        "    assert c.advance_while('a') and c.index == 2\n"
        "    assert not c.advance_until('x') and c.index == 3\n"
    )
    # found on moto, mypy, sympy: create_* -> _create, typed_dict_* -> _typed_dict, assert_* -> _assert
    # name the functions' family, not what the shared step does
    assert refusal(project, body, tail, tests).startswith("no name says what the repeated code does")


def test_a_run_touching_a_name_its_function_declares_global_stays(project: Project) -> None:
    run = GUARDS + "    COUNT += 1\n"
    names = (
        '"""Named records."""\n\nimport keyword\n\nCOUNT = 0\n\n\n'
        f"def make_tuple(name, fields):\n    global COUNT\n    fields = tuple(fields)\n{run}    return (name, fields)\n\n\n"
        f"def make_list(name, fields):\n    global COUNT\n    fields = list(fields)\n{run}    return [name, *fields]\n"
    )
    assert refusal(project, names, run) == "the function declares COUNT global or nonlocal"


def test_a_name_the_run_reads_only_as_its_own_loop_variable_is_no_parameter(project: Project) -> None:
    run = (
        "    pairs = []\n"
        "    for key, value in sorted(items):\n"
        "        pairs.append(f'{key}={value}')\n"
        "    query_string = '&'.join(pairs)\n"
    )
    body = (
        '"""Queries."""\n\n\n'
        "def from_dict(params):\n"
        "    items = [(key, str(value)) for key, value in params.items()]\n"
        "    key = value = None\n"
        f"{run}    return query_string\n\n\n"
        "def from_pairs(text):\n"
        "    items = [pair.partition('=')[::2] for pair in text.split('&')]\n"
        f"{run}    return query_string\n"
    )
    tests = (
        "from pkg.names import from_dict, from_pairs\n\n\n"
        "def test_queries():\n"
        "    assert from_dict({'b': 1, 'a': 2}) == 'a=2&b=1'\n"
        "    assert from_pairs('b=1&a=2') == 'a=2&b=1'\n"
    )
    text = extracted(project, body, run, tests)
    # key and value are bound by the run's own loop before it reads them: no parameters
    assert "def _query_string(items):\n" in text
    assert "    return '&'.join(pairs)\n" in text  # not "query_string = ...; return query_string"
    assert text.count("    return _query_string(items)\n") == 2
    assert project.pytest() == (1, 0)


def test_a_loop_variable_read_after_the_run_refuses(project: Project) -> None:
    run = (
        "    pairs = []\n    for key in sorted(items):\n        pairs.append(key)\n    query_string = '&'.join(pairs)\n"
    )
    body = (
        '"""Queries."""\n\n\n'
        f"def last_key(items):\n    key = None\n{run}    return query_string, key\n\n\n"
        f"def joined(items):\n{run}    return query_string\n"
    )
    project_with(project, body)
    result = project.apply(clone(body, run))
    assert result.status is Status.REFUSED  # an empty loop leaves key as it was: bound on some paths only
    assert result.reason == "it binds key only on some paths, and the function reads it later"


def test_a_helper_is_typed_fully_or_not_at_all(project: Project) -> None:
    run = GUARDS.replace("name", "cleaned")
    body = "    cleaned = name.strip()\n" + run
    typed = NAMES.replace(GUARDS, body).replace("(name, fields):", "(name: str, fields: str) -> object:")
    project_with(project, typed)  # no type checker configured: a half-typed helper would still read badly
    result = project.apply(clone(typed, run))
    assert result.status is Status.APPLIED, result.reason
    assert "def _check_cleaned(cleaned):\n" in project.read("pkg/names.py")  # not "-> None" alone


def test_a_run_with_effects_is_not_named_after_the_value_it_returns(project: Project) -> None:
    # found on moto: _operation_id(tags, namespace) also stored and tagged the namespace
    run = (
        "        self.items[item.key] = item\n"
        "        if tags:\n"
        "            self.tags[item.key] = tags\n"
        "        operation_id = len(self.items)\n"
        "        return operation_id\n"
    )
    body = (
        "class Store:\n"
        "    def __init__(self):\n        self.items, self.tags = {}, {}\n\n"
        f"    def add_file(self, item, tags=None):\n        item.kind = 'file'\n{run}\n"
        f"    def add_link(self, item, tags=None):\n        item.kind = 'link'\n{run}"
    )
    assert refusal(project, body, run).startswith("no name says what the repeated code does")


def test_a_comment_above_the_copies_goes_into_the_helper(project: Project) -> None:
    commented = NAMES.replace(GUARDS, "    # names users may not choose\n" + GUARDS)
    project_with(project, commented)
    result = project.apply(clone(commented, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert text.count("# names users may not choose") == 1
    assert "def _check_name(name):\n    # names users may not choose\n    if not" in text


def test_an_annotated_module_gets_a_typed_helper_or_none(project: Project) -> None:
    run = GUARDS.replace("name", "cleaned")
    body = "    cleaned = name.strip()\n" + run
    typed = NAMES.replace(GUARDS, body).replace("(name, fields):", "(name: str, fields: str) -> object:")
    typed += "\n\ndef plain(x: int) -> int:\n    return x\n"  # three functions, all annotated
    project_with(project, typed)
    result = project.apply(clone(typed, run))
    assert result.status is Status.REFUSED  # no checker configured, but the file is typed code
    assert result.reason == "cleaned has no type the functions agree on, and the code is typed"


def test_a_result_set_to_a_constant_stays_with_the_callers(project: Project) -> None:
    # found on sympy: "changed, results = _helper(...)" where the run only ever set changed = True
    run = GUARDS + "    checked = True\n"
    names = NAMES.replace(GUARDS, run).replace("return (name, tuple(fields))", "return (name, checked)")
    names = names.replace("return [name, *fields]", "return [name, checked]")
    assert refusal(project, names, run) == "the run sets checked to a constant the callers would get back as a result"


def test_no_name_differs_from_a_defined_one_by_underscores_only(project: Project) -> None:
    # found on requests and botocore: _proxy_manager beside self.proxy_manager
    body = (
        '"""Tables."""\n\n\nclass Table:\n    wanted_fields = ()\n\n\n'
        "def as_csv(fields, options):\n"
        "    if options.get('fields'):\n        wanted_fields = [f for f in fields if f in options['fields']]\n"
        "    else:\n        wanted_fields = list(fields)\n    return ','.join(wanted_fields)\n\n\n"
        "def as_tsv(fields, options):\n"
        "    if options.get('fields'):\n        wanted_fields = [f for f in fields if f in options['fields']]\n"
        "    else:\n        wanted_fields = list(fields)\n    return '\\t'.join(wanted_fields)\n"
    )
    run = "    if options.get('fields'):\n        wanted_fields = [f for f in fields if f in options['fields']]\n"
    run += "    else:\n        wanted_fields = list(fields)\n"
    assert refusal(project, body, run).startswith("no name says what the repeated code does")


def test_two_blank_lines_around_a_module_helper_even_where_the_file_had_one(project: Project) -> None:
    # found on boltons: the definition after the helper kept the single blank line it had (E302)
    squeezed = NAMES.replace("import keyword\n\n\n", "import keyword\n\n")
    project_with(project, squeezed)
    result = project.apply(clone(squeezed, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert "import keyword\n\n\ndef _check_name(name):\n" in text
    assert "\n\n\ndef make_tuple(name, fields):\n" in text


def test_a_helper_serving_two_sections_goes_above_the_first_ones_banner(project: Project) -> None:
    # found on boltons: _check_name served the namedtuple and namedlist sections, and
    # landed between the namedtuple banner and its function
    banner = "#" * 20
    sectioned = NAMES.replace(
        "\n\ndef make_tuple", f"\n\n{banner}\n### tuples\n{banner}\n\nTUPLE = tuple\n\n\ndef make_tuple"
    ).replace("\n\ndef make_list", f"\n\n{banner}\n### lists\n{banner}\n\n\ndef make_list")
    project_with(project, sectioned)
    result = project.apply(clone(sectioned, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    text = project.read("pkg/names.py")
    assert "import keyword\n\n\ndef _check_name(name):\n" in text
    assert f'raise ValueError(f"a keyword: {{name!r}}")\n\n\n{banner}\n### tuples\n' in text
    assert project.pytest() == (4, 0)


def test_a_helper_whose_callers_share_a_section_stays_below_its_banner(project: Project) -> None:
    banner = "# ---- records ----"
    sectioned = NAMES.replace("\n\ndef make_tuple", f"\n\n{banner}\n\n\ndef make_tuple")
    project_with(project, sectioned)
    result = project.apply(clone(sectioned, GUARDS))
    assert result.status is Status.APPLIED, result.reason
    assert f"{banner}\n\n\ndef _check_name(name):\n" in project.read("pkg/names.py")


def test_a_module_kept_as_a_copy_of_another_projects_code_is_changed_there(project: Project) -> None:
    # found on libcst: its fork of parso's tokenizer is kept close to parso to port changes
    forked = "# A fork of `otherproject.names`.\n# https://example.com/otherproject/names.py\n" + NAMES
    assert refusal(project, forked, GUARDS) == "the module says it is a copy ('fork of'): change it where it comes from"
    assert project.read("pkg/names.py") == forked


def test_copied_code_is_told_by_its_header_or_its_vendoring_folder() -> None:
    def refusal(path: str, text: str) -> str | None:
        return copy_refusal(ModuleSource(path, "m", text, "utf-8"))

    assert refusal("pkg/_vendor/six.py", "x = 1\n") == (
        "the module is in a vendoring folder (_vendor/): change it where it comes from"
    )
    assert refusal("pkg/util.py", '"""Helpers.\n\nCode borrowed from bottle."""\nx = 1\n')
    assert refusal("pkg/util.py", "# Adapted from a post on a blog\nx = 1\n")
    # a value taken from somewhere, or a copy mentioned below the header, is no copied module
    assert refusal("pkg/util.py", '"""Colour names, values taken from the CSS spec."""\nx = 1\n') is None
    assert refusal("pkg/util.py", "x = 1\n# copied from the stdlib\ny = 2\n") is None
    assert refusal("pkg/util.py", '"""Wraps the vendored appdirs module."""\n') is None


def test_a_run_whose_inputs_every_function_sets_right_before_it_is_not_the_whole_step(project: Project) -> None:
    # found on sympy: ``xmax = -INF`` and three more before both copies, passed in to the helper
    run = "    for row in rows:\n        width = max(width, len(row))\n"
    body = f'''\
"""Tables."""


def render(rows):
    width = 0
    # measure the rows
{run}    return [row.ljust(width) for row in rows]


def render_boxed(rows):
    width = 0
    # measure the rows
{run}    return ["|" + row.ljust(width) + "|" for row in rows]
'''
    assert refusal(project, body, run).startswith("every function sets width to the same value right before the copy")


def test_a_run_that_is_the_whole_body_of_a_statement_alike_in_every_copy_takes_that_statement(
    project: Project,
) -> None:
    # found on networkx: the finder reported the body of ``if flow_func is None:``; the step
    # is the ``if`` and the check after it
    inner = '        if options:\n            raise TypeError("options need a converter")\n        converter = str\n'
    head = f"    if converter is None:\n{inner}    if not callable(converter):\n"
    head += '        raise TypeError("the converter must be callable")\n'
    body = f'''\
"""Conversions."""


def convert(value, converter=None, **options):
    """Convert one value."""
{head}    return converter(value)


def convert_all(values, converter=None, **options):
    """Convert each value."""
{head}    return [converter(value) for value in values]
'''
    tests = (
        "import pytest\n\nfrom pkg.names import convert, convert_all\n\n\n"
        "def test_convert():\n"
        "    assert convert(1) == '1' and convert_all([1], float) == [1.0]\n"
        "    with pytest.raises(TypeError):\n        convert(1, extra=2)\n"
        "    with pytest.raises(TypeError):\n        convert_all([1], 3)\n"
    )
    text = extracted(project, body, inner, tests)
    assert "def _normalize_convert_args(converter, options):\n    if converter is None:\n" in text
    assert text.count("    converter = _normalize_convert_args(converter, options)\n") == 2
    assert text.count("must be callable") == 1
    assert project.pytest() == (1, 0)


def test_a_run_sharing_a_statement_with_code_outside_its_copies_stays(project: Project) -> None:
    # found on sympy: the helper served four of nine places spelling ``if repl_dict is None``
    run = "    key = str(key)\n    if table is None:\n        table = {}\n    else:\n        table = dict(table)\n"
    body = f'''\
"""Lookups."""


def match(key, table=None):
{run}    return table.get(key)


def match_all(key, table=None):
{run}    return [table.get(key)]


def store(value, table=None):
    if table is None:
        table = {{}}
    else:
        table = dict(table)
    table[value] = value
    return table
'''
    assert refusal(project, body, run) == (
        "line 23 has a statement of the run outside its copies: a helper would leave that code spelled two ways"
    )
    without = body[: body.index("\n\n\ndef store")] + "\n"
    project_with(project, without)
    assert project.apply(clone(without, run)).status is Status.APPLIED


def test_a_run_whose_opening_stands_elsewhere_with_other_names_stays(project: Project) -> None:
    # found on numpy: ``outer`` opened the masked-result step of two operations with its own locals
    run = "    key = str(key).strip()\n    rows = sorted(table.get(key, []))\n    first_rows = rows[:limit]\n"
    body = f'''\
"""Lookups."""


def first(key, table, limit):
{run}    return first_rows


def first_joined(key, table, limit):
{run}    return ','.join(first_rows)


def count(name, table):
    name = str(name).strip()
    found = sorted(table.get(name, []))
    return len(found)
'''
    tests = (
        "from pkg.names import count, first, first_joined\n\n\n"
        "def test_lookups():\n"
        "    table = {'a': ['y', 'x']}\n"
        "    assert first(' a', table, 1) == ['x'] and first_joined('a', table, 2) == 'x,y'\n"
        "    assert count('a ', table) == 2\n"
    )
    assert refusal(project, body, run, tests) == (
        "line 19 opens the same step with other names: a helper for the copies would leave it spelled two ways"
    )
    without = body.replace(
        "    found = sorted(table.get(name, []))\n    return len(found)", "    return len(table[name])"
    )
    text = extracted(project, without, run, tests)
    assert text.count("    first_rows = _first_rows(key, table, limit)\n") == 2
    assert project.pytest() == (1, 0)


def test_a_run_that_is_a_loops_whole_body_stays_the_step_for_one_item(project: Project) -> None:
    # found on boltons: growing out to ``for name in [typename] + field_names:`` lost the
    # _check_name(name) a review had accepted
    guards = textwrap.indent(GUARDS.replace("name", "field"), "    ")
    body = NAMES.replace(GUARDS, f"    for field in fields:\n{guards}")
    project_with(project, body)
    result = project.apply(clone(body, guards))
    assert result.status is Status.APPLIED, result.reason
    assert project.read("pkg/names.py").count("        _check_field(field)\n") == 2


def test_a_run_of_two_functions_alike_beyond_it_stays(project: Project) -> None:
    # found on boltons: namedtuple and namedlist are parallel versions; a helper for one
    # run of them is a half deduplication that breaks their line-by-line likeness
    rest = """\
    seen = set()
    for field in fields:
        if field in seen:
            raise ValueError(f"duplicate field: {field!r}")
        seen.add(field)
    doc = f"{name}({', '.join(fields)})"
    return doc, fields
"""
    body = f'''\
"""Named records."""

import keyword


def make_tuple(name, fields):
{GUARDS}    fields = tuple(fields)
{rest}

def make_list(name, fields):
{GUARDS}    fields = list(fields)
{rest}'''
    assert refusal(project, body, GUARDS) == (
        "make_tuple and make_list are near copies of each other (7 more of their lines alike): "
        "a helper for this run would leave the rest copied"
    )
