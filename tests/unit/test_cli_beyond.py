"""`baketracker scale`, `can-make` and `cost`, and `plan --json` with equipment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import fixtures_dir, load_fixture

WINTER = str(fixtures_dir() / "desktop-plans" / "winter_events.json")


def test_scale_by_one_ingredient_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scale", "--data", WINTER, "--recipe", "Anzac Cookies", "--by", "flour_all_purpose=3lb",
                 "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["by"] == {"ingredient": "flour_all_purpose", "ingredient_name": "Flour, all-purpose", "amount": 3,
                            "unit": "LBR", "per_batch": pytest.approx(0.5525, rel=1e-3)}
    assert answer["factor"] == pytest.approx(3 / answer["by"]["per_batch"], rel=1e-5)
    flour = answer["bakers_percentages"]["lines"][0]
    assert flour["ingredient"] == "flour_all_purpose" and flour["percentage"] == 100


def test_scale_text_names_the_factor_and_the_formula(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scale", "--data", WINTER, "--recipe", "anzac cookies", "--by", "Flour, all-purpose=1.5 kg"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Anzac Cookies scaled to 1.5 kg of Flour, all-purpose") and "Baker's percentages" in out
    assert "no density" in out  # walnuts by the cup cannot be weighed: said, not guessed


@pytest.mark.parametrize("by, message", [("butter3lb", "INGREDIENT=AMOUNT"), ("butter=3", "INGREDIENT=AMOUNT"),
                                         ("nothing=3lb", "no ingredient is named 'nothing'"),
                                         ("flour_all_purpose=3 furlongs", "unknown unit")])
def test_scale_refuses_what_it_cannot_read(by: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scale", "--data", WINTER, "--recipe", "Anzac Cookies", "--by", by]) == 1
    assert message in capsys.readouterr().err


def test_can_make_as_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["can-make", "--data", WINTER, "--event", "Winter Market 2026", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) >= {"event", "recipes", "finished_units", "to_buy", "all_covered", "warnings"}
    assert all(r["can_make"] <= r["to_make"] for r in answer["recipes"])
    assert main(["can-make", "--data", WINTER, "--event", "Winter Market 2026"]) == 0
    assert "What the stock on hand makes for Winter Market 2026" in capsys.readouterr().out


def test_cost_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--data", WINTER, "--event", "Winter Market 2026", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["complete"] is False and answer["unpriced"]  # the sample's lots carry no cost: said so


def test_plan_json_gains_mixes_and_oven_loads_with_equipment(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = load_fixture("desktop-plans/winter_events.json")
    data["equipment"] = [
        {"slug": "hobart", "name": "20-qt Hobart", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
         "recipes": [{"recipe_name": "Gingerbread Chai Cookies", "batch_size": 8, "batch_unit": "qt"}]},
        {"slug": "deck", "name": "Deck oven", "kind": "oven", "pans_per_load": 4,
         "recipes": [{"recipe_name": "Gingerbread Chai Cookies", "pans_per_batch": 3}]},
    ]
    path = tmp_path / "with_equipment.json"
    path.write_text(json.dumps(data))
    assert main(["plan", "--data", str(path), "--event", "Winter Market 2026", "--json"]) == 0
    recipes = {r["recipe"]: r for r in json.loads(capsys.readouterr().out)["recipes"]}
    cookies = recipes["Gingerbread Chai Cookies"]  # 4 batches
    assert cookies["mixes"]["count"] == 2 and cookies["mixes"]["text"].startswith("4 batches → 2 mixes of 2")
    assert (cookies["oven_loads"]["pans"], cookies["oven_loads"]["count"]) == (12, 3)
    assert "mixes" not in recipes["Candy-Bar Fudge"]
