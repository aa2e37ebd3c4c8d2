"""A function's process stopped right after its calls loses no activity record and writes none twice.

The functions run in a process of their own on the Firestore and Auth emulators, as deployed (`K_SERVICE` set,
so JSON logs and a backend even for a refused call), served by functions-framework (gunicorn: its own SIGTERM
handling, the worker exits normally) or by werkzeug (no SIGTERM handler but ours). Then, as on Cloud Run:

1. N signed-in calls (`get_bakery`, 200) and, with Firestore cut off from the process (a TCP relay in between,
   closed), M signed-out calls (401, recorded in no bakery): those M records cannot be written yet;
2. the process frozen right after the last answer (SIGSTOP: what a throttled CPU does to its writer thread),
   then SIGTERM as Cloud Run sends it, and the CPU back (SIGCONT); Firestore reachable again 1 s later;
3. the process writes what is pending within its 5 s and exits: all N + M records are in Firestore, each once,
   and its last log line says how many were pending at the stop.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.test import Client

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from devstack.processes import Server, free_port
from functions.gateway import app
from functions.shared import activity
from functions.shared.auth import TokenVerifier, firebase_app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from tests.integration.test_faults import Proxy

pytestmark = pytest.mark.emulator
REPO = Path(__file__).resolve().parents[2]
PASSWORD = "secret-pass-1"
SIGNED_IN, SIGNED_OUT = 40, 12
CLIENT = {"X-BakeTracker-Client": "stop-test"}  # our calls' records (the readiness probe's have no client)
WERKZEUG = """
import sys
from werkzeug.serving import make_server
from functions.gateway import app
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


@pytest.fixture
def owner(auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator) -> Iterator[tuple[str, str]]:
    """A bakery made through the functions in this process: (its tenant id, its owner's token)."""
    from firebase_admin import auth

    activity.RECORDER.flush(timeout=10)
    firestore_emulator.wipe()
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(FirestoreBackend(firestore_emulator.client()), TokenVerifier())
    email = f"stop-{uuid.uuid4().hex[:8]}@example.com"
    auth.create_user(email=email, password=PASSWORD, app=firebase_app())
    token = auth_emulator.sign_in(email, PASSWORD)
    answer = Client(app).post("/api/create_tenant", json={"name": "Stop Bakery"},
                              headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    activity.RECORDER.flush(timeout=10)
    yield answer.get_json()["tenant_id"], auth_emulator.sign_in(email, PASSWORD)
    RUNTIME._backend, RUNTIME.verifier = previous


def _start(kind: str, work: Path, firestore_host: str, auth_host: str, project: str) -> tuple[Server, str]:
    port = free_port()
    env = {"FIRESTORE_EMULATOR_HOST": firestore_host, "FIREBASE_AUTH_EMULATOR_HOST": auth_host,
           "GOOGLE_CLOUD_PROJECT": project, "PYTHONPATH": str(REPO), "K_SERVICE": "get-bakery",
           "BAKETRACKER_FIRESTORE_SECONDS": "3"}
    if kind == "functions-framework":
        command = [str(Path(sys.executable).parent / "functions-framework"), "--target=get_bakery",
                   f"--source={REPO / 'functions' / 'main.py'}", "--host=127.0.0.1", f"--port={port}"]
        url = f"http://127.0.0.1:{port}/"
    else:
        command = [sys.executable, "-c", WERKZEUG, str(port)]
        url = f"http://127.0.0.1:{port}/api/get_bakery"
    return Server(kind, command, url, work, env=env, timeout=60, cwd=REPO).start(), url


def _activity_in(client: Any, tenant: str | None) -> list[dict[str, Any]]:
    collection = (client.collection("activity") if tenant is None
                  else client.collection("tenants").document(tenant).collection("activity"))
    return [d.to_dict() for d in collection.stream()]


@pytest.mark.parametrize("kind", ["functions-framework", "werkzeug"])
def test_a_process_stopped_right_after_its_calls_writes_every_record_once(
        kind: str, owner: tuple[str, str], auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator,
        tmp_path: Path) -> None:
    tenant, token = owner
    proxy = Proxy(int(firestore_emulator.host.rsplit(":", 1)[1]))
    server, url = _start(kind, tmp_path, proxy.host, auth_emulator.host, firestore_emulator.project)
    assert server.process is not None
    try:
        with httpx.Client(timeout=30) as http, concurrent.futures.ThreadPoolExecutor(6) as pool:
            signed_in = list(pool.map(lambda _: http.post(url, json={}, headers={
                "Authorization": f"Bearer {token}", **CLIENT}).status_code, range(SIGNED_IN)))
            assert signed_in == [200] * SIGNED_IN
            proxy.cut()  # Firestore unreachable from the process: the next records must wait
            signed_out = list(pool.map(lambda _: http.post(url, json={}, headers=CLIENT).status_code,
                                      range(SIGNED_OUT)))
            assert signed_out == [401] * SIGNED_OUT
        os.killpg(server.process.pid, signal.SIGSTOP)  # the CPU taken away right after the last answer
        time.sleep(0.5)
        os.kill(server.process.pid, signal.SIGTERM)  # Cloud Run stops the instance: SIGTERM to its first process
        os.killpg(server.process.pid, signal.SIGCONT)  # with CPU for the grace period
        threading.Timer(1.0, proxy.restore).start()
        status = server.process.wait(timeout=30)
    finally:
        server.stop()
        proxy.cut()
    assert status == (0 if kind == "functions-framework" else -signal.SIGTERM), server.tail(40)

    client = firestore_emulator.client()
    mine = [r for r in _activity_in(client, tenant) if r["client"] == "stop-test"]
    assert len(mine) == SIGNED_IN and {r["status"] for r in mine} == {200}
    unowned = [r for r in _activity_in(client, None) if r["client"] == "stop-test"]
    assert len(unowned) == SIGNED_OUT and {r["status"] for r in unowned} == {401}

    lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    [flushed] = [line for line in lines if line.get("event") == "activity_flushed"]
    assert flushed["pending"] >= SIGNED_OUT and flushed["unwritten"] == 0, flushed
    # gunicorn's worker sets its own SIGTERM handler over ours and exits normally: the exit writes them
    assert flushed["reason"] == ("exit" if kind == "functions-framework" else "SIGTERM")
    print(f"\n{kind}: {flushed['pending']} records pending at the stop, written in {flushed['ms']} ms")
