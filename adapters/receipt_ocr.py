"""Receipt photo -> text, offline, with the Tesseract CLI; then `core.receipts.lines` reads it.

Steps: open the bytes with Pillow (EXIF turn, grey); flatten the paper (each pixel against the
brightest paper near it, so shadows and the table behind drop out); turn upright (the multiple of
90 degrees whose words Tesseract reads most confidently on a band across the middle); straighten
(the small angle whose rows of ink are sharpest); then read with `tesseract --psm 6` twice in
parallel, as is and through a 3x3 median filter, and keep the better reading (a receipt that looks
continental is read again with Tesseract's German, French and Dutch models too, when they are installed;
English alone otherwise). Nothing leaves the machine. `ReceiptImageError` is the only error a caller needs to show.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageMath, ImageOps, ImageStat

from adapters.photo_files import open_photo
from core.receipts.lines import ReceiptReading, read_receipt_text
from core.speech.operations import SAID, VAGUE
from core.speech.purchases import COUNT

TESSERACT = "tesseract"
MIN_LONG_SIDE = 1400  # pixels: smaller pictures are enlarged, bigger ones reduced
MAX_LONG_SIDE = 3000
SURE_RATIO = 2.5  # upright (or upside down) is taken without trying 90/270 when this much more confident
TIMEOUT_SECONDS = 20
UNSURE_LINE = 50.0  # a line read with less mean word confidence than this is read again on its own
MAX_REREAD_LINES = 16
UNEVEN_LIGHT = 1.5  # brightest to darkest paper (95th to 5th percentile) above which the light is a shadow
# one uniform block of lines; psm 4 ("a column") was measured to drop right-aligned price columns
PAGE_MODE = "6"
# Tesseract's OpenMP threads make small images several times slower; one thread each is fastest.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_AVAILABLE = False
_INSTALLED: frozenset[str] | None = None
EUROPEAN = ("deu", "fra", "nld")  # the continental receipts' languages, used when their packs are installed
# a receipt that looks continental: euros, the German/French/Dutch total and VAT words, or three comma decimals
# (one alone is often a US price's point misread)
_CONTINENTAL = re.compile(r"€|\bEUR\b|\b(MWST|MwSt|TVA|BTW|Summe|SUMME|TOTAAL|zu zahlen)\b")
_COMMA_DECIMAL = re.compile(r"\d,\d\d\b")
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tesseract")


class ReceiptImageError(ValueError):
    """The bytes are not a picture that can be read as a receipt (or OCR is not installed)."""


@dataclass(frozen=True, slots=True)
class _Words:
    count: int
    score: float


def tesseract_available() -> bool:
    """Whether the Tesseract CLI and its English model are installed (a yes is remembered)."""
    global _AVAILABLE
    if _AVAILABLE:
        return True
    if shutil.which(TESSERACT) is None:
        return False
    try:
        done = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=10, env=_ENV)
    except (OSError, subprocess.SubprocessError):
        return False
    global _INSTALLED
    # the first line names the folder; one language a line after it
    _INSTALLED = frozenset(line.strip() for line in done.stdout.splitlines()[1:]) if done.returncode == 0 else None
    _AVAILABLE = _INSTALLED is not None and "eng" in _INSTALLED
    return _AVAILABLE


def _european() -> str | None:
    """"eng+deu+fra+nld" (those of the three installed), or None when none is: then English alone, as before."""
    installed = _INSTALLED or frozenset()
    extra = [lang for lang in EUROPEAN if lang in installed]
    return "+".join(["eng", *extra]) if extra else None


def extract_receipt(data: bytes, today: dt.date) -> ReceiptReading:
    """Photo bytes -> proposed purchases (see `ReceiptReading.operations()`).

    The picture is read twice (see `_read_variants`); a third reading takes the better reading of each line
    from the two. Of the three, see `best_reading`."""
    texts = _read_variants(data)
    if len(texts) == 2:
        texts.append(_merged(*texts))
    return best_reading([text.text for text in texts], [text.confidence for text in texts], today)


def best_reading(texts: list[str], confidences: list[float], today: dt.date) -> ReceiptReading:
    """The reading whose lines add up to the receipt's total; else the one with fewest notes for the baker (a
    quantity that does not make its line price, a price that needed repairs, a line unreadable); else the one
    that found a size on more lines; else the one Tesseract was more confident about."""
    readings = [(read_receipt_text(text, today), confidence) for text, confidence in zip(texts, confidences,
                                                                                            strict=True)]
    return max(readings, key=lambda pair: (pair[0].total_checked, -len(pair[0].notes), -_sizeless(pair[0]),
                                           pair[1]))[0]


def _sizeless(reading: ReceiptReading) -> int:
    """Lines read as a count of pieces because no size was found on them ("OLIVE OIL SOOML"): a reading that found
    a size on more of them read more of what is printed."""
    return sum(1 for line in reading.lines if line.unit == COUNT and line.confidence.get("unit", SAID) <= VAGUE)


def ocr_image(data: bytes) -> str:
    """The text of a receipt photo, line by line (the more confident of two readings)."""
    return max(_read_variants(data), key=lambda text: text.confidence).text


def _read_variants(data: bytes) -> list[_Text]:
    """The picture read twice, in parallel: through a 3x3 median filter and as it is. The median removes
    speckle and sensor noise but breaks the thin serifs of some fonts, so neither wins everywhere. Both are
    read even under heavy noise (low light): the unfiltered picture then reads worse as a whole, but some of its
    lines better, and `extract_receipt` takes the better reading of each line."""
    if not tesseract_available():
        raise ReceiptImageError("receipt reading is not available: Tesseract OCR is not installed")
    gray = _grey(_open(data))
    paper = _rectified(gray)
    flat = _flatten(gray, divide=False) if paper is None else _flatten(paper, off_paper=False)
    median = flat.filter(ImageFilter.MedianFilter(3))
    variants = [_scaled(median), _scaled(flat)]
    turn = _upright_turn(variants[0])
    if turn:
        variants = [v.rotate(-turn, expand=True) for v in variants]
    angle = _skew(variants[0])
    if angle:
        variants = [v.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255) for v in variants]
    texts = list(_POOL.map(_read_text, variants))
    european = _european()
    if european is None or not any(_continental(text.text) for text in texts):
        return texts
    # a continental receipt (euros, comma decimals, MwSt/TVA/BTW): read again with the German, French and Dutch
    # models too, so Haselnüsse is not Haselniisse. Measured better than every receipt in all four languages,
    # which misread some English words (UK and US receipts lost 1-2 points).
    return list(_POOL.map(lambda variant: _read_text(variant, european), variants))


def _continental(text: str) -> bool:
    return bool(_CONTINENTAL.search(text)) or len(_COMMA_DECIMAL.findall(text)) >= 3


# opening and cleaning ---------------------------------------------------------------------------

def _open(data: bytes) -> Image.Image:
    return open_photo(data, ReceiptImageError, min_side=50)


def _grey(image: Image.Image) -> Image.Image:
    """The picture the right way round per its EXIF, transparent parts white, in grey levels."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        backdrop = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backdrop, image)
    return image.convert("L")


