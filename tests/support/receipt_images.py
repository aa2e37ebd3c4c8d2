"""Synthetic receipt photos with known content, for the OCR tests and the receipt benchmark.

A `ReceiptSpec` says what was bought (store, date, items, tax); a `Style` says how the receipt
looks (layout, font, noise, blur, rotation, JPEG). `render` draws it with Pillow and returns the
image bytes; `expected_lines` gives the purchase lines a perfect reader would return. Everything
is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from core.receipts.lines import ABBREVIATIONS, ReceiptLine, ReceiptReading

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONTS = {
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "condensed": "DejaVuSansCondensed.ttf",
    "serif-condensed": "DejaVuSerifCondensed.ttf",
}
LAYOUTS = ("thermal", "wide", "two-column", "qty-first")
CENT = Decimal("0.01")


# what was bought -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Product:
    """A baking product as a shelf sells it: canonical name, receipt labels, package size, price."""

    name: str  # what a perfect reader returns (abbreviations expanded, lower case)
    labels: tuple[str, ...]  # how receipts print it
    size: str | None  # printed size ("5LB", "12OZ", "18CT"), None when sold by the piece or weighed
    quantity: Decimal  # amount in one package (or 1 per piece)
    unit: str  # UN/CEFACT code of that amount
    price: Decimal  # one package, or per unit weight when weighed
    weighed: bool = False


CATALOG: tuple[Product, ...] = (
    Product("flour all-purpose", ("FLOUR AP", "FLR AP", "FLOUR ALL PURPOSE"), "5LB", Decimal(5), "LBR",
            Decimal("4.99")),
    Product("ka flour bread", ("KA FLOUR BREAD", "KA FLR BREAD"), "5LB", Decimal(5), "LBR", Decimal("6.49")),
    Product("flour cake", ("FLOUR CAKE", "CAKE FLR"), "2LB", Decimal(2), "LBR", Decimal("3.79")),
    Product("sugar granulated", ("SUGAR GRAN", "SGR GRAN"), "4LB", Decimal(4), "LBR", Decimal("3.29")),
    Product("sugar powdered", ("SUGAR PWD", "PWD SUGAR"), "2LB", Decimal(2), "LBR", Decimal("2.49")),
    Product("sugar brown", ("SUGAR BRN", "BRN SUGAR"), "2LB", Decimal(2), "LBR", Decimal("2.79")),
    Product("butter unsalted", ("BUTTER UNSALTED", "BTR UNSLTD"), "1 LB", Decimal(1), "LBR", Decimal("4.49")),
    Product("eggs large", ("EGGS LARGE", "EGGS LG"), "18CT", Decimal(18), "H87", Decimal("5.29")),
    Product("eggs large", ("EGGS LARGE", "EGGS LG"), "12CT", Decimal(12), "H87", Decimal("3.99")),
    Product("chocolate chips", ("CHOC CHIPS", "CHOCOLATE CHIPS"), "12OZ", Decimal(12), "ONZ", Decimal("3.29")),
    Product("vanilla extract", ("VAN EXT", "VANILLA EXT"), "2OZ", Decimal(2), "ONZ", Decimal("8.99")),
    Product("baking soda", ("BKG SODA", "BAKING SODA"), "1LB", Decimal(1), "LBR", Decimal("1.19")),
    Product("baking powder", ("BKG POWDER", "BAKING POWDER"), "10OZ", Decimal(10), "ONZ", Decimal("2.89")),
    Product("heavy cream", ("HVY CRM", "HEAVY CREAM"), "1 QT", Decimal(1), "QTL", Decimal("5.49")),
    Product("whole milk", ("WHL MLK", "MILK WHOLE"), "1 GAL", Decimal(1), "GLL", Decimal("3.89")),
    Product("cream cheese", ("CRM CHS", "CREAM CHEESE"), "8OZ", Decimal(8), "ONZ", Decimal("2.29")),
    Product("yeast instant", ("YEAST INSTANT", "YST INSTANT"), "4OZ", Decimal(4), "ONZ", Decimal("5.99")),
    Product("pecans halves", ("PECANS HALVES", "PCNS HALVES"), "8OZ", Decimal(8), "ONZ", Decimal("6.99")),
    Product("walnuts", ("WALNUTS", "WLNTS"), "16OZ", Decimal(16), "ONZ", Decimal("7.49")),
    Product("cinnamon ground", ("CINN GROUND", "CINNAMON GROUND"), "2.37OZ", Decimal("2.37"), "ONZ", Decimal("2.99")),
    Product("rolled oats", ("ROLLED OATS",), "42OZ", Decimal(42), "ONZ", Decimal("4.59")),
    Product("olive oil", ("OLIVE OIL",), "500ML", Decimal(500), "MLT", Decimal("7.99")),
    Product("sprinkles rainbow", ("SPRINKLES RAINBOW",), None, Decimal(1), "H87", Decimal("3.49")),
    Product("parchment paper", ("PARCHMENT PAPER",), None, Decimal(1), "H87", Decimal("4.29")),
    Product("lemons", ("LEMONS",), None, Decimal(1), "H87", Decimal("0.69")),
    Product("cake boxes", ("CAKE BOXES",), None, Decimal(1), "H87", Decimal("1.25")),
    Product("bananas", ("BANANAS",), None, Decimal(1), "LBR", Decimal("0.59"), weighed=True),
    Product("apples gala", ("APPLES GALA", "GALA APPLES"), None, Decimal(1), "LBR", Decimal("1.99"), weighed=True),
    Product("almonds raw", ("ALMONDS RAW", "RAW ALMONDS"), None, Decimal(1), "LBR", Decimal("8.99"), weighed=True),
)

# (printed name, the name a perfect reader gives: known chains canonical, others as printed)
STORE_NAMES: tuple[tuple[str, str], ...] = (
    ("WHOLE FOODS MARKET", "Whole Foods"), ("COSTCO WHOLESALE", "Costco"), ("TRADER JOE'S", "Trader Joe's"),
    ("SAFEWAY", "Safeway"), ("KROGER", "Kroger"), ("BAKER'S SUPPLY CO", "Baker's Supply Co"),
    ("MAIN STREET MERCANTILE", "Main Street Mercantile"), ("HILLTOP GROCERY", "Hilltop Grocery"),
    ("FLOUR & SONS PANTRY", "Flour & Sons Pantry"), ("GREEN VALLEY CO-OP", "Green Valley Co-Op"),
)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%b %d %Y", "%m/%d/%y")


@dataclass(frozen=True)
class Purchase:
    product: Product
    label: str
    count: int  # packages / pieces
    weight: Decimal | None = None  # weighed items
    discount: Decimal | None = None

    @property
    def gross(self) -> Decimal:
        if self.weight is not None:
            return _cents(self.weight * self.product.price)
        return self.product.price * self.count

    @property
    def price(self) -> Decimal:
        return self.gross - (self.discount or Decimal(0))

    @property
    def quantity(self) -> Decimal:
        if self.weight is not None:
            return self.weight
        return self.product.quantity * self.count


@dataclass(frozen=True)
class ReceiptSpec:
    store: str  # as printed
    store_expected: str
    address: tuple[str, ...]
    date: dt.date
    date_format: str
    purchases: tuple[Purchase, ...]
    tax_rate: Decimal
    payment: str  # "VISA", "CASH", "DEBIT"

    @property
    def subtotal(self) -> Decimal:
        return sum((p.price for p in self.purchases), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return _cents(self.subtotal * self.tax_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass(frozen=True)
class ExpectedLine:
    item_name: str
    quantity: Decimal
    unit: str
    price: Decimal


@dataclass(frozen=True)
class Style:
    layout: str = "thermal"
    font: str = "mono"
    font_size: int = 26
    dollar: bool = False
    tax_flags: bool = True
    noise: float = 0.0  # gaussian sigma in grey levels
    speckle: float = 0.0  # fraction of pixels flipped
    blur: float = 0.0
    angle: float = 0.0  # small skew, degrees
    quarter_turns: int = 0  # 90-degree turns (counter-clockwise)
    jpeg_quality: int | None = None


@dataclass(frozen=True)
class SyntheticReceipt:
    spec: ReceiptSpec
    style: Style
    text: str  # the printed text, line by line (before any degradation)
    data: bytes  # PNG or JPEG
    expected: list[ExpectedLine] = field(default_factory=list)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def random_spec(seed: int, *, items: tuple[int, int] = (4, 8)) -> ReceiptSpec:
    rng = random.Random(seed)
    store, expected = rng.choice(STORE_NAMES)
    street = f"{rng.randint(10, 9999)} {rng.choice(['MAIN ST', 'OAK AVE', 'MARKET ST', '5TH AVE', 'ELM RD'])}"
    city = f"{rng.choice(['SPRINGFIELD', 'RIVERTON', 'LAKEWOOD', 'FAIRVIEW'])}, {rng.choice(['OR', 'WA', 'CA', 'IL'])}"
    phone = f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
    date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 320))
    count = rng.randint(*items)
    products = rng.sample(CATALOG, count)
    purchases: list[Purchase] = []
    for product in products:
        label = rng.choice(product.labels)
        if product.weighed:
            weight = Decimal(rng.randint(40, 400)) / 100
            purchases.append(Purchase(product, label, 1, weight=weight))
            continue
        n = rng.choice((1, 1, 1, 2, 2, 3)) if product.price < 7 else 1
        discount = Decimal(rng.choice(("0.50", "1.00"))) if rng.random() < 0.15 and product.price * n > 2 else None
        purchases.append(Purchase(product, label, n, discount=discount))
    return ReceiptSpec(store, expected, (street, city, phone), date, rng.choice(DATE_FORMATS), tuple(purchases),
                       rng.choice((Decimal(0), Decimal("0.0725"), Decimal("0.08"), Decimal("0.05"))),
                       rng.choice(("VISA", "CASH", "DEBIT", "MASTERCARD")))


def expected_lines(spec: ReceiptSpec) -> list[ExpectedLine]:
    return [ExpectedLine(p.product.name, p.quantity, p.product.unit, p.price) for p in spec.purchases]


# how it is printed -----------------------------------------------------------------------------

def _money(value: Decimal, style: Style) -> str:
    text = f"{value:.2f}" if value >= 0 else f"-{-value:.2f}"
    return f"${text}" if style.dollar and value >= 0 else text


def _flag(style: Style, rng: random.Random) -> str:
    return f" {rng.choice('TFN')}" if style.tax_flags else ""


def _item_rows(purchase: Purchase, style: Style, rng: random.Random) -> list[tuple[str, str]]:
    """(left text, right text) rows for one purchase in the style's layout."""
    p, product = purchase, purchase.product
    name = f"{p.label} {product.size}" if product.size else p.label
    gross = _money(p.gross, style) + _flag(style, rng)
    rows: list[tuple[str, str]]
    if p.weight is not None:
        weighed = f"{p.weight} lb @ {product.price}/lb"
        if style.layout == "thermal":
            rows = [(p.label, ""), (f"  {weighed}", gross)]
        else:
            rows = [(f"{p.label} {weighed}", gross)]
    elif p.count == 1:
        rows = [(f"1  {name}" if style.layout == "wide" else name, gross)]
    elif style.layout == "thermal":
        rows = [(name, gross), (f"  {p.count} @ {product.price}", "")]
    elif style.layout == "wide":
        rows = [(f"{p.count}  {name}", gross)]
    elif style.layout == "qty-first":
        rows = [(f"{p.count} @ {product.price}  {name}", gross)]
    else:
        rows = [(f"{name}  {p.count} x {product.price}", gross)]
    if p.discount is not None:
        label = rng.choice(("COUPON", "INSTANT SAVINGS", "MFR COUPON", "DISCOUNT"))
        rows.append((f"  {label}", f"-{p.discount:.2f}" if rng.random() < 0.7 else f"{p.discount:.2f}-"))
    return rows


