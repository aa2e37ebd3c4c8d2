"""The rate-limit counters on the Firestore emulator: one document per (who, what, window), counting every try,
server-only (a member's token cannot read it)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from core.limits import JOIN_BY_ACCOUNT, counter_key
from functions.shared.firestore_backend import FirestoreBackend


def test_each_try_is_counted_in_its_own_window(firestore: Any) -> None:
    backend = FirestoreBackend(firestore)
    now = time.time()
    key = counter_key(JOIN_BY_ACCOUNT, "uid-mallory", now)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert [backend.count_try(key, later) for _ in range(4)] == [1, 2, 3, 4]
    other = counter_key(JOIN_BY_ACCOUNT, "uid-mallory", now + JOIN_BY_ACCOUNT.window_s)
    assert backend.count_try(other, later) == 1  # the next window starts again
    stored = firestore.collection("rate_limits").document(key).get().to_dict()
    assert stored["count"] == 4 and stored["expires_at"] is not None  # for a TTL policy on expires_at


def test_charges_are_spent_all_at_once_or_not_at_all(firestore: Any) -> None:
    backend = FirestoreBackend(firestore)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    bakery, account = ("ai.bakery.day", 3, later), ("ai.account.hour", 2, later)
    assert backend.spend_counters([(bakery[0], 1, 3, later), (account[0], 1, 2, later)]) == (True, [0, 0])
    assert backend.spend_counters([(bakery[0], 1, 3, later), (account[0], 1, 2, later)]) == (True, [1, 1])
    # the account's hour is used up: the bakery's counter is not moved either
    assert backend.spend_counters([(bakery[0], 1, 3, later), (account[0], 1, 2, later)]) == (False, [2, 2])
    assert backend.counter_values([bakery[0], account[0], "never.written"]) == [2, 2, 0]
    assert backend.spend_counters([(bakery[0], 1, 3, later)]) == (True, [2])  # alone it still fits


def test_saves_at_once_on_one_counter_all_succeed_and_pass_the_limit_by_at_most_their_number(firestore: Any) -> None:
    """No transaction, so no lock to wait on: calls at the same instant may pass the limit by at most as many."""
    import threading

    backend = FirestoreBackend(firestore)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    threads, each, allowed = 4, 10, 25
    answers: list[bool] = []
    failures: list[Exception] = []

    def flush() -> None:
        for _ in range(each):
            try:
                answers.append(backend.spend_counters([("writes.outbox", 1, allowed, later)])[0])
            except Exception as exc:  # counted: none may fail
                failures.append(exc)

    workers = [threading.Thread(target=flush) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    counted = backend.counter_values(["writes.outbox"])[0]
    assert failures == [] and len(answers) == threads * each
    assert counted == answers.count(True) and allowed <= counted <= allowed + threads - 1


def test_a_burst_of_invitations_on_the_emulator_is_stopped_with_nothing_written(firestore: Any, gateway: Any) -> None:
    """End to end on Firestore: invite_member past the bakery's day → 429 with Retry-After, no invitation saved."""
    from core.limits import INVITATIONS_BY_BAKERY
    from core.tenancy import Member, Role, Tenant
    from functions import main
    from tests.functions.conftest import call, unsigned_token

    now = dt.datetime.now(dt.UTC)
    gateway.create_tenant(Tenant("burst-bakery", "Burst", "olga", now), Member("olga", Role.OWNER, None, now))
    owner = {"uid": "olga", "tenant_id": "burst-bakery", "role": "owner"}
    started = time.perf_counter()
    answers = [call(main.invite_member, {"role": "viewer"}, claims=owner)[0]
               for _ in range(INVITATIONS_BY_BAKERY.allowed)]
    burst_s = time.perf_counter() - started
    assert answers == [200] * INVITATIONS_BY_BAKERY.allowed
    invitations = firestore.collection("tenants").document("burst-bakery").collection("invitations")
    saved = {d.id for d in invitations.stream()}
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    request = Request(EnvironBuilder(method="POST", json={"role": "baker"},
                                     headers={"Authorization": f"Bearer {unsigned_token(owner)}"}).get_environ())
    text, status, headers = main.invite_member(request)
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 86_400, text
    assert "today's 50 invitations for this bakery" in text
    assert {d.id for d in invitations.stream()} == saved and len(saved) == INVITATIONS_BY_BAKERY.allowed
    print(f"\n{INVITATIONS_BY_BAKERY.allowed} invitations on the emulator in {burst_s:.2f} s "
          f"({burst_s / INVITATIONS_BY_BAKERY.allowed * 1000:.0f} ms each, the limit's read and write included)")
