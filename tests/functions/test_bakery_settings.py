"""The bakery's settings: units and currency, set by an owner on the tenant document, read by every member."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ValidationError
from core.tenancy import BakerySettings
from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call


@pytest.fixture
def people(backend: MemoryBackend) -> dict[str, dict[str, Any]]:
    tenant = call(main.create_tenant, {"name": "Crumb & Co"}, claims={"uid": "olga"})[1]["tenant_id"]
    owner = {"uid": "olga", "tenant_id": tenant, "role": "owner"}
    code = call(main.invite_member, {"role": "viewer"}, claims=owner)[1]["code"]
    assert call(main.join_tenant, {"code": code}, claims={"uid": "val"})[0] == 200
    return {"owner": owner, "viewer": {"uid": "val", "tenant_id": tenant, "role": "viewer"}}


def test_defaults_then_the_owner_chooses_and_every_member_sees_it(people: dict[str, dict[str, Any]]) -> None:
    owner, viewer = people["owner"], people["viewer"]
    status, bakery = call(main.get_bakery, claims=viewer, method="GET")
    assert status == 200 and bakery == {"tenant_id": owner["tenant_id"], "name": "Crumb & Co", "role": "viewer",
                                        "settings": {"unit_system": "us", "currency": "USD"}}
    status, saved = call(main.save_bakery_settings, {"unit_system": "metric", "currency": "EUR"}, claims=owner)
    assert status == 200 and saved["settings"] == {"unit_system": "metric", "currency": "EUR"}
    assert call(main.save_bakery_settings, {"currency": "GBP"}, claims=owner)[1]["settings"] == {
        "unit_system": "metric", "currency": "GBP"}  # a field left out keeps its value
    assert call(main.get_bakery, claims=viewer, method="GET")[1]["settings"]["currency"] == "GBP"


@pytest.mark.parametrize(("body", "field"), [({"unit_system": "imperial"}, "unit_system"),
                                             ({"currency": "XYZ"}, "currency"), ({"currency": 978}, "currency"),
                                             ({"locale": "de"}, "locale")])
def test_a_bad_value_is_a_400_naming_the_field(people: dict[str, dict[str, Any]], backend: MemoryBackend,
                                               body: dict[str, Any], field: str) -> None:
    status, answer = call(main.save_bakery_settings, body, claims=people["owner"])
    assert status == 400 and answer["error"]["field"] == field, answer
    assert backend.tenants[people["owner"]["tenant_id"]].settings == BakerySettings()


def test_only_an_owner_saves(people: dict[str, dict[str, Any]], backend: MemoryBackend) -> None:
    status, answer = call(main.save_bakery_settings, {"currency": "EUR"}, claims=people["viewer"])
    assert status == 403, answer
    assert backend.tenants[people["owner"]["tenant_id"]].settings == BakerySettings()


def test_stored_values_no_longer_supported_fall_back_to_the_defaults() -> None:
    assert BakerySettings.from_dict({"unit_system": "metric", "currency": "ZZZ"}) == BakerySettings("metric", "USD")
    assert BakerySettings.from_dict(None) == BakerySettings()
    with pytest.raises(ValidationError) as refused:
        BakerySettings("imperial", "USD")
    assert refused.value.field == "unit_system"


def test_the_printable_shopping_list_counts_money_in_the_bakerys_currency(people: dict[str, dict[str, Any]]) -> None:
    from decimal import Decimal

    from core.planning.plan_report import money

    assert (money(Decimal("1234.5")), money(Decimal("1234.5"), "EUR"), money(Decimal("1234.5"), "JPY"),
            money(Decimal("3"), "CHF")) == ("$1,234.50", "€1,234.50", "¥1,235", "CHF 3.00")
    owner = people["owner"]
    kitchen = {
        "ingredients": [{"slug": "flour", "display_name": "Flour"}],
        "products": [{"id": "ka-flour", "ingredient_slug": "flour", "brand": "King Arthur", "package_unit": "lb",
                      "package_unit_quantity": 5, "is_preferred": True}],
        "recipes": [{"name": "Bread", "ingredients": [{"ingredient_slug": "flour", "quantity": 4, "unit": "lb"}],
                     "finished_units": [{"slug": "loaf", "name": "Loaf", "unit_yield_quantity": 1}]}],
        "finished_goods": [{"slug": "loaf-good", "display_name": "Loaf", "assembly_type": "bare"}],
        "compositions": [{"finished_good_slug": "loaf-good", "finished_unit_slug": "loaf", "component_quantity": 1}],
        "events": [{"name": "Market", "event_date": "2026-12-20"}],
        "event_finished_goods": [{"event_name": "Market", "finished_good_slug": "loaf-good", "quantity": 3}],
    }
    assert call(main.import_desktop, {"data": kitchen}, claims=owner)[0] == 200
    bought = call(main.add_purchase, {"product_id": "ka-flour", "packages": 1, "unit_price": 4.5,
                                      "purchased_on": "2026-11-20"}, claims=owner)
    assert bought[0] == 200
    assert call(main.save_bakery_settings, {"currency": "EUR"}, claims=owner)[0] == 200
    status, listed = call(main.shopping_list, {"event": "Market"}, claims=owner)
    assert status == 200 and "€" in listed["text"] and "$" not in listed["text"], listed["text"]
