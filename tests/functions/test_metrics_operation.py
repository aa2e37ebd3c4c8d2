"""Activity recording through the functions, aggregate_activity, and get_metrics: who may read what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from core.activity.record import ActivityRecord
from core.metrics.sample_history import generate
from core.tenancy import Member, Role, Tenant
from functions import gateway, main, metrics
from functions.shared import activity
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call

SCHEDULER = {"X-CloudScheduler": "true"}


def aggregate(**args: str) -> tuple[int, Any]:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    request = Request(EnvironBuilder(method="POST", headers=SCHEDULER, query_string=query).get_environ())
    text, status, _ = gateway.TASK_HANDLERS["aggregate_activity"](request)
    return status, json.loads(text)


@pytest.fixture
def people(backend: MemoryBackend) -> dict[str, dict[str, Any]]:
    a = call(main.create_tenant, {"name": "A"}, claims={"uid": "alice", "email": "alice@a.test"})[1]["tenant_id"]
    alice = {"uid": "alice", "tenant_id": a, "role": "owner", "email": "alice@a.test"}
    assert call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=alice)[0] == 200
    found = {"alice": alice}
    for uid, role in (("vic", "viewer"), ("rob", "baker")):
        code = call(main.invite_member, {"role": role}, claims=alice)[1]["code"]
        assert call(main.join_tenant, {"code": code}, claims={"uid": uid})[0] == 200
        found[uid] = {"uid": uid, "tenant_id": a, "role": role}
    b = call(main.create_tenant, {"name": "B"}, claims={"uid": "bob"})[1]["tenant_id"]
    found["bob"] = {"uid": "bob", "tenant_id": b, "role": "owner"}
    found["root"] = {"uid": "root", "admin": True}  # the platform admin: no bakery of their own
    return found


def records_of(backend: MemoryBackend) -> list[ActivityRecord]:
    activity.RECORDER.flush()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    return list(store.records)


def test_every_call_leaves_a_record_with_its_source_and_no_content(backend: MemoryBackend,
                                                                    people: dict[str, Any]) -> None:
    alice = people["alice"]
    product = next(iter(backend.stores[alice["tenant_id"]].bakery.products))
    purchase = {"product_id": product, "packages": 1, "unit_price": 5, "purchased_on": "2026-11-01"}
    assert call(main.add_purchase, purchase, claims=alice, headers={"X-BakeTracker-Source": "barcode"})[0] == 200
    assert call(main.add_purchase, purchase, claims=alice)[0] == 200
    said = call(main.propose_from_text, {"text": "I bought a 5 lb bag of flour at Costco for $4", "source": "voice"},
                claims=alice)[1]
    call(main.edit_proposal, {"proposal_id": said["proposal_id"], "changes": [{"index": 0, "args":
                                                                                {"product_id": product}}]},
         claims=alice)
    assert call(main.confirm_proposal, {"proposal_id": said["proposal_id"]}, claims=alice)[0] == 200
    assert call(main.plan_event, {"event": "no-such-event"}, claims=alice)[0] == 404
    records = records_of(backend)
    mine = [r for r in records if r.tenant_id == alice["tenant_id"]]
    purchases = [(r.operation, r.source, r.purchases) for r in mine if r.purchases]
    assert ("add_purchase", "barcode", 1) in purchases and ("add_purchase", "manual", 1) in purchases
    assert ("confirm_proposal", "voice", 1) in purchases
    confirmed = next(r for r in mine if r.operation == "confirm_proposal")
    assert (confirmed.proposal_source, confirmed.proposal_outcome) == ("voice", "edited")
    proposed = next(r for r in mine if r.operation == "propose_from_text")
    assert (proposed.proposal_source, proposed.proposal_outcome, proposed.purchases) == ("voice", "proposed", 0)
    refused = next(r for r in mine if r.operation == "plan_event")
    assert (refused.status, refused.error_code, refused.outcome) == (404, "not_found", "client_error")
    imported = next(r for r in mine if r.operation == "import_desktop")
    assert imported.source == "import" and imported.purchases >= 0
    joined = [r for r in mine if r.operation in ("create_tenant", "join_tenant")]
    assert len(joined) == 3 and all(r.signed_up for r in joined)
    text = repr([r.to_dict() for r in records])
    for content in ("flour", "Costco", "alice@a.test", "'alice'", "winter"):
        assert content not in text, content


def test_aggregation_makes_day_documents_and_running_it_again_changes_nothing(
        backend: MemoryBackend, people: dict[str, Any]) -> None:
    alice = people["alice"]
    call(main.get_bakery, None, claims=alice, method="GET")
    today = records_of(backend)[-1].day
    status, answer = aggregate(date=today)
    assert status == 200 and answer["days"][0]["bakeries"] == 2
    store = activity.store_for(backend)
    first = store.bakery_days(alice["tenant_id"], [today])[today].to_dict()
    platform = store.platform_days([today])[0][today].to_dict()
    assert aggregate(date=today)[0] == 200
    assert store.bakery_days(alice["tenant_id"], [today])[today].to_dict() == first
    again = store.platform_days([today])[0][today].to_dict()
    # the same figures: only the first aggregation's own call (a task, in no bakery) was added meanwhile
    assert again["operations"].pop("aggregate_activity")["calls"] == 1
    assert {k: v for k, v in again.items() if k != "calls"} == \
        {k: v for k, v in platform.items() if k != "calls"}
    assert len(first["users"]) == 3  # alice, vic and rob joined today
    assert first["operations"]["get_bakery"]["calls"] == 1
    assert alice["tenant_id"] not in json.dumps(platform)


def test_aggregate_activity_is_for_the_scheduler_only_and_checks_its_arguments(backend: MemoryBackend) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    request = Request(EnvironBuilder(method="POST").get_environ())
    assert gateway.TASK_HANDLERS["aggregate_activity"](request)[1] == 403
    status, answer = aggregate(date="yesterday")
    assert status == 400 and answer["error"]["field"] == "date"
    status, answer = aggregate(days="0")
    assert status == 400 and answer["error"]["field"] == "days"


def test_an_owner_reads_their_own_bakery_and_nobody_else_may(backend: MemoryBackend,
                                                              people: dict[str, Any]) -> None:
    alice, bob = people["alice"], people["bob"]
    for _ in range(3):
        call(main.get_bakery, None, claims=alice, method="GET")
    aggregate(date=records_of(backend)[-1].day)
    status, mine = call(main.get_metrics, {}, claims=alice)
    assert status == 200 and mine["scope"] == "bakery" and mine["bakeries"] == 1
    assert sum(d["calls"] for d in mine["daily"]) > 3 and len(mine["weekly"]) == 8
    status, theirs = call(main.get_metrics, {"scope": "bakery"}, claims=bob)
    assert status == 200  # bob's own bakery: none of alice's calls
    assert sum(d["calls"] for d in theirs["daily"]) == 1  # bob's create_tenant
    for who in ("vic", "rob"):  # a viewer, a baker
        status, answer = call(main.get_metrics, {}, claims=people[who])
        assert status == 403 and answer["error"]["code"] == "forbidden", (who, answer)
    # an owner cannot reach another bakery by naming it: the body has no bakery, and forged claims are refused
    status, answer = call(main.get_metrics, {"scope": "bakery", "tenant_id": bob["tenant_id"]}, claims=alice)
    assert status == 400 and answer["error"]["field"] == "tenant_id"
    status, answer = call(main.get_metrics, {}, claims=bob | {"tenant_id": alice["tenant_id"]})
    assert status == 403 and answer["error"]["code"] == "not_a_member"


def test_the_platform_aggregate_is_for_the_admin_only_and_names_no_bakery(backend: MemoryBackend,
                                                                           people: dict[str, Any]) -> None:
    aggregate(date=records_of(backend)[-1].day)
    for who in ("alice", "bob", "vic"):
        status, answer = call(main.get_metrics, {"scope": "platform"}, claims=people[who])
        assert status == 403 and answer["error"]["field"] == "scope", who
    status, answer = call(main.get_metrics, {"scope": "platform"}, claims=people["alice"] | {"admin": "true"})
    assert status == 403  # only the boolean claim counts
    status, answer = call(main.get_metrics, {"scope": "platform", "weeks": 2}, claims=people["root"])
    assert status == 200 and answer["scope"] == "platform" and answer["bakeries"] == 2
    text = json.dumps(answer)
    for tenant in (people["alice"]["tenant_id"], people["bob"]["tenant_id"], "alice", "bob"):
        assert tenant not in text
    status, answer = call(main.get_metrics, {}, claims=people["root"])  # bakery scope: the admin has none
    assert status == 403 and answer["error"]["code"] == "no_tenant"


@pytest.mark.parametrize("body, field", [({"weeks": 0}, "weeks"), ({"weeks": 27}, "weeks"),
                                         ({"scope": "everyone"}, "scope"), ({"weeks": "8"}, "weeks")])
def test_bad_bodies_are_refused_naming_the_field(backend: MemoryBackend, people: dict[str, Any],
                                                  body: dict[str, Any], field: str) -> None:
    status, answer = call(main.get_metrics, body, claims=people["alice"])
    assert status == 400 and answer["error"]["field"] == field, answer


def test_the_sample_history_through_the_operation(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    history = generate(dt.date(2026, 10, 5))
    tenant = history.tenants[0]
    backend.create_tenant(Tenant(tenant, "Sample", "owner-1", dt.datetime(2026, 10, 5, tzinfo=dt.UTC)),
                          Member("owner-1", Role.OWNER, None, dt.datetime(2026, 10, 5, tzinfo=dt.UTC)))
    store = activity.store_for(backend)
    store.write(history.records)
    monkeypatch.setattr(metrics, "today", lambda: history.end)
    status, answer = aggregate(days="56")
    assert status == 200 and answer["records"] == len(history.records)
    owner = {"uid": "owner-1", "tenant_id": tenant, "role": "owner"}
    status, mine = call(main.get_metrics, {"weeks": 8}, claims=owner)
    assert status == 200 and (mine["from"], mine["to"]) == ("2026-10-05", "2026-11-29")
    expected = history.bakeries[tenant]
    assert mine["ai_share"]["by_source"] == expected.purchases
    assert [r["weeks"] for r in mine["retention"]] == list(expected.retention().values())
    status, platform = call(main.get_metrics, {"scope": "platform"}, claims={"uid": "root", "admin": True})
    assert status == 200 and platform["bakeries"] == 4
    assert platform["ai_share"]["share"] == round(84 / 133, 4)
    assert [c["size"] for c in platform["retention"]] == [12, 8, 4, 8]


def test_recording_never_fails_an_operation(backend: MemoryBackend, people: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenStore(activity.MemoryActivityStore):
        def write(self, records: list[ActivityRecord]) -> None:
            raise RuntimeError("the activity store is down")

    dropped = activity.RECORDER.dropped
    activity.RECORDER.use(BrokenStore())
    try:
        status, answer = call(main.get_bakery, None, claims=people["alice"], method="GET")
        activity.RECORDER.flush()
    finally:
        activity.RECORDER.use(None)
    assert status == 200 and answer["name"] == "A"
    assert activity.RECORDER.dropped == dropped + 1

    def broken(**_: Any) -> ActivityRecord:
        raise ValueError("a record that cannot be made")

    monkeypatch.setattr(activity, "record_of", broken)
    status, answer = call(main.get_bakery, None, claims=people["alice"], method="GET")
    assert status == 200 and answer["name"] == "A"


def test_the_cli_on_a_stack_is_recorded_as_the_cli(backend: MemoryBackend, people: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from werkzeug.serving import make_server

    from cli.main import main as cli
    from tests.functions.conftest import unsigned_token

    monkeypatch.setenv("BAKETRACKER_ID_TOKEN", unsigned_token(people["alice"]))
    server = make_server("127.0.0.1", 0, gateway.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert cli(["plan", "--api", f"http://127.0.0.1:{server.server_port}", "--event", "Winter Market 2026",
                    "--json"]) == 0
    finally:
        server.shutdown()
    planned = [r for r in records_of(backend) if r.operation == "plan_event"]
    assert [(r.client, r.status, r.tenant_id) for r in planned] == [("cli", 200, people["alice"]["tenant_id"])]


def test_aggregation_folds_each_bakery_from_its_own_records_and_the_platform_from_their_days(
        backend: MemoryBackend, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob = people["alice"], people["bob"]
    call(main.get_bakery, None, claims=alice, method="GET")
    call(main.get_bakery, None, claims={"uid": "nobody"}, method="GET")  # refused: in no bakery
    today = records_of(backend)[-1].day
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    assert store.bakeries_of_day(today) == sorted([alice["tenant_id"], bob["tenant_id"]])  # the writer's markers
    asked: list[str] = []
    monkeypatch.setattr(store, "bakery_records", lambda t, d, read=store.bakery_records: asked.append(t) or read(t, d))
    status, answer = aggregate(date=today)
    assert status == 200 and answer["days"][0]["bakeries"] == 2 and sorted(asked) == store.bakeries_of_day(today)
    main_document = store.platform[today]
    assert "users" not in main_document and main_document["active_users"] == 4  # alice, vic, rob, bob
    assert main_document["active_bakeries"] == 2 and main_document["shards"]
    shards = [store.shards[(today, s)] for s in main_document["shards"]]
    assert sum(len(s["users"]) for s in shards) == 4 and sum(len(s["bakeries"]) for s in shards) == 2
    # the platform's figures come from the bakeries' day documents: a day document changed by hand shows
    alice_day = store.bakery[(alice["tenant_id"], today)]
    alice_day["operations"]["get_bakery"]["calls"] += 5
    parted = activity.split(activity.fold_platform(today, store.bakery_day_documents(today, store.bakeries_of_day(
        today)), store.unowned_records(today)))
    assert parted.main_document()["operations"]["get_bakery"]["calls"] == \
        main_document["operations"]["get_bakery"]["calls"] + 5
    aggregate(date=today)  # and folded again, afresh from the records
    assert store.bakery[(alice["tenant_id"], today)]["operations"]["get_bakery"]["calls"] == 1
    status, platform = call(main.get_metrics, {"scope": "platform", "weeks": 1}, claims=people["root"])
    assert status == 200 and platform["daily"][-1]["active_users"] == 4 and platform["bakeries"] == 2


def test_a_platform_day_folded_before_the_split_is_kept_and_still_counted(backend: MemoryBackend,
                                                                        people: dict[str, Any]) -> None:
    from core.activity.daily import DailyAggregate

    today = metrics.today()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    legacy = DailyAggregate(yesterday, users={"u1", "u2", "u3"}, bakeries={"b1"}, signups={"u1"})
    store.platform[yesterday] = legacy.to_dict()  # one document with its id sets, no markers that day
    status, answer = aggregate(date=yesterday)
    assert status == 200 and answer["days"][0]["kept"] and store.platform[yesterday] == legacy.to_dict()
    aggregate(date=today.isoformat())
    status, platform = call(main.get_metrics, {"scope": "platform", "weeks": 2}, claims=people["root"])
    by_day = {d["date"]: d for d in platform["daily"]}
    assert by_day[yesterday]["active_users"] == 3 and by_day[yesterday]["active_bakeries"] == 1
    assert by_day[today.isoformat()]["active_users"] == 4
    assert status == 200 and platform["bakeries"] == 3


def test_with_a_fold_url_each_chunk_of_bakeries_is_a_cloud_task(backend: MemoryBackend, people: dict[str, Any],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions.shared.operation import RUNTIME
    from tests.functions.test_receipt_pipeline import RecordingQueue

    def deliver(payload: Any, queue_header: str | None = "receipt-extraction") -> tuple[int, Any]:
        headers = {"X-CloudTasks-QueueName": queue_header} if queue_header else {}
        request = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                         headers=headers).get_environ())
        text, status, _ = gateway.TASK_HANDLERS["fold_activity_chunk"](request)
        return status, json.loads(text)

    queue = RecordingQueue()
    monkeypatch.setattr(RUNTIME, "tasks", queue)
    monkeypatch.setattr(activity, "CHUNK", 1)  # one bakery a chunk: two chunks today
    monkeypatch.setenv("BAKETRACKER_FOLD_URL", "https://fold.example/fold_activity_chunk")
    alice, bob = people["alice"], people["bob"]
    call(main.get_bakery, None, claims=alice, method="GET")
    today = records_of(backend)[-1].day
    status, answer = aggregate(date=today)
    assert status == 200 and answer["days"][0]["chunks_queued"] == 2 and answer["days"][0]["records"] == 0
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    assert not store.bakery  # nothing folded here: each chunk is a task
    assert sorted(p["tenants"][0] for _, p in queue.tasks.values()) == sorted([alice["tenant_id"], bob["tenant_id"]])
    assert {url for url, _ in queue.tasks.values()} == {"https://fold.example/fold_activity_chunk"}
    assert aggregate(date=today)[0] == 200 and len(queue.tasks) == 2  # the same run's names: not queued twice
    for _, payload in queue.tasks.values():
        assert deliver(payload)[0] == 200
        assert deliver(payload)[0] == 200  # delivered twice: the same documents
    assert store.bakery[(alice["tenant_id"], today)]["operations"]["get_bakery"]["calls"] == 1
    aggregate(date=today)  # the next run folds the platform from the chunks' documents
    assert store.platform[today]["active_users"] == 4 and store.platform[today]["active_bakeries"] == 2
    assert deliver({"day": today, "tenants": [alice["tenant_id"]]}, queue_header=None)[0] == 403
    status, refused = deliver({"day": today, "tenants": ["../x"]})
    assert status == 400 and refused["error"]["field"] == "tenants"
    status, refused = deliver({"day": "someday", "tenants": [bob["tenant_id"]]})
    assert status == 400 and refused["error"]["field"] == "day"
    too_many = [f"t{n}" for n in range(201)]
    assert deliver({"day": today, "tenants": too_many})[0] == 400  # more than a chunk (200)
