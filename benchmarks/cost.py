"""What each operation costs to run: Firestore documents read, written and deleted, and function time, measured
on the real Firestore emulator for a baker's realistic sequence. scripts/cost_model.py turns the figures into
the monthly cost per active baker (docs/cost.md).

The emulator keeps no billing counters, so every Firestore call is counted at the client, as Firestore bills:
a get is 1 read per document asked for (found or missing), a query 1 read per document returned (at least 1),
an aggregation 1 read, and each write or delete in a commit (a batch, a transaction, a single set) 1 write or
1 delete; beginning or rolling back a transaction is free. Writes to activity/ (the activity record of each
call, written off the call's path) are counted apart, then added to the call that made them.

The sequence, on the demo bakery (the desktop sample and the winter plans, as `make demo` seeds it), through the
gateway as Hosting routes it, `--rounds` times: open the bakery, the plan, the shopping list, the event's cost,
what can be made, a recipe scaled, a purchase, a spoken purchase proposed and confirmed, a receipt photo uploaded,
read (the storage event, the task, the offline OCR) and confirmed, a production run, a level set, the proposals
listed, the health check; then two MCP tool calls through the SDK's client. Function time is the wall time of
each call in this process (the emulator on the same 2 cores; no network hop); cold start is the import of
functions.main in a fresh interpreter. The bakery's stored size is estimated from its documents (names and JSON
values + 32 bytes each, as Firestore counts document size) before indexes.

Run: .venv/bin/python benchmarks/cost.py [--rounds 3] [--out benchmarks/cost_measured.json]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from werkzeug.test import Client  # noqa: E402

from devstack.firestore import FirestoreEmulator  # noqa: E402
from functions import gateway  # noqa: E402
from functions import main as fn  # noqa: E402
from functions.shared.firestore_backend import FirestoreBackend  # noqa: E402
from functions.shared.logs import JsonFormatter, call_fields, call_message  # noqa: E402
from functions.shared.observe import Observation  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from functions.shared.photo_store import MemoryPhotoStore  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token  # noqa: E402
from tests.functions.demo_baker import demo_data  # noqa: E402

OUT = REPO / "benchmarks" / "cost_measured.json"
EVENT = {"event": "Winter Market 2026"}
QUEUE = "projects/demo-baketracker/locations/us-central1/queues/receipt-extraction"
SPOKEN = "I bought two 5 lb bags of all-purpose flour at Costco for $9"


class BillingCounter:
    """Billable Firestore operations made through one client, as Firestore counts them (see the module text)."""

    def __init__(self, client: Any) -> None:
        self.lock = threading.Lock()
        self.totals: Counter[str] = Counter()
        api = client._firestore_api
        for name in ("batch_get_documents", "run_query", "run_aggregation_query", "commit", "list_documents"):
            setattr(api, name, self._wrap(name, getattr(api, name)))

    def add(self, **counts: int) -> None:
        with self.lock:
            self.totals.update(counts)

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return self.totals.copy()

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            request = kwargs.get("request", args[0] if args else None)
            if name == "commit":
                self._commit(request)
                return original(*args, **kwargs)
            answer = original(*args, **kwargs)
            if name == "batch_get_documents":
                return self._stream(answer, lambda r: 1 if (_has(r, "found") or _has(r, "missing")) else 0, 0)
            if name == "run_query":
                return self._stream(answer, lambda r: 1 if _has(r, "document") else 0, 1)
            if name == "run_aggregation_query":
                self.add(reads=1)
                return answer
            return answer  # list_documents: not used by the functions

        return counted

    def _commit(self, request: Any) -> None:
        writes = request.get("writes", []) if isinstance(request, dict) else list(getattr(request, "writes", []))
        counts: Counter[str] = Counter()
        for write in writes:
            path = (write.delete if _has(write, "delete") else write.update.name if _has(write, "update")
                    else write.transform.document if _has(write, "transform") else "")
            activity = "/activity/" in path or "/documents/activity/" in path
            kind = "deletes" if _has(write, "delete") else "writes"
            counts[("activity_" if activity else "") + kind] += 1
        self.add(**counts)

    def _stream(self, responses: Any, billed: Callable[[Any], int], at_least: int) -> Iterator[Any]:
        seen = 0
        try:
            for response in responses:
                seen += billed(response)
                yield response
        finally:
            self.add(reads=max(seen, at_least))


def _has(message: Any, field: str) -> bool:
    pb = getattr(message, "_pb", message)
    try:
        return bool(pb.HasField(field))
    except ValueError:
        return bool(getattr(message, field, None))


class Tally:
    """Per operation: calls, billable operations, wall and CPU milliseconds, answer bytes.

    Each operation is its own function in production, with its own instance and so its own caches: each gets its
    own FirestoreBackend here, new (a cold instance) for its first call, kept (warm) for the next ones. The
    first call's reads are given apart ("reads_cold"): what a call costs on a new instance."""

    def __init__(self, counter: BillingCounter, client: Any) -> None:
        self.counter = counter
        self.client = client
        self.instances: dict[str, FirestoreBackend] = {}
        self.rows: dict[str, dict[str, Any]] = {}

    def instance(self, function: str) -> FirestoreBackend:
        if function not in self.instances:
            backend = FirestoreBackend(self.client)
            backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # Auth, not Firestore
            self.instances[function] = backend
        return self.instances[function]

    def measure(self, label: str, work: Callable[[], Any], function: str | None = None) -> Any:
        previous = RUNTIME._backend
        RUNTIME._backend = self.instance(function or label)
        try:
            before = self.counter.snapshot()
            cpu, wall = time.process_time(), time.perf_counter()
            result = work()
            ms = (time.perf_counter() - wall) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            _flush_activity()
            spent = self.counter.snapshot() - before
        finally:
            RUNTIME._backend = previous
        status, size = (result[0], result[2]) if isinstance(result, tuple) and len(result) == 3 else (None, None)
        self.note(label, spent, ms, cpu_ms, status, size)
        return result

    def note(self, label: str, spent: Counter[str], ms: float, cpu_ms: float, status: int | None,
             size: int | None) -> None:
        row = self.rows.setdefault(label, {"ms": [], "cpu_ms": [], "bytes": [], "statuses": Counter(),
                                           **{k: [] for k in ("reads", "writes", "deletes", "activity_writes")}})
        row["ms"].append(ms)
        row["cpu_ms"].append(cpu_ms)
        for key in ("reads", "writes", "deletes", "activity_writes"):
            row[key].append(spent[key])
        if status is not None:
            row["statuses"][status] += 1
        if size is not None:
            row["bytes"].append(size)

    def table(self) -> dict[str, Any]:
        out = {}
        for label, row in self.rows.items():
            warm = row["reads"][1:] or row["reads"]
            out[label] = {"calls": len(row["ms"]), "reads_cold": row["reads"][0], "reads": statistics.mean(warm),
                          **{k: statistics.mean(row[k]) for k in ("writes", "deletes", "activity_writes")},
                          "ms_median": round(statistics.median(row["ms"]), 1), "ms_max": round(max(row["ms"]), 1),
                          "ms_first": round(row["ms"][0], 1),
                          "cpu_ms_median": round(statistics.median(row["cpu_ms"]), 1),
                          "answer_bytes": round(statistics.mean(row["bytes"])) if row["bytes"] else 0,
                          "statuses": {str(k): v for k, v in sorted(row["statuses"].items())}}
        return out