def _scaled(gray: Image.Image) -> Image.Image:
    """A size Tesseract reads well: small photos enlarged, huge ones reduced."""
    long_side = max(gray.size)
    if MIN_LONG_SIDE <= long_side <= MAX_LONG_SIDE:
        return gray
    scale = (MIN_LONG_SIDE if long_side < MIN_LONG_SIDE else MAX_LONG_SIDE) / long_side
    return gray.resize((round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS)


def _flatten(gray: Image.Image, *, off_paper: bool = True, divide: bool = True) -> Image.Image:
    """Ink as dark on white: each pixel divided by the brightest paper near it (a blurred local maximum), so
    print in a shadow or in dim light is as dark against its paper as print in full light; whatever lies off
    the paper (a table, a hand) becomes white."""
    step = max(1, min(gray.size) // 120)
    reduced = gray.reduce(step)
    background = reduced.filter(ImageFilter.MaxFilter(5))
    if not off_paper and _uneven(background):
        # a shadow across the paper: closed back (a minimum after the maximum) so its edge stays where it is
        # instead of spreading the lit paper's brightness into the shade
        background = background.filter(ImageFilter.MinFilter(5))
    background = background.resize(gray.size, Image.Resampling.BILINEAR)
    if divide:
        ratio = ImageMath.lambda_eval(lambda m: m["convert"](m["min"](m["g"] * 255 / (m["b"] + 1), 255), "L"),
                                      g=gray, b=background)
    else:  # evenly lit paper, not squared up: ink as its difference from the paper (measured a little better)
        ratio = ImageOps.invert(ImageChops.subtract(background, gray))
    flat = ImageOps.autocontrast(ratio, cutoff=0.5)
    if not off_paper:
        return flat
    return ImageChops.lighter(flat, ImageOps.invert(_paper(reduced).resize(gray.size, Image.Resampling.NEAREST)))


def _uneven(background: Image.Image) -> bool:
    """Whether the paper's light differs by more than half again across it (a shadow, not just dim light)."""
    histogram = background.histogram()
    total = sum(histogram)
    return _percentile(histogram, total, 0.95) > UNEVEN_LIGHT * max(1, _percentile(histogram, total, 0.05))


# the paper's outline ---------------------------------------------------------------------------

EDGE_LONG_SIDE = 400  # pixels: the copy the paper's edges are looked for in
EDGE_STEP = 12  # log-brightness levels (40 per e-fold) across 2 pixels: paper against a darker table,
# about a third brighter; a shadow's soft edge changes brightness far more slowly
KEYSTONE = 0.03  # opposite sides differing by more than this (a photo at an angle): always squared up
EDGE_INSET = 6  # full-size pixels cut from each side after squaring up: the paper's own edge


def _rectified(gray: Image.Image) -> Image.Image | None:
    """The receipt cut out of the photo and squared up (a photo taken at an angle makes it a trapezoid): its four
    edges are found against the darker table, and the quadrilateral they make is mapped onto a rectangle. None
    when the edges cannot be told (no darker surroundings, or the paper runs off the picture)."""
    corners = _paper_corners(gray)
    if corners is None:
        return None
    tl, tr, br, bl = corners
    keystone = max(abs(math.dist(tl, tr) - math.dist(bl, br)) / max(math.dist(tl, tr), math.dist(bl, br)),
                   abs(math.dist(tl, bl) - math.dist(tr, br)) / max(math.dist(tl, bl), math.dist(tr, br)))
    width = round((math.dist(tl, tr) + math.dist(bl, br)) / 2)
    height = round((math.dist(tl, bl) + math.dist(tr, br)) / 2)
    if width < 100 or height < 100:
        return None
    inset = EDGE_INSET
    target = [(-inset, -inset), (width + inset, -inset), (width + inset, height + inset), (-inset, height + inset)]
    coefficients = _perspective(corners, target)
    if coefficients is None:
        return None
    paper = gray.transform((width, height), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC,
                           fillcolor=255)
    if keystone < KEYSTONE:
        # a rectangle, at most turned: squared up only when its light is uneven (a shadow the old paper mask
        # would cut away); otherwise the picture as it is reads a little better (one resampling less)
        step = max(1, min(paper.size) // 120)
        if not _uneven(paper.reduce(step).filter(ImageFilter.MaxFilter(5))):
            return None
    return paper


def _paper_corners(gray: Image.Image) -> list[tuple[float, float]] | None:
    """Top-left, top-right, bottom-right and bottom-left corners of the paper, in the picture's pixels."""
    scale = EDGE_LONG_SIDE / max(gray.size)
    small = gray.resize((max(8, round(gray.width * scale)), max(8, round(gray.height * scale))), Image.Resampling.BOX)
    # print closed over (dark strokes narrower than 5 pixels), brightness as a logarithm: edges as ratios
    closed = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MinFilter(5))
    log = closed.point([min(255, round(40 * math.log(v + 4))) for v in range(256)])
    w, h = log.size
    data = log.tobytes()
    left, right, top, bottom = [], [], [], []
    for y in range(h):
        row = data[y * w:(y + 1) * w]
        x = next((x for x in range(w // 2) if row[x + 2] - row[x] >= EDGE_STEP), None)
        if x is not None:
            left.append((y + 0.5, x + 1.5))
        x = next((x for x in range(w - 1, w // 2, -1) if row[x - 2] - row[x] >= EDGE_STEP), None)
        if x is not None:
            right.append((y + 0.5, x - 0.5))
    for x in range(w):
        column = data[x::w]
        y = next((y for y in range(h // 2) if column[y + 2] - column[y] >= EDGE_STEP), None)
        if y is not None:
            top.append((x + 0.5, y + 1.5))
        y = next((y for y in range(h - 1, h // 2, -1) if column[y - 2] - column[y] >= EDGE_STEP), None)
        if y is not None:
            bottom.append((x + 0.5, y - 0.5))
    lines = [_edge_line(points, span) for points, span in ((left, h), (right, h), (top, w), (bottom, w))]
    if any(line is None for line in lines):
        return None
    (la, lb), (ra, rb), (ta, tb), (ba, bb) = (line for line in lines if line is not None)
    corners = []
    for (xa, xb), (ya, yb) in (((la, lb), (ta, tb)), ((ra, rb), (ta, tb)), ((ra, rb), (ba, bb)), ((la, lb), (ba, bb))):
        # x = xa * y + xb and y = ya * x + yb
        denominator = 1 - xa * ya
        if abs(denominator) < 1e-6:
            return None
        x = (xa * yb + xb) / denominator
        corners.append((x, ya * x + yb))
    if not _plausible(corners, w, h):
        return None
    return [(x / scale, y / scale) for x, y in corners]


def _edge_line(points: list[tuple[float, float]], span: int) -> tuple[float, float] | None:
    """A straight edge through the points (u, v): v = a * u + b, refitted without the points far off it
    (texture on the table, a corner). None when too few points lie on one line."""
    kept = points
    line: tuple[float, float] | None = None
    for tolerance in (6.0, 3.0, 2.0):
        if len(kept) < max(12, span // 5):
            return None
        n = len(kept)
        mean_u = sum(u for u, _ in kept) / n
        mean_v = sum(v for _, v in kept) / n
        spread = sum((u - mean_u) ** 2 for u, _ in kept)
        if spread == 0:
            return None
        a = sum((u - mean_u) * (v - mean_v) for u, v in kept) / spread
        line = (a, mean_v - a * mean_u)
        residuals = sorted(abs(v - (line[0] * u + line[1])) for u, v in kept)
        limit = max(tolerance, 2 * residuals[len(residuals) // 2])
        kept = [(u, v) for u, v in kept if abs(v - (line[0] * u + line[1])) <= limit]
    if line is None or len(kept) < max(12, span // 5) or abs(line[0]) > 0.5:
        return None
    return line


def _plausible(corners: list[tuple[float, float]], w: int, h: int) -> bool:
    """Inside the picture (give or take), a convex quadrilateral covering a fair part of it."""
    if any(not (-0.05 * w <= x <= 1.05 * w and -0.05 * h <= y <= 1.05 * h) for x, y in corners):
        return False
    area = 0.0
    signs = set()
    for k in range(4):
        (x0, y0), (x1, y1), (x2, y2) = corners[k], corners[(k + 1) % 4], corners[(k + 2) % 4]
        area += x0 * y1 - x1 * y0
        signs.add((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1) > 0)
    return len(signs) == 1 and abs(area) / 2 >= 0.15 * w * h


def _perspective(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float] | None:
    """Pillow's PERSPECTIVE data: the 8 coefficients taking each output (target) point to its source point."""
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for col in range(8):  # Gaussian elimination, partial pivoting
        pivot = max(range(col, 8), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-9:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(8):
            if r != col and rows[r][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[r][8] / rows[r][r] for r in range(8)]


def _paper(reduced: Image.Image) -> Image.Image:
    """White where the receipt paper is: bright once its print is closed over; all white when no darker
    surroundings show."""
    closed = reduced.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MinFilter(5))
    histogram = closed.histogram()
    total = sum(histogram)
    dark, bright = _percentile(histogram, total, 0.05), _percentile(histogram, total, 0.95)
    if bright - dark < 60:
        return Image.new("L", reduced.size, 255)
    threshold = (dark + bright) // 2
    return closed.point(lambda v: 255 if v > threshold else 0).filter(ImageFilter.MinFilter(3))


def _percentile(histogram: list[int], total: int, fraction: float) -> int:
    seen = 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= total * fraction:
            return value
    return 255


# orientation ------------------------------------------------------------------------------------

def _upright_turn(image: Image.Image) -> int:
    """Turn by a multiple of 90 degrees so the text reads left to right: the turn whose words
    Tesseract reads most confidently on a strip across the middle of the receipt."""
    strip = _strip(image)
    scores = dict(zip((0, 180), _POOL.map(lambda turn: _words(strip.rotate(-turn, expand=True)), (0, 180)),
                      strict=True))
    best = max(scores, key=lambda turn: scores[turn].score)
    if not _sure(scores, best):
        scores.update(zip((90, 270), _POOL.map(lambda turn: _words(strip.rotate(-turn, expand=True)), (90, 270)),
                          strict=True))
        best = max(scores, key=lambda turn: scores[turn].score)
    return best


def _sure(scores: dict[int, _Words], best: int) -> bool:
    others = [words.score for turn, words in scores.items() if turn != best]
    return scores[best].count >= 5 and scores[best].score >= SURE_RATIO * max(others, default=0.0)


def _strip(image: Image.Image) -> Image.Image:
    """A band across the middle of the long side: enough text to tell which way is up, a third of the work."""
    w, h = image.size
    if h >= w:
        return image.crop((0, h * 3 // 10, w, h * 6 // 10))
    return image.crop((w * 3 // 10, 0, w * 6 // 10, h))


def _words(image: Image.Image) -> _Words:
    """Words of three or more letters or digits read with confidence above 60, and how far above."""
    try:
        tsv = _tesseract(image, "--psm", "11", "tsv")
    except ReceiptImageError:
        return _Words(0, 0.0)
    count, margin = 0, 0.0
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or not re.search(r"[A-Za-z0-9]{3}", cells[11]):
            continue
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if confidence >= 60:
            count, margin = count + 1, margin + confidence - 60
    return _Words(count, margin)


# small angles ----------------------------------------------------------------------------------

def _small(image: Image.Image, long_side: int = 700) -> Image.Image:
    """A small copy with ink white and paper black."""
    scale = long_side / max(image.size)
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.BOX)
    return small.point(lambda v: 255 if v < 160 else 0)


def _sharpness(ink: Image.Image) -> float:
    """How sharply ink gathers into rows: the variance of the row sums (ink is white here)."""
    rows = ink.resize((1, ink.height), Image.Resampling.BOX)
    return float(ImageStat.Stat(rows).var[0])


def _skew(image: Image.Image) -> float:
    """The small angle (up to 5 degrees, counter-clockwise) that makes the text rows sharpest."""
    ink = _small(image)
    best_angle, best = 0.0, _sharpness(ink)
    for candidates in ([float(a) for a in range(-5, 6) if a], [-0.5, 0.5], [-0.25, 0.25]):
        centre = best_angle
        for angle in (centre + step for step in candidates):
            score = _sharpness(ink.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True))
            if score > best:
                best_angle, best = angle, score
    return best_angle if abs(best_angle) >= 0.2 else 0.0


# reading -------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Line:
    words: list[str]
    confidences: list[float]
    box: list[int]  # left, top, right, bottom

    @property
    def confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 0.0


@dataclass(frozen=True, slots=True)
class _Text:
    text: str
    confidence: float  # Tesseract's mean word confidence, weighted by word length
    lines: tuple[_Line, ...] = ()


def _text_of(lines: list[_Line]) -> _Text:
    weight = total = 0.0
    for line in lines:
        for word, confidence in zip(line.words, line.confidences, strict=True):
            if confidence >= 0:
                weight, total = weight + len(word), total + confidence * len(word)
    text = "\n".join(" ".join(line.words) for line in lines)
    return _Text(text, total / weight if weight else 0.0, tuple(lines))


def _merged(first: _Text, second: _Text) -> _Text:
    """One reading made of the better reading of each line (see `_better_of`): the two pictures have the same
    size and turn, so a line's readings lie at the same height. A line only one of them read is kept."""
    lines: list[_Line] = []
    partners = list(second.lines)
    for line in first.lines:
        partner = max(partners, key=lambda other: _overlap(line, other), default=None)
        if partner is None or _overlap(line, partner) < 0.6:
            lines.append(line)
            continue
        partners.remove(partner)
        lines.append(_better_of(line, partner))
    lines += [line for line in partners if all(_overlap(line, other) == 0 for other in first.lines)]
    lines.sort(key=lambda line: line.box[1])
    return _text_of(lines)


def _overlap(one: _Line, other: _Line) -> float:
    """How much two lines share in height, as a share of the lower one."""
    shared = min(one.box[3], other.box[3]) - max(one.box[1], other.box[1])
    return max(0, shared) / max(1, min(one.box[3] - one.box[1], other.box[3] - other.box[1]))


def _better_of(one: _Line, other: _Line) -> _Line:
    """The well-formed reading (a price at its end, a whole "2 x 1.35"), else the one Tesseract was surer of."""
    return max((one, other), key=lambda line: (_well_formed(line), line.confidence))


def _read_text(image: Image.Image, lang: str = "eng") -> _Text:
    """Tesseract's words, put back into lines, and how sure it was of them. A line that may be misread (Tesseract
    was unsure of it, or it has digits but does not end in a well-formed price and is no well-formed "2 x 1.35")
    is read again on its own, and the better reading of it kept (see `_better`): in a page, short lines such as
    "2 x £1.35" are often read as one garbled word ("3x7 £1535") that Tesseract reads right alone."""
    lines = _tsv_lines(_tesseract(image, "--psm", PAGE_MODE, "tsv", lang=lang))
    suspects = sorted((line for line in lines if _suspect(line)), key=lambda line: line.confidence)[:MAX_REREAD_LINES]
    threshold = _otsu(image)
    sure = [line for line in lines if line.confidence >= UNSURE_LINE] or lines
    span = (min((line.box[0] for line in sure), default=0), max((line.box[2] for line in sure), default=image.width))
    crops = [crop for line in suspects for crop in _line_crops(image, line, threshold, span)]
    try:
        again = _tesseract_pages(crops, "--psm", "7", lang=lang) if crops else []
    except ReceiptImageError:
        again = []
    for k, line in enumerate(suspects):
        for reading in again[k * LINE_CROPS:(k + 1) * LINE_CROPS]:
            if len(reading) == 1 and _better(reading[0], line):
                line.words, line.confidences = reading[0].words, reading[0].confidences
    return _text_of(lines)


# a line that ends in a price as receipts print them ("£1.35", "0,89 € A", "4.99 T", "0.50-"), or is a whole
# quantity line ("2 x £1.35", "3 @ 0.89"): read well enough when Tesseract was sure of its words too
_WELL_PRICED = re.compile(r"(?:^|\s)\(?-?[$£€]?\s?-?\d{1,4}[.,]\d{2}\)?-?(?:\s?(?:€|EUR))?(?:\s[A-Z*]{1,2})?$")
_WELL_COUNTED = re.compile(r"^\d{1,3}\s?[xX@]\s?[$£€]?\d{1,4}[.,]\d{2}(?:\s?(?:€|EUR))?$")
SURE_WORD = 60.0  # a word read with less confidence than this makes its line a suspect


def _suspect(line: _Line) -> bool:
    text = " ".join(line.words)
    if line.confidence < UNSURE_LINE:
        return True
    if not re.search(r"\d", text):
        return False  # words alone: a name or a heading, read again only when unsure
    return not (_WELL_PRICED.search(text) or _WELL_COUNTED.match(text)) or min(line.confidences) < SURE_WORD


def _well_formed(line: _Line) -> bool:
    text = " ".join(line.words)
    return bool(_WELL_PRICED.search(text) or _WELL_COUNTED.match(text))


def _better(again: _Line, line: _Line) -> bool:
    """Whether a line read again on its own is the better reading: well formed (a price at its end, or a whole
    "2 x 1.35") where the page's was not, else surer by a margin."""
    if _well_formed(again) != _well_formed(line):
        return _well_formed(again)
    return again.confidence > line.confidence + 10


LINE_CROPS = 2  # each suspect line is read alone twice: in grey levels, and as black ink on white


def _line_crops(image: Image.Image, line: _Line, threshold: int, span: tuple[int, int]) -> list[Image.Image]:
    """The line's band across the print (`span`: from the leftmost to the rightmost line Tesseract was sure of,
    so the paper's dark edges stay out: they read as "9 2x 2,19 i"), anything above and below it blanked, on white
    margins (Tesseract reads a lone line best with room around it: a tight crop turned "3 x £1.35" into
    "32x; £1535"); once as it is, once cut to black and white at the page's threshold (soft grey strokes made
    "2 x £1.15" "2°X3EV3N5"; in black and white it reads right, though a dotted zero can then read as a 6, so the
    page itself stays grey)."""
    top, bottom = line.box[1], line.box[3]
    height = max(8, bottom - top)
    left = max(0, min(span[0], line.box[0]) - height // 2)
    right = min(image.width, max(span[1], line.box[2]) + height // 2)
    band = image.crop((left, max(0, top - height // 4), right, min(image.height, bottom + height // 4)))
    margin = height // 2
    crops = []
    for picture in (band, band.point(lambda v: 255 if v > threshold else 0)):
        canvas = Image.new("L", (band.width + 2 * margin, band.height + 2 * margin), 255)
        canvas.paste(picture, (margin, margin))
        crops.append(canvas)
    return crops


def _otsu(image: Image.Image) -> int:
    """The grey level that best splits ink from paper (Otsu: the most variance between the two classes)."""
    histogram = image.histogram()
    total = sum(histogram)
    weighted = sum(level * count for level, count in enumerate(histogram))
    below = below_weighted = 0
    best, best_level = -1.0, 128
    for level, count in enumerate(histogram):
        below += count
        below_weighted += level * count
        above = total - below
        if below == 0 or above == 0:
            continue
        gap = below_weighted / below - (weighted - below_weighted) / above
        spread = below * above * gap * gap
        if spread > best:
            best, best_level = spread, level
    return best_level


def _tsv_lines(tsv: str) -> list[_Line]:
    lines: dict[tuple[str, str, str], _Line] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not cells[11].strip():
            continue
        try:
            confidence = float(cells[10])
            left, top, width, height = (int(cells[k]) for k in range(6, 10))
        except ValueError:
            continue
        line = lines.setdefault((cells[2], cells[3], cells[4]), _Line([], [], [left, top, left + width, top + height]))
        line.words.append(cells[11].strip())
        line.confidences.append(confidence)
        line.box = [min(line.box[0], left), min(line.box[1], top), max(line.box[2], left + width),
                    max(line.box[3], top + height)]
    return list(lines.values())


# the CLI ---------------------------------------------------------------------------------------

def _tesseract_pages(images: list[Image.Image], *args: str, lang: str = "eng") -> list[list[_Line]]:
    """Several small pictures read by one Tesseract process (its model loads once: about 0.04 s a picture instead
    of 0.3), each on its own; the lines read in each, in order."""
    with tempfile.TemporaryDirectory(prefix="receipt-lines-") as folder:
        paths = []
        for k, image in enumerate(images):
            path = os.path.join(folder, f"{k}.png")
            image.save(path, "PNG")
            paths.append(path)
        listing = os.path.join(folder, "pages.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("\n".join(paths) + "\n")
        tsv = _run([TESSERACT, listing, "stdout", "-l", lang, "--dpi", "300", *args, "tsv"], b"")
    pages: list[list[str]] = [[] for _ in images]
    header = ""
    for row in tsv.splitlines():
        cells = row.split("\t")
        if cells[0] == "level":
            header = row
            continue
        if len(cells) == 12 and cells[1].isdigit() and 1 <= int(cells[1]) <= len(images):
            pages[int(cells[1]) - 1].append(row)
    return [_tsv_lines("\n".join([header, *rows])) for rows in pages]


def _tesseract(image: Image.Image, *args: str, lang: str = "eng") -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return _run([TESSERACT, "stdin", "stdout", "-l", lang, "--dpi", "300", *args], buffer.getvalue())


def _run(command: list[str], data: bytes) -> str:
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIMEOUT_SECONDS, env=_ENV)
    except subprocess.TimeoutExpired as exc:
        raise ReceiptImageError("reading the receipt took too long; try a smaller or sharper photo") from exc
    except OSError as exc:
        raise ReceiptImageError("receipt reading is not available: Tesseract OCR could not be started") from exc
    if done.returncode != 0:
        raise ReceiptImageError("the picture could not be read as a receipt")
    return done.stdout.decode("utf-8", errors="replace")
