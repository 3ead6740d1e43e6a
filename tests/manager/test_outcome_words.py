"""``ledger`` and ``learn`` count a real run's outcomes with the same words and the same rate."""

from __future__ import annotations

import json
from dataclasses import replace

from gitupgrade.refactor import registry
from tests.manager.conftest import CALC, manager_for
from tests.manager.strategies import TYPE, edit

OTHER = "test_edit_other"


def test_ledger_and_learn_agree_on_merges_failures_and_refusals(quick_project, run_cli) -> None:
    # A second type, run by the same strategy, so that the counts per type are checked too.
    registry.register(OTHER, "tests.manager.strategies:EditStrategy")
    try:
        other = [
            edit({"src/pkg/e.py": "E = 1\n"}),
            edit({"src/pkg/f.py": "import does_not_exist\n"}),  # import_error
            edit({"src/pkg/g.py": "G = 1\n"}, refuse="one connected group"),
            edit({"src/pkg/h.py": "H = 1\n"}, refuse="nothing safe to move"),
        ]
        suggestions = [
            edit({"src/pkg/a.py": "A = 1\n"}),
            edit({"src/pkg/b.py": "B = 1\n"}),
            edit({"src/pkg/c.py": "def c(:\n"}),  # syntax_error
            edit({"src/pkg/d.py": "D = 1\n"}, refuse="the class is one connected group"),
            *(replace(s, type=OTHER) for s in other),
        ]
        manager = manager_for(quick_project)
        manager.queue_suggestions(suggestions)
        report = manager.run()
    finally:
        registry._STRATEGIES.pop(OTHER, None)
    assert sorted((o.status, o.failure_type) for o in report.outcomes) == [
        ("failed", "import_error"),
        ("failed", "syntax_error"),
        *[("merged", None)] * 3,
        *[("refused", "refused")] * 3,
    ]

    ledger = json.loads(run_cli("ledger", "--json", cwd=quick_project.path).stdout)["statistics"]
    learned = json.loads(run_cli("learn", "--json", cwd=quick_project.path).stdout)["outcomes"]
    words = ("attempted", "merged", "failed", "refused", "success_rate", "by_outcome")
    # a refusal built nothing: it is not an attempt and not a failure
    assert {w: ledger[w] for w in words} == {
        "attempted": 5,
        "merged": 3,
        "failed": 2,
        "refused": 3,
        "success_rate": 0.6,
        "by_outcome": {"failed": 2, "merged": 3, "refused": 3},
    }
    assert {w: learned[w] for w in words} == {w: ledger[w] for w in words}
    assert {
        kind: (c["attempted"], c["merged"], c["failed"], c["refused"], c["success_rate"])
        for kind, c in ledger["type_statistics"].items()
    } == {
        TYPE: (3, 2, 1, 1, 0.6667),
        OTHER: (2, 1, 1, 2, 0.5),
    }
    assert learned["by_type"] == ledger["type_statistics"]

    # the text views print the same words
    summary = "5 attempted: 3 merged, 2 failed; 3 refused; success rate 60.0% of attempted"
    ledger_text = run_cli("ledger", cwd=quick_project.path).stdout.splitlines()
    learn_text = run_cli("learn", cwd=quick_project.path).stdout.splitlines()
    assert f"  upgrades executed: 8 ({summary})" in ledger_text
    assert f"Outcomes: {summary}" in learn_text
    row = "  test_edit_other  2          1       1       2        50.0%"
    assert row in ledger_text and row in learn_text


def test_a_type_with_nothing_attempted_shows_no_rate_in_ledger_and_learn(quick_project, run_cli) -> None:
    # one refusal: no change was built, so there is no success rate to show (not 0%)
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": CALC})])
    assert run_cli("run", cwd=quick_project.path).exit_code == 0

    summary = "0 attempted: 0 merged, 0 failed; 1 refused; success rate - of attempted"
    ledger_text = run_cli("ledger", cwd=quick_project.path).stdout.splitlines()
    learn_text = run_cli("learn", cwd=quick_project.path).stdout.splitlines()
    assert f"  upgrades executed: 1 ({summary})" in ledger_text
    assert f"Outcomes: {summary}" in learn_text
    row = f"  {TYPE}  0          0       0       1        -"
    assert row in ledger_text and row in learn_text
