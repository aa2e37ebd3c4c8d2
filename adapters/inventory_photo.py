"""The offline reader for inventory photos: what the container is (label OCR) and how full it looks.

Used when Gemini is not configured. Everything runs on a copy of the photo reduced to 240 pixels on
its long side, in pure Pillow and Python:

1. The background is modelled from the photo's border (each pixel: the border colours of its row and of
   its column, interpolated, so plain and gradient backgrounds both work). The container is the bounding
   box of the columns and rows where enough pixels differ from that model (the walls of a glass jar count
   even where the glass shows the background through). When nothing stands out (a close-up that fills the
   frame), the whole photo is taken as the container, with lower confidence.
2. Inside the container's middle columns, the contents' colour is the median of a band just above the
   bottom; the empty part's colour is the commonest colour clearly different from it higher up. Each pixel
   is then counted as contents (near the contents' colour), empty (near the empty colour, or near the
   background model: glass showing what is behind it), or neither (a label, print, a lid, a reflection).
3. The fill line is the row that best separates rows of empty pixels above from rows of contents below
   (fewest pixels on the wrong side: a two-band split of the row profile, immune to labels and print,
   which count for neither side). The container's inner height runs from the first row that is mostly
   empty-or-contents (below a lid or a folded top) to the last row that is mostly contents.
4. Level = filled height / inner height, rounded to 5 %. When the two colours hardly differ, or one of
   them cannot be found, there is no level, only a note asking the baker to say it.

The label is read by Tesseract (the receipt reader's call) on the container, as it is and as "ink"
(print that stands out from its surroundings), in parallel; words of three or more letters that
Tesseract is fairly sure of are kept, the tallest first. Confidence stays modest on purpose: a photo is a
hint that the baker checks, and what they say outranks it.
"""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageFilter, ImageOps

from adapters.photo_files import open_photo
from adapters.receipt_ocr import ReceiptImageError, _tesseract, tesseract_available

SIDE = 240  # analysis resolution (long side, pixels)
MIN_CONTRAST = 30.0  # colour distance (0-441) between contents and empty part below which no level is read
MIN_WORD_CONFIDENCE = 50.0
MAX_WORDS = 6
OCR_SIDE = 500  # the container is read at this long side (measured: no better at 600 or 1000, slower)
# (page mode, Tesseract's binarisation, negative): sparse text (11) and one block (6), global Otsu (0) and
# Sauvola (2), the view and its negative (light print on a dark label). No one reading gets every label; on 91
# synthetic photos these four together found the item's word in 89% (any one alone: at most about 60%).
READINGS = (("11", "0", False), ("11", "2", False), ("6", "0", True), ("6", "2", True))
UNSEEN = "could not see the fill level: say it, e.g. 'about half full'"
_STOP = frozenset({"net", "wt", "the", "and", "with", "for", "new", "brand", "lbs", "ozs", "per", "all", "best",
                   "by", "use", "before"})
_LABEL_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inventory-label")  # beside the level
_OCR_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inventory-ocr")  # Tesseract runs at once

Colour = tuple[float, float, float]
Box = tuple[int, int, int, int]


class InventoryPhotoError(ValueError):
    """The bytes are not a picture that can be read."""


@dataclass(frozen=True)
class InventoryReading:
    item_text: str | None  # the label's most prominent words, lower case
    remaining_percentage: int | None  # 0..100, a multiple of 5
    level_confidence: float  # 0..1
    notes: list[str] = field(default_factory=list)  # what the baker must check


def read_inventory_photo(data: bytes) -> InventoryReading:
    """Photo bytes -> the item's label words and how full the container looks (see the module's doc)."""
    image = _open(data)
    small = image.copy()
    small.thumbnail((SIDE, SIDE), Image.Resampling.BOX)
    box = _container(small)
    label = _LABEL_POOL.submit(_read_label, image, box, image.width / small.width)
    level, confidence, notes = _read_level(small, box)
    item = label.result()
    if item is None:
        notes.append("no label could be read: say what is in the photo")
    return InventoryReading(item, level, confidence, notes)


# opening -----------------------------------------------------------------------------------------

def _open(data: bytes) -> Image.Image:
    image = open_photo(data, InventoryPhotoError, min_side=32)
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        upright = upright.convert("RGBA")
        upright = Image.alpha_composite(Image.new("RGBA", upright.size, (255, 255, 255, 255)), upright)
    return upright.convert("RGB")


