"""Proposals through the functions: propose → review → edit → confirm → undo, and what is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call

KITCHEN = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [{"slug": "flour", "display_name": "All-Purpose Flour", "density_volume_value": 1,
                     "density_volume_unit": "cup", "density_weight_value": 4.25, "density_weight_unit": "oz"},
                    {"slug": "butter", "display_name": "Butter"}],
    "products": [{"id": "ka-flour", "ingredient_slug": "flour", "brand": "King Arthur", "product_name": "AP Flour",
                  "package_unit": "lb", "package_unit_quantity": 5}],
    "recipes": [{"name": "Sugar Cookies", "ingredients": [{"ingredient_slug": "flour", "quantity": 3, "unit": "cup"}],
                 "finished_units": [{"slug": "sugar-cookie", "name": "Sugar Cookie", "unit_yield_quantity": 36}]}],
    "finished_goods": [{"slug": "sugar-cookies", "display_name": "Sugar Cookies", "assembly_type": "bare"}],
    "compositions": [{"finished_good_slug": "sugar-cookies", "finished_unit_slug": "sugar-cookie",
                      "component_quantity": 1}],
}


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Voice Bakes"}, claims={"uid": "val"})[1]["tenant_id"]
    claims = {"uid": "val", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": KITCHEN}, claims=claims)[0] == 200
    return claims


def _bakery(backend: MemoryBackend, owner: dict[str, Any]) -> Any:
    return backend.stores[owner["tenant_id"]].bakery


def test_a_spoken_purchase_is_only_a_proposal_until_confirmed(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    status, proposal = call(main.propose_from_text, {"text": "two 5 lb bags of King Arthur flour at Costco, "
                                                             "$4.99 each", "source": "voice"}, claims=owner)
    assert status == 200, proposal
    assert proposal["status"] == "proposed" and proposal["source"] == "voice" and proposal["model"] == "offline-grammar"
    op = proposal["operations"][0]
    assert (op["op"], op["args"]["quantity"], op["args"]["unit"], op["args"]["price"]) == \
        ("add_purchase", 10, "LBR", 9.98)
    assert (op["args"]["product_id"], op["args"]["supplier_slug"]) == ("ka-flour", "costco")
    assert _bakery(backend, owner).purchases == {} and _bakery(backend, owner).lots == {}

    status, edited = call(main.edit_proposal, {"proposal_id": proposal["proposal_id"],
                                               "changes": [{"index": 0, "args": {"price": 9.5}}]}, claims=owner)
    assert status == 200 and edited["operations"][0]["edited_fields"] == ["price"]
    status, done = call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert status == 200 and done["status"] == "confirmed"
    line = done["operations"][0]
    assert (line["proposed"]["price"], line["confirmed"]["price"]) == (9.98, 9.5)  # "AI suggested" / "you confirmed"
    purchase = next(iter(_bakery(backend, owner).purchases.values()))
    assert (purchase.quantity_purchased, str(purchase.unit_price)) == (2, "4.75")

    status, undone = call(main.undo_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert status == 200 and undone["status"] == "undone"
    assert _bakery(backend, owner).purchases == {} and _bakery(backend, owner).lots == {}


def test_unresolved_names_are_flagged_and_confirm_is_refused_naming_the_field(owner: dict[str, Any],
                                                                               backend: MemoryBackend) -> None:
    proposal = call(main.propose_from_text, {"text": "I bought saffron for $7"}, claims=owner)[1]
    op = proposal["operations"][0]
    assert any(flag.startswith("item_name:") for flag in op["flags"])
    assert {p["field"] for p in op["problems"]} >= {"quantity", "unit"}
    status, answer = call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert status == 400 and answer["error"]["field"].startswith("operations.0."), answer
    assert _bakery(backend, owner).purchases == {}


@pytest.mark.parametrize(("args", "field"), [
    ({"price": -2}, "operations.0.price"),
    ({"quantity": "lots"}, "operations.0.quantity"),
    ({"unit": "bags of stuff"}, "operations.0.unit"),
    ({"tenant_id": "someone-else"}, "operations.0.tenant_id"),
    ({"product_id": 42}, "operations.0.product_id"),
])
def test_bad_edits_are_refused(owner: dict[str, Any], args: dict[str, Any], field: str) -> None:
    proposal = call(main.propose_from_text, {"text": "I bought two pounds of flour at Costco for $8"},
                    claims=owner)[1]
    status, answer = call(main.edit_proposal, {"proposal_id": proposal["proposal_id"],
                                               "changes": [{"index": 0, "args": args}]}, claims=owner)
    assert (status, answer["error"]["field"]) == (400, field), answer


def test_another_bakerys_product_cannot_be_chosen(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    other = call(main.create_tenant, {"name": "Other"}, claims={"uid": "oz"})[1]["tenant_id"]
    oz = {"uid": "oz", "tenant_id": other, "role": "owner"}
    call(main.import_desktop, {"data": {**KITCHEN, "products": [{**KITCHEN["products"][0], "id": "oz-flour"}]}},
         claims=oz)
    proposal = call(main.propose_from_text, {"text": "a 5 lb bag of flour for $4"}, claims=owner)[1]
    call(main.edit_proposal, {"proposal_id": proposal["proposal_id"],
                              "changes": [{"index": 0, "args": {"product_id": "oz-flour"}}]}, claims=owner)
    status, answer = call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert (status, answer["error"]["field"]) == (404, "operations.0.product_id")
    assert _bakery(backend, owner).purchases == {} and backend.stores[other].bakery.purchases == {}


def test_undo_after_the_flour_was_used_is_a_409_naming_it(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    proposal = call(main.propose_from_text, {"text": "a 5 lb bag of King Arthur flour for $4"}, claims=owner)[1]
    assert call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)[0] == 200
    assert call(main.record_loss, {"ingredient": "flour", "amount": 1, "unit": "cup", "reason": "spoilage"},
                claims=owner)[0] == 200
    status, answer = call(main.undo_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert status == 409 and "used since" in answer["error"]["message"]
    assert len(_bakery(backend, owner).purchases) == 1


def test_inventory_levels_and_events_by_voice(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    bought = call(main.propose_from_text, {"text": "a 5 lb bag of King Arthur flour for $4"}, claims=owner)[1]
    call(main.confirm_proposal, {"proposal_id": bought["proposal_id"]}, claims=owner)
    level = call(main.propose_from_text, {"text": "the flour is about 40% full"}, claims=owner)[1]
    assert level["operations"][0]["args"]["remaining_percentage"] == 40
    assert call(main.confirm_proposal, {"proposal_id": level["proposal_id"]}, claims=owner)[0] == 200
    assert next(iter(_bakery(backend, owner).lots.values())).quantity == 2  # 40% of a 5 lb bag
    event = call(main.propose_from_text, {"text": "bake sale on December 12th: 10 dozen sugar cookies",
                                          "source": "event_voice", "today": "2026-11-25"}, claims=owner)[1]
    item = event["operations"][0]["args"]["items"][0]
    assert (item["quantity"], item["finished_good_slug"]) == (120, "sugar-cookies")
    assert call(main.confirm_proposal, {"proposal_id": event["proposal_id"]}, claims=owner)[0] == 200
    planned = call(main.plan_event, {"event": "Bake Sale"}, claims=owner)[1]
    assert planned["recipes"][0]["batches"] == 4  # 120 cookies, 36 a batch: always rounded up


def test_viewers_list_but_cannot_propose_confirm_or_undo(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    code = call(main.invite_member, {"role": "viewer"}, claims=owner)[1]["code"]
    call(main.join_tenant, {"code": code}, claims={"uid": "vi"})
    viewer = {"uid": "vi", "tenant_id": owner["tenant_id"], "role": "viewer"}
    proposal = call(main.propose_from_text, {"text": "a 5 lb bag of flour for $4"}, claims=owner)[1]
    pid = {"proposal_id": proposal["proposal_id"]}
    assert call(main.propose_from_text, {"text": "a 5 lb bag of flour for $4"}, claims=viewer)[0] == 403
    assert call(main.confirm_proposal, pid, claims=viewer)[0] == 403
    assert call(main.undo_proposal, pid, claims=viewer)[0] == 403
    listed = call(main.list_proposals, {}, claims=viewer)[1]["proposals"]
    assert [p["proposal_id"] for p in listed] == [proposal["proposal_id"]]
    assert _bakery(backend, owner).purchases == {}


def test_reject_keeps_the_record_and_writes_nothing(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    proposal = call(main.propose_from_text, {"text": "a 5 lb bag of flour for $4"}, claims=owner)[1]
    status, rejected = call(main.reject_proposal, {"proposal_id": proposal["proposal_id"], "reason": "not mine"},
                            claims=owner)
    assert status == 200 and (rejected["status"], rejected["reason"]) == ("rejected", "not mine")
    assert call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)[0] == 409
    assert _bakery(backend, owner).purchases == {}


def test_nonsense_is_a_400_not_an_empty_proposal(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    status, answer = call(main.propose_from_text, {"text": "the weather is lovely today"}, claims=owner)
    assert (status, answer["error"]["field"]) == (400, "text")
    assert _bakery(backend, owner).proposals == {}


def test_a_spoken_loss_is_taken_by_fifo_with_its_reason(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    bought = call(main.propose_from_text, {"text": "a 5 lb bag of King Arthur flour for $4"}, claims=owner)[1]
    call(main.confirm_proposal, {"proposal_id": bought["proposal_id"]}, claims=owner)
    loss = call(main.propose_from_text, {"text": "threw out 2 cups of flour that went bad"}, claims=owner)[1]
    assert loss["operations"][0]["args"]["loss"] == {"quantity": 2, "unit": "G21", "reason": "spoilage"}
    status, done = call(main.confirm_proposal, {"proposal_id": loss["proposal_id"]}, claims=owner)
    assert status == 200, done
    (depletion,) = _bakery(backend, owner).depletions.values()
    assert depletion.reason == "spoilage" and depletion.quantity == Decimal("0.53125")  # 2 × 4.25 oz, in pounds


def test_a_gemini_answer_with_injected_fields_is_cleaned_and_still_only_a_proposal(
        backend: MemoryBackend, owner: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.fake_gemini import FakeGemini, FakeResponse

    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        fake.enqueue(FakeResponse.from_recording("injected_fields"))
        status, proposal = call(main.propose_from_text, {"text": "5 pounds of sugar at Aldi for $4"}, claims=owner)
    assert status == 200, proposal
    assert proposal["status"] == "proposed" and proposal["model"] != "offline-grammar"
    args = proposal["operations"][0]["args"]
    assert "tenant_id" not in args and "status" not in args and args.get("product_id") != "p-secret"
    assert (args["item_name"], args["quantity"], args["unit"], args["price"]) == ("sugar", 5, "LBR", 4)
    assert _bakery(backend, owner).purchases == {}
    assert all(p.id == proposal["proposal_id"] for p in _bakery(backend, owner).proposals.values())


def test_when_gemini_is_down_the_offline_grammar_answers(backend: MemoryBackend, owner: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.fake_gemini import FakeGemini, FakeResponse

    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        fake.enqueue(FakeResponse.from_recording("http_500"))
        status, proposal = call(main.propose_from_text, {"text": "a 5 lb bag of flour for $4"}, claims=owner)
    assert status == 200 and proposal["model"] == "offline-grammar"
    assert any("Gemini" in note for note in proposal["notes"])
    assert proposal["operations"][0]["args"]["price"] == 4


RECEIPT_LINE = {"item_name": "bread flour", "quantity": 4, "unit": "LBR", "packages": 1, "package_size": 4,
                "price": 4.99, "store": "Costco", "ingredient_slug": "flour"}


def _receipt_line(backend: MemoryBackend, owner: dict[str, Any]) -> str:
    """A receipt's proposal with one line as the reading proposed it: operation 1 (0 is struck out)."""
    from core.proposals import service
    from core.proposals.model import Source

    other = service.new_operation("add_purchase", {**RECEIPT_LINE, "item_name": "sugar", "ingredient_slug": None})
    line = service.new_operation("add_purchase", RECEIPT_LINE, index=1)
    proposal = service.submit(backend.unit_of_work(owner["tenant_id"]), source=Source.RECEIPT,
                              operations=[other, line], by="val", model="offline-receipt-ocr")
    call(main.edit_proposal, {"proposal_id": proposal.id, "remove": [0]}, claims=owner)
    return proposal.id


