"""The offline reader for inventory photos: what the container is (label OCR) and how full it looks.

The container is what differs from the background (the border's colour). Inside it, each row's
median colour is taken (robust to printed labels), and the rows are split into two homogeneous
bands, contents below and empty above, at the split that best separates them (Otsu's criterion
on the row colours). The level is the height of the lower band over the container's height,
rounded to 5 %. When the bands hardly differ, or no container stands out, there is no level,
only a note asking the baker to say it. The confidence is modest on purpose: a photo is a
hint that the baker checks, and what they say with it outranks it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageFilter, ImageOps, UnidentifiedImageError

from adapters.receipt_ocr import ReceiptImageError, _tesseract, tesseract_available

SIDE = 240  # analysis resolution (long side, pixels)
MIN_CONTRAST = 28.0  # colour distance (0-441) between contents and empty part below which no level is read
_STOP = frozenset({"net", "wt", "the", "and", "with", "for", "new", "brand", "lbs", "ozs", "kg", "oz", "lb", "per"})


class InventoryPhotoError(ValueError):
    """The bytes are not a picture that can be read."""


@dataclass(frozen=True, slots=True)
class InventoryReading:
    item_text: str | None
    remaining_percentage: int | None
    level_confidence: float
    notes: list[str] = field(default_factory=list)


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InventoryPhotoError("the photo could not be opened as an image") from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def _distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def _median(values: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    channels = list(zip(*values, strict=True))
    return tuple(float(sorted(c)[len(c) // 2]) for c in channels)  # type: ignore[return-value]


def _container(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of what differs from the background (the border's median colour)."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    border = [pixels[x, y] for x in range(width) for y in (0, 1, height - 2, height - 1)]
    border += [pixels[x, y] for y in range(height) for x in (0, 1, width - 2, width - 1)]
    background = _median(border)
    threshold = 40.0
    rows = [sum(1 for x in range(width) if _distance(pixels[x, y], background) > threshold) for y in range(height)]
    cols = [sum(1 for y in range(height) if _distance(pixels[x, y], background) > threshold) for x in range(width)]
    row_hits = [y for y, n in enumerate(rows) if n > 0.25 * width]
    col_hits = [x for x, n in enumerate(cols) if n > 0.25 * height]
    if not row_hits or not col_hits:
        return None
    box = (min(col_hits), min(row_hits), max(col_hits) + 1, max(row_hits) + 1)
    if (box[2] - box[0]) < 0.15 * width or (box[3] - box[1]) < 0.2 * height:
        return None
    return box


def _row_colours(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[float, float, float]]:
    x0, y0, x1, y1 = box
    inset = max(1, (x1 - x0) // 6)  # stay clear of the container's outline and edges
    pixels = image.load()
    assert pixels is not None
    return [_median([pixels[x, y] for x in range(x0 + inset, x1 - inset)]) for y in range(y0, y1)]


def _split(colours: list[tuple[float, float, float]]) -> tuple[int, float]:
    """The row index that best splits the rows into two homogeneous bands, and the bands' colour distance."""
    n = len(colours)
    prefix = [(0.0, 0.0, 0.0)]
    prefix_sq = [0.0]
    for c in colours:
        p = prefix[-1]
        prefix.append((p[0] + c[0], p[1] + c[1], p[2] + c[2]))
        prefix_sq.append(prefix_sq[-1] + c[0] ** 2 + c[1] ** 2 + c[2] ** 2)

    def spread(a: int, b: int) -> tuple[float, tuple[float, float, float]]:
        count = b - a
        sums = tuple(prefix[b][k] - prefix[a][k] for k in range(3))
        mean = (sums[0] / count, sums[1] / count, sums[2] / count)
        return prefix_sq[b] - prefix_sq[a] - count * sum(m * m for m in mean), mean

    best, best_cost, best_gap = n, float("inf"), 0.0
    total, _ = spread(0, n)
    for k in range(1, n):
        upper, upper_mean = spread(0, k)
        lower, lower_mean = spread(k, n)
        if upper + lower < best_cost:
            best, best_cost, best_gap = k, upper + lower, _distance(upper_mean, lower_mean)
    if total <= 1e-9:
        return n, 0.0
    return best, best_gap


def _container_in(image: Image.Image) -> tuple[Image.Image, tuple[int, int, int, int] | None]:
    small = image.copy()
    small.thumbnail((SIDE, SIDE))
    small = small.filter(ImageFilter.MedianFilter(3))
    return small, _container(small)


def read_level(small: Image.Image, box: tuple[int, int, int, int] | None) -> tuple[int | None, float, list[str]]:
    if box is None:
        return None, 0.0, ["no container could be told apart from the background: say how full it is"]
    colours = _row_colours(small, box)
    if len(colours) < 10:
        return None, 0.0, ["the container is too small in the photo: say how full it is"]
    split, gap = _split(colours)
    if split < 0.12 * len(colours):
        # a thin band on top is a lid or a folded top, not the empty part: look again below it
        below = colours[split:]
        inner_split, inner_gap = _split(below)
        if inner_gap >= MIN_CONTRAST and inner_split > 0.03 * len(below):
            colours, split, gap = below, inner_split, inner_gap
    if gap < MIN_CONTRAST:
        # one homogeneous band: full or empty cannot be told apart from the photo alone
        return None, 0.0, ["could not see the fill level: say it, e.g. 'about half full'"]
    filled = (len(colours) - split) / len(colours)
    level = round(filled * 20) * 5
    confidence = round(min(0.55, 0.3 + gap / 400), 2)
    return level, confidence, [f"level read from the photo as about {level}%: check it"]


def _ink(gray: Image.Image) -> Image.Image:
    """Black where a pixel stands out from its surroundings, white elsewhere: print of any colour on any
    background, as Tesseract likes it."""
    background = gray.filter(ImageFilter.MedianFilter(15))  # flat areas and their edges stay; thin strokes go
    return ImageChops.difference(gray, background).point(lambda p: 0 if p > 40 else 255)


def read_label(image: Image.Image, box: tuple[int, int, int, int] | None, scale: float) -> str | None:
    """The label's most prominent words (3+ letters), lower-cased; None when nothing is legible.

    Tesseract finds little on a whole photo dominated by flat colour, so the container is read on
    its own first (light and dark print alike), then the whole photo.
    """
    if not tesseract_available():
        return None
    gray = ImageOps.autocontrast(image.convert("L"))
    views = []
    if box is not None:
        x0, y0, x1, y1 = (int(v * scale) for v in box)
        views.append(gray.crop((x0, y0, x1, y1)))
    views.append(gray)
    words: list[str] = []
    for view in views:
        view.thumbnail((900, 900))
        for candidate in (_ink(view), view):
            try:
                text = _tesseract(candidate, "--psm", "11")
            except ReceiptImageError:
                return None
            for word in re.findall(r"[A-Za-z]{3,}", text):
                lowered = word.lower()
                if lowered not in _STOP and lowered not in words:
                    words.append(lowered)
            if words:
                return " ".join(words[:4])
    return " ".join(words[:4]) or None


def read_inventory_photo(data: bytes) -> InventoryReading:
    image = _open(data)
    small, box = _container_in(image)
    level, confidence, notes = read_level(small, box)
    item = read_label(image, box, image.width / small.width)
    if item is None:
        notes.append("no label could be read: say what is in the photo")
    return InventoryReading(item, level, confidence, notes)