def _flush_activity() -> None:
    """Activity records are written by a background thread: wait for them, so they count with their call."""
    try:
        from functions.shared import activity
    except ImportError:
        return
    activity.RECORDER.flush()


class Baker:
    """The demo bakery's owner, calling through the gateway (Hosting's routing, gzip as browsers accept it)."""

    def __init__(self, tally: Tally) -> None:
        self.web = Client(gateway.app)
        self.tally = tally
        self.uid = "cost-baker"
        created = self.post("create_tenant", {"name": "Cost Bakery"}, token={"uid": self.uid})
        self.tenant = created[1]["tenant_id"]
        self.claims = {"uid": self.uid, "tenant_id": self.tenant, "role": "owner"}
        for data in demo_data():
            assert self.post("import_desktop", {"data": data})[0] == 200
        self.n = 0

    def _headers(self, token: dict[str, Any] | None = None, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {unsigned_token(token or self.claims)}", "Accept-Encoding": "gzip",
                "X-BakeTracker-Client": "pwa", **extra}

    def post(self, op: str, body: Any, *, token: dict[str, Any] | None = None, label: str | None = None,
             **extra: str) -> tuple[int, Any, int]:
        def call() -> tuple[int, Any, int]:
            response = self.web.post(f"/api/{op}", json=body, headers=self._headers(token, **extra))
            return response.status_code, _json(response), len(response.data)

        return self.tally.measure(label or op, call, op)  # type: ignore[no-any-return]

    def get(self, op: str, *, token: dict[str, str] | None = None) -> tuple[int, Any, int]:
        def call() -> tuple[int, Any, int]:
            headers = self._headers(token) if token is not None or op != "health" else {"Accept-Encoding": "gzip"}
            response = self.web.get(f"/api/{op}", headers=headers)
            return response.status_code, _json(response), len(response.data)

        return self.tally.measure(op, call)  # type: ignore[no-any-return]

    def key(self) -> str:
        self.n += 1
        return f"cost-{self.tenant}-{self.n}"


