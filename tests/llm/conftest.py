"""Fixtures of the LLM tests: a real OpenAI-compatible HTTP server on 127.0.0.1 and a project."""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gitupgrade.config import Config, default_config
from gitupgrade.suggestion import Suggestion, stable_id

CALC = '''\
"""Pricing rules."""
from __future__ import annotations


def price(kind: str, amount: int, member: bool) -> int:
    """The price of an order."""
    total = 0
    if kind == "book":
        if member:
            total = amount * 9
        else:
            total = amount * 10
    else:
        if member:
            total = amount * 18
        else:
            total = amount * 20
    return total
'''

CALC_REFACTORED = '''\
"""Pricing rules."""
from __future__ import annotations

_UNIT = {"book": 10}


def price(kind: str, amount: int, member: bool) -> int:
    """The price of an order."""
    unit = _UNIT.get(kind, 20)
    if member:
        unit = unit * 9 // 10
    return amount * unit
'''

OTHER = '''\
"""Not part of the finding."""


def helper() -> int:
    return 1
'''

# A complex function (nested branches) that tick queues for the model; also used by tests/security.
SHIPPING = '''\
"""Shipping costs."""
from __future__ import annotations


def shipping(country: str, weight: int, express: bool, member: bool) -> int:
    """Shipping cost in cents."""
    cost = 0
    if country == "FR":
        if weight < 1:
            cost = 500
        elif weight < 5:
            cost = 900
        else:
            cost = 1500
    elif country == "DE":
        if weight < 1:
            cost = 600
        elif weight < 5:
            cost = 1000
        else:
            cost = 1600
    else:
        if weight < 1:
            cost = 1200
        elif weight < 5:
            cost = 2000
        else:
            cost = 3000
    if express:
        cost = cost * 2
    if member and cost > 1000:
        cost = cost - 200
    return cost
'''

CALC_PATH = "src/shop/calc.py"
OTHER_PATH = "src/shop/other.py"


def unified(path: str, before: str, after: str) -> str:
    """A git-style unified diff of one file."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


GOOD_DIFF = unified(CALC_PATH, CALC, CALC_REFACTORED)
OTHER_DIFF = unified(OTHER_PATH, OTHER, OTHER.replace("return 1", "return 2"))
SYNTAX_DIFF = unified(CALC_PATH, CALC, CALC.replace("return total", "return total +"))
# A hunk header without its target range, as models sometimes write it.
MALFORMED_DIFF = f"--- a/{CALC_PATH}\n+++ b/{CALC_PATH}\n@@ -7 @@\n-    total = 0\n+    total: int = 0\n"


def in_prose(diff: str) -> str:
    """An answer as chat models write them: prose, a fenced diff block, more prose."""
    return (
        "Sure! Here is a simpler version of `price` that keeps its behaviour.\n\n"
        f"```diff\n{diff}```\n\nThe lookup table replaces the nested branches."
    )


@dataclass
class FakeModel:
    """What the server answers, in order (the last one repeats), and what it received.

    An answer is a string (the assistant's content), ``("status", code, body[, headers])``
    for an HTTP error, or ``("slow", content)``: wait on ``release`` (at most 10 s) first.
    """

    answers: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self, body: dict[str, Any], headers: dict[str, str]) -> Any:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            index = min(len(self.requests), len(self.answers)) - 1
            return self.answers[index]


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            answer = model.next_answer(body, dict(self.headers))
            if isinstance(answer, tuple) and answer[0] == "status":
                self._send(answer[1], answer[2], *answer[3:])
                return
            if isinstance(answer, tuple) and answer[0] == "slow":
                model.release.wait(10)
                answer = answer[1]
            self._send(
                200,
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}
                    ],
                },
            )

        def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            try:
                self.send_response(code)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

    return Handler


@pytest.fixture
def fake_model() -> Iterator[tuple[FakeModel, str]]:
    """A running chat-completions server; yields the model and its base URL (``.../v1``)."""
    model = FakeModel()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield model, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        model.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project whose ``price`` function is too complex."""
    root = tmp_path / "project"
    for rel, text in ((CALC_PATH, CALC), (OTHER_PATH, OTHER), ("src/shop/__init__.py", "")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def make_config(**llm: Any) -> Config:
    """The packaged defaults with ``llm`` keys (and ``max_upgrade_retries``) overridden."""
    data = default_config().to_dict()
    retries = llm.pop("max_upgrade_retries", None)
    if retries is not None:
        data["max_upgrade_retries"] = retries
    data["llm"].update(llm)
    return Config(data)


def complex_suggestion(strategy: str = "llm", kind: str = "complex_function") -> Suggestion:
    """The complex_function finding on ``price`` as the analyzer reports it."""
    evidence = {
        "path": CALC_PATH,
        "module": "shop.calc",
        "function": "price",
        "line": 5,
        "end_line": 18,
        "complexity": 11,
        "nesting": 2,
    }
    return Suggestion(
        id=stable_id(kind, CALC_PATH, "price"),
        type=kind,
        title="Simplify shop.calc.price",
        description="price has cyclomatic complexity 11 (threshold 10).",
        risk_level="medium",
        priority=5,
        affected_modules=(CALC_PATH,),
        evidence=evidence,
        strategy=strategy,
    )
