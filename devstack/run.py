"""`make demo`: the whole local stack, offline, with a demo bakery.

Starts the Firestore emulator (with firestore.rules) and the Auth emulator, serves the built app
(hosting/dist) at http://127.0.0.1:PORT/ and every function under /api/<operation> as Firebase
Hosting does from firebase.json (functions.gateway, functions.hosting), signs up a
demo baker, creates their bakery from the desktop sample data, prints how to sign in and a
plan made through the API, and runs until Ctrl-C, SIGTERM or SIGHUP: each stops every emulator
it started (and the stack exits 128 + the signal's number: 130, 143, 129). If it is killed outright
(SIGKILL), the emulators die with it (see devstack.processes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.test import Client

REPO = Path(__file__).resolve().parents[1]
DEMO_EMAIL = "demo@baketracker.test"
DEMO_PASSWORD = "bake-demo-2026"
VOICE = "I bought two 5 lb bags of King Arthur bread flour at Costco for $9.98"


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(BaseException):
    """A stop signal arrived (a BaseException, as KeyboardInterrupt is, so `except Exception` lets it through)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _ignore_stop_signals() -> None:
    """While stopping: a second signal (`timeout` and make both send SIGTERM) must not cut the cleanup short."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def _stop(signum: int, frame: object) -> None:
    _ignore_stop_signals()
    raise Stopped(signum)


def _post(web: Client, op: str, token: str, body: Any) -> Any:
    response = web.post(f"/api/{op}", json=body, headers={"Authorization": f"Bearer {token}"})
    if response.status_code != 200:
        raise RuntimeError(f"{op}: HTTP {response.status_code} {response.get_data(as_text=True)}")
    return response.get_json()


class McpService:
    """The MCP service (mcp_service/) on uvicorn in a thread of the stack, on the same backend as the gateway."""

    def __init__(self, port: int, *, app_url: str) -> None:
        import socket

        if port == 0:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/mcp"
        self.port = port
        self.app_url = app_url
        self._server: Any = None
        self._thread: Any = None

    def start(self) -> McpService:
        import threading

        import uvicorn

        from functions.shared.auth import TokenVerifier
        from functions.shared.operation import RUNTIME
        from mcp_service.app import create_app

        app = create_app(RUNTIME.backend, TokenVerifier(), mcp_url=self.url, app_url=self.app_url,
                         project=os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-baketracker"))
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, name="mcp", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self._server.started:
            raise RuntimeError(f"the MCP service did not start on port {self.port}")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BAKETRACKER_PORT", "8088")))
    parser.add_argument("--shared", default=os.environ.get("BAKETRACKER_SHARED", str(REPO.parent / "shared")))
    parser.add_argument("--mcp-port", type=int, default=int(os.environ.get("BAKETRACKER_MCP_PORT", "0")),
                        help="the MCP service's port (0: any free port)")
    parser.add_argument("--exit-after-seed", action="store_true", help="stop once seeded (for checks)")
    parser.add_argument("--sample-history", action="store_true",
                        default=os.environ.get("BAKETRACKER_SAMPLE_HISTORY", "") not in ("", "0"),
                        help="also seed 8 weeks of made-up activity (metrics dashboard; devstack/sample_activity.py)")
    args = parser.parse_args()
    fixtures = Path(args.shared) / "fixtures"
    work = Path(tempfile.mkdtemp(prefix="baketracker-stack-"))

    from devstack.auth import AuthEmulator
    from devstack.firestore import FirestoreEmulator
    from devstack.processes import stop_all
    from devstack.storage import StorageEmulator
    from devstack.tasks import TasksEmulator

    for sig in STOP_SIGNALS:  # from here on, each of them stops everything started below
        signal.signal(sig, _stop)
    emulators: list[Any] = []
    server = None
    mcp = None
    status = 0
    keep_logs = False
    try:
        print("starting the Firestore emulator (gcloud SDK), the Auth emulator (firebase-tools), the storage "
              "emulator and the Cloud Tasks emulator…", flush=True)
        firestore = FirestoreEmulator(work, rules=REPO / "firestore.rules")
        auth_emulator = AuthEmulator(work / "auth")
        storage = StorageEmulator(work)
        tasks = TasksEmulator(work)
        for emulator in (firestore, auth_emulator, storage, tasks):
            emulators.append(emulator)  # before it starts: a signal while it starts still stops it
            emulator.start()
        os.environ.update(auth_emulator.environ())
        os.environ.update(storage.environ())
        os.environ.update(tasks.environ())
        os.environ["FIRESTORE_EMULATOR_HOST"] = firestore.host
        os.environ["GOOGLE_CLOUD_PROJECT"] = firestore.project
        from firebase_admin import auth

        from functions.gateway import app
        from functions.shared.auth import firebase_app

        server = make_server("127.0.0.1", args.port, app, threaded=True)
        api = f"http://127.0.0.1:{server.server_port}"
        os.environ["BAKETRACKER_EXTRACT_URL"] = f"{api}/tasks/extract_receipt"  # where the queue sends its tasks
        web = Client(app)
        auth.create_user(email=DEMO_EMAIL, password=DEMO_PASSWORD, app=firebase_app())
        token = auth_emulator.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        tenant = _post(web, "create_tenant", token, {"name": "Demo Bakery"})
        token = auth_emulator.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        for name in ("desktop/sample_data_all.json", "desktop-plans/winter_events.json"):
            result = _post(web, "import_desktop", token, {"data": json.loads((fixtures / name).read_text())})
            print(f"seeded {name}: {sum(result['changed'].values())} records", flush=True)
        if args.sample_history:
            from devstack.sample_activity import make_admin, seed_sample_history

            seeded = seed_sample_history(firestore.client(), tenant["tenant_id"])
            make_admin(auth.get_user_by_email(DEMO_EMAIL, app=firebase_app()).uid)
            token = auth_emulator.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
            print(f"seeded the sample activity history: {seeded['records']} records over {seeded['days']} days; "
                  f"{DEMO_EMAIL} is also the platform admin", flush=True)
            for scope in ("bakery", "platform"):
                figures = _post(web, "get_metrics", token, {"scope": scope})
                print(f"  get_metrics {scope}: {figures['ai_share']['purchases']} purchases, AI share "
                      f"{figures['ai_share']['share']}, {len(figures['retention'])} signup cohorts", flush=True)
        plan = _post(web, "plan_event", token, {"event": "Winter Market 2026"})
        voice = _post(web, "propose_from_text", token, {"text": VOICE, "source": "voice"})
        first = voice["operations"][0]
        voice_line = f"{first['op']} {json.dumps({k: v for k, v in first['args'].items() if k != 'alternatives'})}"
        mcp = McpService(args.mcp_port, app_url=f"{api}/").start()
        from functions.hosting import Hosting

        unbuilt = "" if Hosting.from_file().public.is_dir() else (
            "\n    (the app is not built yet: run `make install`; until then that page says so)")
        print(f"""
