"""Starting a server process, waiting until it answers, and stopping it with its children."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


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

    def start(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                        start_new_session=True, cwd=self.cwd)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
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

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
