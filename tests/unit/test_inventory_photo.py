"""The offline inventory-photo reader on synthetic photos with known levels and labels."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from adapters.inventory_photo import InventoryPhotoError, read_inventory_photo
from tests.support.inventory_images import inventory_photo

SEEDS = range(100, 120)


@pytest.fixture(scope="module")
def readings() -> list[tuple[int, int | None, str, str | None]]:
    out = []
    for seed in SEEDS:
        photo = inventory_photo(seed)
        reading = read_inventory_photo(photo.data)
        out.append((photo.level, reading.remaining_percentage, photo.item, reading.item_text))
    return out


def test_levels_are_close_to_the_truth(readings: list[tuple[int, int | None, str, str | None]]) -> None:
    errors = [abs(truth - got) if got is not None else 100 for truth, got, _, _ in readings]
    assert sum(e <= 15 for e in errors) >= 0.9 * len(errors), errors
    assert max(errors) <= 25, errors


def test_labels_are_read(readings: list[tuple[int, int | None, str, str | None]]) -> None:
    hits = [item.split()[0] in (text or "") for _, _, item, text in readings]
    assert sum(hits) >= 0.8 * len(hits), [(item, text) for _, _, item, text in readings]


def test_every_level_is_a_hint_to_check() -> None:
    reading = read_inventory_photo(inventory_photo(7).data)
    assert 0 < reading.level_confidence < 0.6 and any("check" in note for note in reading.notes)


def test_a_photo_of_nothing_gives_no_level_and_says_so() -> None:
    out = io.BytesIO()
    Image.new("RGB", (400, 500), (128, 128, 128)).save(out, "PNG")
    reading = read_inventory_photo(out.getvalue())
    assert reading.remaining_percentage is None and reading.level_confidence == 0
    assert any("say" in note for note in reading.notes)


def test_bytes_that_are_not_an_image_are_refused() -> None:
    with pytest.raises(InventoryPhotoError):
        read_inventory_photo(b"%PDF-1.7 not a photo")