def receipt_rows(spec: ReceiptSpec, style: Style, seed: int) -> list[tuple[str, str, str]]:
    """(alignment, left, right) rows; alignment is "center" or "split" (left text, right-aligned price)."""
    rng = random.Random(seed * 7 + 1)
    rows: list[tuple[str, str, str]] = [("center", spec.store, "")]
    rows += [("center", line, "") for line in spec.address]
    date_text = spec.date.strftime(spec.date_format).upper()
    rows.append(("split", f"{date_text}  {rng.randint(7, 20):02d}:{rng.randint(0, 59):02d}",
                 f"TR {rng.randint(1000, 9999)}"))
    if style.layout == "wide":
        rows.append(("split", "QTY  DESCRIPTION", "AMOUNT"))
    rows.append(("center", "-" * 12, ""))
    for purchase in spec.purchases:
        rows += [("split", left, right) for left, right in _item_rows(purchase, style, rng)]
    rows.append(("center", "-" * 12, ""))
    rows.append(("split", "SUBTOTAL", _money(spec.subtotal, style)))
    rows.append(("split", f"TAX {spec.tax_rate * 100:.2f}%" if spec.tax_rate else "TAX", _money(spec.tax, style)))
    rows.append(("split", rng.choice(("TOTAL", "BALANCE DUE", "TOTAL")), _money(spec.total, style)))
    if spec.payment == "CASH":
        paid = (spec.total / 5).to_integral_value(rounding="ROUND_CEILING") * 5
        rows += [("split", "CASH", _money(paid, style)), ("split", "CHANGE", _money(paid - spec.total, style))]
    else:
        rows += [("split", f"{spec.payment} TEND", _money(spec.total, style)),
                 ("split", f"CARD # XXXXXXXXXXXX{rng.randint(1000, 9999)}", "")]
    rows.append(("split", f"ITEMS SOLD {sum(p.count for p in spec.purchases)}", ""))
    rows.append(("center", rng.choice(("THANK YOU FOR SHOPPING", "THANK YOU! COME AGAIN", "HAVE A GREAT DAY")), ""))
    return rows


