"""Faults under load, on the real emulators: nothing acknowledged is lost or doubled, and the service says so.

a) The Firestore emulator stopped and restarted while bakeries work: meanwhile every operation answers 503
   `unavailable` (Retry-After, the request id) within seconds, never 500; after the restart the writes left
   unanswered, sent again with their Idempotency-Keys, are answered once, and the audit of benchmarks/load.py
   passes. The emulator keeps its data in memory and its `--export-on-exit` does nothing on SIGTERM when it
   runs outside firebase-tools, so the outage is: the functions' connection to it cut (a TCP proxy between
   them, closed), the data exported through the emulator's own REST export, the emulator stopped, then started
   again with `--seed_from_export` on the same port and the connection restored. Nothing can reach the
   database between the export and the stop, so every acknowledged write is in the export.
b) A receipt-reading task delivered twice, one after the other and four at once: one proposal, not two, and one
   reading of each receipt (the lease on the scan: tests/integration/test_receipt_lease_on_emulator.py).
c) The gateway's process killed (SIGKILL) while a write is in flight — before its commit, and after its
   commit but before its answer — then started again: the same Idempotency-Key sent again is written once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.load import (
    Answer,
    Bakery,
    Samples,
    Stack,
    Write,
    audit_all,
    firestore_client,
    make_bakeries,
    run_load,
    settle,
    snapshot,
    start_gateway,
    written_ids,
)
from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator, emulator_command
from devstack.processes import Server, free_port
from tests.support.receipt_tasks import KITCHEN, RecordingQueue, deliver, receipt_photo

pytestmark = pytest.mark.emulator
REPO = Path(__file__).resolve().parents[2]
PROJECT = "demo-baketracker"


class Proxy:
    """A TCP relay in front of a port; `cut()` closes it and every connection through it (as a network
    outage would), `restore()` listens again on the same port."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept()
            self.listener.close()
            self.listener = None
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


class RestartableFirestore:
    """The Firestore emulator on a fixed port, stopped after an export and started again from it."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.exports = work / "exports"
        self.exports.mkdir(parents=True)
        self.server: Server | None = None
        self.starts = 0

    def start(self, seed: Path | None = None) -> None:
        self.starts += 1
        command = emulator_command(self.port, REPO / "firestore.rules")
        if seed is not None:
            command.append(f"--seed_from_export={seed}")
        self.server = Server(f"firestore-{self.starts}", command, f"http://{self.host}/", self.work).start()

    def export(self) -> Path:
        name = f"export-{self.starts}"
        body = json.dumps({"database": f"projects/{PROJECT}/databases/(default)",
                           "export_directory": str(self.exports), "export_name": name}).encode()
        request = urllib.request.Request(f"http://{self.host}/emulator/v1/projects/{PROJECT}:export", data=body,
                                         method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=60).read()
        return self.exports / name / f"{name}.overall_export_metadata"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def _unavailable(answer: Answer) -> bool:
    """A 503 `unavailable` with a Retry-After and the request id the answer's header carries."""
    if answer.status != 503 or not isinstance(answer.body, dict):
        return False
    error, headers = answer.body["error"], answer.body.get("_headers", {})
    return (error["code"] == "unavailable" and int(headers.get("retry-after", "0")) > 0
            and error.get("request_id") == headers.get("x-request-id") and bool(error["request_id"]))


