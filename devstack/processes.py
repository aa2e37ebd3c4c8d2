"""Starting a server process, waiting until it answers, and stopping it with its children.

Each server runs in its own session (so its process group is its own: a terminal's Ctrl-C or a
signal to the stack's group does not reach it, and stopping it stops every process it spawned).
It must not outlive the process that started it, even if that one is killed outright (SIGKILL):

- on Linux the server's first process gets `PR_SET_PDEATHSIG` = SIGKILL, so the kernel kills it
  when the thread that started it ends (start servers from the main thread);
- that does not reach the processes it spawned (`gcloud emulators firestore start` is python,
  then bash, then java), so a small watchdog per server (`python -c WATCHDOG`, in a session of its
  own) holds the read end of a pipe only the starting process writes to: when that process dies
  the pipe closes, and the watchdog sends SIGTERM, then SIGKILL, to the server's whole group.
  `Server.stop` tells it "stopped" first, so it then exits without touching anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STOPPED = b"stopped\n"
WATCHDOG = """
import os, signal, sys, time
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
pgid = int(sys.argv[1])
if sys.stdin.buffer.readline() != b"stopped\\n":  # end of file: whoever started the server is gone
    def kill(sig):
        try:
            os.killpg(pgid, sig)
            return True
        except ProcessLookupError:
            return False
    if kill(signal.SIGTERM):
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and kill(0):
            time.sleep(0.05)
        kill(signal.SIGKILL)
"""


def _die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` (run in the child between fork and exec) asking Linux to SIGKILL it when we die."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, not in the child
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody is left to stop us
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, name: str, command: list[str], ready_url: str, log_dir: Path,
                 env: dict[str, str] | None = None, timeout: float = 60, cwd: Path | None = None) -> None:
        self.name = name
        self.command = command
        self.ready_url = ready_url
        self.log_path = log_dir / f"{name}.log"
        self.env = {**os.environ, **(env or {})}
        self.timeout = timeout
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.watchdog: subprocess.Popen[bytes] | None = None
        self._to_watchdog: IO[bytes] | None = None
        self._stopped = False

    def start(self) -> Server:
        self._stopped = False
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                            start_new_session=True, preexec_fn=_die_with_parent(), cwd=self.cwd)
        self._start_watchdog(self.process.pid)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()  # what it may have spawned, and the watchdog
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}:\n{self.tail()}")
            if self._ready():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer at {self.ready_url} in {self.timeout:.0f} s:\n{self.tail()}")

    def _ready(self) -> bool:
        """It answers: HTTP at `ready_url`, or for `tcp://host:port` (gRPC servers) a connection is accepted."""
        if self.ready_url.startswith("tcp://"):
            host, _, port = self.ready_url[6:].partition(":")
            try:
                with socket.create_connection((host, int(port)), timeout=2):
                    return True
            except OSError:
                return False
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answers, even if not 200
        except OSError:
            return False

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _start_watchdog(self, pgid: int) -> None:
        read_end, write_end = os.pipe()  # both close-on-exec: no other child inherits the write end
        try:
            self.watchdog = subprocess.Popen([sys.executable, "-I", "-S", "-c", WATCHDOG, str(pgid)], stdin=read_end,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                             start_new_session=True)
        finally:
            os.close(read_end)
        self._to_watchdog = os.fdopen(write_end, "wb", buffering=0)

    def _release_watchdog(self) -> None:
        """Tell the watchdog the group is stopped (it exits and kills nothing), and reap it."""
        if self._to_watchdog is not None:
            with contextlib.suppress(OSError):
                self._to_watchdog.write(STOPPED)
            self._to_watchdog.close()
            self._to_watchdog = None
        if self.watchdog is not None:
            try:
                self.watchdog.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.watchdog.kill()
                self.watchdog.wait()

    def _signal_group(self, sig: int) -> None:
        if self.process is not None and not self._stopped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)

    def running(self) -> bool:
        """Some process of its group is still alive (its first process reaped first, so not counted as a zombie)."""
        if self.process is None or self._stopped:
            return False
        self.process.poll()
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self, timeout: float = 10) -> None:
        stop_all([self], timeout)


def stop_all(servers: Iterable[Server], timeout: float = 10) -> None:
    """Stop servers together: SIGTERM to every group, up to `timeout` s for them to exit, then SIGKILL.

    A group is stopped even if its first process already exited (a wrapper leaving its java behind).
    """
    started = [s for s in servers if s.process is not None and not s._stopped]
    for server in started:
        server._signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(s.running() for s in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    for server in started:
        if server.running():
            server._signal_group(signal.SIGKILL)
    for server in started:
        assert server.process is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=5)
        server._stopped = True
        server._release_watchdog()
