"""``git upgrade describe``: the pull-request body, from the ledger of a real upgrade."""

from __future__ import annotations

import json

from tests.conftest import GitRepoBuilder
from tests.integration.upgrades import UPGRADE_ID, make_upgrade


def test_markdown_body_has_why_risk_validation_diffstat_track_record_and_rollback(
    run_cli, git_repo: GitRepoBuilder
) -> None:
    made = make_upgrade(git_repo)
    result = run_cli("describe", UPGRADE_ID, cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"## {made['title']}"
    assert lines[2] == (
        f"**Type** `circular_import` · **Risk** low · **Priority** {int(float(made['priority']))}"
        " · **Status** awaiting_review · **Strategy** `rule:circular_import`"
    )
    start = lines.index("### What and why")
    assert lines[start + 3 :] == [
        "",
        "- import cycle pkg.a -> pkg.b -> pkg.a",
        "- cut `from pkg import a` in pkg/b.py:1 (1 use, module level)",
        "- affected: `pkg/b.py`, `pkg/a.py`",
        "",
        "### Validation",
        "",
        "| run | passed | failed |",
        "|---|---:|---:|",
        f"| baseline ({made['base'][:8]}) | 4 | 0 |",
        "| with this upgrade | 4 | 0 |",
        "",
        "Result: passed in 2.5 s: no test that passed on the base commit fails.",
        "Smells 1 → 0, complexity 6 → 6.",
        "",
        "### Changes",
        "",
        "| file | change | + | − |",
        "|---|---|---:|---:|",
        "| `pkg/b.py` | MODIFY | 1 | 1 |",
        "",
        "1 file changed, 1 insertion(+), 1 deletion(-)",
        "",
        "### Track record",
        "",
        "`circular_import` upgrades so far: 1 of 1 passed validation; estimated success rate 67% (67% in `pkg`).",
        "",
        "### How to roll back",
        "",
        f"- Before it is merged: close this pull request, or `git upgrade reject {UPGRADE_ID}`; "
        "the target branch is untouched.",
        f"- After it is merged: `git upgrade rollback {UPGRADE_ID}` (reverts it and records the rollback "
        "in the ledger), or `git revert -m 1 <merge commit>`.",
        "",
        f"<!-- gitupgrade:upgrade_id={UPGRADE_ID} -->",
    ]


def test_json_body_carries_the_facts(run_cli, git_repo: GitRepoBuilder) -> None:
    made = make_upgrade(git_repo)
    result = run_cli("describe", f"upgrade/{UPGRADE_ID}", "--format", "json", cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert (facts["upgrade_id"], facts["commit"], facts["base_commit"], facts["target_branch"]) == (
        UPGRADE_ID,
        made["commit"],
        made["base"],
        "main",
    )
    assert facts["why"]["suggestion_id"] == made["suggestion_id"]
    assert facts["validation"]["baseline"] == {"passed": 4, "failed": 0}
    assert facts["files"] == [{"path": "pkg/b.py", "change": "MODIFY", "added": 1, "removed": 1}]
    assert facts["track_record"] == {
        "key": "circular_import",
        "attempts": 1,
        "successes": 1,
        "estimate": 0.6667,
        "package": "pkg",
        "package_estimate": 0.6667,
    }


def test_unknown_upgrade_is_a_user_error(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("describe", "upgrade_nope", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: no upgrade 'upgrade_nope' in the ledger",
        "hint: see git upgrade status for the known upgrades (git upgrade sync fetches others')",
    ]
