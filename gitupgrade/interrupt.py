"""Ctrl-C is never mistaken for a failure of the work it interrupted.

Python raises KeyboardInterrupt wherever the main thread happens to be. Inside a
library such as libcst, a ``finally`` block or ``__exit__`` run while it unwinds can
raise an error of its own (a KeyError over a half-built mapping), which replaces the
KeyboardInterrupt; a broad ``except Exception`` that keeps one bad strategy from
stopping the queue then records "failed: KeyError" and the run goes on. So the CLI
installs a SIGINT handler that remembers the signal, and every broad handler asks
:func:`reraise_if_interrupted` first. A signal is process-wide state, so is this.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _SigintState:
    """Whether a SIGINT arrived since the handler was installed (one per process)."""

    def __init__(self) -> None:
        self.received = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        raise KeyboardInterrupt


_STATE = _SigintState()


def install_sigint_handler() -> None:
    """Route SIGINT through the recorder (main thread only; elsewhere Python's default stays)."""
    if threading.current_thread() is threading.main_thread():
        _STATE.received = False
        signal.signal(signal.SIGINT, _STATE.handle)


def interrupted(exc: BaseException | None = None) -> bool:
    """Whether Ctrl-C arrived, or ``exc`` was raised while a KeyboardInterrupt unwound."""
    if _STATE.received:
        return True
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def reraise_if_interrupted(exc: BaseException) -> None:
    """Raise KeyboardInterrupt (from ``exc``) when ``exc`` is really an interrupted piece of work."""
    if interrupted(exc):
        raise KeyboardInterrupt from exc


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold back a second Ctrl-C while the first one is being recorded (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
