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
