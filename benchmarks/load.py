"""Load on the local stack over loopback: 20 bakeries at work at once, then an audit of what they wrote.

Starts the Firestore and Auth emulators and the gateway (every function, as Hosting rewrites them) in a
process of its own, or attaches to a running stack (`--api`, `--firestore`, `--auth`: what
`python -m devstack.run --port 0` prints). Each bakery is a user signed up on the Auth emulator, its
bakery created through create_tenant and the desktop winter sample imported. Then one worker per bakery,
each waiting a random while between requests (`--think`, mean seconds), runs a bakery's day for
`--seconds` (120; `--quick`: 20) or until `--max-requests` (all bakeries together):
plans and shopping lists, purchases (each with an Idempotency-Key), text proposals then edited,
confirmed, rejected, undone or left, production runs (buying what a 409 says is short), losses, level
checks, and the proposals list. It prints, per operation, the requests, p50/p95/p99 in ms, and the
share of 4xx (expected: short of stock, nothing understood) and of 5xx and failed connections (errors).

Then the audit, reading Firestore directly (the admin client on the emulator), per bakery:
- every acknowledged write is there exactly once: each purchase and its lot, each production run,
  each loss's depletions, each proposal (in the state last acknowledged); and nothing more was written
  than was acknowledged (purchases, runs, proposals, losses and level checks counted);
- for every lot: its stock before the load (or as bought) − what production runs drew from it − its
  depletions (losses and level checks) = its stock now.
Exit status 1 when the audit fails. Figures and how they were measured: docs/load.md.

Run: .venv/bin/python benchmarks/load.py [--seconds 120] [--bakeries 20] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIXTURE = REPO.parent / "shared" / "fixtures" / "desktop-plans" / "winter_events.json"
PROJECT = "demo-baketracker"
PASSWORD = "load-test-2026"
EVENTS = ("Winter Market 2026", "Office Party 2026", "Christmas 2026")
SAID = ("I bought {n} pounds of butter at Costco for ${p}", "bought {n} kg of flour for {p} dollars",
        "I bought {n} bags of sugar at Costco for ${p}", "got {n} dozen eggs for ${p}",
        "I bought {n} pounds of pecans for ${p}", "the butter is about half full")
UNREACHED = 599  # the status logged when no answer came (connection refused or reset, timeout)


# -- the stack ----------------------------------------------------------------------------------------------------

GATEWAY = """
import sys
from werkzeug.serving import make_server
from functions.gateway import app
server = make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True)
server.serve_forever()
"""


@dataclass
class Stack:
    api: str
    firestore: str  # host:port
    auth: str  # host:port
    stop: Callable[[], None] = lambda: None


def start_stack(work: Path, gateway_env: dict[str, str] | None = None) -> Stack:
    """The Firestore and Auth emulators, and the gateway in a process of its own (as a function instance)."""
    from devstack.auth import AuthEmulator
    from devstack.firestore import FirestoreEmulator
    from devstack.processes import stop_all

    firestore = FirestoreEmulator(work / "firestore", project=PROJECT, rules=REPO / "firestore.rules").start()
    auth = AuthEmulator(work / "auth", project=PROJECT).start()
    gateway = start_gateway(work, firestore.host, auth.host, gateway_env)

    def stop() -> None:
        stop_all([gateway, auth.server, firestore.server])

    return Stack(gateway.ready_url.rstrip("/"), firestore.host, auth.host, stop)


def start_gateway(work: Path, firestore_host: str, auth_host: str, extra_env: dict[str, str] | None = None,
                  port: int | None = None) -> Any:
    """`functions.gateway.app` served by werkzeug (threaded) in a process of its own; a devstack Server."""
    from devstack.processes import Server, free_port

    port = port or free_port()
    env = {"FIRESTORE_EMULATOR_HOST": firestore_host, "FIREBASE_AUTH_EMULATOR_HOST": auth_host,
           "GOOGLE_CLOUD_PROJECT": PROJECT, "PYTHONPATH": str(REPO), **(extra_env or {})}
    server = Server("gateway", [sys.executable, "-c", GATEWAY, str(port)], f"http://127.0.0.1:{port}/", work,
                    env=env, timeout=60, cwd=REPO)
    return server.start()


# -- one bakery, as its app would call the API ----------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    ms: float
    body: Any


@dataclass
class Write:
    """An acknowledged write (or one whose outcome is unknown: `status` 5xx / 599), as the client logged it."""

    op: str
    status: int
    key: str | None = None
    ids: dict[str, Any] = field(default_factory=dict)
    body: Any = None  # what was sent, to send again with the same key


def sign_up(auth_host: str, email: str) -> str:
    url = f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-key"
    answer = httpx.post(url, json={"email": email, "password": PASSWORD, "returnSecureToken": True}, timeout=30)
    answer.raise_for_status()
    token: str = answer.json()["idToken"]
    return token


def sign_in(auth_host: str, email: str) -> str:
    url = f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-key"
    answer = httpx.post(url, json={"email": email, "password": PASSWORD, "returnSecureToken": True}, timeout=30)
    answer.raise_for_status()
    token: str = answer.json()["idToken"]
    return token


class Bakery:
    """A bakery's owner: signed up, bakery created, the winter sample imported; calls and their log."""

    def __init__(self, stack: Stack, name: str, seed: int, record: Callable[[str, Answer], None] | None = None,
                 timeout: float = 30.0) -> None:
        self.name = name
        self.api = stack.api
        self.random = random.Random(seed)
        self.record = record or (lambda op, answer: None)
        self.http = httpx.Client(timeout=timeout)
        email = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:6]}@load.test"
        token = sign_up(stack.auth, email)
        created = self._post("create_tenant", {"name": name}, token)
        assert created.status == 200, created.body
        self.tenant: str = created.body["tenant_id"]
        self.token = sign_in(stack.auth, email)  # now with the bakery in its claims
        sample = json.loads(FIXTURE.read_text())
        for _ in range(5):  # a slow machine may make a first import a 503: importing again is harmless
            imported = self.call("import_desktop", {"data": sample})
            if imported.status != 503:
                break
            time.sleep(2)
        assert imported.status == 200, imported.body
        export = self.http.get(f"{self.api}/api/export_desktop", headers=self.headers()).json()
        products: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for product in export["products"]:
            products[product["ingredient_slug"]].append(product)
        self.products = {slug: min(found, key=lambda p: (not p.get("preferred"), p["id"]))
                         for slug, found in products.items()}
        self.recipes = [r["slug"] for r in export["recipes"]]
        self.bakeable = list(self.recipes)  # less those found impossible to make
        self.units: dict[str, list[str]] = defaultdict(list)  # a recipe's finished units (several: say which)
        for unit in export["finished_units"]:
            self.units[unit["recipe_slug"]].append(unit["slug"])
        self.bought: list[str] = []  # ingredient slugs bought during the load
        self.writes: list[Write] = []
        self.pending: list[str] = []  # proposals left to decide
        self.confirmed: list[str] = []
        self.last_decision: dict[str, str] = {}  # proposal id → the state last acknowledged
        self.unknown_decisions: set[str] = set()  # a decision sent, no answer: its state is not known
        self.short_for: str | None = None  # a recipe refused for want of stock: bought for, tried again next
        self.n = 0

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-BakeTracker-Client": "load",
                **({"Idempotency-Key": key} if key else {})}

    def _post(self, op: str, body: Any, token: str | None = None, key: str | None = None) -> Answer:
        headers = self.headers(key) if token is None else {"Authorization": f"Bearer {token}"}
        start = time.perf_counter()
        try:
            response = self.http.post(f"{self.api}/api/{op}", json=body, headers=headers)
            status = response.status_code
            try:
                data: Any = response.json()
            except ValueError:
                data = response.text
            if status >= 400 and isinstance(data, dict):
                data["_headers"] = {k: v for k, v in response.headers.items()
                                    if k.lower() in ("retry-after", "x-request-id")}
        except httpx.HTTPError as exc:
            status, data = UNREACHED, {"error": {"code": "unreached", "message": repr(exc)}}
        answer = Answer(status, (time.perf_counter() - start) * 1000, data)
        self.record(op, answer)
        return answer

    def call(self, op: str, body: Any, key: str | None = None) -> Answer:
        return self._post(op, body, key=key)

    def write_with_key(self, op: str, body: Any, key: str | None = None, tries: int = 6,
                       wait: float = 1.0) -> Answer:
        """A write sent again with the same key while it is answered 5xx or not at all (as the app's outbox)."""
        key = key or f"{self.tenant}-{op}-{uuid.uuid4().hex}"
        answer = self.call(op, body, key)
        for _ in range(tries - 1):
            if answer.status < 500:
                break
            time.sleep(wait)
            answer = self.call(op, body, key)
        if answer.status == 200 or answer.status >= 500:
            self.writes.append(Write(op, answer.status, key, written_ids(answer), body))
        return answer

    # the steps of a bakery's day
    def plan(self) -> Answer:
        return self.call("plan_event", {"event": self.random.choice(EVENTS)})

    def shopping_list(self) -> Answer:
        return self.call("shopping_list", {"event": self.random.choice(EVENTS)})

    def list_proposals(self) -> Answer:
        return self.call("list_proposals", {"limit": 20})

    def buy(self, ingredient: str | None = None, packages: int | None = None) -> Answer:
        slug = ingredient or self.random.choice(sorted(self.products))
        product = self.products[slug]
        answer = self.write_with_key("add_purchase", {
            "product_id": product["id"], "packages": packages or self.random.randint(1, 4),
            "unit_price": f"{self.random.uniform(1.5, 25):.2f}", "purchased_on": "2026-11-20"})
        if answer.status == 200:
            self.bought.append(slug)
        return answer

    def bake(self) -> Answer:
        """Half a batch of a recipe; short of stock (409): buy what is short and bake it next time, or give the
        recipe up when something it needs has no product to buy (eggs in the sample) or it is refused (400)."""
        recipe = self.short_for or self.random.choice(self.bakeable)
        self.short_for = None
        units = self.units.get(recipe, [])
        answer = self.write_with_key("record_production", {"recipe": recipe, "batches": "0.5",
                                                           **({"finished_unit": units[0]} if len(units) > 1 else {})})
        shortages = answer.body["error"].get("details", []) if answer.status == 409 else []
        if answer.status == 400 or any(s.get("ingredient") not in self.products for s in shortages):
            if len(self.bakeable) > 1 and recipe in self.bakeable:
                self.bakeable.remove(recipe)
        elif shortages:
            for short in shortages:
                self.buy(short["ingredient"], packages=self.random.randint(10, 30))  # small packages: many
            self.short_for = recipe
        return answer

    def lose(self) -> Answer:
        if not self.bought:
            return self.plan()
        slug = self.random.choice(self.bought)
        product = self.products[slug]
        amount = Decimal(str(product["package_unit_quantity"])) / 10
        return self.write_with_key("record_loss", {
            "ingredient": slug, "amount": str(amount), "unit": product["package_unit"],
            "reason": self.random.choice(("spoilage", "gift", "ad_hoc_usage"))})

    def check_level(self) -> Answer:
        if not self.bought:
            return self.shopping_list()
        product = self.products[self.random.choice(self.bought)]
        return self.write_with_key("set_inventory_level", {"product_id": product["id"],
                                                           "remaining_percentage": self.random.randint(5, 95)})

    def propose(self) -> Answer:
        self.n += 1
        text = self.random.choice(SAID).format(n=self.n % 4 + 1, p=self.n % 20 + 5)
        answer = self.call("propose_from_text", {"text": text})
        if answer.status == 200:
            self.pending.append(answer.body["proposal_id"])
            self.last_decision[answer.body["proposal_id"]] = "proposed"
        if answer.status == 200 or answer.status >= 500:
            self.writes.append(Write("propose_from_text", answer.status, None,
                                     {"id": answer.body.get("proposal_id")} if answer.status == 200 else {}))
        return answer

    def decide(self) -> Answer:
        """The oldest proposal left: confirmed (sometimes edited first), rejected, or a confirmed one undone."""
        roll = self.random.random()
        if self.confirmed and roll < 0.15:
            proposal = self.confirmed.pop(0)
            return self._decision("undo_proposal", proposal, "undone")
        if not self.pending:
            return self.list_proposals()
        proposal = self.pending.pop(0)
        if roll < 0.35:
            return self._decision("reject_proposal", proposal, "rejected", {"reason": "not what I said"})
        if roll < 0.55:
            edited = self.call("edit_proposal", {"proposal_id": proposal,
                                                 "changes": [{"index": 0, "args": {"quantity": 2}}]})
            if edited.status >= 500:
                self.unknown_decisions.add(proposal)
        answer = self._decision("confirm_proposal", proposal, "confirmed")
        if answer.status == 200:
            self.confirmed.append(proposal)
        return answer

    def _decision(self, op: str, proposal: str, state: str, extra: dict[str, Any] | None = None) -> Answer:
        answer = self.call(op, {"proposal_id": proposal, **(extra or {})})
        if answer.status == 200:
            self.last_decision[proposal] = state
        elif answer.status >= 500:
            self.unknown_decisions.add(proposal)
        return answer

    def steps(self) -> list[tuple[Callable[[], Answer], int]]:
        """A bakery's mix: what it does, by weight."""
        return [(self.plan, 14), (self.shopping_list, 8), (self.list_proposals, 6), (self.buy, 14),
                (self.propose, 10), (self.decide, 10), (self.bake, 16), (self.lose, 8), (self.check_level, 6)]