def _font(style: Style) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_DIR + FONTS[style.font], style.font_size)


def _draw(rows: list[tuple[str, str, str]], style: Style) -> tuple[Image.Image, str]:
    font = _font(style)
    columns = 40 if style.layout == "thermal" else 56
    char_w = font.getlength("0")
    width = int(char_w * columns) + 2 * 30
    line_h = int(style.font_size * 1.45)
    height = line_h * len(rows) + 2 * 40
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    text_lines: list[str] = []
    y = 40
    for align, left, right in rows:
        if align == "center":
            w = font.getlength(left)
            draw.text(((width - w) / 2, y), left, fill=25, font=font)
            text_lines.append(left)
        else:
            draw.text((30, y), left, fill=25, font=font)
            if right:
                w = font.getlength(right)
                draw.text((width - 30 - w, y), right, fill=25, font=font)
            text_lines.append(f"{left}   {right}".rstrip())
        y += line_h
    return image, "\n".join(text_lines)


def _degrade(image: Image.Image, style: Style, seed: int) -> Image.Image:
    rng = random.Random(seed)
    if style.blur:
        image = image.filter(ImageFilter.GaussianBlur(style.blur))
    if style.noise:
        # zero-mean noise (centred on 128) added around the picture's own grey levels
        image = ImageChops.add(image, _gaussian_noise(image.size, style.noise, rng), 1.0, -128)
    if style.speckle:
        pixels = image.load()
        assert pixels is not None
        w, h = image.size
        for _ in range(int(w * h * style.speckle)):
            x, y = rng.randrange(w), rng.randrange(h)
            pixels[x, y] = rng.choice((20, 240))
    # paper on a darker table, so rotation shows edges like a photo
    framed = Image.new("L", (image.width + 80, image.height + 80), 120)
    framed.paste(image, (40, 40))
    image = framed
    if style.angle:
        image = image.rotate(style.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=120)
    if style.quarter_turns % 4:
        turns = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}
        image = image.transpose(turns[style.quarter_turns % 4])
    return image