def test_more_packages_carry_the_quantity_and_the_total_and_confirm(backend: MemoryBackend,
                                                                    owner: dict[str, Any]) -> None:
    pid = _receipt_line(backend, owner)
    status, edited = call(main.edit_proposal, {"proposal_id": pid, "changes": [{"index": 1, "args": {"packages": 3}}]},
                          claims=owner)
    assert status == 200, edited
    line = edited["operations"][1]
    assert (line["args"]["packages"], line["args"]["quantity"], line["args"]["price"]) == (3, 12, 14.97)
    assert line["derived_fields"] == ["price", "quantity"] and line["problems"] == []
    assert sorted(line["edited_fields"]) == ["packages", "price", "quantity"]  # the screen shows it as it will be saved
    status, done = call(main.confirm_proposal, {"proposal_id": pid}, claims=owner)
    assert status == 200, done
    assert done["operations"][1]["confirmed"]["quantity"] == 12
    (purchase,) = _bakery(backend, owner).purchases.values()
    assert (purchase.quantity_purchased, purchase.unit_price) == (3, Decimal("4.99"))


@pytest.mark.parametrize(("args", "field", "says"), [
    ({"packages": 3, "quantity": 10}, "operations.1.quantity", "3 packages of 4 make 12, not 10"),
    ({"quantity": 12, "package_size": 5}, "operations.1.quantity", "change packages with it"),
    ({"packages": 1.5}, "operations.1.packages", "whole packages"),
    ({"unit_price": 2, "price": 9}, "operations.1.price", "change unit_price or price"),
    ({"unit_price": "abc"}, "operations.1.unit_price", "greater than 0"),
])
def test_an_edit_that_does_not_add_up_is_refused_at_once(backend: MemoryBackend, owner: dict[str, Any],
                                                        args: dict[str, Any], field: str, says: str) -> None:
    pid = _receipt_line(backend, owner)
    status, answer = call(main.edit_proposal, {"proposal_id": pid, "changes": [{"index": 1, "args": args}]},
                          claims=owner)
    assert (status, answer["error"]["field"]) == (400, field), answer
    assert says in answer["error"]["message"]
    assert _bakery(backend, owner).proposals[pid].operations[1].args == RECEIPT_LINE  # nothing half-saved


