"""The one definition of the proposal operations: strict models, drafts, validate_draft/final, declarations."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from adapters.operation_schemas import (
    LOSS_REASONS,
    MAX_OPERATIONS,
    OPERATION_NAMES,
    STRICT_MODELS,
    AddPurchaseArgs,
    AddPurchaseDraft,
    AdjustInventoryArgs,
    CreateEventArgs,
    DraftUnitCode,
    EventItem,
    InventoryLoss,
    ProposedAddPurchase,
    ProposedOperation,
    ProposedOperations,
    UnitCode,
    function_declarations,
    json_schema,
    validate_draft,
    validate_final,
)
from core.measures.units import UNITS
from core.speech.parse import parse_utterance
from core.stock.inventory import DepletionReason

CORPUS = Path(__file__).resolve().parent / "speech" / "corpus.json"

PURCHASE: dict[str, Any] = {
    "item_name": "bread flour", "quantity": 10, "unit": "LBR", "price": 9.98, "store": "Costco",
    "brand": "King Arthur", "packages": 2, "package_size": 5, "package_unit": "BG", "purchased_on": "2026-11-19",
    "upc": "071012010509",
}
LEVEL: dict[str, Any] = {"item_name": "cocoa", "remaining_percentage": 25}
AMOUNT_LEFT: dict[str, Any] = {"item_name": "sugar", "quantity": 2, "unit": "G21",
                               "loss": {"quantity": 1, "unit": "G21", "reason": "spoilage"}}
EVENT: dict[str, Any] = {"name": "Bake Sale", "date": "2026-12-12",
                         "items": [{"finished_good": "sugar cookies", "quantity": 120, "said": "10 dozen"}]}


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    out: set[str] = set()
    for error in exc.value.errors():
        ctx = error.get("ctx") or {}
        loc = [str(p) for p in error["loc"]]
        if error["type"] == "cross_field":
            loc.append(str(ctx["field"]))
        out.add(".".join(loc))
    return out


# ------------------------------------------------------------------------------------------------- strict models


def test_a_full_purchase_is_cleaned_to_decimals_and_iso_dates() -> None:
    cleaned = validate_final("add_purchase", PURCHASE)
    assert cleaned == {
        "item_name": "bread flour", "quantity": Decimal(10), "unit": "LBR", "price": Decimal("9.98"),
        "store": "Costco", "brand": "King Arthur", "packages": Decimal(2), "package_size": Decimal(5),
        "package_unit": "BG", "purchased_on": "2026-11-19", "upc": "071012010509",
    }
    assert all(isinstance(cleaned[k], Decimal) for k in ("quantity", "price", "packages", "package_size"))


def test_store_is_required_but_may_be_null() -> None:
    args = {k: PURCHASE[k] for k in ("item_name", "quantity", "unit", "price")}
    with pytest.raises(ValidationError) as caught:
        validate_final("add_purchase", args)
    assert error_fields(caught) == {"store"}
    assert "store" not in validate_final("add_purchase", {**args, "store": None})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"price": 0}, "price"),
        ({"price": "-4.99"}, "price"),
        ({"quantity": "lots"}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"price": "NaN"}, "price"),
        ({"price": float("inf")}, "price"),
        ({"price": "1e400"}, "price"),
        ({"packages": 0}, "packages"),
        ({"package_size": -5}, "package_size"),
        ({"unit": "bags of stuff"}, "unit"),
        ({"unit": 7}, "unit"),
        ({"package_unit": "sack"}, "package_unit"),
        ({"upc": "12345"}, "upc"),
        ({"upc": "0710120105x9"}, "upc"),
        ({"purchased_on": "yesterday"}, "purchased_on"),
        ({"purchased_on": 1763510400}, "purchased_on"),
        ({"purchased_on": "2026-02-30"}, "purchased_on"),
        ({"item_name": "   "}, "item_name"),
        ({"item_name": "x" * 201}, "item_name"),
        ({"tenant_id": "other-bakery"}, "tenant_id"),
        ({"product_id": "p1"}, "product_id"),
        ({"status": "confirmed"}, "status"),
        ({"packages": 3}, "quantity"),  # 3 packages of 5 are not 10
    ],
)
def test_strict_purchase_refuses_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_final("add_purchase", {**PURCHASE, **change})
    assert error_fields(caught) == {field}


def test_unknown_unit_message_is_clear_and_a_kitchen_word_names_its_code() -> None:
    with pytest.raises(ValidationError) as caught:
        AddPurchaseArgs.model_validate({**PURCHASE, "unit": "bags of stuff"})
    message = caught.value.errors()[0]["msg"]
    assert "unknown unit 'bags of stuff'" in message and "UN/CEFACT" in message
    with pytest.raises(ValidationError) as caught:
        AddPurchaseArgs.model_validate({**PURCHASE, "unit": "lbs"})
    assert "use LBR" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize("code", sorted(UNITS))
def test_every_core_unit_code_is_a_unit_code(code: str) -> None:
    assert TypeAdapter(UnitCode).validate_python(code) == code
    assert TypeAdapter(UnitCode).validate_python(f" {code.lower()} ") == code
    assert TypeAdapter(DraftUnitCode).validate_python(code) == code


@pytest.mark.parametrize(("word", "code"), [("lbs", "LBR"), ("cups", "G21"), ("grams", "GRM"), ("dozen", "DZN"),
                                            ("fl oz", "OZA"), ("bags", "BG")])
def test_drafts_turn_kitchen_words_into_codes(word: str, code: str) -> None:
    assert TypeAdapter(DraftUnitCode).validate_python(word) == code
    with pytest.raises(ValidationError):
        TypeAdapter(UnitCode).validate_python(word)


def test_levels_are_a_percentage_or_an_amount_with_its_unit() -> None:
    assert validate_final("adjust_inventory", LEVEL) == {"item_name": "cocoa", "remaining_percentage": Decimal(25)}
    assert validate_final("adjust_inventory", AMOUNT_LEFT)["loss"] == {
        "quantity": Decimal(1), "unit": "G21", "reason": "spoilage", "notes": ""}
    assert validate_final("adjust_inventory", {"item_name": "soda", "quantity": 0, "unit": "GRM"})["quantity"] == 0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"item_name": "cocoa"}, "remaining_percentage"),
        ({"item_name": "cocoa", "remaining_percentage": 101}, "remaining_percentage"),
        ({"item_name": "cocoa", "remaining_percentage": -1}, "remaining_percentage"),
        ({"item_name": "cocoa", "remaining_percentage": 50, "quantity": 2, "unit": "G21"}, "quantity"),
        ({"item_name": "cocoa", "quantity": 2}, "unit"),
        ({"item_name": "cocoa", "remaining_percentage": 50, "unit": "G21"}, "unit"),
        ({"item_name": "cocoa", "quantity": -2, "unit": "G21"}, "quantity"),
        ({**LEVEL, "loss": {"quantity": 0, "unit": "GRM", "reason": "spoilage"}}, "loss.quantity"),
        ({**LEVEL, "loss": {"quantity": 1, "unit": "GRM", "reason": "waste"}}, "loss.reason"),
        ({**LEVEL, "loss": {"quantity": 1, "unit": "GRM", "reason": "inventory_check"}}, "loss.reason"),
        ({**LEVEL, "loss": {"quantity": 1, "unit": "GRM", "reason": "other"}}, "loss.notes"),
        ({**LEVEL, "loss": {"quantity": 1, "unit": "GRM", "reason": "gift", "tenant_id": "x"}}, "loss.tenant_id"),
    ],
)
def test_strict_adjustment_refuses_naming_the_field(args: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_final("adjust_inventory", args)
    assert error_fields(caught) == {field}


def test_loss_reasons_are_the_desktops_depletion_reasons() -> None:
    assert set(LOSS_REASONS) == {r.value for r in DepletionReason} - {DepletionReason.INVENTORY_CHECK.value}
    notes_needed = {r for r in LOSS_REASONS if r == "other"}
    for reason in LOSS_REASONS:
        loss = InventoryLoss.model_validate({"quantity": 1, "unit": "GRM", "reason": reason,
                                             "notes": "" if reason not in notes_needed else "fell on the floor"})
        assert loss.reason == reason


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({**EVENT, "items": []}, "items"),
        ({**EVENT, "items": [{"finished_good": "pie", "quantity": 2.5}]}, "items.0.quantity"),
        ({**EVENT, "items": [{"finished_good": "pie", "quantity": 0}]}, "items.0.quantity"),
        ({**EVENT, "items": [{"finished_good": "pie", "quantity": "a dozen"}]}, "items.0.quantity"),
        ({**EVENT, "items": [{"finished_good": "", "quantity": 3}]}, "items.0.finished_good"),
        ({**EVENT, "items": [{"finished_good": "pie", "quantity": 3, "price": 9}]}, "items.0.price"),
        ({**EVENT, "date": "12/12/2026"}, "date"),
        ({**EVENT, "date": "2026-12-12T10:00:00"}, "date"),
        ({k: v for k, v in EVENT.items() if k != "name"}, "name"),
    ],
)
def test_strict_event_refuses_naming_the_field(args: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_final("create_event", args)
    assert error_fields(caught) == {field}


def test_event_quantities_are_whole_numbers() -> None:
    cleaned = validate_final("create_event", {**EVENT, "items": [{"finished_good": "pie", "quantity": 3.0}]})
    assert cleaned["items"] == [{"finished_good": "pie", "quantity": 3}]
    assert isinstance(cleaned["items"][0]["quantity"], int)
    assert cleaned["date"] == "2026-12-12"


def test_validate_final_refuses_an_unknown_operation() -> None:
    with pytest.raises(ValueError, match="unknown operation 'delete_everything'"):
        validate_final("delete_everything", {})


# ------------------------------------------------------------------------------------------------- drafts


def test_a_draft_may_leave_out_what_was_not_said_and_each_missing_field_is_flagged() -> None:
    cleaned, issues = validate_draft("add_purchase", {"item_name": "butter", "quantity": 2, "unit": "LBR"})
    assert cleaned == {"item_name": "butter", "quantity": Decimal(2), "unit": "LBR", "price": None, "store": None}
    assert {(i.field, i.kind) for i in issues} == {("price", "missing"), ("store", "missing")}
    assert AddPurchaseDraft.model_validate({}).price is None


def test_bad_values_are_nulled_and_reported_never_raised() -> None:
    cleaned, issues = validate_draft("add_purchase", {
        "item_name": "flour", "quantity": "lots", "unit": "bags of stuff", "price": -3, "store": "Aldi",
        "tenant_id": "t2", "purchase_date": "2026-11-19",
    })
    assert cleaned == {"item_name": "flour", "quantity": None, "unit": None, "price": None, "store": "Aldi",
                       "purchased_on": "2026-11-19"}
    assert {(i.field, i.kind) for i in issues} == {
        ("tenant_id", "unknown_field"), ("quantity", "invalid"), ("unit", "invalid"), ("price", "invalid")}
    price = next(i for i in issues if i.field == "price")
    assert "greater than 0" in price.problem and "-3" in price.problem


def test_nested_bad_values_are_nulled_where_they_are() -> None:
    cleaned, issues = validate_draft("adjust_inventory", {
        "item_name": "flour", "remaining_quantity": 2, "unit": "cups",
        "loss": {"quantity": 0, "unit": "lb", "reason": "waste", "product_id": "p1"},
    })
    assert cleaned == {"item_name": "flour", "quantity": Decimal(2), "unit": "G21",
                       "loss": {"quantity": None, "unit": "LBR", "reason": None}}
    assert {(i.field, i.kind) for i in issues} == {
        ("loss.product_id", "unknown_field"), ("loss.quantity", "invalid"), ("loss.reason", "invalid")}


def test_bad_event_items_are_nulled_or_dropped() -> None:
    cleaned, issues = validate_draft("create_event", {
        "name": "Sale", "date": "2026-02-30",
        "items": [{"finished_good": "cookies", "quantity": 2.5}, "junk", {"finished_good": "pie", "quantity": 3}],
    })
    assert cleaned == {"name": "Sale", "date": None, "items": [{"finished_good": "cookies", "quantity": None},
                                                              {"finished_good": "pie", "quantity": 3}]}
    assert {(i.field, i.kind) for i in issues} == {
        ("date", "invalid"), ("items[0].quantity", "invalid"), ("items[1]", "dropped")}


def test_a_level_with_nothing_said_is_flagged() -> None:
    cleaned, issues = validate_draft("adjust_inventory", {"item_name": "cocoa"})
    assert cleaned == {"item_name": "cocoa", "remaining_percentage": None}
    assert [(i.field, i.kind) for i in issues] == [("remaining_percentage", "rule")]


@pytest.mark.parametrize("op", ["delete_everything", "", None, 3])
def test_an_unknown_operation_is_an_issue(op: Any) -> None:
    cleaned, issues = validate_draft(op, {"item_name": "x"})
    assert cleaned == {}
    assert [i.field for i in issues] == ["op"]


@pytest.mark.parametrize("op", OPERATION_NAMES)
@settings(max_examples=60, deadline=None)
@given(args=st.one_of(
    st.dictionaries(st.text(max_size=12), st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.decimals(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8), max_size=6),
    st.lists(st.integers(), max_size=3), st.text(max_size=10), st.none(),
))
def test_validate_draft_never_raises_and_its_output_only_has_good_values(op: str, args: Any) -> None:
    cleaned, issues = validate_draft(op, args)
    non_null = {k: v for k, v in cleaned.items() if v is not None}
    strict = STRICT_MODELS[op]
    assert set(cleaned) <= set(strict.model_fields)
    if isinstance(args, dict):  # every field nobody asked for was reported
        unknown = [k for k in args if k not in strict.model_fields and k not in ("purchase_date", "remaining_quantity")]
        assert len([i for i in issues if i.kind == "unknown_field"]) >= len(unknown)
    try:
        validate_final(op, non_null)
    except ValidationError:
        assert issues, "the strict model refuses it, so validate_draft must have said why"


def test_every_operation_of_the_speech_corpus_is_a_valid_draft() -> None:
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    seen = 0
    for case in cases:
        parsed = parse_utterance(case["text"], dt.date.fromisoformat(case["today"]))
        for op in parsed.operations:
            _, issues = validate_draft(op.op, op.args)
            assert [i for i in issues if i.kind != "missing"] == [], case["text"]
            seen += 1
    assert seen >= len(cases)


# ------------------------------------------------------------------------------------------------- proposals


def test_proposed_operations_are_a_union_tagged_by_op() -> None:
    answer = ProposedOperations.model_validate({"operations": [
        {"op": "add_purchase", "args": {"item_name": "butter", "price": 7.5}},
        {"op": "adjust_inventory", "args": LEVEL},
        {"op": "create_event", "args": EVENT},
    ]})
    assert [type(o).__name__ for o in answer.operations] == [
        "ProposedAddPurchase", "ProposedAdjustInventory", "ProposedCreateEvent"]
    assert isinstance(answer.operations[0], ProposedAddPurchase)
    assert answer.operations[0].args.price == Decimal("7.5")
    with pytest.raises(ValidationError):
        TypeAdapter(ProposedOperation).validate_python({"op": "delete_everything", "args": {}})
    with pytest.raises(ValidationError):
        ProposedOperations.model_validate({"operations": [{"op": "adjust_inventory", "args": LEVEL}] *
                                           (MAX_OPERATIONS + 1)})


# ------------------------------------------------------------------------------------------------- declarations

_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description",
             "default", "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
             "minLength", "maxLength", "minItems", "maxItems", "const"}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "null": type(None),
    "boolean": bool,
}


def conforms(schema: dict[str, Any], value: Any) -> bool:
    """A small JSON Schema checker for the keywords the declarations use (no network, no extra package)."""
    if "anyOf" in schema and not any(conforms(sub, value) for sub in schema["anyOf"]):
        return False
    kind = schema.get("type")
    if kind is not None:
        if isinstance(value, bool) and kind in ("integer", "number"):
            return False
        if kind == "integer" and isinstance(value, float) and not value.is_integer():
            return False
        if not isinstance(value, _TYPES[kind]):
            return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        bounds = {key: Decimal(str(schema[key])) for key in ("minimum", "maximum", "exclusiveMinimum",
                                                              "exclusiveMaximum") if key in schema}
        if not (number >= bounds.get("minimum", number) and number <= bounds.get("maximum", number)):
            return False
        if "exclusiveMinimum" in bounds and not number > bounds["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in bounds and not number < bounds["exclusiveMaximum"]:
            return False
    if isinstance(value, str):
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
            return False
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            return False
        if schema.get("format") == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is None:
            return False
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return False
        if "items" in schema and not all(conforms(schema["items"], v) for v in value):
            return False
    if isinstance(value, dict):
        props = schema.get("properties", {})
        if any(key not in value for key in schema.get("required", [])):
            return False
        if schema.get("additionalProperties") is False and any(key not in props for key in value):
            return False
        if not all(conforms(props[k], v) for k, v in value.items() if k in props):
            return False
    return True


def keywords(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties":
                for sub in value.values():
                    found |= keywords(sub)
            else:
                found.add(key)
                found |= keywords(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= keywords(item)
    return found


def test_declarations_are_self_contained_json_schemas_named_after_the_operations() -> None:
    declarations = function_declarations()
    assert [d["name"] for d in declarations] == list(OPERATION_NAMES)
    for declaration in declarations:
        assert set(declaration) == {"name", "description", "parameters"}
        assert declaration["description"]
        parameters = declaration["parameters"]
        assert parameters["type"] == "object" and parameters["additionalProperties"] is False
        assert keywords(parameters) <= _KEYWORDS, keywords(parameters) - _KEYWORDS
        json.dumps(parameters)  # plain JSON


def _bounds(model: type[BaseModel], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in model.model_fields[name].metadata:
        for attr, key in (("gt", "exclusiveMinimum"), ("ge", "minimum"), ("lt", "exclusiveMaximum"),
                          ("le", "maximum")):
            if isinstance(meta, getattr(annotated_types, attr.capitalize())):
                out[key] = getattr(meta, attr)
    return out


def _field_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional field."""
    for sub in schema.get("anyOf", []):
        if sub.get("type") != "null":
            return {**sub, **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


@pytest.mark.parametrize("model", [AddPurchaseArgs, AdjustInventoryArgs, CreateEventArgs, EventItem, InventoryLoss])
def test_declared_required_fields_and_bounds_match_the_models(model: type[BaseModel]) -> None:
    schema = json_schema(model)
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    assert set(schema.get("required", [])) == required
    assert set(schema["properties"]) == set(model.model_fields)
    for name in model.model_fields:
        declared = _field_schema(schema["properties"][name])
        for key, bound in _bounds(model, name).items():
            assert declared[key] == bound, (name, key)
            assert Decimal(str(declared[key])) == Decimal(str(bound))


def test_purchase_declaration_spells_out_the_rules() -> None:
    parameters = {d["name"]: d["parameters"] for d in function_declarations()}["add_purchase"]
    props = parameters["properties"]
    assert props["quantity"]["type"] == "number" and props["quantity"]["exclusiveMinimum"] == 0
    assert props["price"]["exclusiveMinimum"] == 0
    assert set(parameters["required"]) == {"item_name", "quantity", "unit", "price", "store"}
    assert props["unit"]["enum"] == sorted(UNITS)
    assert _field_schema(props["upc"])["pattern"] == "^[0-9]{6,14}$"
    assert _field_schema(props["purchased_on"])["format"] == "date"
    events = {d["name"]: d["parameters"] for d in function_declarations()}["create_event"]
    assert events["properties"]["items"]["minItems"] == 1
    pieces = events["properties"]["items"]["items"]["properties"]["quantity"]
    assert (pieces["type"], pieces["exclusiveMinimum"]) == ("integer", 0)
    levels = {d["name"]: d["parameters"] for d in function_declarations()}["adjust_inventory"]
    reason = _field_schema(levels["properties"]["loss"])["properties"]["reason"]
    assert reason["enum"] == list(LOSS_REASONS)


@pytest.mark.parametrize(
    ("op", "args"),
    [
        ("add_purchase", {**PURCHASE, "price": 9.98}),
        ("add_purchase", {**PURCHASE, "quantity": 0}),
        ("add_purchase", {**PURCHASE, "price": -1}),
        ("add_purchase", {**PURCHASE, "unit": "bags of stuff"}),
        ("add_purchase", {**PURCHASE, "tenant_id": "x"}),
        ("add_purchase", {**PURCHASE, "upc": "12"}),
        ("adjust_inventory", LEVEL),
        ("adjust_inventory", {**LEVEL, "remaining_percentage": 100.5}),
        ("adjust_inventory", AMOUNT_LEFT),
        ("adjust_inventory", {**AMOUNT_LEFT, "loss": {"quantity": 1, "unit": "G21", "reason": "burnt"}}),
        ("create_event", EVENT),
        ("create_event", {**EVENT, "items": []}),
        ("create_event", {**EVENT, "items": [{"finished_good": "pie", "quantity": 0}]}),
    ],
)
def test_declaration_and_model_agree(op: str, args: dict[str, Any]) -> None:
    """What the schema allows the model allows, and the other way round (rules between fields aside)."""
    parameters = {d["name"]: d["parameters"] for d in function_declarations()}[op]
    try:
        validate_final(op, args)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert conforms(parameters, args) is model_ok
