"""Work left in memory is finished when the process is told to stop: on SIGTERM and at exit, within a bound.

Cloud Run (Cloud Functions 2nd gen runs on it) stops an instance with SIGTERM and kills it with SIGKILL 10 s
later; the instance has CPU for those 10 s even when its CPU is otherwise only allocated during requests
(https://cloud.google.com/run/docs/container-contract#lifecycle). A `Finisher` registered here (the activity
writer) is asked to finish within `SECONDS` then.

How the signal is taken, without breaking the server's own handling:

- gunicorn (functions-framework serves every function with it): its master and worker set their own SIGTERM
  handlers after the functions are imported, so ours is replaced. The worker stops gracefully (requests in
  flight are answered) and exits normally: the `atexit` hook finishes then.
- uvicorn (the MCP service): it takes SIGTERM while serving, stops gracefully, puts our handler back and
  raises the signal again, which reaches ours.
- a handler that was there before ours (a Python callable) is called right after ours has only marked the
  process as stopping; the process then ends as that handler decides, and the `atexit` hook finishes.
- no handler before ours (the default: the process dies): ours waits for the finishers (at most `SECONDS`),
  then puts the default back and raises the signal again, so the process still ends by SIGTERM (status -15).
- SIGTERM ignored before ours: ours still starts finishing, without waiting, and the process goes on.

A signal handler runs in the main thread between two bytecodes, maybe while that thread holds a lock of the
writer's queue: so it takes no lock, it only sets plain attributes and polls counters (`Finisher.stopping`,
`Finisher.finish_within` must not block on a lock either). Not covered: SIGKILL, an out-of-memory kill, a crash
of the interpreter.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

SECONDS = 5.0  # the most a stop waits for the finishers (Cloud Run kills 10 s after SIGTERM)


class Finisher(Protocol):
    def stopping(self) -> None:
        """The process is about to stop: write at once, wait for nothing (called in a signal handler)."""
        ...

    def finish_within(self, seconds: float, reason: str) -> None:
        """Write what is pending, returning after `seconds` at most (also called in a signal handler)."""
        ...


FINISHERS: list[Finisher] = []
_previous: dict[int, Any] = {}  # signal → the handler that was there before ours
_installed: dict[str, bool] = {}
_received: list[int] = []  # the signals taken (the exit that follows names the first)


def register(finisher: Finisher) -> bool:
    """Finish `finisher` at exit and on SIGTERM (once per process). Answers whether the SIGTERM handler is
    ours now (only the main thread may set one; `atexit` is registered either way)."""
    if finisher not in FINISHERS:
        FINISHERS.append(finisher)
    if not _installed.get("atexit"):
        atexit.register(_at_exit)
        _installed["atexit"] = True
    if _installed.get("signal"):
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    _previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_signal)
    _installed["signal"] = True
    return True


def finish(reason: str, seconds: float = SECONDS) -> None:
    """Every finisher, within `seconds` for all of them together."""
    deadline = time.monotonic() + seconds
    for finisher in list(FINISHERS):
        finisher.stopping()
    for finisher in list(FINISHERS):
        with contextlib.suppress(Exception):  # finishing never keeps the process from ending
            finisher.finish_within(max(0.0, deadline - time.monotonic()), reason)


def _at_exit() -> None:
    finish(f"exit after {_name(_received[0])}" if _received else "exit")


def _name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def on_signal(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        for finisher in list(FINISHERS):
            finisher.stopping()  # the writer hurries; the exit (atexit) waits for it
        handler: Callable[[int, FrameType | None], Any] = previous
        handler(signum, frame)
        return
    if previous == signal.SIG_IGN:
        for finisher in list(FINISHERS):
            finisher.stopping()
        return
    finish(_name(signum))
    signal.signal(signum, signal.SIG_DFL)  # the process ends as it would have without us
    signal.raise_signal(signum)


def uninstall() -> None:
    """Put the previous SIGTERM handler back (tests)."""
    if _installed.pop("signal", False) and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _previous.pop(signal.SIGTERM, signal.SIG_DFL))