class _Pixels:
    """An RGB picture's pixels as plain numbers (fast to read in pure Python)."""

    def __init__(self, image: Image.Image) -> None:
        self.width, self.height = image.size
        self.raw = image.tobytes()

    def at(self, x: int, y: int) -> Colour:
        i = 3 * (y * self.width + x)
        return float(self.raw[i]), float(self.raw[i + 1]), float(self.raw[i + 2])


def _distance(a: Colour, b: Colour) -> float:
    return math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2)


def _median(colours: list[Colour]) -> Colour:
    n = len(colours)
    return (sorted(c[0] for c in colours)[n // 2], sorted(c[1] for c in colours)[n // 2],
            sorted(c[2] for c in colours)[n // 2])


def _mean(colours: list[Colour]) -> Colour:
    n = len(colours)
    return sum(c[0] for c in colours) / n, sum(c[1] for c in colours) / n, sum(c[2] for c in colours) / n


# the container -----------------------------------------------------------------------------------

def _background(small: Image.Image) -> tuple[Image.Image, float]:
    """The background expected at each pixel, interpolated from the photo's border (its row's left and right
    ends, its column's top and bottom ends, averaged), and the border's graininess (grey levels)."""
    w, h = small.size
    left = small.crop((0, 0, 2, h)).resize((1, h), Image.Resampling.BOX).resize((w, h), Image.Resampling.NEAREST)
    right = small.crop((w - 2, 0, w, h)).resize((1, h), Image.Resampling.BOX).resize((w, h))
    top = small.crop((0, 0, w, 2)).resize((w, 1), Image.Resampling.BOX).resize((w, h), Image.Resampling.NEAREST)
    bottom = small.crop((0, h - 2, w, h)).resize((w, 1), Image.Resampling.BOX).resize((w, h))
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((w, h))  # 0 left, 255 right
    down = Image.linear_gradient("L").resize((w, h))
    model = Image.blend(Image.composite(right, left, across), Image.composite(bottom, top, down), 0.5)
    ring = ImageChops.difference(small, small.transform(small.size, Image.Transform.AFFINE, (1, 0, 1, 0, 1, 1)))
    grey = ring.convert("L")
    edges = [*grey.crop((0, 0, w - 1, 2)).tobytes(), *grey.crop((0, 0, 2, h - 1)).tobytes()]
    noise = float(sorted(edges)[len(edges) // 2]) if edges else 0.0
    return model, noise


def _differs(small: Image.Image, model: Image.Image, threshold: float) -> bytes:
    """255 where a pixel's largest channel difference from the model exceeds the threshold, else 0."""
    r, g, b = ImageChops.difference(small, model).split()
    biggest = ImageChops.lighter(r, ImageChops.lighter(g, b))
    return biggest.point(lambda v: 255 if v > threshold else 0).tobytes()


def _container(small: Image.Image) -> Box | None:
    """The bounding box of what differs from the background; None when nothing clearly does."""
    w, h = small.size
    model, noise = _background(small)
    mask = _differs(small, model, max(18.0, 3.0 * noise))
    rows = [mask[y * w:(y + 1) * w] for y in range(h)]
    columns = [sum(row[x] == 255 for row in rows) for x in range(w)]
    hit_columns = [x for x, n in enumerate(columns) if n > 0.12 * h]
    if not hit_columns:
        return None
    x0, x1 = min(hit_columns), max(hit_columns) + 1
    wall = max(2, (x1 - x0) // 12)
    hit_rows = []
    for y, row in enumerate(rows):
        count = row.count(255, x0, x1)
        walls = row.count(255, x0, x0 + wall) > 0 and row.count(255, x1 - wall, x1) > 0
        if count > 0.25 * (x1 - x0) or (walls and count > 0.02 * (x1 - x0)):
            hit_rows.append(y)
    if not hit_rows:
        return None
    y0, y1 = min(hit_rows), max(hit_rows) + 1
    if (x1 - x0) < 0.12 * w or (y1 - y0) < 0.15 * h or ((x1 - x0) > 0.97 * w and (y1 - y0) > 0.97 * h):
        return None
    return x0, y0, x1, y1


# the level ---------------------------------------------------------------------------------------

def _read_level(small: Image.Image, box: Box | None) -> tuple[int | None, float, list[str]]:
    pixels = _Pixels(small.filter(ImageFilter.MedianFilter(3)))
    background = _Pixels(_background(small)[0]) if box is not None else None
    notes: list[str] = []
    if box is None:
        notes.append("no container stood out from the background: the whole photo was taken as the container")
        box = (0, 0, small.width, small.height)
    x0, y0, x1, y1 = box
    inset = max(1, (x1 - x0) * 3 // 20)  # clear of the walls, rounded corners and a tilted outline
    xs = range(x0 + inset, x1 - inset)
    if len(xs) < 4 or y1 - y0 < 12:
        return None, 0.0, [*notes, UNSEEN]
    height = y1 - y0
    rows = [[pixels.at(x, y) for x in xs] for y in range(y0, y1)]

    # the contents: just above the bottom (clear of the outline and of a tilted base); grainy contents
    # (chocolate chips, oats) have more than one colour
    low = rows[height - max(2, height * 8 // 100): height - max(1, height * 2 // 100)]
    palette = _palette([c for row in low for c in row])
    empty = _empty_colour(rows[: height * 85 // 100], palette)
    if empty is None:
        # one homogeneous container: full or empty cannot be told apart from the photo alone
        return None, 0.0, [*notes, UNSEEN]
    gap = min(_distance(empty, c) for c in palette)
    tolerance = min(60.0, max(30.0, 0.4 * gap))

    full_counts: list[int] = []
    empty_counts: list[int] = []
    for dy, row in enumerate(rows):
        n_full = n_empty = 0
        for x, colour in zip(xs, row, strict=True):
            to_full, to_empty = min(_distance(colour, c) for c in palette), _distance(colour, empty)
            if to_full < tolerance and to_full <= to_empty:
                n_full += 1
            elif to_empty < tolerance or (background is not None
                                          and _distance(colour, background.at(x, y0 + dy)) < tolerance):
                n_empty += 1
        full_counts.append(n_full)
        empty_counts.append(n_empty)

    split, wrong = _best_split(full_counts, empty_counts)
    width = len(xs)
    body = [i for i in range(height) if full_counts[i] + empty_counts[i] >= 0.6 * width]
    bottom_rows = [i for i in range(height) if full_counts[i] >= 0.35 * width]
    if not body or not bottom_rows or split >= height:
        return None, 0.0, [*notes, UNSEEN]
    top, bottom = body[0], bottom_rows[-1] + 1
    if bottom - top < 8 or not top <= split <= bottom:
        return None, 0.0, [*notes, UNSEEN]
    level = round((bottom - split) / (bottom - top) * 20) * 5
    counted = sum(full_counts[top:bottom]) + sum(empty_counts[top:bottom])
    agreement = 1.0 - wrong / counted if counted else 0.0
    confidence = round(max(0.05, min(0.55, (0.15 + 0.4 * min(1.0, gap / 120)) * agreement)), 2)
    if notes:
        confidence = round(confidence / 2, 2)
    return level, confidence, [*notes, f"level read from the photo as about {level}%: check it"]


def _bin(colour: Colour) -> tuple[int, int, int]:
    return int(colour[0]) // 32, int(colour[1]) // 32, int(colour[2]) // 32


def _palette(colours: list[Colour]) -> list[Colour]:
    """The contents' colours: the median, and the mean of each coarse colour bin holding a fifth of them."""
    bins: dict[tuple[int, int, int], list[Colour]] = {}
    for colour in colours:
        bins.setdefault(_bin(colour), []).append(colour)
    common = [_mean(members) for members in bins.values() if len(members) >= 0.2 * len(colours)]
    return [_median(colours), *common]


def _empty_colour(rows: list[list[Colour]], palette: list[Colour]) -> Colour | None:
    """The colour, unlike the contents, that best forms whole bands across the container: each coarse
    colour bin scores the sum over rows of its share of the row, squared (a label patch covers part of its
    rows; the empty part covers all of them). None when too few pixels are unlike the contents."""
    scores: dict[tuple[int, int, int], float] = {}
    members: dict[tuple[int, int, int], list[Colour]] = {}
    unlike = 0
    for row in rows:
        counts: dict[tuple[int, int, int], int] = {}
        for colour in row:
            if min(_distance(colour, c) for c in palette) >= MIN_CONTRAST:
                key = _bin(colour)
                counts[key] = counts.get(key, 0) + 1
                members.setdefault(key, []).append(colour)
                unlike += 1
        for key, count in counts.items():
            scores[key] = scores.get(key, 0.0) + (count / len(row)) ** 2
    if not scores or unlike < 0.04 * sum(len(row) for row in rows):
        return None
    best = max(scores, key=lambda key: scores[key])
    if scores[best] < 0.03 * len(rows):  # not even a thin band of it
        return None
    centre = _mean(members[best])
    near = [c for key, colours in members.items() for c in colours
            if abs(key[0] - best[0]) <= 1 and abs(key[1] - best[1]) <= 1 and abs(key[2] - best[2]) <= 1
            and _distance(c, centre) < 40]
    return _mean(near) if near else centre


def _best_split(full: list[int], empty: list[int]) -> tuple[int, int]:
    """The row index k putting rows [0, k) as empty and [k, n) as contents with the fewest pixels on the
    wrong side (contents above the line, empty below it), and that number."""
    n = len(full)
    wrong = sum(empty)  # k = 0: everything is contents
    best, best_wrong = 0, wrong
    for k in range(1, n + 1):
        wrong += full[k - 1] - empty[k - 1]
        if wrong < best_wrong:
            best, best_wrong = k, wrong
    return best, best_wrong


# the label ---------------------------------------------------------------------------------------

def _words(view: Image.Image, how: tuple[str, str, bool]) -> list[tuple[str, float, float]]:
    """(word, height in pixels, confidence) for each word of 3+ letters Tesseract reads on the view (or on its
    negative), binarised by one of its thresholding methods."""
    page_mode, method, negative = how
    if negative:
        view = ImageOps.invert(view)
    try:
        tsv = _tesseract(view, "--psm", page_mode, "-c", f"thresholding_method={method}", "tsv")
    except ReceiptImageError:
        return []
    found = []
    for line in tsv.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) != 12 or cells[0] != "5":
            continue
        try:
            confidence, height = float(cells[10]), float(cells[9])
        except ValueError:
            continue
        for word in re.findall(r"[A-Za-z]{3,}", cells[11]):
            if confidence >= MIN_WORD_CONFIDENCE and _plausible(word):
                found.append((word.lower(), height, confidence))
    return found


def _plausible(word: str) -> bool:
    lowered = word.lower()
    if lowered in _STOP or not re.search(r"[aeiouy]", lowered) or len(set(lowered)) < 2:
        return False
    return not re.search(r"[^aeiouy]{5}", lowered) and (word.isupper() or word.islower() or word.istitle())


def _read_label(image: Image.Image, box: Box | None, scale: float) -> str | None:
    """The label's most prominent words (3+ letters), tallest first, lower-cased; None when nothing is legible.

    Tesseract finds little on a whole photo dominated by flat colour, so the container is read on its own
    (see READINGS; in parallel); the whole photo only when no container was found."""
    if not tesseract_available():
        return None
    gray = image.convert("L")
    views: list[Image.Image] = []
    if box is not None:
        x0, y0, x1, y1 = box
        pad = int(4 * scale)
        views.append(gray.crop((max(0, int(x0 * scale) - pad), max(0, int(y0 * scale) - pad),
                                min(gray.width, int(x1 * scale) + pad), min(gray.height, int(y1 * scale) + pad))))
    else:
        views.append(gray)
    for view in views:
        scale_to = OCR_SIDE / max(view.size)
        view = view.resize((max(1, round(view.width * scale_to)), max(1, round(view.height * scale_to))),
                           Image.Resampling.LANCZOS)
        # print on a label patch, on the container or on its contents: no one binarisation reads them all
        found = [word for words in _OCR_POOL.map(_words, [view] * len(READINGS), READINGS)
                 for word in words]
        if found:
            return _prominent(found)
    return None


def _prominent(found: list[tuple[str, float, float]]) -> str:
    """Up to MAX_WORDS distinct words, the tallest (best read) first; small print is left out."""
    best: dict[str, tuple[float, float]] = {}
    whole = {word for word, _, _ in found}
    for word, height, confidence in found:
        if any(word != other and word in other for other in whole):  # "ugar" beside "sugar"
            continue
        if word not in best or (height, confidence) > best[word]:
            best[word] = (height, confidence)
    tallest = max(height for height, _ in best.values())
    ranked = sorted(best, key=lambda word: (-best[word][0], -best[word][1], word))
    return " ".join([word for word in ranked if best[word][0] >= 0.4 * tallest][:MAX_WORDS])