def _json(response: Any) -> Any:
    import gzip

    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return json.loads(data or b"null")


class Tasks:
    """Cloud Tasks as the functions see it: the task kept, to be run as the queue would run it."""

    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, dict[str, Any]]] = {}

    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        self.tasks.setdefault(name, (url, payload))
        return True


def confirm(baker: Baker, proposal_id: str) -> int:
    """Review and confirm as a baker does: read it, strike lines the confirm refuses, confirm the rest."""
    status, proposal, _ = baker.post("get_proposal", {"proposal_id": proposal_id})
    assert status == 200, proposal
    for _ in range(len(proposal["operations"]) + 1):
        status, answer, _ = baker.post("confirm_proposal", {"proposal_id": proposal_id},
                                       **{"Idempotency-Key": baker.key()})
        if status == 200:
            return 200
        field = str(answer["error"].get("field") or "").split(".")
        if status != 400 or len(field) < 2 or field[0] != "operations" or not field[1].isdigit():
            return status
        status, proposal, _ = baker.post("edit_proposal", {"proposal_id": proposal_id, "remove": [int(field[1])]})
        if status != 200 or not [op for op in proposal["operations"] if not op["removed"]]:
            return status
    return 409


def receipt(baker: Baker, tally: Tally, tasks: Tasks, seed: int) -> dict[str, Any]:
    """A receipt photo: upload, the storage event, the extraction task (offline OCR), its status, confirm."""
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from tests.support.bakery_receipts import bakery_receipt, receipt_photo

    photo = receipt_photo(bakery_receipt(RUNTIME.backend.planning_bakery(baker.tenant), seed))

    def upload() -> tuple[int, Any, int]:
        response = baker.web.post("/api/upload_photo", data=photo, content_type="image/png",
                                  query_string={"kind": "receipt"}, headers=baker._headers())
        return response.status_code, _json(response), len(response.data)

    status, stored, _ = tally.measure("upload_photo", upload)
    assert status == 200, stored
    event = gateway.storage_finalized_event(stored["bucket"], stored["path"], "image/png",
                                            {"tenant_id": baker.tenant, "kind": "receipt"})
    tally.measure("receipt_uploaded", lambda: fn.receipt_uploaded(event))
    _, payload = tasks.tasks[f"receipt-{baker.tenant}-{stored['photo_id']}"]

    def extract() -> tuple[int, Any, int]:
        task = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                      headers={"X-CloudTasks-QueueName": QUEUE}).get_environ())
        text, code, _ = fn.extract_receipt(task)
        return code, json.loads(text), len(text)

    status, read, _ = tally.measure("extract_receipt", extract)
    assert status == 200, read
    baker.post("receipt_status", {"photo_id": stored["photo_id"]})
    confirmed = confirm(baker, read["proposal_id"]) if read.get("proposal_id") else None
    return {"photo_bytes": len(photo), "confirmed": confirmed}


