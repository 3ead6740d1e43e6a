"""Shell completion: git's bash completion finds ``_git_upgrade``; subcommands, options and upgrade ids."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitupgrade.analysis import ArchitectAnalyzer
from gitupgrade.cli.completion import SCRIPTS
from gitupgrade.config import load_config
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo
from tests.integration.upgrades import UPGRADE_ID, make_upgrade

GIT_BASH_COMPLETION = Path("/usr/share/bash-completion/completions/git")
QUEUED_ID = "upgrade_20260101_130000_123456"
# Completes the words given as arguments, as bash does on TAB at the end of the line.
DRIVER = """
source "$GIT_COMPLETION"
source "$OUR_COMPLETION"
complete_words () {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    if [[ $1 == git ]]; then __git_wrap__git_main; else _git_upgrade; fi
    printf '%s|' "${COMPREPLY[@]}"; echo
}
"""


@pytest.fixture
def repo_with_upgrades(git_repo):
    """A repository with one upgrade awaiting review and one pending."""
    make_upgrade(git_repo)
    raw = GitRepo.discover(git_repo.path)
    config = load_config(raw, raw.resolve_commit("HEAD"))
    (suggestion,) = [s for s in ArchitectAnalyzer(raw, config).analyze_codebase().suggestions][:1]
    ledger = UpgradeLedger(raw, config)
    try:
        ledger.log_upgrade_queued(QUEUED_ID, suggestion, git_repo.head(), "main", priority=5)
    finally:
        ledger.close()
    return git_repo


def _complete(script: Path, cwd: Path, *lines: tuple[str, ...]) -> list[str]:
    body = DRIVER + "".join("complete_words " + " ".join(f"'{w}'" for w in words) + "\n" for words in lines)
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", body],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_COMPLETION": str(GIT_BASH_COMPLETION), "OUR_COMPLETION": str(script)},
        timeout=120,
    )
    assert done.stderr == ""
    return done.stdout.splitlines()


@pytest.mark.skipif(not GIT_BASH_COMPLETION.is_file() or shutil.which("bash") is None, reason="no git bash completion")
def test_bash_completes_subcommands_options_and_ids_through_gits_completion(
    repo_with_upgrades, tool_on_path, run_cli, tmp_path
) -> None:
    printed = run_cli("completion", "bash")
    assert printed.exit_code == 0
    script = tmp_path / "git-upgrade.bash"
    script.write_text(printed.stdout)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    results = _complete(
        script,
        repo_with_upgrades.path,
        ("git", "upgrade", "d"),
        ("git", "upgrade", "run", "--"),
        ("git", "upgrade", "diff", ""),
        ("git", "upgrade", "approve", ""),
        ("git", "upgrade", "run", ""),
        ("git", "upgrade", "diff", "upgrade_20260101_13"),
        ("git-upgrade", "rev"),
    )

    assert results == [
        "diff |describe |",
        "--all |--max |--batch |--progress |--no-progress |--json |--help |",
        f"{QUEUED_ID} |{UPGRADE_ID} |",
        f"{UPGRADE_ID} |",
        f"{QUEUED_ID} |",
        f"{QUEUED_ID} |",
        "|",  # git-upgrade run directly: no subcommand starts with "rev"
    ]
    # No repository: commands still complete, ids are simply absent; git's -C is honoured.
    assert _complete(
        script,
        elsewhere,
        ("git", "upgrade", "diff", ""),
        ("git", "upgrade", "comp"),
        ("git", "-C", str(repo_with_upgrades.path), "upgrade", "approve", ""),
    ) == ["|", "completion |", f"{UPGRADE_ID} |"]


def test_the_zsh_protocol_zsh_and_fish_use_answers_with_ids(repo_with_upgrades, tool_on_path) -> None:
    env = {
        **os.environ,
        "_GIT_UPGRADE_COMPLETE": "zsh_complete",
        "COMP_WORDS": "git-upgrade approve ",
        "COMP_CWORD": "2",
    }
    zsh = subprocess.run(["git", "upgrade"], cwd=repo_with_upgrades.path, env=env, capture_output=True, text=True)
    assert (zsh.returncode, zsh.stdout.splitlines()) == (0, ["plain", UPGRADE_ID, "_"])
    # fish's function sends the words before the cursor and the index of the current one.
    env = {**os.environ, "_GIT_UPGRADE_COMPLETE": "zsh_complete", "COMP_WORDS": "git-upgrade sta", "COMP_CWORD": "1"}
    fish = subprocess.run(["git", "upgrade"], cwd=repo_with_upgrades.path, env=env, capture_output=True, text=True)
    assert fish.stdout.splitlines()[:2] == ["plain", "status"]


def test_scripts_hook_into_the_names_gits_completions_look_for(run_cli) -> None:
    for shell in ("bash", "zsh", "fish"):
        printed = run_cli("completion", shell)
        assert printed.exit_code == 0 and printed.stdout == SCRIPTS[shell]
    assert "\n_git_upgrade ()\n" in SCRIPTS["bash"]
    assert SCRIPTS["zsh"].startswith("#compdef git-upgrade\n") and "\n_git-upgrade () {\n" in SCRIPTS["zsh"]
    assert "complete -c git -n '__fish_git_using_command upgrade' -f -a '(__git_upgrade_complete)'" in SCRIPTS["fish"]
    assert run_cli("completion", "tcsh").exit_code == 2
