"""The `baketracker` command as other tools call it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import fixtures_dir

WINTER = str(fixtures_dir() / "desktop-plans" / "winter_events.json")
ALL = str(fixtures_dir() / "desktop" / "sample_data_all.json")


def test_plan_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--data", WINTER, "--event", "Winter Market 2026", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["event"] == "Winter Market 2026"
    assert set(plan["finished_units"][0]) >= {"slug", "recipe", "needed", "per_batch", "batches", "produced", "surplus"}
    assert {r["recipe"]: r["batches"] for r in plan["recipes"]}["Gingerbread Chai Cookies"] == 4
    assert set(plan["ingredients"][0]) == {"ingredient", "quantity", "unit"}
    line = next(s for s in plan["shopping_list"] if s["ingredient"] == "sugar_granulated")
    assert set(line) >= {"ingredient", "needed", "on_hand", "to_buy", "unit", "packages"}
    assert set(line["packages"][0]) >= {"product", "count", "supplier"}


def test_plan_text_is_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--data", WINTER, "--event", "office party 2026"]) == 0
    out = capsys.readouterr().out
    assert "Plan for Office Party 2026" in out and "Total batches" in out and "Marble Fruit Cake" in out


def test_shopping_list_groups_by_supplier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shopping-list", "--data", WINTER, "--event", "Winter Market 2026"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Shopping list for Winter Market 2026") and "[ ]" in out and "Estimated total" in out


def test_an_unknown_event_is_an_error_listing_the_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--data", WINTER, "--event", "Nope"]) == 1
    err = capsys.readouterr().err
    assert 'no event named "Nope"' in err and '"Winter Market 2026"' in err


def test_a_missing_file_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--data", "/no/such.json", "--event", "x"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_a_file_that_is_not_json_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    assert main(["validate", str(bad)]) == 1
    assert "not valid JSON (line 1" in capsys.readouterr().err


def test_validate_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(Path(WINTER).read_text())
    data["recipes"][0]["ingredients"][0]["unit"] = "smidgen"
    data["products"][0]["package_unit_quantity"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "recipes[0].ingredients[0].unit: unknown unit 'smidgen'" in err
    assert "products[0].package_unit_quantity: must be greater than 0" in err


def test_export_round_trips_through_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert main(["export", "--data", ALL, "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert json.loads(out.read_text())["application"] == "bake-tracker"


def test_import_dry_run_reports_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "merged.json"
    mobile = str(fixtures_dir() / "desktop" / "bt_mobile_purchase_sample.json")
    assert main(["import", mobile, "--data", ALL, "--out", str(out), "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert not out.exists()
