"""list_purchases over HTTP on the memory backend: the paging contract (tests/support/purchase_paging.py), 400s
that name `limit` or `cursor`, a viewer may read, another bakery's cursor reveals nothing of the first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import pytest

from core.stock.lots import Purchase
from core.tenancy import Member, Role
from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call
from tests.support import purchase_paging as contract


class Http:
    def __init__(self, backend: MemoryBackend) -> None:
        self.backend = backend
        self.owners: dict[str, dict[str, Any]] = {}

    def bakery(self, name: str) -> str:
        uid = f"owner-{name}"
        tenant = call(main.create_tenant, {"name": name}, claims={"uid": uid})[1]["tenant_id"]
        claims = {"uid": uid, "tenant_id": tenant, "role": "owner"}
        catalog = {"suppliers": [{"slug": "costco", "name": "Costco"}],
                   "ingredients": [{"slug": "flour", "display_name": "Flour"}],
                   "products": [{"id": pid, "ingredient_slug": "flour", "brand": "B", "package_unit": "lb",
                                 "package_unit_quantity": 5} for pid in contract.PRODUCTS]}
        assert call(main.save_catalog, catalog, claims=claims)[0] == 200
        self.owners[tenant] = claims
        return tenant

    def buy(self, tenant: str, purchases: Iterable[Purchase]) -> None:
        with self.backend.unit_of_work(tenant) as uow:
            for p in purchases:
                uow.purchases.put(p)
            uow.commit()

    def lister(self, tenant: str, limit: int | None, cursor: str | None, product: str | None) -> dict[str, Any]:
        body = {k: v for k, v in (("limit", limit), ("cursor", cursor), ("product", product)) if v is not None}
        status, answer = call(main.list_purchases, body, claims=self.owners[tenant])
        if status == 400:
            raise contract.Refused(answer["error"]["field"], answer["error"]["message"])
        assert status == 200, answer
        return dict(answer)


@pytest.fixture
def http(backend: MemoryBackend) -> Http:
    return Http(backend)


def test_every_purchase_once_in_order(http: Http) -> None:
    contract.check_every_purchase_once_in_order(http.lister, http.buy, http.bakery("A"))


def test_purchases_bought_between_pages(http: Http) -> None:
    contract.check_purchases_added_between_pages(http.lister, http.buy, http.bakery("A"))


def test_limit_and_cursor_are_validated(http: Http) -> None:
    contract.check_limit_and_cursor_are_validated(http.lister, http.buy, http.bakery("A"), http.bakery("B"))


def test_bakeries_never_see_each_other(http: Http) -> None:
    contract.check_bakeries_never_see_each_other(http.lister, http.buy, http.bakery("A"), http.bakery("B"))


@pytest.mark.parametrize(("body", "field"), [
    ({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "ten"}, "limit"), ({"limit": 2.5}, "limit"),
    ({"limit": True}, "limit"), ({"limit": None}, "limit"), ({"cursor": ""}, "cursor"), ({"cursor": 5}, "cursor"),
    ({"cursor": "c" * 601}, "cursor"), ({"cursor": "bm90IGpzb24"}, "cursor"), ({"product": ""}, "product"),
    ({"pages": 2}, "pages"),
])
def test_bad_input_is_a_400_naming_the_field(http: Http, body: dict[str, Any], field: str) -> None:
    tenant = http.bakery("A")
    status, answer = call(main.list_purchases, body, claims=http.owners[tenant])
    assert status == 400, answer
    assert answer["error"]["field"] == field and answer["error"]["message"] and answer["error"]["request_id"]


def test_an_unknown_product_is_a_404_naming_product(http: Http) -> None:
    tenant = http.bakery("A")
    status, answer = call(main.list_purchases, {"product": "no-such-product"}, claims=http.owners[tenant])
    assert status == 404 and answer["error"]["field"] == "product"


def test_a_viewer_reads_and_purchases_bought_through_the_api_are_listed(http: Http, backend: MemoryBackend) -> None:
    alice = {"uid": "alice"}
    tenant = call(main.create_tenant, {"name": "Winter"}, claims=alice)[1]["tenant_id"]
    alice = {"uid": "alice", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=alice)[0] == 200
    product = sorted(backend.stores[tenant].bakery.products)[0]
    bought = [call(main.add_purchase, {"product_id": product, "packages": 1, "unit_price": 3 + n,
                                       "purchased_on": f"2026-11-0{n + 1}"}, claims=alice)[1]["purchase_id"]
              for n in range(3)]
    viewer = {"uid": "vic", "tenant_id": tenant, "role": "viewer"}
    backend.save_member(tenant, Member("vic", Role.VIEWER, None, dt.datetime.now(dt.UTC)))
    status, page = call(main.list_purchases, {"limit": 2, "product": product}, claims=viewer)
    assert status == 200, page
    assert [p["id"] for p in page["purchases"]] == bought[::-1][:2]
    assert page["purchases"][0]["unit_price"] == "5" and page["purchases"][0]["purchased_on"] == "2026-11-03"
    status, rest = call(main.list_purchases, {"limit": 2, "product": product, "cursor": page["next_cursor"]},
                        claims=viewer)
    assert status == 200 and [p["id"] for p in rest["purchases"]] == [bought[0]] and rest["next_cursor"] is None
    assert "next_cursor" in json.dumps(rest)
