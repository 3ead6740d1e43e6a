"""Language-model providers: OpenAI-compatible chat completions over HTTP, or a local command.

A provider turns a list of chat messages into the model's answer text, or raises
:class:`ProviderUnavailable` / :class:`ProviderTimeout`. The API key is read from the
environment variable named by ``llm.api_key_env`` at call time and is never put into
a message, an error or a result (errors are scrubbed of it).
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import urllib.error
    import urllib.request

Message = Mapping[str, str]  # {"role": "system"|"user"|"assistant", "content": str}

# Error bodies and stderr are quoted in one line of a failure reason, never in full.
_QUOTE_LIMIT = 200
# A chat answer holding one diff is a few kilobytes; anything far larger is not one.
_MAX_ANSWER_BYTES = 4 * 1024 * 1024


@functools.cache
def _opener() -> urllib.request.OpenerDirector:
    """An opener that refuses redirects: urllib would resend the bearer key to wherever they point.

    Built on first use: urllib.request (with http.client and email) would cost every scan,
    which only routes suggestions, a tenth of its start-up.
    """
    import urllib.request

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
        ) -> None:
            return None

    return urllib.request.build_opener(_NoRedirect)


class ProviderError(Exception):
    """The model could not be asked; ``failure_type`` classifies it for the ledger."""

    failure_type = "llm_unavailable"


class ProviderUnavailable(ProviderError):
    """Not configured, not reachable, or answered with an error or in the wrong format."""


class ProviderTimeout(ProviderError):
    """The model did not answer within ``llm.timeout_seconds``."""

    failure_type = "llm_timeout"


class Provider(Protocol):
    """Anything that can answer a chat: ``label`` names it in ``llm:<label>``."""

    @property
    def label(self) -> str:
        """``<provider>/<model>``."""
        ...

    def complete(self, messages: Sequence[Message]) -> str:
        """The model's answer to ``messages``."""
        ...


@dataclass(frozen=True)
class OpenAIProvider:
    """``POST {base_url}/chat/completions`` (OpenAI, llama.cpp server, vLLM, Ollama)."""

    base_url: str
    model: str
    timeout: float
    api_key_env: str | None = None

    @property
    def label(self) -> str:
        """``openai/<model>``."""
        return f"openai/{self.model}"

    @property
    def endpoint(self) -> str:
        """The chat completions URL."""
        return f"{self.base_url.rstrip('/')}/chat/completions"

    def complete(self, messages: Sequence[Message]) -> str:
        """One chat completion at temperature 0; redirects are refused (they would carry the key)."""
        import urllib.error  # loaded when a model is asked, not by every scan (see _opener)
        import urllib.request

        key = self._api_key()
        body = json.dumps(
            {
                "model": self.model,
                "messages": [dict(message) for message in messages],
                "temperature": 0,
            }
        ).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            detail = _quote(_read_error_body(exc), key)
            raise ProviderUnavailable(
                f"HTTP {exc.code} from {self.endpoint}" + (f": {detail}" if detail else "")
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout() from None
            raise ProviderUnavailable(f"cannot reach {self.endpoint}: {_quote(str(exc.reason), key)}") from None
        except TimeoutError:  # socket.timeout is an alias of TimeoutError
            raise self._timeout() from None
        except OSError as exc:  # a connection reset while reading the answer
            raise ProviderUnavailable(f"connection to {self.endpoint} failed: {_quote(str(exc), key)}") from None
        if len(raw) > _MAX_ANSWER_BYTES:
            raise ProviderUnavailable(f"answer from {self.endpoint} is larger than {_MAX_ANSWER_BYTES} bytes")
        return self._content(raw)

    def _api_key(self) -> str | None:
        if not self.api_key_env:
            return None
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ProviderUnavailable(f"environment variable {self.api_key_env} (llm.api_key_env) is not set")
        return key

    def _timeout(self) -> ProviderTimeout:
        return ProviderTimeout(f"no answer from {self.endpoint} within {self.timeout:g} s")

    def _content(self, raw: bytes) -> str:
        try:
            data = json.loads(raw)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderUnavailable(
                f"answer from {self.endpoint} is not a chat completion: {_quote(raw.decode('utf-8', 'replace'))}"
            ) from None
        if not isinstance(content, str):
            raise ProviderUnavailable(f"answer from {self.endpoint} has no text content")
        return content


@dataclass(frozen=True)
class CommandProvider:
    """A local program: the conversation as text on stdin, the answer on stdout."""

    argv: tuple[str, ...]
    timeout: float
    model: str | None = None

    @property
    def label(self) -> str:
        """``command/<model>``, or the program's name when ``llm.model`` is not set."""
        return f"command/{self.model or Path(self.argv[0]).name}"

    def complete(self, messages: Sequence[Message]) -> str:
        """Run the program (no shell) with the transcript on stdin; its stdout is the answer."""
        prompt = render_transcript(messages)
        try:
            # A new session so that a timeout kills the program's children too.
            process = subprocess.Popen(
                list(self.argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise ProviderUnavailable(f"cannot run llm.command {self.argv[0]}: {exc.strerror or exc}") from None
        try:
            out, err = process.communicate(prompt.encode("utf-8"), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise ProviderTimeout(f"llm.command {self.argv[0]} gave no answer within {self.timeout:g} s") from None
        if process.returncode != 0:
            detail = _quote(err.decode("utf-8", "replace"))
            raise ProviderUnavailable(
                f"llm.command {self.argv[0]} exited with {process.returncode}" + (f": {detail}" if detail else "")
            )
        return out.decode("utf-8", "replace")


def render_transcript(messages: Sequence[Message]) -> str:
    """The conversation as plain text for a command: one ``### role`` header per message."""
    return "\n\n".join(f"### {message['role']}\n{message['content']}" for message in messages) + "\n"


def provider_from_config(llm: Mapping[str, Any]) -> Provider:
    """The provider described by the ``llm`` config section, or ProviderUnavailable saying what is missing."""
    kind = llm.get("provider", "none")
    timeout = float(llm.get("timeout_seconds") or 120)
    if kind == "openai":
        base_url, model = llm.get("base_url"), llm.get("model")
        if not base_url or not model:
            missing = "llm.base_url" if not base_url else "llm.model"
            raise ProviderUnavailable(f"llm.provider is openai but {missing} is not set")
        if not base_url.startswith(("http://", "https://")):
            raise ProviderUnavailable(f"llm.base_url must start with http:// or https://, got {base_url!r}")
        return OpenAIProvider(base_url, model, timeout, llm.get("api_key_env"))
    if kind == "command":
        try:
            argv = tuple(shlex.split(llm.get("command") or ""))
        except ValueError as exc:
            raise ProviderUnavailable(f"llm.command cannot be split into arguments: {exc}") from None
        if not argv:
            raise ProviderUnavailable("llm.provider is command but llm.command is not set")
        return CommandProvider(argv, timeout, llm.get("model"))
    raise ProviderUnavailable("no LLM provider is configured (llm.provider is none)")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def _read_error_body(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read()
    except OSError:
        return ""
    try:
        # OpenAI-style servers answer {"error": {"message": ...}}; quote just the message.
        return str(json.loads(raw)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return raw.decode("utf-8", "replace")


def _quote(text: str, secret: str | None = None) -> str:
    """One short line of ``text`` with the API key scrubbed out."""
    if secret:
        text = text.replace(secret, "***")
    line = " ".join(text.split())
    return line if len(line) <= _QUOTE_LIMIT else line[: _QUOTE_LIMIT - 3] + "..."