def written_ids(answer: Answer) -> dict[str, Any]:
    """What an acknowledged write says it wrote (nothing for an unanswered one)."""
    if answer.status != 200 or not isinstance(answer.body, dict):
        return {}
    ids = {k: answer.body.get(k) for k in ("purchase_id", "lot_id", "run_id", "replayed", "depletions")}
    ids["changed"] = answer.body.get("quantity") != answer.body.get("previous")  # a level check
    return ids


# -- the load -----------------------------------------------------------------------------------------------------

class Samples:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.total = 0

    def record(self, op: str, answer: Answer) -> None:
        with self.lock:
            self.ms[op].append(answer.ms)
            self.statuses[op][answer.status] += 1
            self.total += 1


def percentile(samples: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def make_bakeries(stack: Stack, count: int, samples: Samples, seed: int, parallel: int = 4) -> list[Bakery]:
    made: list[Bakery | None] = [None] * count
    errors: list[BaseException] = []

    def make(i: int) -> None:
        try:
            made[i] = Bakery(stack, f"Load Bakery {i + 1}", seed + i, samples.record)
        except BaseException as exc:  # reported below
            errors.append(exc)

    for start in range(0, count, parallel):
        threads = [threading.Thread(target=make, args=(i,)) for i in range(start, min(count, start + parallel))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    return [b for b in made if b is not None]


def run_load(bakeries: list[Bakery], seconds: float, max_requests: int, think: float, samples: Samples,
             stop: threading.Event | None = None) -> float:
    """Every bakery works until the time is up or the requests are spent; returns the seconds it took."""
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()
    started = time.monotonic()
    first = samples.total

    def work(bakery: Bakery) -> None:
        steps = bakery.steps()
        actions = [s for s, _ in steps]
        weights = [w for _, w in steps]
        while time.monotonic() < deadline and samples.total - first < max_requests and not stop.is_set():
            bakery.random.choices(actions, weights)[0]()
            time.sleep(bakery.random.expovariate(1 / think) if think > 0 else 0)

    threads = [threading.Thread(target=work, args=(b,), daemon=True) for b in bakeries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def print_figures(samples: Samples, elapsed: float, bakeries: int, skip: Iterable[str] = ()) -> None:
    ops = sorted(op for op in samples.ms if op not in set(skip))
    total = sum(len(samples.ms[op]) for op in ops)
    print(f"\n{bakeries} bakeries for {elapsed:.0f} s: {total} requests, {total / elapsed:.1f} per second")
    print(f"{'operation':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'4xx %':>8}{'errors %':>10}   "
          "statuses")
    all_ms: list[float] = []
    errors = 0
    for op in ops:
        got = samples.ms[op]
        statuses = samples.statuses[op]
        four = sum(n for s, n in statuses.items() if 400 <= s < 500)
        five = sum(n for s, n in statuses.items() if s >= 500)
        errors += five
        all_ms += got
        codes = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        print(f"{op:<22}{len(got):9d}{percentile(got, 50):9.1f}{percentile(got, 95):9.1f}{percentile(got, 99):9.1f}"
              f"{100 * four / len(got):8.1f}{100 * five / len(got):10.2f}   {codes}")
    if all_ms:
        print(f"{'all':<22}{len(all_ms):9d}{percentile(all_ms, 50):9.1f}{percentile(all_ms, 95):9.1f}"
              f"{percentile(all_ms, 99):9.1f}{'':8}{100 * errors / len(all_ms):10.2f}")
    print("(errors: 5xx answers and requests that got no answer; 4xx are expected refusals: short of stock, "
          "nothing understood, a proposal already decided)")


# -- the audit ----------------------------------------------------------------------------------------------------

def firestore_client(host: str) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    os.environ["FIRESTORE_EMULATOR_HOST"] = host
    return firestore.Client(project=PROJECT, credentials=AnonymousCredentials())


def read_stock(client: Any, tenant: str) -> dict[str, dict[str, Any]]:
    """The bakery's documents the audit reads, decoded: {collection: {id: record}}."""
    from adapters.document_codec import decode
    from adapters.firestore_repository import ENTITY_TYPES

    found: dict[str, dict[str, Any]] = {}
    for name in ("purchases", "lots", "depletions", "production_runs", "proposals"):
        rows: dict[str, Any] = {}
        for snap in client.collection("tenants").document(tenant).collection(name).stream():
            data = snap.to_dict()
            if data.pop("tenant_id", None) == tenant:
                rows[snap.id] = decode(ENTITY_TYPES[name], data)
        found[name] = rows
    return found


@dataclass
class Audit:
    checked: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def expect(self, ok: bool, what: str, problem: str) -> None:
        self.checked[what] += 1
        if not ok:
            self.problems.append(problem)


def audit_bakery(client: Any, bakery: Bakery, before: dict[str, dict[str, Any]], audit: Audit) -> None:
    """Every acknowledged write present exactly once; nothing written that was not asked for; lots add up."""
    now = read_stock(client, bakery.tenant)
    who = bakery.name
    new = {name: {k: v for k, v in rows.items() if k not in before[name]} for name, rows in now.items()}
    acked = [w for w in bakery.writes if w.status == 200]
    unknown = [w for w in bakery.writes if w.status != 200]

    def count(op: str) -> tuple[int, int]:
        return sum(1 for w in acked if w.op == op), sum(1 for w in unknown if w.op == op)

    proposals = new["proposals"]
    confirmed = {pid: p for pid, p in proposals.items() if p.status.value == "confirmed"}
    by_proposals = Counter(created.collection for p in confirmed.values() for effect in p.effects
                           for created in effect.created)
    # purchases: each acknowledged one (and its lot) there, once by key; no more than asked for
    keys = {w.key for w in acked if w.op == "add_purchase"}
    for write in acked:
        if write.op == "add_purchase":
            pid = write.ids["purchase_id"]
            audit.expect(pid in now["purchases"] and f"lot-{pid}" in now["lots"], "purchases",
                         f"{who}: acknowledged purchase {pid} (key {write.key}) is missing or has no lot")
        elif write.op == "record_production":
            audit.expect(write.ids["run_id"] in now["production_runs"], "production runs",
                         f"{who}: acknowledged production run {write.ids['run_id']} is missing")
        elif write.op == "record_loss":
            for depletion in write.ids["depletions"]:
                audit.expect(depletion in now["depletions"], "losses",
                             f"{who}: acknowledged loss {depletion} is missing")
        elif write.op == "propose_from_text":
            audit.expect(write.ids["id"] in now["proposals"], "proposals",
                         f"{who}: acknowledged proposal {write.ids['id']} is missing")
    acked_keys, unknown_keys = len(keys), len({w.key for w in unknown if w.op == "add_purchase"} - keys)
    direct = len(new["purchases"]) - by_proposals["purchases"]
    audit.expect(acked_keys <= direct <= acked_keys + unknown_keys, "purchases counted",
                 f"{who}: {direct} purchases written, {acked_keys} acknowledged (+{unknown_keys} unanswered)")
    runs, runs_unknown = len({w.key for w in acked if w.op == "record_production"}), \
        len({w.key for w in unknown if w.op == "record_production"})
    made = len(new["production_runs"]) - by_proposals["production_runs"]
    audit.expect(runs <= made <= runs + runs_unknown, "production runs counted",
                 f"{who}: {made} production runs written, {runs} acknowledged (+{runs_unknown} unanswered)")
    asked, unanswered = count("propose_from_text")
    audit.expect(asked <= len(proposals) <= asked + unanswered, "proposals counted",
                 f"{who}: {len(proposals)} proposals written, {asked} acknowledged (+{unanswered} unanswered)")
    for pid, state in bakery.last_decision.items():
        if pid in bakery.unknown_decisions or pid not in proposals:
            continue
        audit.expect(proposals[pid].status.value == state, "proposal states",
                     f"{who}: proposal {pid} is {proposals[pid].status.value}, last acknowledged {state}")
    losses = {d for w in acked if w.op == "record_loss" for d in w.ids["depletions"]}
    _, losses_unknown = count("record_loss")
    checks = len({w.key for w in acked if w.op == "set_inventory_level" and w.ids["changed"]})
    _, checks_unknown = count("set_inventory_level")
    lost = {k for k, d in new["depletions"].items() if d.reason != "inventory_check"}
    by_checks = [d for d in new["depletions"].values() if d.reason == "inventory_check"]
    by_confirmed_checks = by_proposals["depletions"]
    audit.expect(losses <= lost and (losses_unknown > 0 or lost == losses), "losses counted",
                 f"{who}: {len(lost)} loss depletions written, {len(losses)} acknowledged "
                 f"(+{losses_unknown} unanswered)")
    audit.expect(checks <= len(by_checks) <= checks + checks_unknown + by_confirmed_checks, "level checks counted",
                 f"{who}: {len(by_checks)} level checks written, {checks} acknowledged (+{checks_unknown} "
                 f"unanswered, {by_confirmed_checks} by proposals)")
    # every lot: stock before (or as bought) − drawn by runs − depleted = stock now
    drawn: dict[str, Decimal] = defaultdict(Decimal)
    for run in new["production_runs"].values():
        for draw in run.lot_draws:
            drawn[draw.lot_id] += draw.quantity
    depleted: dict[str, Decimal] = defaultdict(Decimal)
    for depletion in new["depletions"].values():
        depleted[depletion.lot_id] += depletion.quantity
    for lot_id, lot in now["lots"].items():
        start = before["lots"][lot_id].quantity if lot_id in before["lots"] else lot.initial_quantity
        if start is None:
            audit.expect(False, "lots", f"{who}: lot {lot_id} has no initial quantity")
            continue
        out, lost_here = drawn.get(lot_id, Decimal(0)), depleted.get(lot_id, Decimal(0))
        expected = start - out - lost_here
        audit.expect(abs(expected - lot.quantity) <= Decimal("1e-9"), "lots",
                     f"{who}: lot {lot_id}: {start} − {out} drawn − {lost_here} depleted = {expected}, "
                     f"but it holds {lot.quantity}")
    for lot_id in set(drawn) | set(depleted):
        audit.expect(lot_id in now["lots"], "lots drawn from exist", f"{who}: lot {lot_id} drawn from is gone")


def settle(bakeries: list[Bakery], tries: int = 10, wait: float = 1.0) -> int:
    """Send every write left unanswered again with its own key, as the app's outbox does; how many were."""
    resent = 0
    for bakery in bakeries:
        for n, write in enumerate(bakery.writes):
            if write.status == 200 or write.key is None:
                continue
            resent += 1
            for _ in range(tries):
                answer = bakery.call(write.op, write.body, write.key)
                if answer.status < 500:
                    break
                time.sleep(wait)
            bakery.writes[n] = Write(write.op, answer.status, write.key, written_ids(answer), write.body)
    return resent


def snapshot(client: Any, bakeries: list[Bakery]) -> dict[str, dict[str, dict[str, Any]]]:
    return {b.tenant: read_stock(client, b.tenant) for b in bakeries}


def audit_all(client: Any, bakeries: list[Bakery], before: dict[str, dict[str, dict[str, Any]]]) -> Audit:
    audit = Audit()
    for bakery in bakeries:
        audit_bakery(client, bakery, before[bakery.tenant], audit)
    return audit


def print_audit(audit: Audit, bakeries: list[Bakery]) -> None:
    writes = Counter(w.op for b in bakeries for w in b.writes if w.status == 200)
    unanswered = sum(1 for b in bakeries for w in b.writes if w.status != 200)
    print(f"\naudit (Firestore read directly): {sum(writes.values())} acknowledged writes "
          f"({', '.join(f'{op} {n}' for op, n in sorted(writes.items()))}); {unanswered} left unanswered")
    print("checked: " + ", ".join(f"{what} {n}" for what, n in sorted(audit.checked.items())))
    if audit.problems:
        print(f"AUDIT FAILED: {len(audit.problems)} problems")
        for problem in audit.problems[:30]:
            print("  " + problem)
    else:
        print("AUDIT PASSED: every acknowledged write present exactly once; every lot: before − drawn − depleted "
              "= now")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--bakeries", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a bakery waits between requests")
    parser.add_argument("--max-requests", type=int, default=20000, help="at most this many requests in all")
    parser.add_argument("--quick", action="store_true", help="20 s")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--api", help="attach to a running gateway (http://127.0.0.1:PORT) instead of starting one")
    parser.add_argument("--firestore", help="its Firestore emulator, host:port (with --api)")
    parser.add_argument("--auth", help="its Auth emulator, host:port (with --api)")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 20.0
    if args.api and not (args.firestore and args.auth):
        parser.error("--api needs --firestore and --auth")
    work = Path(tempfile.mkdtemp(prefix="baketracker-load-"))
    stack = Stack(args.api.rstrip("/"), args.firestore, args.auth) if args.api else start_stack(work)
    try:
        print(f"stack: {stack.api} (Firestore {stack.firestore}, Auth {stack.auth}); load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        samples = Samples()
        started = time.monotonic()
        bakeries = make_bakeries(stack, args.bakeries, samples, args.seed)
        print(f"{len(bakeries)} bakeries signed up, created and imported in {time.monotonic() - started:.0f} s",
              flush=True)
        client = firestore_client(stack.firestore)
        before = snapshot(client, bakeries)
        samples = Samples()  # the load only, not the setting up
        for bakery in bakeries:
            bakery.record = samples.record
        elapsed = run_load(bakeries, args.seconds, args.max_requests, args.think, samples)
        print_figures(samples, elapsed, len(bakeries))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        resent = settle(bakeries)
        if resent:
            print(f"{resent} writes left unanswered were sent again with their keys")
        audit = audit_all(client, bakeries, before)
        print_audit(audit, bakeries)
        return 1 if audit.problems else 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
