"""core/backup, pure: a bakery written as a backup and read back is the same bakery, field for field."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from core.backup.document import BakeryAbout, build_backup, photo_paths
from core.backup.reading import read_backup
from core.backup.retarget import moved_path, retarget
from core.bakery import Bakery
from core.desktop_format.files import import_file_into
from core.errors import ProblemsError
from core.repository import COLLECTION_NAMES
from core.tenancy import BakerySettings
from tests.conftest import load_fixture

ABOUT = BakeryAbout("ann-1234", "Ann's", "ann", dt.datetime(2026, 11, 1, 8, 30, 0, 123456, tzinfo=dt.UTC),
                    BakerySettings("metric", "EUR"))
NOW = dt.datetime(2026, 12, 2, 19, 0, tzinfo=dt.UTC)


def _imported(name: str) -> Bakery:
    result = import_file_into(Bakery(), load_fixture(name))
    assert result.ok, result.problems[:3]
    return result.bakery


def _through_json(bakery: Bakery) -> dict[str, Any]:
    return dict(json.loads(json.dumps(build_backup(bakery, ABOUT, [], [], [], NOW))))


@pytest.mark.parametrize("name", ["desktop/sample_data_all.json", "desktop/sample_data_min.json",
                                  "desktop-plans/winter_events.json"])
def test_a_desktop_sample_written_and_read_back_is_the_same_bakery(name: str) -> None:
    bakery = _imported(name)
    back = read_backup(_through_json(bakery))
    for collection in COLLECTION_NAMES:
        assert getattr(back.bakery, collection) == getattr(bakery, collection), collection
    assert back.about == ABOUT and back.exported_at == NOW


def test_decimals_stay_exact_and_a_float_is_refused() -> None:
    bakery = _imported("desktop-plans/winter_events.json")
    lot = next(iter(sorted(bakery.lots.values(), key=lambda lot: lot.id)))
    bakery.lots[lot.id] = replace(lot, quantity=Decimal("0.3333333"), unit_cost=Decimal("17.30"))
    data = _through_json(bakery)
    stored = next(row for row in data["collections"]["lots"] if row["id"] == lot.id)
    assert (stored["quantity"], stored["unit_cost"]) == ("0.3333333", "17.30")
    assert str(read_backup(data).bakery.lots[lot.id].unit_cost) == "17.30"  # the trailing zero kept
    stored["quantity"] = 0.3333333
    with pytest.raises(ProblemsError, match="expected a decimal written as a string") as refused:
        read_backup(data)
    assert refused.value.field and refused.value.field.endswith(".quantity")


def test_retargeting_moves_only_the_old_bakerys_photo_paths() -> None:
    assert moved_path("tenants/ann-1234/receipts/abc", "ann-1234", "bea-5678") == "tenants/bea-5678/receipts/abc"
    assert moved_path("tenants/ann-12345/receipts/abc", "ann-1234", "bea-5678") == "tenants/ann-12345/receipts/abc"
    bakery = _imported("desktop-plans/winter_events.json")
    moved = retarget(bakery, "ann-1234", "bea-5678")
    assert photo_paths(moved) == [] and moved.lots == bakery.lots and moved.lots is not bakery.lots


def test_a_component_naming_a_missing_finished_unit_is_named_by_its_path() -> None:
    data = _through_json(_imported("desktop-plans/winter_events.json"))
    index, good = next((i, g) for i, g in enumerate(data["collections"]["finished_goods"]) if g["components"])
    good["components"][0]["slug"] = "ghost"
    with pytest.raises(ProblemsError) as refused:
        read_backup(data)
    assert refused.value.field == f"collections.finished_goods[{index}].components[0].slug"
    assert "'ghost', which the backup does not hold" in refused.value.problems[0]["reason"]  # type: ignore[operator]
