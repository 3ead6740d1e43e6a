"""Upgrade, revert and notes commits carry the user's identity and signature as ``git commit`` would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.manager.conftest import CALC, QUICK_CONFIG, manager_for
from tests.manager.strategies import edit

SUB = CALC + "\n\ndef sub(a, b):\n    return a - b\n"


def _queue_and_run(project, run_cli) -> dict:
    manager_for(project).queue_suggestions([edit({"src/pkg/calc.py": SUB}, title="Add sub")])
    result = run_cli("run", "--json", cwd=project.path)
    assert result.exit_code == 0, result.stderr
    (outcome,) = json.loads(result.stdout)["upgrades"]
    assert outcome["status"] == "merged"
    return outcome


def _people(project, rev: str) -> list[str]:
    return project.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%ad", "--date=raw", rev).strip().split("|")


def test_environment_identity_wins_over_config_for_upgrade_revert_and_notes(
    quick_project, run_cli, monkeypatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Carl Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "carl@example.org")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-02-03T04:05:06+02:00")

    outcome = _queue_and_run(quick_project, run_cli)

    assert _people(quick_project, outcome["commit"]) == [
        "Ada Author <ada@example.org>",
        "Carl Committer <carl@example.org>",
        "1770084306 +0200",
    ]
    assert _people(quick_project, "refs/notes/upgrades")[:2] == [
        "Ada Author <ada@example.org>",
        "Carl Committer <carl@example.org>",
    ]
    rolled = run_cli("rollback", outcome["upgrade_id"], "--json", cwd=quick_project.path)
    assert rolled.exit_code == 0, rolled.stderr
    assert quick_project.git("log", "-1", "--format=%s").startswith("Revert")
    assert _people(quick_project, "HEAD")[:2] == ["Ada Author <ada@example.org>", "Carl Committer <carl@example.org>"]


def test_identity_from_an_include_if_section(quick_project, run_cli, tmp_path) -> None:
    work = tmp_path / "work.gitconfig"
    work.write_text("[user]\n\tname = Work Me\n\temail = me@work.example\n")
    with Path(os.environ["GIT_CONFIG_GLOBAL"]).open("a") as config:
        config.write(f'[includeIf "gitdir:{quick_project.path}/"]\n\tpath = {work}\n')

    outcome = _queue_and_run(quick_project, run_cli)

    assert _people(quick_project, outcome["commit"])[:2] == ["Work Me <me@work.example>", "Work Me <me@work.example>"]


def test_no_identity_is_a_usage_error_with_a_hint_and_changes_nothing(quick_project, run_cli, monkeypatch) -> None:
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})])
    head = quick_project.head()
    quick_project.git("config", "user.useConfigOnly", "true")  # no auto-detected name@host either
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")

    result = run_cli("run", cwd=quick_project.path)

    assert result.exit_code == 2
    message, hint = result.stderr.strip().splitlines()[-2:]
    assert message.startswith("error: git does not know who you are: no email was given")
    assert hint.startswith('hint: tell git who you are: git config --global user.email "you@example.com"')
    assert quick_project.head() == head


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="no ssh-keygen")
@pytest.mark.parametrize("static_checks", [False, True], ids=["plain", "with-static-checks-trailer"])
def test_ssh_signed_upgrade_commit_verifies_with_git(quick_project, run_cli, tmp_path, static_checks) -> None:
    if static_checks:
        # a check that finds nothing: the upgrade commit is remade with a Static-Checks trailer
        config = QUICK_CONFIG + "    static_checks:\n      - {name: clean, command: 'true', format: ruff}\n"
        quick_project.commit({"config.yaml": config}, "a static check")
    key = tmp_path / "signing_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"test@example.com {Path(f'{key}.pub').read_text()}")
    for name, value in {
        "gpg.format": "ssh",
        "user.signingkey": str(key),
        "commit.gpgsign": "true",
        "gpg.ssh.allowedSignersFile": str(allowed),
    }.items():
        quick_project.git("config", name, value)

    outcome = _queue_and_run(quick_project, run_cli)

    verified = subprocess.run(
        ["git", "verify-commit", "-v", outcome["commit"]], cwd=quick_project.path, capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stderr
    assert 'Good "git" signature for test@example.com with ED25519 key' in verified.stderr
    message = quick_project.git("log", "-1", "--format=%B", outcome["commit"])
    assert ("Static-Checks: clean 0→0" in message) is static_checks
    # git notes never signs its commits; neither do we.
    assert "gpgsig" not in quick_project.git("cat-file", "-p", "refs/notes/upgrades")


def test_a_failing_signer_stops_the_commit_like_git(quick_project, run_cli, tmp_path) -> None:
    quick_project.git("config", "gpg.format", "ssh")
    quick_project.git("config", "user.signingkey", str(tmp_path / "missing_key"))
    quick_project.git("config", "commit.gpgsign", "true")
    head = quick_project.head()
    manager_for(quick_project).queue_suggestions([edit({"src/pkg/calc.py": SUB})])

    result = run_cli("run", "--json", cwd=quick_project.path)

    assert result.exit_code == 1
    message, hint = result.stderr.strip().splitlines()[-2:]
    assert message.startswith("error: git sign commit (ssh) failed: ssh-keygen failed: Couldn't load public key")
    assert hint == "hint: git commit would fail the same way: check user.signingkey, or unset commit.gpgsign"
    assert quick_project.head() == head
    assert quick_project.git("log", "--all", "--format=%H", "--not", head, "--", "src") == ""


@pytest.mark.skipif(shutil.which("gpg") is None or shutil.which("gpgconf") is None, reason="no gpg")
def test_openpgp_signed_upgrade_commit_verifies_with_git(quick_project, run_cli, tmp_path, monkeypatch) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test User <test@example.com>",
            "ed25519",
            "sign",
            "never",
        ],
        check=True,
        capture_output=True,
    )
    try:
        quick_project.git("config", "commit.gpgsign", "true")  # gpg.format unset: openpgp, key from the committer

        outcome = _queue_and_run(quick_project, run_cli)

        verified = subprocess.run(
            ["git", "verify-commit", outcome["commit"]], cwd=quick_project.path, capture_output=True, text=True
        )
        assert verified.returncode == 0, verified.stderr
        assert 'Good signature from "Test User <test@example.com>"' in verified.stderr
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False)  # the agent gpg started for this home