def _gaussian_noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Near-gaussian noise around 128, from the seeded generator (Pillow's effect_noise is not seedable):
    the mean of three uniform planes, scaled to the wanted standard deviation."""
    count = size[0] * size[1]
    first, second, third = (Image.frombytes("L", size, rng.randbytes(count)) for _ in range(3))
    mean = Image.blend(Image.blend(first, second, 0.5), third, 1 / 3)
    factor = sigma / (73.9 / 3**0.5)  # a uniform byte has sd 73.9; the mean of three, 73.9 / sqrt(3)
    return mean.point(lambda v: max(0, min(255, round(128 + (v - 128) * factor))))


def render(spec: ReceiptSpec, style: Style, seed: int = 0) -> SyntheticReceipt:
    image, text = _draw(receipt_rows(spec, style, seed), style)
    image = _degrade(image, style, seed)
    buffer = io.BytesIO()
    if style.jpeg_quality is not None:
        image.save(buffer, "JPEG", quality=style.jpeg_quality)
    else:
        image.save(buffer, "PNG")
    return SyntheticReceipt(spec, style, text, buffer.getvalue(), expected_lines(spec))


def random_style(seed: int, *, clean: bool = False) -> Style:
    rng = random.Random(seed * 31 + 5)
    layout = LAYOUTS[seed % len(LAYOUTS)]
    font = rng.choice(("mono", "mono-bold")) if layout == "thermal" else rng.choice(tuple(FONTS))
    if clean:
        return Style(layout, font, rng.randint(24, 30), dollar=rng.random() < 0.3, tax_flags=rng.random() < 0.6)
    return Style(
        layout, font, rng.randint(22, 30), dollar=rng.random() < 0.3, tax_flags=rng.random() < 0.6,
        noise=rng.choice((0.0, 8.0, 16.0, 24.0)), speckle=rng.choice((0.0, 0.0, 0.002, 0.005)),
        blur=rng.choice((0.0, 0.0, 0.6, 0.9)), angle=round(rng.uniform(-3, 3), 1) if rng.random() < 0.6 else 0.0,
        quarter_turns=rng.choice((0, 0, 0, 1, 3, 2)), jpeg_quality=rng.choice((None, 85, 70, 60)),
    )


def synthetic_receipt(seed: int, *, clean: bool = False) -> SyntheticReceipt:
    """The receipt for a seed: content and looks both follow from it."""
    return render(random_spec(seed), random_style(seed, clean=clean), seed)


# scoring ---------------------------------------------------------------------------------------

def name_words(name: str) -> list[str]:
    words = [w for w in re.split(r"[^a-z0-9%']+", name.lower()) if w]
    out: list[str] = []
    for w in words:
        out.extend(re.split(r"[^a-z0-9%']+", ABBREVIATIONS.get(w, w)))
    return sorted(w for w in out if w)


def matches(expected: ExpectedLine, line: ReceiptLine) -> bool:
    return (
        name_words(expected.item_name) == name_words(line.item_name)
        and expected.quantity == line.quantity
        and expected.unit == line.unit
        and expected.price == line.price
    )


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, other: Score) -> None:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_lines(expected: list[ExpectedLine], reading: ReceiptReading) -> Score:
    """Each expected line matched at most once against the lines read."""
    left = list(reading.lines)
    score = Score()
    for want in expected:
        hit = next((line for line in left if matches(want, line)), None)
        if hit is None:
            score.false_negative += 1
        else:
            left.remove(hit)
            score.true_positive += 1
    score.false_positive = len(left)
    return score


def same_store(spec: ReceiptSpec, store: str | None) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    return store is not None and norm(store) == norm(spec.store_expected)

