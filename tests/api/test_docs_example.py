"""The runnable example of docs/python-api.md runs in a real repository and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.config.spec_project import config_yaml, files
from tests.conftest import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "python-api.md"


def example_code() -> str:
    """The first ```python block of the document."""
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)[:1]
    return code


def test_the_documented_example_runs(git_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    git_repo.commit(files(config_yaml("true")), "a shop with a god class")
    monkeypatch.chdir(git_repo.path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example_code(), str(DOC), "exec"), {"__name__": "__example__"})
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r" +\d\.\d  medium  Split class Inventory in src/shop/inventory\.py", lines[0])
    assert lines[1] == "refactor: applied ['src/shop/_inventory_prices.py', 'src/shop/inventory.py']"
    assert re.fullmatch(
        r"upgrade_\d{8}_\d{6}_[0-9a-f]{6} merged risk policy auto-approves medium-risk upgrades", lines[2]
    )
    assert re.fullmatch(r"rolled back: done [0-9a-f]{10}", lines[3])
    assert lines[4:7] == [
        "pending: 0 recently completed: 1",
        "learned: [('god_class', 1, 0)]",  # rolled back: a regression, not a success
        lines[6],
    ]
    assert re.fullmatch(r"event ids: \d+ \d+", lines[6])
    scan_id, run_id = map(int, lines[6].split()[2:])
    assert scan_id < run_id
    # merged / attempted: the one merged upgrade was rolled back, the other failed
    assert lines[7:] == ["upgrades: 2 success rate: 0.0", "failure patterns: {'test_failure': 1}"]
    # the documented output is this output (ids and commits differ from run to run)
    documented = (
        DOC.read_text("utf-8").split("Its output in that repository")[1].split("```")[1].strip("\n").splitlines()
    )
    shape = re.compile(r"upgrade_\d{8}_\d{6}_[0-9a-f]{6}|[0-9a-f]{10}|\d+")
    assert [shape.sub("#", line) for line in documented] == [shape.sub("#", line) for line in lines]