async def mcp_calls(tally: Tally, claims: dict[str, Any], rounds: int) -> None:
    """The MCP service: one Cloud Run service (one instance, its own caches) for every tool."""
    from mcp_service.app import create_app
    from tests.support.mcp_client import BASE, mcp_session

    app = create_app(tally.instance("mcp"), UnsignedTokenVerifier(), mcp_url=f"{BASE}/mcp", app_url="https://app.test")
    async with mcp_session(app, unsigned_token(claims)) as session:
        for _ in range(rounds):
            for tool, args in (("plan_event", {"event": EVENT["event"]}),
                               ("get_shopping_list", {"event": EVENT["event"]})):
                before = tally.counter.snapshot()
                cpu, start = time.process_time(), time.perf_counter()
                result = await session.call_tool(tool, args)
                ms, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
                _flush_activity()
                tally.note(f"mcp:{tool}", tally.counter.snapshot() - before, ms, cpu_ms,
                           500 if result.is_error else 200, len(result.content[0].text) if result.content else 0)


def sequence(baker: Baker, tally: Tally, tasks: Tasks, rounds: int) -> dict[str, Any]:
    exported = _json(baker.web.get("/api/export_desktop", headers=baker._headers()))
    recipe = next(r for r in exported["recipes"] if r.get("ingredients"))
    ingredient = recipe["ingredients"][0]
    product = exported["products"][0]["id"]
    receipts = []
    for r in range(rounds):
        baker.get("get_bakery")
        baker.post("plan_event", EVENT)
        baker.post("shopping_list", EVENT)
        baker.post("plan_event", EVENT, label="plan_event (unchanged since)")  # its instance's cache still good
        baker.post("event_cost", EVENT)
        baker.post("can_make", EVENT)
        baker.post("scale_recipe", {"recipe": recipe["slug"], "ingredient": ingredient["ingredient_slug"],
                                    "amount": 2, "unit": ingredient["unit"]})
        baker.post("add_purchase", {"product_id": product, "packages": 1, "unit_price": 4.5,
                                    "purchased_on": "2026-12-01"}, **{"Idempotency-Key": baker.key()})
        status, proposed, _ = baker.post("propose_from_text", {"text": SPOKEN})
        if status == 200:
            confirm(baker, proposed["proposal_id"])
        receipts.append(receipt(baker, tally, tasks, 1200 + r))
        produce(baker, recipe["slug"])
        baker.post("set_inventory_level", {"product_id": product, "remaining_percentage": 50})
        baker.post("list_proposals", {})
        baker.get("health")
    return {"recipe": recipe["slug"], "receipts": receipts}


def produce(baker: Baker, recipe: str) -> None:
    """A production run; refused for stock (409), the baker buys what it says is short and bakes again."""
    from tests.functions.demo_baker import buy

    request = {"recipe": recipe, "batches": 1}
    status, answer, _ = baker.post("record_production", request, label="record_production (short: 409)")
    if status == 409:
        for shortage in answer["error"]["details"]:
            buy(lambda op, body: baker.post(op, body, **{"Idempotency-Key": baker.key()})[:2],
                lambda: RUNTIME.backend.planning_bakery(baker.tenant), shortage)
        status, answer, _ = baker.post("record_production", request, **{"Idempotency-Key": baker.key()})
    assert status in (200, 409), answer


def bakery_size(client: Any, tenant: str) -> dict[str, Any]:
    """Documents under tenants/{tenant} and their size as Firestore counts it (name + fields + 32 bytes)."""
    docs = 0
    size = 0

    def walk(ref: Any) -> None:
        nonlocal docs, size
        for collection in ref.collections():
            for snapshot in collection.stream():
                docs += 1
                path = snapshot.reference.path
                size += len(path.encode()) + 16 + len(json.dumps(snapshot.to_dict(), default=str).encode()) + 32
                walk(snapshot.reference)

    walk(client.collection("tenants").document(tenant))
    return {"documents": docs, "bytes": size}


def cold_import_ms() -> float:
    code = "import time; t = time.perf_counter(); import functions.main; print((time.perf_counter() - t) * 1000)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def log_line_bytes() -> int:
    """One call's structured log line, as Cloud Logging receives it."""
    import logging

    sample = Observation("plan_event", "http", "9f2c4e1a0b3d5e6f", "4bf92f3577b34da6a3ce929d0e0e4736",
                        "cost-bakery-3a1b2c4d", "uid", "owner", 200, None, 42.0, "pwa", time.time())
    record = logging.LogRecord("baketracker.calls", logging.INFO, __file__, 1, call_message(sample), (), None)
    record.structured = call_fields(sample, "bakes-prod")
    return len(JsonFormatter("functions").format(record).encode()) + 1