def _wait_until_answered(bakery: Bakery, limit_s: float = 90) -> float:
    """Seconds until a plan is answered 200 again."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if bakery.call("plan_event", {"event": "Winter Market 2026"}).status == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"no answer within {limit_s} s of the restart")


@pytest.fixture
def outage_stack(auth_emulator: AuthEmulator, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stack, RestartableFirestore, Proxy]]:
    firestore = RestartableFirestore(tmp_path)
    firestore.start()
    proxy = Proxy(firestore.port)
    # the functions reach Firestore through the proxy, and give up on it after 4 s (queries 12 s)
    gateway = start_gateway(tmp_path, proxy.host, auth_emulator.host, {"BAKETRACKER_FIRESTORE_SECONDS": "4"})
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore.host)  # the audit reads it directly
    try:
        yield Stack(gateway.ready_url.rstrip("/"), firestore.host, auth_emulator.host), firestore, proxy
    finally:
        gateway.stop()
        proxy.cut()
        firestore.stop()


def test_firestore_stopped_and_restarted_during_load_loses_and_doubles_nothing(
        outage_stack: tuple[Stack, RestartableFirestore, Proxy]) -> None:
    stack, firestore, proxy = outage_stack
    samples = Samples()
    bakeries = make_bakeries(stack, 3, samples, seed=141, parallel=3)
    client = firestore_client(stack.firestore)
    before = snapshot(client, bakeries)
    done = threading.Event()
    load = threading.Thread(target=run_load, args=(bakeries, 90, 3000, 0.2, samples, done))
    load.start()
    try:
        time.sleep(4)
        worked_before = samples.total
        proxy.cut()  # from here no request reaches the database
        seed = firestore.export()
        firestore.stop()
        down = bakeries[0]
        probes = [down.call("plan_event", {"event": "Winter Market 2026"}),
                  down.call("list_proposals", {}),
                  down.call("propose_from_text", {"text": "I bought 2 pounds of butter for $9"})]
        purchase = {"product_id": down.products["butter_unsalted"]["id"], "packages": 2, "unit_price": "8.50",
                    "purchased_on": "2026-11-21"}
        probes.append(down.call("add_purchase", purchase, key="outage-butter"))
        down.writes.append(Write("add_purchase", probes[-1].status, "outage-butter", {}, purchase))
        assert all(_unavailable(p) for p in probes), [(p.status, p.body) for p in probes]
        time.sleep(2)  # the bakeries keep working meanwhile, and are told 503
        firestore.start(seed)
        proxy.restore()
        recovered_s = _wait_until_answered(bakeries[1])
        time.sleep(3)  # and work again a little
    finally:
        done.set()
        load.join()
    resent = settle(bakeries)
    statuses = {op: dict(counts) for op, counts in samples.statuses.items()}
    print(f"\nwhile down: {', '.join(f'{p.status} in {p.ms / 1000:.1f} s' for p in probes)}; answered again "
          f"{recovered_s:.1f} s after the restart; {resent} writes sent again with their keys; statuses: {statuses}")
    assert worked_before > 0
    assert any(503 in counts for counts in statuses.values()), statuses
    assert not any(500 in counts or 599 in counts for counts in statuses.values()), statuses  # 503, never 500
    assert all(w.status == 200 for b in bakeries for w in b.writes if w.key), "a keyed write is still unanswered"
    assert resent >= 1  # at least the probe's purchase
    audit = audit_all(client, bakeries, before)
    assert audit.problems == [], audit.problems
    assert audit.checked["purchases"] > 0 and audit.checked["lots"] > 0
    once = [w for w in bakeries[0].writes if w.key == "outage-butter"]
    assert len(once) == 1 and once[0].ids["replayed"] is False  # the 503 saved nothing; the retry bought it once


# -- b) a receipt task delivered twice --------------------------------------------------------------------------





def test_a_receipt_task_delivered_twice_or_at_once_makes_one_proposal(gateway: Any, firestore: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import gateway as web
    from functions import main
    from functions.receipts import receipt_uploaded
    from functions.shared.operation import RUNTIME
    from functions.shared.photo_store import MemoryPhotoStore
    from tests.functions.conftest import call, unsigned_token
    from tests.support.fake_gemini import FakeGemini, FakeResponse

    queue = RecordingQueue()
    previous = RUNTIME._photos, RUNTIME.tasks
    RUNTIME.use_photos(MemoryPhotoStore())
    RUNTIME.tasks = queue
    monkeypatch.setenv("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    try:
        with FakeGemini() as fake:
            monkeypatch.setenv("GEMINI_API_KEY", "test-key")
            monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
            tenant = call(main.create_tenant, {"name": "Receipts"}, claims={"uid": "rae"})[1]["tenant_id"]
            owner = {"uid": "rae", "tenant_id": tenant, "role": "owner"}
            assert call(main.import_desktop, {"data": KITCHEN}, claims=owner)[0] == 200
            payloads = []
            for shade in (250, 240):
                request = Request(EnvironBuilder(
                    method="POST", data=receipt_photo(shade), content_type="image/jpeg",
                    query_string={"kind": "receipt"},
                    headers={"Authorization": f"Bearer {unsigned_token(owner)}"}).get_environ())
                text, status, _ = main.upload_photo(request)
                assert status == 200, text
                uploaded = json.loads(text)
                event = web.storage_finalized_event(uploaded["bucket"], uploaded["path"], "image/jpeg",
                                                    {"tenant_id": tenant, "kind": "receipt"})
                receipt_uploaded(event)
                receipt_uploaded(event)  # Eventarc delivers at least once: still one task
                payloads.append(next(p for _, p in queue.tasks.values() if p["photo_id"] == uploaded["photo_id"]))
            assert len(queue.tasks) == 2
            for _ in range(6):  # more answers than readings: a second reading would find one and make a proposal
                fake.enqueue(FakeResponse.from_recording("receipt_five_lines", delay_s=1.0))

            # one after the other
            first, second = deliver(payloads[0])[:2], deliver(payloads[0])[:2]
            assert first[0] == 200 and second == (200, {"status": "proposed", "repeated": True})

            # four at once, while the first of them is still reading
            results: list[tuple[int, dict[str, Any]]] = []
            start = threading.Barrier(4)

            def deliver_at_once() -> None:
                start.wait()
                results.append(deliver(payloads[1])[:2])

            threads = [threading.Thread(target=deliver_at_once) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(results) == 4, results  # each delivery answered (no exception escapes the handler)
            # 200, or 429 `receipt_busy` while another of them holds the lease (Cloud Tasks delivers it again later)
            assert all(status == 200 or (status, answer["error"]["code"]) == (429, "receipt_busy")
                       for status, answer in results), results
            assert any(status == 200 for status, _ in results)
            readings = len(fake.requests)
            assert deliver(payloads[1])[:2] == (200, {"status": "proposed", "repeated": True})
    finally:
        RUNTIME._photos, RUNTIME.tasks = previous
    proposals = [d.to_dict() for d in firestore.collection("tenants").document(tenant).collection("proposals").stream()]
    by_photo: dict[str, int] = {}
    for proposal in proposals:
        by_photo[proposal["photo_path"]] = by_photo.get(proposal["photo_path"], 0) + 1
    assert sorted(by_photo.values()) == [1, 1], by_photo  # one proposal per receipt
    # Deliveries at once do not read a receipt another delivery is reading (its lease): one reading per receipt.
    print(f"receipt readings: {readings} for 2 receipts, 2 deliveries of one and 4 at once of the other")
    assert readings == 2
    receipts = firestore.collection("tenants").document(tenant).collection("receipts")
    scans = {d.id: d.to_dict() for d in receipts.stream()}
    assert {s["status"] for s in scans.values()} == {"proposed"}
    assert {s["proposal_id"] for s in scans.values()} == {p["id"] for p in proposals}


# -- c) the function's process killed mid-request -----------------------------------------------------------------

SLOWED_GATEWAY = """
import os, sys, time
from pathlib import Path
from adapters import firestore_repository as repo

