"""The stack leaves nothing behind: SIGTERM, SIGHUP or SIGKILL, no emulator process and no port is left.

Every process of the stack is recorded from /proc (the devstack process's descendants: the
emulators and their watchdogs) with its start time, so a recycled pid is not mistaken for one
of them, and so is every TCP port they listen on (the gateway, each emulator, and the ports the
emulators open for themselves: the Auth emulator's hub and logging ports, java's own).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.emulator,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux")]
REPO = Path(__file__).resolve().parents[2]
READY = "Ctrl-C, SIGTERM or SIGHUP stops everything"


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    start: int  # clock ticks after boot: with the pid, names one process even if the pid is reused
    cmd: str


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, start time) of a process, or None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def _processes() -> dict[int, Proc]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            found[int(entry.name)] = Proc(int(entry.name), stat[1], stat[2], cmd)
    return found


def descendants(root: int) -> list[Proc]:
    processes = _processes()
    tree, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [p for p in processes.values() if p.ppid == parent]
        tree += children
        frontier += [c.pid for c in children]
    return tree


def alive(proc: Proc) -> bool:
    stat = _stat(proc.pid)
    return stat is not None and stat[2] == proc.start and stat[0] not in "ZX"  # a zombie holds no port


def _listening_sockets() -> dict[int, int]:
    """inode -> port of every TCP socket in LISTEN state (IPv4 and IPv6)."""
    sockets = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":
                sockets[int(fields[9])] = int(fields[1].rsplit(":", 1)[1], 16)
    return sockets


def listening_ports(pids: list[int]) -> set[int]:
    sockets = _listening_sockets()
    ports = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        links = []
        for fd in fds:  # one by one: a busy process closes some between the listing and the readlink
            try:
                links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                continue
        ports |= {sockets[int(m[1])] for link in links if (m := re.fullmatch(r"socket:\[(\d+)\]", link))
                  and int(m[1]) in sockets}
    return ports


def still_listening(ports: set[int]) -> set[int]:
    return ports & set(_listening_sockets().values())


class Stack:
    """`scripts/demo.sh --port 0`, its output in a file."""

    def __init__(self, tmp_path: Path) -> None:
        self.log = tmp_path / "demo.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([str(REPO / "scripts" / "demo.sh"), "--port", "0"], cwd=REPO,
                                            stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, ready: Callable[[], bool], timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            assert self.process.poll() is None, f"the stack exited ({self.process.returncode}):\n{self.output()}"
            assert time.monotonic() < deadline, f"not ready in {timeout:.0f} s:\n{self.output()}"
            time.sleep(0.2)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(tmp_path)
    recorded: list[Proc] = []
    stack.recorded = recorded  # type: ignore[attr-defined]
    yield stack
    stack.kill()
    for proc in recorded:  # whatever a failed test left: never leave emulators running
        if alive(proc):
            os.kill(proc.pid, signal.SIGKILL)


def _serving_and_seeded(stack: Stack) -> tuple[list[Proc], set[int]]:
    """Wait until the demo bakery is seeded and the API answers; record the stack's processes and ports."""
    stack.wait_for(lambda: READY in stack.output())
    out = stack.output()
    api = re.search(r"API \(functions, as Hosting rewrites them\): (http://127\.0\.0\.1:\d+)/api/", out)
    token = re.search(r"export BAKETRACKER_ID_TOKEN=(\S+)", out)
    assert api and token, out
    body = json.dumps({"event": "Office Party 2026"}).encode()
    headers = {"Authorization": f"Bearer {token[1]}", "Content-Type": "application/json"}
    request = urllib.request.Request(f"{api[1]}/api/plan_event", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and json.loads(response.read())["recipes"]

    assert "devstack.run" in Path(f"/proc/{stack.process.pid}/cmdline").read_text()  # demo.sh exec'd python
    procs = descendants(stack.process.pid)
    stack.recorded += procs  # type: ignore[attr-defined]
    commands = " | ".join(p.cmd for p in procs)
    for emulator in ("CloudFirestore", "firebase emulators:start", "gcp-storage-emulator", "gcloud-tasks-emulator"):
        assert emulator in commands, commands
    ports = listening_ports([stack.process.pid, *(p.pid for p in procs)])
    printed = {int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", out.split("BakeTracker Cloud is running")[1])}
    assert printed <= ports, (printed, ports)  # the gateway, and each emulator's port
    return procs, ports


def _left(procs: list[Proc], ports: set[int], within: float) -> tuple[list[str], set[int]]:
    deadline = time.monotonic() + within
    while True:
        procs_left = [f"{p.pid} {p.cmd[:120]}" for p in procs if alive(p)]
        ports_left = still_listening(ports)
        if not (procs_left or ports_left) or time.monotonic() > deadline:
            return procs_left, ports_left
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_stops_every_process_and_frees_every_port(stack: Stack, sig: signal.Signals) -> None:
    """SIGTERM as `timeout`, a process manager or a container stop sends it; SIGHUP as a closed terminal does."""
    procs, ports = _serving_and_seeded(stack)
    sent = time.monotonic()
    stack.process.send_signal(sig)
    assert stack.process.wait(timeout=30) == 128 + sig, stack.output()
    stopped_in = time.monotonic() - sent
    # nothing to wait for: the stack exits only once its emulators (and their watchdogs) have
    assert _left(procs, ports, within=0) == ([], set())
    assert f"{sig.name}: stopping…" in stack.output()
    print(f"{sig.name}: {len(procs)} processes and {len(ports)} ports gone in {stopped_in:.1f} s")


def test_sigterm_while_starting_stops_what_had_started(stack: Stack) -> None:
    """A signal between two emulators' starts: the ones already up (and the one starting) are stopped."""
    stack.wait_for(lambda: sum(" ".join(p.cmd for p in descendants(stack.process.pid)).count(name)
                               for name in ("CloudFirestore", "firebase emulators:start")) == 2)
    time.sleep(1)
    procs = descendants(stack.process.pid)
    stack.recorded += procs  # type: ignore[attr-defined]
    ports = listening_ports([stack.process.pid, *(p.pid for p in procs)])
    assert ports, procs
    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=30) == 128 + signal.SIGTERM, stack.output()
    assert _left(procs, ports, within=0) == ([], set())


def test_the_emulators_die_with_the_stack_when_it_is_killed_outright(stack: Stack) -> None:
    procs, ports = _serving_and_seeded(stack)
    killed = time.monotonic()
    stack.process.kill()  # SIGKILL: no cleanup runs in the stack itself
    stack.process.wait(timeout=10)
    assert _left(procs, ports, within=10) == ([], set())
    print(f"SIGKILL: {len(procs)} processes and {len(ports)} ports gone in {time.monotonic() - killed:.1f} s")


WRAPPER = """
import sys, time
from pathlib import Path
from devstack.processes import Server
port, logs = sys.argv[1], Path(sys.argv[2])
# as `gcloud emulators firestore start` does: a wrapper whose child does the serving
server = Server("wrapped", ["bash", "-c", f"sleep 300 & {sys.executable} -m http.server --bind 127.0.0.1 {port}"],
                f"http://127.0.0.1:{port}/", logs).start()
print(server.process.pid, flush=True)
time.sleep(300)
"""


def test_a_wrappers_grandchildren_die_too_when_the_starter_is_killed(tmp_path: Path) -> None:
    from devstack.processes import free_port

    port = free_port()
    starter = subprocess.Popen([sys.executable, "-c", WRAPPER, str(port), str(tmp_path)], cwd=REPO,
                               stdout=subprocess.PIPE, text=True)
    procs: list[Proc] = []
    try:
        assert starter.stdout is not None
        leader = int(starter.stdout.readline())
        procs = descendants(starter.pid)
        assert len([p for p in procs if p.ppid == leader]) == 2, procs  # sleep and http.server under bash
        assert listening_ports([p.pid for p in procs]) == {port}
        starter.kill()
        starter.wait()
        assert _left(procs, {port}, within=6) == ([], set())
    finally:
        starter.kill()
        for proc in procs:
            if alive(proc):
                os.kill(proc.pid, signal.SIGKILL)
