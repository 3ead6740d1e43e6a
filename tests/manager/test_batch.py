"""``run --batch``: one suite run for a passing stack, bisection to isolate a bad upgrade."""

from __future__ import annotations

import json

from gitupgrade.manager.batch import bisect
from gitupgrade.manager.validation import Verdict
from tests.manager.conftest import manager_for
from tests.manager.strategies import edit

# A suite that fails when any source file says BAD: exit status only, no JUnit.
CONFIG = 'self_upgrading:\n  validation:\n    test_command: "! grep -rq BAD src"\n'


def test_bisection_bound_for_one_bad_among_eight() -> None:
    class M:
        def __init__(self, i: int) -> None:
            self.record = type("R", (), {"id": str(i)})()

    for bad in range(8):
        runs = []

        def test(group, bad=bad, runs=runs):
            runs.append(len(group))
            return Verdict.fail("test_failure", "x") if any(m.record.id == str(bad) for m in group) else Verdict(True)

        found = bisect([M(i) for i in range(8)], test)
        assert [k for k, v in found.items() if v is not None] == [str(bad)]
        assert len(runs) <= 7


def test_batch_of_independent_upgrades_runs_the_suite_once_and_isolates_the_bad_one(git_repo, run_cli) -> None:
    git_repo.commit({f"src/m{i}.py": f"x = {i}\n" for i in range(4)} | {"config.yaml": CONFIG}, "project")
    base = git_repo.head()
    manager = manager_for(git_repo)
    good = [edit({f"src/m{i}.py": f"x = {i + 10}\n"}, priority=9 - i / 10) for i in range(3)]
    manager.queue_suggestions(good)
    result = json.loads(run_cli("run", "--batch", "--json", cwd=git_repo.path).stdout)
    assert [u["status"] for u in result["upgrades"]] == ["merged", "merged", "merged"]
    assert result["suite_runs"] == 2  # the baseline and the stack
    assert git_repo.git("rev-list", "--count", f"{base}..HEAD").strip() == "3"
    assert git_repo.git("log", "--format=%(trailers:key=Upgrade-Id,valueonly)", f"{base}..HEAD").split() == [
        u["upgrade_id"] for u in reversed(result["upgrades"])
    ]

    tip = git_repo.head()
    manager.queue_suggestions(
        [edit({"src/m0.py": "x = 'BAD'\n"}, priority=8), edit({"src/m3.py": "x = 30\n"}, priority=7)]
    )
    result = json.loads(run_cli("run", "--batch", "--json", cwd=git_repo.path).stdout)
    assert [(u["status"], u["failure_type"]) for u in result["upgrades"]] == [
        ("failed", "test_failure"),
        ("merged", None),
    ]
    # the stack of two fails, its left half fails, the right half passes; the tip's baseline
    # is known from the first batch's stack run
    assert result["suite_runs"] == 3
    assert git_repo.git("rev-parse", "HEAD^").strip() == tip
    assert git_repo.git("show", "HEAD:src/m0.py") == "x = 10\n"
