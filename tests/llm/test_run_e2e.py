"""End to end: ``git upgrade tick`` queues the complex function, ``git upgrade run --json`` asks the model.

A real git repository whose committed ``config.yaml`` selects the provider; the model is a
real HTTP server on 127.0.0.1 (or a real program); validation runs the project's own tests.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRun, GitRepoBuilder, run_cli_subprocess
from tests.llm.conftest import SHIPPING, FakeModel, in_prose

SHIPPING_PATH = "src/shop/shipping.py"
TABLE_DRIVEN = '''\
"""Shipping costs."""
from __future__ import annotations

_RATES = {"FR": (500, 900, 1500), "DE": (600, 1000, 1600)}
_DEFAULT_RATES = (1200, 2000, 3000)


def shipping(country: str, weight: int, express: bool, member: bool) -> int:
    """Shipping cost in cents."""
    light, medium, heavy = _RATES.get(country, _DEFAULT_RATES)
    cost = light if weight < 1 else medium if weight < 5 else heavy
    if express:
        cost = cost * 2
    if member and cost > 1000:
        cost = cost - 200
    return cost
'''
TESTS_PATH = "tests/test_shipping.py"
TESTS = """\
import itertools

from shop.shipping import shipping


def test_every_case():
    cases = itertools.product(["FR", "DE", "US"], [0, 2, 9], [False, True], [False, True])
    got = [shipping(*case) for case in cases]
    assert got[:6] == [500, 500, 1000, 1000, 900, 900]
    assert sum(got) == 71200