def test_a_unit_price_sets_the_line_total(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    pid = _receipt_line(backend, owner)
    call(main.edit_proposal, {"proposal_id": pid, "changes": [{"index": 1, "args": {"packages": 2}}]}, claims=owner)
    status, edited = call(main.edit_proposal, {"proposal_id": pid,
                                               "changes": [{"index": 1, "args": {"unit_price": 4.25}}]}, claims=owner)
    assert status == 200, edited
    line = edited["operations"][1]
    assert (line["args"]["price"], line["derived_fields"], "unit_price" in line["args"]) == (8.5, ["price"], False)
    assert call(main.confirm_proposal, {"proposal_id": pid}, claims=owner)[0] == 200


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=st.dictionaries(
    st.sampled_from(["packages", "package_size", "quantity", "price", "unit_price"]),
    st.one_of(st.integers(min_value=-1, max_value=30), st.sampled_from([0.5, 2.5, 4.99, "1.25", None])),
    min_size=1, max_size=3))
def test_an_edit_is_refused_naming_a_field_or_the_confirm_succeeds(backend: MemoryBackend, owner: dict[str, Any],
                                                                    edit: dict[str, Any]) -> None:
    pid = _receipt_line(backend, owner)
    status, answer = call(main.edit_proposal, {"proposal_id": pid, "changes": [{"index": 1, "args": edit}]},
                          claims=owner)
    if status == 400:
        assert answer["error"]["field"].startswith("operations.1."), answer
        event("refused at the edit")
        return
    assert status == 200, answer
    status, done = call(main.confirm_proposal, {"proposal_id": pid}, claims=owner)
    cleared = {f"operations.1.{name}" for name, value in edit.items() if value is None}
    if status == 400 and done["error"]["field"] in cleared:  # a field cleared: the review screen asks for it again
        event("a cleared field asked for again")
        return
    assert status == 200, (edit, done)
    event("confirmed")