flag = Path(os.environ["SLOW_COMMIT_FLAG"])  # "<collection> before|after": hold that write's commit there
commit = repo.FirestoreUnitOfWork.commit

def held(self):
    wanted = flag.read_text().split() if flag.exists() else []
    hold = wanted and any(name == wanted[0] for name, _ in self.pending)
    if hold and wanted[1] == "before":
        print(f"holding {wanted[0]} before its commit", flush=True)
        time.sleep(60)
    commit(self)
    if hold and wanted[1] == "after":
        print(f"holding {wanted[0]} after its commit", flush=True)
        time.sleep(60)

repo.FirestoreUnitOfWork.commit = held
from werkzeug.serving import make_server
from functions.gateway import app
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


def _held(log: Path, what: str, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if log.exists() and f"holding {what}" in log.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the write never reached '{what}': {log.read_text(errors='replace')[-2000:]}")


def _sent_until_answered(bakery: Bakery, op: str, body: Any, key: str,
                         limit_s: float = 150) -> tuple[Answer, list[str]]:
    """Sent again with its key until answered 200, as the app's outbox does. A transaction the killed process
    had begun keeps its locks until the database expires it: meanwhile the write may be told 409 `conflict`
    (the data is being changed; try again) or 503 — never anything else."""
    deadline = time.monotonic() + limit_s
    interim: list[str] = []
    while True:
        answer = bakery.call(op, body, key)
        if answer.status == 200:
            return answer, interim
        code = answer.body["error"]["code"] if isinstance(answer.body, dict) else answer.status
        assert (answer.status, code) in ((409, "conflict"), (503, "unavailable")), answer.body
        interim.append(f"{answer.status} {code} after {answer.ms / 1000:.1f} s")
        assert time.monotonic() < deadline, interim
        time.sleep(1)


def test_a_function_killed_mid_write_is_retried_once(firestore_emulator: FirestoreEmulator, firestore: Any,
                                                     auth_emulator: AuthEmulator, tmp_path: Path) -> None:
    port = free_port()
    flag = tmp_path / "slow"
    env = {"FIRESTORE_EMULATOR_HOST": firestore_emulator.host, "FIREBASE_AUTH_EMULATOR_HOST": auth_emulator.host,
           "GOOGLE_CLOUD_PROJECT": PROJECT, "PYTHONPATH": str(REPO), "SLOW_COMMIT_FLAG": str(flag)}
    starts = 0

    def start() -> Server:
        nonlocal starts
        starts += 1
        return Server(f"gateway-{starts}", [sys.executable, "-c", SLOWED_GATEWAY, str(port)],
                      f"http://127.0.0.1:{port}/", tmp_path, env=env, timeout=60, cwd=REPO).start()

    server = start()
    stack = Stack(f"http://127.0.0.1:{port}", firestore_emulator.host, auth_emulator.host)
    try:
        bakery = Bakery(stack, "Kill Bakery", 7)
        before = snapshot(firestore, [bakery])
        butter = {"product_id": bakery.products["butter_unsalted"]["id"], "packages": 3, "unit_price": "7.25",
                  "purchased_on": "2026-11-22"}
        bake = {"recipe": "gluten-free-almond-flour-shortbread-cookies", "batches": "0.25"}
        # (production killed before its commit behaves as the purchase does — 409s for about a minute, then
        # written once — and is left out to keep this test short)
        cases = [("add_purchase", butter, "purchases", "before"), ("add_purchase", butter, "purchases", "after"),
                 ("record_production", bake, "production_runs", "after")]
        for n, (op, body, collection, when) in enumerate(cases):
            key = f"killed-{n}"
            flag.write_text(f"{collection} {when}")
            sent: list[Answer] = []
            writer = threading.Thread(target=lambda: sent.append(bakery.call(op, body, key)))  # noqa: B023
            writer.start()
            _held(server.log_path, f"{collection} {when}")
            os.killpg(server.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
            writer.join(30)
            assert sent and sent[0].status == 599, sent  # no answer: the process is gone
            server.stop()
            flag.unlink()
            server = start()
            retried, waited = _sent_until_answered(bakery, op, body, key)
            print(f"{op}, killed {when} its commit: answered after {waited}")
            # committed before the kill: answered as the first try; not committed: written now, once
            assert retried.body.get("replayed", False) is (when == "after"), (op, when, retried.body)
            again = bakery.call(op, body, key)
            assert again.status == 200 and again.body["replayed"] is True
            bakery.writes.append(Write(op, 200, key, written_ids(retried), body))
        audit = audit_all(firestore, [bakery], before)
        assert audit.problems == [], audit.problems
        assert audit.checked["purchases"] == 2 and audit.checked["production runs"] == 1
        assert audit.checked["purchases counted"] == 1 and audit.checked["production runs counted"] == 1
    finally:
        with contextlib.suppress(Exception):
            flag.unlink()
        server.stop()