def run(rounds: int) -> dict[str, Any]:
    os.environ.setdefault("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    os.environ.pop("GEMINI_API_KEY", None)  # the offline readers: no network, nothing billed
    import logging

    logging.disable(logging.INFO)  # the MCP SDK's and httpx's request lines would drown the table
    with tempfile.TemporaryDirectory() as logs:
        emulator = FirestoreEmulator(Path(logs)).start()
        previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks
        try:
            client = emulator.client()
            counter = BillingCounter(client)
            backend = FirestoreBackend(client)
            backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # Auth, not Firestore
            tasks = Tasks()
            RUNTIME.use(backend, UnsignedTokenVerifier())
            RUNTIME.use_photos(MemoryPhotoStore())
            RUNTIME.tasks = tasks
            onboarding = Tally(counter, client)
            baker = Baker(onboarding)
            tally = Tally(counter, client)
            baker.tally = tally
            started = time.perf_counter()
            details = sequence(baker, tally, tasks, rounds)
            asyncio.run(mcp_calls(tally, baker.claims, rounds))
            took = time.perf_counter() - started
            size = bakery_size(client, baker.tenant)
        finally:
            RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks = previous
            emulator.stop()
    return {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "rounds": rounds,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "where": "Firestore emulator (gcloud SDK) on this machine, functions in process through the gateway",
            "operations": tally.table(), "onboarding": onboarding.table(), "bakery_after": size,
            "receipt_photo_bytes": round(statistics.mean(r["photo_bytes"] for r in details["receipts"])),
            "receipts_confirmed": [r["confirmed"] for r in details["receipts"]],
            "cold_import_ms": cold_import_ms(), "log_line_bytes": log_line_bytes(),
            "sequence_seconds": round(took, 1)}


def print_table(figures: dict[str, Any]) -> None:
    print(f"cost per call on the Firestore emulator, {figures['rounds']} round(s) of a baker's sequence "
          f"({figures['sequence_seconds']} s). Documents per call: 'reads 1st' on the function's new instance,\n"
          "'reads' the mean of the later calls (its caches kept; a write in between makes it read the changed\n"
          "collections again); writes, deletes and activity records: means. Wall and CPU ms: medians; '1st ms':\n"
          "the first call.")
    header = f"{'operation':<31}{'calls':>6}{'reads 1st':>10}{'reads':>8}{'writes':>8}{'deletes':>8}" \
             f"{'activity':>9}{'ms':>9}{'1st ms':>9}{'cpu ms':>8}{'answer B':>10}  statuses"
    for title, rows in (("the sequence", figures["operations"]),
                        ("onboarding (once per bakery)", figures["onboarding"])):
        print(f"\n{title}\n{header}")
        for name, row in rows.items():
            print(f"{name:<31}{row['calls']:>6}{row['reads_cold']:>10}{row['reads']:>8.1f}{row['writes']:>8.1f}"
                  f"{row['deletes']:>8.1f}{row['activity_writes']:>9.1f}{row['ms_median']:>9.1f}"
                  f"{row['ms_first']:>9.1f}{row['cpu_ms_median']:>8.1f}{row['answer_bytes']:>10}  {row['statuses']}")
    size = figures["bakery_after"]
    print(f"\nthe bakery after the run: {size['documents']} documents, {size['bytes'] / 1024:.0f} KiB (before indexes)")
    print(f"receipt photo {figures['receipt_photo_bytes'] / 1024:.0f} KiB (the generated PNG); receipts confirmed: "
          f"{figures['receipts_confirmed']}; cold import of functions.main {figures['cold_import_ms']} ms; "
          f"one structured log line {figures['log_line_bytes']} bytes")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times the sequence is run (default 3)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the figures go (scripts/cost_model.py reads it)")
    args = parser.parse_args(argv)
    figures = run(args.rounds)
    print_table(figures)
    args.out.write_text(json.dumps(figures, indent=1) + "\n")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