def test_a_sentence_sent_again_with_its_idempotency_key_is_one_proposal(backend: MemoryBackend,
                                                                       owner: dict[str, Any]) -> None:
    body = {"text": "I bought two 5 lb bags of King Arthur bread flour at Costco for $9.98", "source": "voice"}
    first = call(main.propose_from_text, body, claims=owner, headers={"Idempotency-Key": "capture-1"})
    again = call(main.propose_from_text, body, claims=owner, headers={"Idempotency-Key": "capture-1"})
    assert first[0] == again[0] == 200 and first[1]["proposal_id"] == again[1]["proposal_id"]
    assert len(backend.stores[owner["tenant_id"]].bakery.proposals) == 1
    other = call(main.propose_from_text, body, claims=owner, headers={"Idempotency-Key": "capture-2"})
    assert other[1]["proposal_id"] != first[1]["proposal_id"]


def test_one_proposal_is_read_by_its_id_and_another_bakerys_is_never_revealed(backend: MemoryBackend,
                                                                              owner: dict[str, Any]) -> None:
    proposal = call(main.propose_from_text, {"text": "two 5 lb bags of King Arthur flour at Costco, $4.99 each"},
                    claims=owner)[1]
    call(main.edit_proposal, {"proposal_id": proposal["proposal_id"],
                              "changes": [{"index": 0, "args": {"packages": 3}}]}, claims=owner)
    status, got = call(main.get_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)
    assert status == 200 and got["proposal_id"] == proposal["proposal_id"]
    line = got["operations"][0]
    # the baker set packages; quantity and price followed it (marked derived, so the screen says why they moved)
    assert "packages" in line["edited_fields"] and "packages" not in line["derived_fields"]
    assert {"quantity", "price"} <= set(line["derived_fields"]) <= set(line["edited_fields"])
    assert line["args"]["quantity"] == 15 and line["proposed"]["quantity"] == 10  # AI read 10 lb, the line now says 15
    code = call(main.invite_member, {"role": "viewer"}, claims=owner)[1]["code"]
    call(main.join_tenant, {"code": code}, claims={"uid": "vic"})
    viewer = {"uid": "vic", "tenant_id": owner["tenant_id"], "role": "viewer"}
    assert call(main.get_proposal, {"proposal_id": proposal["proposal_id"]}, claims=viewer)[0] == 200

    other = call(main.create_tenant, {"name": "Elsewhere"}, claims={"uid": "eve"})[1]["tenant_id"]
    eve = {"uid": "eve", "tenant_id": other, "role": "owner"}
    status, answer = call(main.get_proposal, {"proposal_id": proposal["proposal_id"]}, claims=eve)
    assert (status, answer["error"]["field"]) == (404, "proposal_id")
    status, answer = call(main.get_proposal, {"proposal_id": "nope!"}, claims=owner)
    assert status == 400 and answer["error"]["field"] == "proposal_id"
