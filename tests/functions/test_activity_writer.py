"""The activity writer on instances whose CPU is throttled between requests, or that are stopped: a bounded
queue that drops (counted, logged) and never blocks the call; a failed write retried under the same document
ids (never doubled); a request's start waking a writer that waits to retry, without waiting for it; and what
is pending written on SIGTERM or at exit within a bound, the server's own SIGTERM handling kept."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from google.api_core import exceptions as google_errors

from core.activity.record import ActivityRecord, user_key
from functions.shared import activity, logs, observe
from functions.shared.observe import Observation

REPO = Path(__file__).resolve().parents[2]


def _observation(n: int = 0, tenant: str = "t1") -> Observation:
    return Observation("add_purchase", "http", f"r{n}", None, tenant, f"user-{n}", "owner", 200, None, 12.0, "pwa",
                       time.time(), {"entered_with": "barcode", "purchases": 1})


class GatedStore(activity.MemoryActivityStore):
    """A store whose writes wait for `gate`; `entered` is set when a write starts."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.attempts: list[list[str]] = []  # the ids of each write, in order

    def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
        self.attempts.append(list(ids or []))
        self.entered.set()
        assert self.gate.wait(30), "the test never opened the gate"
        super().write(records, ids)


def _recorder(store: activity.ActivityStore, limit: int = activity.QUEUE_LIMIT) -> activity.Recorder:
    recorder = activity.Recorder(limit)
    recorder.use(store)
    return recorder


def test_a_full_queue_drops_new_records_counts_them_and_logs_one_structured_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    store = GatedStore()
    recorder = _recorder(store, limit=3)
    recorder(_observation(0))
    assert store.entered.wait(10)  # the writer holds record 0 in a write that cannot end yet
    with caplog.at_level(logging.WARNING, logger="baketracker.activity"):
        for n in range(1, 10):
            recorder(_observation(n))  # returns at once though nothing can be written: 3 queued, 6 dropped
        assert recorder.drops == {"queue_full": 6, "write_failed": 0, "no_store": 0} and recorder.dropped == 6
        assert recorder.pending == 4
        store.gate.set()
        assert recorder.flush(timeout=10)
    assert [r.user for r in store.records] == [user_key(f"user-{n}") for n in range(4)]  # the first four kept
    assert recorder.written == 4
    [warning] = [r for r in caplog.records if getattr(r, logs.STRUCTURED, {}).get("event") == "activity_dropped"]
    line = json.loads(logs.JsonFormatter().format(warning))
    assert line["severity"] == "WARNING" and line["logger"] == "baketracker.activity"
    assert line["dropped"] == 6 and line["dropped_total"] == 6 and line["by_reason"]["queue_full"] == 6
    recorder(_observation(11))  # the next drop within a minute is counted, not logged again at once
    assert recorder.flush(timeout=10) and len(store.records) == 5


def test_a_write_that_reached_firestore_but_failed_is_retried_under_the_same_ids_and_kept_once() -> None:
    class LostAnswer(activity.MemoryActivityStore):
        """Commits, then answers DeadlineExceeded once (the CPU throttled past the RPC's deadline)."""

        def __init__(self) -> None:
            super().__init__()
            self.attempts: list[list[str]] = []

        def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
            self.attempts.append(list(ids or []))
            super().write(records, ids)
            if len(self.attempts) == 1:
                raise google_errors.DeadlineExceeded("commit: deadline exceeded")

    store = LostAnswer()
    recorder = _recorder(store)
    for n in range(3):
        recorder(_observation(n))
    assert recorder.flush(timeout=10)
    assert len(store.attempts) >= 2 and store.attempts[1][:len(store.attempts[0])] == store.attempts[0]
    assert sorted(r.user for r in store.records) == sorted({r.user for r in store.records})  # none twice
    assert len(store.records) == 3 and recorder.dropped == 0


def test_an_error_that_says_nothing_about_reachability_drops_the_batch_counted() -> None:
    class Refuses(activity.MemoryActivityStore):
        def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
            raise google_errors.InvalidArgument("a record Firestore refuses")

    recorder = _recorder(Refuses())
    recorder(_observation())
    assert recorder.flush(timeout=10)
    assert recorder.drops["write_failed"] == 1 and not recorder.retrying


