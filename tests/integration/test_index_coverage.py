"""Every Firestore query the code makes is served by an index: automatic single-field ones, or one declared
in firestore.indexes.json (which firebase.json names and scripts/deploy.py deploys).

The emulator does not enforce indexes (and takes no index file: see the last test), so the queries are
found twice: statically (every `.where(`, `.order_by(`, `.collection_group(` in the code, by function), and
by running each of those functions on the emulator with the client's query execution recorded. Each
recorded query is then checked against what Firestore would need. A new query fails the first test until
it is run here and, when it needs one, its index is declared.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
import subprocess
import traceback
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("adapters", "functions", "mcp_service", "core", "cli", "scripts")
QUERY_CALLS = {"where", "order_by", "collection_group", "limit_to_last", "start_at", "start_after", "end_at",
               "end_before"}
# (file, function) of every query the code makes: each is run by test_every_query_is_served_by_an_index
QUERIES = {
    ("adapters/firestore_repository.py", "_current_live"),  # a bakery's live lots: live == true
    ("adapters/firestore_repository.py", "purchases_page"),  # a page of purchases, newest first (product_id ==)
    ("adapters/purchase_summaries.py", "_purchases_of"),  # one product's purchases: product_id ==
    ("adapters/firestore_repository.py", "newest_lot"),  # a product's newest lot (product_id ==, newest first)
    ("adapters/firestore_repository.py", "find"),  # what refers to one record (core.repository.REFERENCE_FIELDS)
    ("adapters/firestore_repository.py", "newest_proposals"),  # list_proposals: newest first (status ==)
    ("functions/shared/firestore_backend.py", "push_tokens"),  # a bakery's push tokens of one user: uid ==
    ("functions/shared/firestore_backend.py", "push_tenants"),  # every bakery with push tokens (group, no filter)
    ("functions/shared/activity.py", "_records"),  # a day's activity records of one bakery, or of none (day ==)
}


def query_sites() -> set[tuple[str, str]]:
    """Each function in the code that builds a Firestore query (a call of where/order_by/collection_group...)."""
    found: set[tuple[str, str]] = set()
    for package in SCANNED:
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                            and node.func.attr in QUERY_CALLS and _firestore_like(node)):
                        found.add((str(path.relative_to(REPO)), function.name))
    return found


def _firestore_like(call: ast.Call) -> bool:
    """A Firestore query call, not another `where` (core's proposal arguments have one): it takes `filter=`, a
    field path and direction, or a collection id."""
    name = call.func.attr  # type: ignore[attr-defined]
    if name == "where":
        return any(k.arg == "filter" for k in call.keywords) or len(call.args) == 3
    return True


def test_every_query_in_the_code_is_one_this_file_runs() -> None:
    assert query_sites() == QUERIES


# What Firestore needs for a query: (collection id, query scope, equality fields, then range / order fields).
Need = tuple[str, str, tuple[str, ...], tuple[str, ...]]


def need_of(structured: Any) -> Need | None:
    """What a structured query filters and orders on (None: nothing, a whole collection in its built-in order)."""
    source = structured.from_[0]
    scope = "COLLECTION_GROUP" if source.all_descendants else "COLLECTION"
    equality: list[str] = []
    ranges: list[str] = []
    filters = [structured.where] if structured._pb.HasField("where") else []
    while filters:
        f = filters.pop()
        if f._pb.HasField("composite_filter"):
            filters.extend(f.composite_filter.filters)
        elif f._pb.HasField("field_filter"):
            op = f.field_filter.op.name
            (equality if op in ("EQUAL", "ARRAY_CONTAINS") else ranges).append(f.field_filter.field.field_path)
        elif f._pb.HasField("unary_filter"):
            equality.append(f.unary_filter.field.field_path)
    for order in structured.order_by:
        if order.field.field_path not in ranges and order.field.field_path != "__name__":
            ranges.append(order.field.field_path)
    if not equality and not ranges:
        return None
    return source.collection_id, scope, tuple(sorted(set(equality))), tuple(ranges)


def declared() -> dict[str, Any]:
    config = json.loads((REPO / "firebase.json").read_text())
    return json.loads((REPO / config["firestore"]["indexes"]).read_text())


def single_field(collection: str, field: str, scope: str, indexes: dict[str, Any]) -> bool:
    """Whether a field has a single-field index in that scope: automatic ones are collection-scoped, unless a
    field override replaces them (an override with no indexes exempts the field)."""
    override = next((o for o in indexes.get("fieldOverrides", [])
                     if o["collectionGroup"] == collection and o["fieldPath"] == field), None)
    if override is None:
        return scope == "COLLECTION"
    return any(i.get("queryScope") == scope and "order" in i for i in override.get("indexes", []))


def served(need: Need, indexes: dict[str, Any]) -> bool:
    """Served by single-field indexes (one field; or equalities only, merged, in a collection) or by a
    declared composite index (equality fields first in any order, then the range / order fields)."""
    collection, scope, equality, ranges = need
    fields = [*equality, *ranges]
    if len(fields) == 1 or (not ranges and scope == "COLLECTION"):
        return all(single_field(collection, f, scope, indexes) for f in fields)
    for index in indexes.get("indexes", []):
        paths = [f["fieldPath"] for f in index["fields"]]
        if (index["collectionGroup"] == collection and index.get("queryScope", "COLLECTION") == scope
                and set(paths[:len(equality)]) == set(equality) and paths[len(equality):] == list(ranges)):
            return True
    return False


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[tuple[str, str], Any]]]:
    """Every query the client runs, with the function of this repository that ran it."""
    from google.cloud.firestore_v1.query import Query

    runs: list[tuple[tuple[str, str], Any]] = []
    original = Query.stream

    def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
        frames = [f for f in traceback.extract_stack()[:-1]
                  if f.filename.startswith(str(REPO)) and "/tests/" not in f.filename and "/.venv/" not in f.filename]
        site = (str(Path(frames[-1].filename).relative_to(REPO)), frames[-1].name) if frames else ("?", "?")
        runs.append((site, self._to_protobuf()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Query, "stream", stream)
    yield runs


@pytest.mark.emulator
def test_every_query_is_served_by_an_index(firestore: Any, recorded: list[tuple[tuple[str, str], Any]]) -> None:
    from adapters.collection_cache import TenantCache
    from adapters.firestore_repository import FirestoreUnitOfWork
    from core.activity.record import ActivityRecord
    from core.notifications import PushToken
    from core.stock.lots import Lot, Purchase
    from functions.shared.activity import FirestoreActivityStore
    from functions.shared.firestore_backend import FirestoreBackend

    uow = FirestoreUnitOfWork(firestore, "alpha")
    uow.lots.put(Lot("l1", "p", "flour", Decimal(1), "LBR", Decimal(1), dt.date(2026, 1, 1)))
    uow.commit()
    FirestoreUnitOfWork(firestore, "alpha", read_only=True, cache=TenantCache()).live_lots()  # marks the bakery
    FirestoreUnitOfWork(firestore, "alpha", read_only=True, cache=TenantCache()).live_lots()  # the query
    uow = FirestoreUnitOfWork(firestore, "alpha")
    uow.purchases.put(Purchase("pu-1", "p", None, dt.date(2026, 1, 1), Decimal(1), Decimal(1)))
    uow.commit()  # no summary and no backfill yet: the product's purchases are queried to sum them up
    pages = FirestoreUnitOfWork(firestore, "alpha", read_only=True)
    assert [p.id for p in pages.purchases_page(5).purchases] == ["pu-1"]  # every purchase, newest first
    assert [p.id for p in pages.purchases_page(5, product_id="p").purchases] == ["pu-1"]  # one product's
    assert [lot.id for lot in [pages.newest_lot("p")] if lot is not None] == ["l1"]
    from core.repository import REFERENCE_FIELDS

    for collection, field in sorted(REFERENCE_FIELDS):  # every query a reference check makes
        pages.find(collection, field, "p")
    assert pages.newest_proposals(5) == [] and pages.newest_proposals(5, "confirmed") == []
    backend = FirestoreBackend(firestore)
    backend.save_push_token("alpha", PushToken("uid-1", "token-1", "en"))
    assert [t.uid for t in backend.push_tokens("alpha", "uid-1")] == ["uid-1"]
    assert backend.push_tenants() == ["alpha"]
    activity = FirestoreActivityStore(firestore)
    at = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    activity.write([ActivityRecord(at=at, operation="plan_event", entry="http", status=200, latency_ms=3.0,
                                   tenant_id="alpha", user="uid-1")])
    activity.write([ActivityRecord(at=at, operation="health", entry="http", status=200, latency_ms=1.0)])
    assert len(activity.bakery_records("alpha", "2026-11-20")) == 1
    assert len(activity.unowned_records("2026-11-20")) == 1

    ran = {site for site, _ in recorded}
    assert ran >= QUERIES, f"not run here: {sorted(QUERIES - ran)}"
    indexes = declared()
    needs = {site: need_of(query) for site, query in recorded if site in QUERIES}
    unserved = {site: need for site, need in needs.items() if need is not None and not served(need, indexes)}
    assert unserved == {}
    assert {need_of(q) for site, q in recorded if site == ("functions/shared/activity.py", "_records")} == {
        ("activity", "COLLECTION", ("day",), ())}
    assert needs[("adapters/firestore_repository.py", "_current_live")] == ("lots", "COLLECTION", ("live",), ())
    assert needs[("adapters/purchase_summaries.py", "_purchases_of")] == \
        ("purchases", "COLLECTION", ("product_id",), ())
    assert needs[("functions/shared/firestore_backend.py", "push_tenants")] is None  # a whole group, no filter
    found = [need_of(q) for site, q in recorded if site == ("adapters/firestore_repository.py", "find")]
    assert len(found) == len(REFERENCE_FIELDS) and all(need is None or served(need, indexes) for need in found)
    assert needs[("adapters/firestore_repository.py", "newest_lot")] == \
        ("lots", "COLLECTION", ("product_id",), ("purchased_on", "id"))
    assert {need_of(q) for site, q in recorded if site == ("adapters/firestore_repository.py", "newest_proposals")} \
        == {("proposals", "COLLECTION", (), ("created_at", "id")),
            ("proposals", "COLLECTION", ("status",), ("created_at", "id"))}
    assert {need_of(q) for site, q in recorded if site == ("adapters/firestore_repository.py", "purchases_page")} == {
        ("purchases", "COLLECTION", (), ("purchased_on", "id")),
        ("purchases", "COLLECTION", ("product_id",), ("purchased_on", "id"))}


def test_the_index_rules_tell_automatic_from_declared() -> None:
    """The checker itself: what needs a declared index and what does not."""
    from google.cloud.firestore_v1 import Query
    from google.cloud.firestore_v1.base_query import FieldFilter
    from google.cloud.firestore_v1.client import Client

    client = Client(project="demo-baketracker", credentials=_anonymous())
    lots = client.collection("tenants").document("t").collection("lots")
    indexes = declared()
    live = need_of(lots.where(filter=FieldFilter("live", "==", True))._to_protobuf())
    assert live == ("lots", "COLLECTION", ("live",), ()) and served(live, indexes)
    two = need_of(lots.where(filter=FieldFilter("live", "==", True)).where(
        filter=FieldFilter("ingredient_slug", "==", "flour"))._to_protobuf())
    assert two == ("lots", "COLLECTION", ("ingredient_slug", "live"), ())
    assert not served(two, indexes)  # ingredient_slug is exempted from indexing (lots are never queried by it)
    assert served(two, {"fieldOverrides": []})  # without the exemption: two automatic indexes, merged
    both = lots.where(filter=FieldFilter("live", "==", True)).order_by("purchased_on", direction=Query.DESCENDING)
    assert need_of(both._to_protobuf()) == ("lots", "COLLECTION", ("live",), ("purchased_on",))
    assert not served(("lots", "COLLECTION", ("live",), ("purchased_on",)), {"fieldOverrides": []})
    composite = {"indexes": [{"collectionGroup": "lots", "queryScope": "COLLECTION", "fields": [
        {"fieldPath": "live", "order": "ASCENDING"}, {"fieldPath": "purchased_on", "order": "DESCENDING"}]}]}
    assert served(("lots", "COLLECTION", ("live",), ("purchased_on",)), composite)
    group = client.collection_group("activity").where(filter=FieldFilter("day", "==", "2026-11-20"))
    assert need_of(group._to_protobuf()) == ("activity", "COLLECTION_GROUP", ("day",), ())
    assert served(("activity", "COLLECTION_GROUP", ("day",), ()), indexes)
    assert not served(("activity", "COLLECTION_GROUP", ("day",), ()), {"fieldOverrides": []})
    assert need_of(client.collection_group("push_tokens")._to_protobuf()) is None


def test_exempted_fields_are_fields_the_documents_have() -> None:
    """Exemptions name real fields (a renamed field would be indexed again silently) and never `live`."""
    import dataclasses

    from adapters.firestore_repository import ENTITY_TYPES

    for override in declared()["fieldOverrides"]:
        cls = ENTITY_TYPES.get(override["collectionGroup"])
        if cls is not None:
            assert override["fieldPath"] in {f.name for f in dataclasses.fields(cls)} | {"tenant_id"}, override
    assert not any(o["collectionGroup"] == "lots" and o["fieldPath"] == "live" for o in declared()["fieldOverrides"])


def _anonymous() -> Any:
    from google.auth.credentials import AnonymousCredentials

    return AnonymousCredentials()


def test_the_emulator_takes_no_index_file() -> None:
    """The gcloud Firestore emulator neither enforces indexes nor accepts a file of them (its options are
    listed here); if a later version does, the tests' emulator should be given firestore.indexes.json."""
    from devstack.firestore import emulator_command

    command = emulator_command(1, None)
    if command[0] != "java" or shutil.which("java") is None:
        pytest.skip("the emulator's jar is not installed here")
    usage = subprocess.run([*command[:5], "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "--rules" in usage and "index" not in usage.lower()