BakeTracker Cloud is running (all offline):
  Open the app: {api}/   sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}{unbuilt}
  API (functions, as Hosting rewrites them): {api}/api/<operation>
  Firestore emulator: {firestore.host}   Auth emulator: {auth_emulator.host}
  Storage emulator: {storage.url}   Cloud Tasks emulator: {tasks.host} (queue {tasks.queue})
  Demo bakery: {tenant['tenant_id']}  sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}

Winter Market 2026, planned through the API:""")
        for recipe in plan["recipes"]:
            print(f"  {recipe['recipe']:<36} {recipe['batches']:>3} batches")
        print(f"""
AI input: {"Gemini (" + os.environ.get("GEMINI_MODEL", "default model") + ")" if os.environ.get("GEMINI_API_KEY")
            else "offline extractors (grammar, OCR); set GEMINI_API_KEY for Gemini"}
  "{VOICE}" was proposed, not saved:
    {voice_line}

MCP service for AI agents (streamable HTTP): {mcp.url}
  with the header  Authorization: Bearer $BAKETRACKER_ID_TOKEN  (below); see docs/mcp.md

Try the CLI on the stack:
  export BAKETRACKER_ID_TOKEN={token}
  .venv/bin/baketracker plan --api {api} --event "Office Party 2026"
  .venv/bin/baketracker shopping-list --api {api} --event "Winter Market 2026"
(ID tokens last an hour; Ctrl-C, SIGTERM or SIGHUP stops everything.)""", flush=True)
        if args.exit_after_seed:
            return 0
        server.serve_forever()
    except Stopped as stop:
        status = 128 + stop.signum
        with contextlib.suppress(OSError):  # stdout may be gone (a closed terminal: SIGHUP)
            print(f"\n{signal.Signals(stop.signum).name}: stopping…", flush=True)
    except BaseException:
        keep_logs = True
        raise
    finally:
        _ignore_stop_signals()
        if server is not None:
            server.server_close()
        if mcp is not None:
            mcp.stop()
        stop_all(emulator.server for emulator in reversed(emulators))
        if keep_logs:
            print(f"the emulators' logs are in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    started = time.monotonic()
    sys.exit(main())