def test_a_requests_start_wakes_the_writer_waiting_to_retry_and_does_not_wait_for_its_write(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Firestore was unreachable; the writer backs off (here: a minute). The next request's start, which brings
    the CPU back on a throttled instance, makes it try again at once, on its own thread."""
    monkeypatch.setattr(activity, "RETRY_FIRST", 60.0)

    class DownOnce(GatedStore):
        def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
            if not self.attempts:
                self.attempts.append(list(ids or []))
                raise google_errors.ServiceUnavailable("firestore unreachable")
            super().write(records, ids)

    store = DownOnce()
    recorder = _recorder(store)
    recorder(_observation(0))
    deadline = time.monotonic() + 10
    while not recorder.retrying and time.monotonic() < deadline:
        time.sleep(0.01)
    assert recorder.retrying and store.records == []
    observe.on_start(recorder.nudge)
    try:
        with observe.observed("get_bakery", "http") as call:  # the next request starts
            assert store.entered.wait(10)  # the writer is writing again, while the request runs
            call.status = 200
        assert store.records == []  # the request has ended; the write it woke has not (its gate is closed)
    finally:
        observe.STARTERS.remove(recorder.nudge)
    store.gate.set()
    assert recorder.flush(timeout=10)
    assert len(store.records) == 1 and store.attempts[0] == store.attempts[1]


def test_stopping_writes_what_is_pending_within_the_bound_and_says_what_was_not_written(
        caplog: pytest.LogCaptureFixture) -> None:
    class Unreachable(activity.MemoryActivityStore):
        down = True

        def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
            if self.down:
                raise google_errors.ServiceUnavailable("firestore unreachable")
            super().write(records, ids)

    slow = GatedStore()
    recorder = _recorder(slow)
    for n in range(5):
        recorder(_observation(n))
    threading.Timer(0.3, slow.gate.set).start()  # the write takes 0.3 s: within the bound
    with caplog.at_level(logging.INFO, logger="baketracker.activity"):
        recorder.finish_within(5.0, "SIGTERM")
    assert len(slow.records) == 5 and recorder.pending == 0
    [flushed] = [getattr(r, logs.STRUCTURED) for r in caplog.records
                 if getattr(r, logs.STRUCTURED, {}).get("event") == "activity_flushed"]
    assert flushed["pending"] == 5 and flushed["written"] == 5 and flushed["unwritten"] == 0

    caplog.clear()
    unreachable = Unreachable()
    down = _recorder(unreachable)
    for n in range(3):
        down(_observation(n))
    with caplog.at_level(logging.INFO, logger="baketracker.activity"):
        down.finish_within(0.5, "SIGTERM")  # returns after the bound, records still unwritten
    [flushed] = [r for r in caplog.records if getattr(r, logs.STRUCTURED, {}).get("event") == "activity_flushed"]
    assert flushed.levelno == logging.WARNING and getattr(flushed, logs.STRUCTURED)["unwritten"] == 3
    unreachable.down = False  # back: the writer, still trying, writes them (and its thread goes idle)
    assert down.flush(timeout=10) and len(unreachable.records) == 3


# -- SIGTERM in a process of its own: the handler chained with what was there before ---------------------------

SCRIPT = """
import os, signal, sys, threading, time
from functions.shared import activity, logs
from functions.shared.observe import Observation
logs.install()

class Slow(activity.MemoryActivityStore):
    def write(self, records, ids=None):
        time.sleep(float(os.environ.get("WRITE_SECONDS", "0.2")))  # a write not ended when the signal comes
        super().write(records, ids)
        print("written", len(self.records), flush=True)

before = sys.argv[1]
if before == "callable":
    def graceful(signum, frame):  # a server's own handler: it stops serving and the process exits normally
        print("previous handler called", flush=True)
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, graceful)
elif before == "ignored":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
activity.RECORDER.use(Slow())
activity.install()
for n in range(int(sys.argv[2])):
    activity.RECORDER(Observation("get_bakery", "http", f"r{n}", None, "t1", f"u{n}", "owner", 200, None, 3.0,
                                  "pwa", time.time(), {}))
if before == "uvicorn":  # the MCP service's server: it takes SIGTERM while serving, then raises it again
    import uvicorn

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    def stop_when_started():
        while not server.started:
            time.sleep(0.01)
        print("serving, pending", activity.RECORDER.pending, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=stop_when_started, daemon=True).start()
    server.run()
    print("uvicorn stopped and the process goes on", flush=True)
else:
    os.kill(os.getpid(), signal.SIGTERM)
time.sleep(2)
print("still running", activity.RECORDER.pending, flush=True)
"""


def _run(before: str, records: int = 7, write_seconds: float = 0.2) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BAKETRACKER_LOG_FORMAT": "json",
           "WRITE_SECONDS": str(write_seconds)}
    return subprocess.run([sys.executable, "-c", SCRIPT, before, str(records)], capture_output=True, text=True,
                          timeout=60, env=env, cwd=REPO)


def _flushed(stdout: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "activity_flushed"]


def test_sigterm_with_no_handler_before_writes_everything_then_ends_by_the_signal() -> None:
    done = _run("default")
    assert done.returncode == -15, done.stderr[-2000:]  # as without the handler
    written = [line for line in done.stdout.splitlines() if line.startswith("written")]
    assert written[-1] == "written 7" and "still running" not in done.stdout
    [flushed] = _flushed(done.stdout)
    assert flushed["reason"] == "SIGTERM" and flushed["unwritten"] == 0 and flushed["pending"] >= 1


def test_sigterm_chains_to_the_servers_handler_and_the_exit_writes_everything() -> None:
    done = _run("callable")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "previous handler called" in lines and "still running" not in done.stdout
    assert [line for line in lines if line.startswith("written")][-1] == "written 7"
    [flushed] = _flushed(done.stdout)
    assert flushed["reason"] == "exit after SIGTERM" and flushed["unwritten"] == 0


def test_an_ignored_sigterm_stays_ignored_and_the_records_are_written_anyway() -> None:
    done = _run("ignored")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "still running 0" in done.stdout and "written 7" in done.stdout


def test_the_mcp_services_uvicorn_stops_gracefully_then_the_sigterm_it_raises_again_writes_everything() -> None:
    done = _run("uvicorn", write_seconds=1.5)
    assert done.returncode == -15, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("serving, pending ") and line != "serving, pending 0" for line in lines), lines
    assert "uvicorn stopped and the process goes on" not in lines  # ended by the signal it raised again
    assert [line for line in lines if line.startswith("written")][-1] == "written 7"
    [flushed] = _flushed(done.stdout)
    assert flushed["reason"] == "SIGTERM" and flushed["unwritten"] == 0
