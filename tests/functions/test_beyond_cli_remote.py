"""`baketracker scale`, `can-make` and `cost` with `--api`: the same answers as with `--data`."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from tests.conftest import fixtures_dir
from tests.functions.test_cli_remote import api  # noqa: F401  (the fixture)

WINTER = str(fixtures_dir() / "desktop-plans" / "winter_events.json")


@pytest.mark.parametrize("args", [["scale", "--recipe", "Anzac Cookies", "--by", "flour_all_purpose=3lb"],
                                  ["can-make", "--event", "Winter Market 2026"],
                                  ["cost", "--event", "Winter Market 2026"]], ids=["scale", "can-make", "cost"])
def test_the_same_answers_through_the_api(api: str, args: list[str],  # noqa: F811
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", WINTER, "--api", api]) == 0
    capsys.readouterr()
    assert main([*args, "--data", WINTER, "--json"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--api", api, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == local
