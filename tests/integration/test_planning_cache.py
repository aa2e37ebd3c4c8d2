"""Planning inputs are cached per instance only while the bakery's data version is unchanged."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from adapters.firestore_repository import FirestoreUnitOfWork
from core.desktop_format.desktop_import import import_desktop
from core.planning.event_plan import plan_event
from core.repository import COLLECTION_NAMES
from functions.shared.firestore_backend import FirestoreBackend
from tests.conftest import load_fixture

pytestmark = pytest.mark.emulator


def _write(client: Any, data: dict[str, Any]) -> None:
    uow = FirestoreUnitOfWork(client, "alpha")
    bakery = import_desktop(data).bakery
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    uow.commit()


def test_a_write_through_another_instance_is_seen_by_the_next_plan(firestore: Any) -> None:
    data = load_fixture("desktop-plans/winter_events.json")
    _write(firestore, data)
    this_instance = FirestoreBackend(firestore)
    first = this_instance.planning_bakery("alpha")
    assert this_instance.planning_bakery("alpha") is first  # unchanged data: served from the cache
    more = copy.deepcopy(data)
    next(row for row in more["event_finished_goods"] if row["finished_good_name"] == "Cookie Tin")["quantity"] = 150
    _write(firestore, more)  # as another function instance would
    again = this_instance.planning_bakery("alpha")
    assert again is not first
    tin = next(u for u in plan_event(again, "winter-market-2026").finished_units if u.slug == "almond-sable")
    assert tin.needed == 900