"""
VALIDATION = (
    "  max_upgrade_retries: 1\n"
    "  validation:\n"
    "    test_command: PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:cacheprovider tests\n"
    "    timeout_seconds: 60\n"
)


def _diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{path}", f"b/{path}"))


GOOD = in_prose(_diff(SHIPPING_PATH, SHIPPING, TABLE_DRIVEN))
# Compiles and applies, but changes what the function returns: the tests must catch it.
WRONG = in_prose(_diff(SHIPPING_PATH, SHIPPING, TABLE_DRIVEN.replace("(1200, 2000, 3000)", "(1200, 2000, 2500)")))
TOUCHES_TESTS = in_prose(
    _diff(SHIPPING_PATH, SHIPPING, TABLE_DRIVEN) + _diff(TESTS_PATH, TESTS, TESTS.replace("71200", "0"))
)
MALFORMED = in_prose(f"--- a/{SHIPPING_PATH}\n+++ b/{SHIPPING_PATH}\n@@ -7 @@\n-    cost = 0\n+    cost: int = 0\n")


@pytest.fixture(autouse=True)
def user_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python`` in the test command is this interpreter (as in an activated virtualenv)."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


def _project(repo: GitRepoBuilder, llm_yaml: str) -> None:
    repo.commit(
        {
            "src/shop/__init__.py": "",
            SHIPPING_PATH: SHIPPING,
            TESTS_PATH: TESTS,
            "config.yaml": "self_upgrading:\n" + VALIDATION + llm_yaml,
            ".gitignore": "__pycache__/\n",
        },
        "a shop with a complex function",
    )


def _openai_yaml(url: str, timeout: float = 10) -> str:
    return (
        f"  llm:\n    provider: openai\n    base_url: {url}\n    model: coder-7b\n"
        f"    api_key_env: SHOP_LLM_KEY\n    timeout_seconds: {timeout}\n"
    )


def _queue_and_run(run_cli: CliRun, repo: GitRepoBuilder) -> dict[str, Any]:
    """Queue with ``tick --json`` (the first scan is due) and run with ``run --json``; the one upgrade."""
    ticked = run_cli("tick", "--json", cwd=repo.path)
    assert ticked.exit_code == 0, ticked.stderr
    assert len(json.loads(ticked.stdout)["queued"]) == 1
    ran = run_cli("run", "--json", cwd=repo.path)
    assert ran.exit_code == 0, ran.stderr
    [upgrade] = json.loads(ran.stdout)["upgrades"]
    return upgrade


@pytest.mark.parametrize(
    ("answers", "status", "failure_type", "requests"),
    [
        pytest.param([GOOD], "awaiting_review", None, 1, id="good-diff"),
        pytest.param([WRONG], "failed", "test_failure", 1, id="behaviour-change"),
        pytest.param([MALFORMED], "failed", "llm_invalid_diff", 2, id="malformed"),
        pytest.param([TOUCHES_TESTS], "failed", "llm_invalid_diff", 2, id="other-file"),
        pytest.param(
            [("status", 500, {"error": {"message": "internal"}})], "failed", "llm_unavailable", 1, id="server-error"
        ),
    ],
)
def test_run_with_openai_server(
    git_repo: GitRepoBuilder,
    run_cli: CliRun,
    fake_model: tuple[FakeModel, str],
    monkeypatch: pytest.MonkeyPatch,
    answers: list[Any],
    status: str,
    failure_type: str | None,
    requests: int,
) -> None:
    model, url = fake_model
    model.answers = answers
    monkeypatch.setenv("SHOP_LLM_KEY", "sk-shop-secret")
    _project(git_repo, _openai_yaml(url))
    base = git_repo.head()

    upgrade = _queue_and_run(run_cli, git_repo)

    assert (upgrade["status"], upgrade["failure_type"]) == (status, failure_type), upgrade["detail"]
    assert upgrade["strategy"] == "llm:openai/coder-7b"
    assert len(model.requests) == requests
    assert git_repo.head() == base  # medium risk: never merged without review
    assert (git_repo.path / SHIPPING_PATH).read_text() == SHIPPING
    if status == "awaiting_review":
        assert git_repo.git("show", f"{upgrade['branch']}:{SHIPPING_PATH}") == TABLE_DRIVEN
        assert upgrade["files"] == [{"path": SHIPPING_PATH, "change": "MODIFY", "added": 5, "removed": 22}]
        assert upgrade["tests"]["after"] == {"passed": 1, "failed": 0}
    else:
        assert upgrade["branch"] is None
    secret_seen = [
        text
        for text in (json.dumps(upgrade), git_repo.git("notes", "--ref=upgrades", "list"))
        if "sk-shop-secret" in text
    ]
    assert secret_seen == []


def test_run_with_slow_server_times_out(
    git_repo: GitRepoBuilder, run_cli: CliRun, fake_model: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, url = fake_model
    model.answers = [("slow", GOOD)]
    monkeypatch.setenv("SHOP_LLM_KEY", "sk-shop-secret")
    _project(git_repo, _openai_yaml(url, timeout=0.5))

    upgrade = _queue_and_run(run_cli, git_repo)

    assert (upgrade["status"], upgrade["failure_type"]) == ("failed", "llm_timeout")
    assert upgrade["detail"] == (
        f"the strategy failed: no answer from {url}/chat/completions within 0.5 s (attempt 1 of 2)"
    )
    assert len(model.requests) == 1


def test_run_with_command_provider_in_a_real_process(git_repo: GitRepoBuilder, tmp_path: Path) -> None:
    script = tmp_path / "fake_llm.py"
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD)
    script.write_text(
        "import pathlib, sys\n"
        f"pathlib.Path({str(tmp_path / 'prompt.txt')!r}).write_text(sys.stdin.read())\n"
        f"sys.stdout.write(pathlib.Path({str(answer)!r}).read_text())\n"
    )
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    _project(git_repo, f"  llm:\n    provider: command\n    command: {json.dumps(command)}\n    model: fake-coder\n")

    ticked = run_cli_subprocess("tick", "--json", cwd=git_repo.path)
    assert ticked.returncode == 0, ticked.stderr
    ran = run_cli_subprocess("run", "--json", cwd=git_repo.path)
    assert ran.returncode == 0, ran.stderr

    [upgrade] = json.loads(ran.stdout)["upgrades"]
    assert (upgrade["status"], upgrade["strategy"]) == ("awaiting_review", "llm:command/fake-coder")
    assert git_repo.git("show", f"{upgrade['branch']}:{SHIPPING_PATH}") == TABLE_DRIVEN
    assert " 7 |     cost = 0" in (tmp_path / "prompt.txt").read_text().splitlines()
    body = git_repo.git("log", "-1", "--format=%b", upgrade["branch"]).splitlines()
    assert body[:2] == [  # wrapped at git's 72 columns
        "Proposed by llm:command/fake-coder for the complex_function finding",
        "  (accepted on attempt 1 of 2).",
    ]


def test_prefer_for_falls_back_to_the_rule_when_the_model_is_down(git_repo: GitRepoBuilder, run_cli: CliRun) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: the model is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cycle = {
        "src/app/__init__.py": "",
        "src/app/a.py": "from app.b import helper\n\n\ndef run():\n    return helper() + 1\n\n\nVALUE = 41\n",
        "src/app/b.py": "from app import a\n\n\ndef helper():\n    return a.VALUE\n",
        "tests/test_app.py": "from app.a import run\n\n\ndef test_run():\n    assert run() == 42\n",
    }
    llm = (
        f"  llm:\n    provider: openai\n    base_url: http://127.0.0.1:{port}/v1\n    model: coder-7b\n"
        "    prefer_for: [circular_import]\n"
    )
    git_repo.commit({**cycle, "config.yaml": "self_upgrading:\n" + VALIDATION + llm, ".gitignore": "__pycache__/\n"})

    scanned = json.loads(run_cli("scan", "--json", cwd=git_repo.path).stdout)
    (suggestion,) = [s for s in scanned["upgrade_suggestions"] if s["type"] == "circular_import"]
    assert len(scanned["queue"]["queued"]) == 1
    ran = run_cli("run", "--json", cwd=git_repo.path)
    [upgrade] = json.loads(ran.stdout)["upgrades"]

    # routed to the model (so at least medium risk: review), done by the rule, and said so
    assert (upgrade["status"], upgrade["strategy"]) == ("awaiting_review", "rule:circular_import"), upgrade["detail"]
    assert upgrade["detail"].startswith("llm:openai/coder-7b not used (cannot reach ")
    assert upgrade["detail"].endswith("fell back to rule:circular_import")
    assert suggestion["risk_level"] == "low"
