"""``git upgrade check``: only what HEAD adds since the merge-base, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import GitRepoBuilder
from tests.integration.samples import CLEAN, CYCLE, CYCLE_LINE


def _topic_with_cycle(repo: GitRepoBuilder) -> tuple[str, str]:
    base = repo.commit(CLEAN, "clean base")
    repo.git("checkout", "-q", "-b", "topic")
    return base, repo.commit(CYCLE, "add a cycle")


def test_text_names_the_new_cycle_and_fails(run_cli, git_repo: GitRepoBuilder) -> None:
    base, head = _topic_with_cycle(git_repo)
    result = run_cli("check", "--against", "main", cwd=git_repo.path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"check {head[:8]} against main (merge-base {base[:8]})",
        CYCLE_LINE,
        "1 new (1 failing), 0 fixed, 0 unchanged: failed",
    ]


def test_sarif_has_the_required_2_1_0_fields_for_each_result(run_cli, git_repo: GitRepoBuilder) -> None:
    _topic_with_cycle(git_repo)
    result = run_cli("check", "--against", "main", "--format", "sarif", cwd=git_repo.path)
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "gitupgrade"
    rule_ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert len(run["results"]) == 1
    for res in run["results"]:
        assert res["ruleId"] in rule_ids
        assert res["level"] == "error"
        assert res["message"]["text"] == "import cycle pkg.a -> pkg.b -> pkg.a"
        location = res["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "pkg/b.py"
        assert location["region"]["startLine"] == 1


def test_github_format_prints_annotations(run_cli, git_repo: GitRepoBuilder) -> None:
    _topic_with_cycle(git_repo)
    result = run_cli("check", "--against", "main", "--format", "github", cwd=git_repo.path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=pkg/b.py,line=1,title=circular_import::import cycle pkg.a -> pkg.b -> pkg.a",
        "1 new (1 failing), 0 fixed, 0 unchanged: failed",
    ]


def test_default_is_the_upstream_branch(run_cli, git_repo: GitRepoBuilder, bare_remote: Path) -> None:
    base = git_repo.commit(CLEAN, "clean base")
    git_repo.git("remote", "add", "origin", str(bare_remote))
    git_repo.git("push", "-q", "-u", "origin", "main")
    git_repo.commit(CYCLE, "add a cycle")
    data = json.loads(run_cli("check", "--format", "json", cwd=git_repo.path).stdout)
    assert (data["against"], data["base"], data["passed"]) == ("origin/main", base, False)
    assert [(f["rule"], f["path"], f["failing"]) for f in data["new"]] == [("circular_import", "pkg/b.py", True)]


def test_no_upstream_is_a_clear_user_error(run_cli, git_repo: GitRepoBuilder) -> None:
    _topic_with_cycle(git_repo)
    result = run_cli("check", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: nothing to compare with: branch 'topic' has no upstream",
        "hint: pass --against REV (e.g. --against origin/main), or set one with git branch -u REMOTE/BRANCH",
    ]


def test_moved_code_is_not_new_and_a_removed_cycle_is_fixed(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({**CLEAN, **CYCLE}, "base with a cycle")
    git_repo.git("checkout", "-q", "-b", "topic")
    # Lines added above the cycle's import: same smell, other line numbers.
    git_repo.commit({"pkg/b.py": '"""B."""\n# one\n# two\n\n' + CYCLE["pkg/b.py"]}, "move the import down")
    moved = json.loads(run_cli("check", "--against", "main", "--format", "json", cwd=git_repo.path).stdout)
    assert moved["summary"] == {"new": 0, "failing": 0, "fixed": 0, "unchanged": 1}
    assert moved["passed"] is True

    head = git_repo.commit({"pkg/b.py": CLEAN["pkg/b.py"]}, "break the cycle")
    result = run_cli("check", "--against", "main", cwd=git_repo.path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"check {head[:8]} against main")
    assert lines[1] == "fixed          circular_import         pkg/b.py:1  import cycle pkg.a -> pkg.b -> pkg.a"
    assert lines[-1] == "0 new (0 failing), 1 fixed, 0 unchanged: passed"


def test_fail_on_decides_the_exit_code(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({**CLEAN, "config.yaml": "self_upgrading:\n  check:\n    fail_on: [god_class]\n"}, "base")
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.commit(CYCLE, "add a cycle")
    result = run_cli("check", "--against", "main", cwd=git_repo.path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "new   warning  circular_import         pkg/b.py:1  import cycle pkg.a -> pkg.b -> pkg.a",
        "1 new (0 failing), 0 fixed, 0 unchanged: passed",
    ]
