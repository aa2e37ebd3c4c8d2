"""Synthetic receipt photos with known content, for the OCR tests and the receipt benchmark.

A `ReceiptSpec` says what was bought (store, date, items, tax); a `Style` says how the receipt
looks (layout, font, noise, blur, rotation, JPEG). `render` draws it with Pillow and returns the
image bytes; `expected_lines` gives the purchase lines a perfect reader would return. Everything
is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import re
import unicodedata
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
    condition: str = "clean"  # how it was photographed (`CONDITIONS`); the seeded set above is "clean"
    locale: str = "US"


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


# receipts as phones take them: locales and photo conditions -----------------------------------
#
# `harder_receipt(seed)` is a receipt from the US, the UK or the continent, photographed in one of
# `CONDITIONS`: the combination follows from the seed (18 seeds in a row cover all), so a benchmark
# over any long enough seed range has every condition in every locale. The seeds above are untouched.

CONDITIONS = ("clean", "perspective", "crumpled", "faded", "low_light", "shadow")
LOCALES = ("US", "UK", "EU")


def _p(name: str, size: str | None, quantity: str, unit: str, price: str, *, weighed: bool = False) -> Product:
    """A product printed as `name` (plus its size): what a perfect reader returns is the name, lower case."""
    return Product(name.lower(), (name,), size, Decimal(quantity), unit, Decimal(price), weighed)


# unit words printed without a number: "WHOLE MILK GAL" is one gallon
US_EXTRA: tuple[Product, ...] = (
    _p("WHOLE MILK GAL", None, "1", "GLL", "3.89"),
    _p("HEAVY WHIP CREAM QT", None, "1", "QTL", "5.79"),
    _p("BUTTERMILK QT", None, "1", "QTL", "2.49"),
    _p("HALF & HALF PT", None, "1", "PTL", "2.19"),
    _p("EGGS LARGE DOZ", None, "12", "H87", "3.99"),
    _p("BREAD FLOUR", "10 LB", "10", "LBR", "7.99"),
    _p("SEMOLINA FLOUR", "24OZ", "24", "ONZ", "4.29"),
)
# the name a perfect reader gives is the label without its unit word
US_CATALOG = CATALOG + tuple(
    Product(re.sub(r"\s+(gal|qt|pt|doz)$", "", p.name), p.labels, p.size, p.quantity, p.unit, p.price)
    for p in US_EXTRA
)

UK_CATALOG: tuple[Product, ...] = (
    _p("PLAIN FLOUR", "1.5KG", "1.5", "KGM", "0.85"),
    _p("SELF RAISING FLOUR", "1.5KG", "1.5", "KGM", "0.85"),
    _p("STRONG WHITE BREAD FLOUR", "1.5KG", "1.5", "KGM", "1.40"),
    _p("WHOLEMEAL BREAD FLOUR", "1.5KG", "1.5", "KGM", "1.35"),
    _p("CASTER SUGAR", "1KG", "1", "KGM", "1.25"),
    _p("GRANULATED SUGAR", "1KG", "1", "KGM", "0.99"),
    _p("ICING SUGAR", "500G", "500", "GRM", "0.89"),
    _p("LIGHT BROWN SUGAR", "500G", "500", "GRM", "1.15"),
    _p("UNSALTED BUTTER", "250G", "250", "GRM", "2.15"),
    _p("SALTED BUTTER", "250G", "250", "GRM", "2.09"),
    _p("FREE RANGE EGGS", "12PK", "12", "H87", "2.95"),
    _p("SEMI SKIMMED MILK", "4 PINTS", "4", "PTL", "1.45"),
    _p("DOUBLE CREAM", "300ML", "300", "MLT", "1.35"),
    _p("DARK CHOCOLATE", "100G", "100", "GRM", "0.89"),
    _p("VANILLA EXTRACT", "38ML", "38", "MLT", "1.99"),
    _p("BAKING POWDER", "170G", "170", "GRM", "0.95"),
    _p("BICARBONATE OF SODA", "200G", "200", "GRM", "0.85"),
    _p("GROUND ALMONDS", "200G", "200", "GRM", "2.30"),
    _p("GOLDEN SYRUP", "454G", "454", "GRM", "1.35"),
    _p("PORRIDGE OATS", "1KG", "1", "KGM", "0.95"),
    _p("SUNFLOWER OIL", "1L", "1", "LTR", "2.49"),
    _p("CAKE CASES", None, "1", "H87", "1.00"),
    _p("LEMONS", None, "1", "H87", "0.35"),
    _p("LOOSE BANANAS", None, "1", "KGM", "0.94", weighed=True),
    _p("BRAMLEY APPLES", None, "1", "KGM", "2.20", weighed=True),
)

EU_CATALOGS: dict[str, tuple[Product, ...]] = {
    "de": (
        _p("Weizenmehl Type 405", "1kg", "1", "KGM", "0.49"),
        _p("Weizenmehl Type 550", "1kg", "1", "KGM", "0.59"),
        _p("Dinkelmehl Type 630", "1kg", "1", "KGM", "1.29"),
        _p("Roggenmehl Type 1150", "1kg", "1", "KGM", "0.89"),
        _p("Feinzucker", "1kg", "1", "KGM", "0.99"),
        _p("Puderzucker", "250g", "250", "GRM", "0.69"),
        _p("Brauner Zucker", "500g", "500", "GRM", "1.19"),
        _p("Deutsche Markenbutter", "250g", "250", "GRM", "2.19"),
        _p("Frische Vollmilch", "1l", "1", "LTR", "1.09"),
        _p("Schlagsahne", "200ml", "200", "MLT", "0.89"),
        _p("Backpulver", "85g", "85", "GRM", "0.59"),
        _p("Frischhefe", "42g", "42", "GRM", "0.15"),
        _p("Zartbitter Schokolade", "100g", "100", "GRM", "0.99"),
        _p("Haselnüsse gemahlen", "200g", "200", "GRM", "2.49"),
        _p("Mandeln gemahlen", "200g", "200", "GRM", "2.29"),
        _p("Haferflocken", "500g", "500", "GRM", "0.69"),
        _p("Sonnenblumenöl", "1l", "1", "LTR", "1.49"),
        _p("Eier Freiland", "10St", "10", "H87", "2.79"),
        _p("Zitronen", None, "1", "H87", "0.39"),
        _p("Bananen", None, "1", "KGM", "1.29", weighed=True),
        _p("Äpfel Elstar", None, "1", "KGM", "2.49", weighed=True),
    ),
    "fr": (
        _p("Farine de blé T45", "1kg", "1", "KGM", "0.89"),
        _p("Farine T55", "1kg", "1", "KGM", "0.79"),
        _p("Sucre en poudre", "1kg", "1", "KGM", "1.15"),
        _p("Sucre glace", "500g", "500", "GRM", "1.35"),
        _p("Cassonade", "750g", "750", "GRM", "2.05"),
        _p("Beurre doux", "250g", "250", "GRM", "2.15"),
        _p("Lait demi-écrémé", "1L", "1", "LTR", "0.99"),
        _p("Crème fraîche épaisse", "200ml", "200", "MLT", "1.29"),
        _p("Levure boulangère", "42g", "42", "GRM", "0.35"),
        _p("Chocolat noir", "200g", "200", "GRM", "1.89"),
        _p("Amandes en poudre", "125g", "125", "GRM", "1.99"),
        _p("Huile de tournesol", "1L", "1", "LTR", "1.79"),
        _p("Oeufs plein air", "12pcs", "12", "H87", "3.25"),
        _p("Citrons", None, "1", "H87", "0.45"),
        _p("Pommes Golden", None, "1", "KGM", "2.29", weighed=True),
    ),
    "nl": (
        _p("AH Tarwebloem", "1kg", "1", "KGM", "1.09"),
        _p("AH Patentbloem", "1kg", "1", "KGM", "0.99"),
        _p("AH Kristalsuiker", "1kg", "1", "KGM", "1.19"),
        _p("AH Poedersuiker", "500g", "500", "GRM", "1.29"),
        _p("AH Roomboter ongezouten", "250g", "250", "GRM", "2.69"),
        _p("AH Volle melk", "1l", "1", "LTR", "1.15"),
        _p("AH Slagroom", "250ml", "250", "MLT", "1.39"),
        _p("AH Bakpoeder", "90g", "90", "GRM", "0.89"),
        _p("AH Pure chocolade", "200g", "200", "GRM", "2.29"),
        _p("AH Amandelen", "200g", "200", "GRM", "3.19"),
        _p("AH Havermout", "500g", "500", "GRM", "0.99"),
        _p("AH Scharreleieren", "10st", "10", "H87", "3.09"),
        _p("Citroenen", None, "1", "H87", "0.49"),
        _p("Bananen", None, "1", "KGM", "1.99", weighed=True),
    ),
}


@dataclass(frozen=True)
class StoreFormat:
    """How one chain prints: its header, case, currency signs and the words of its summary."""

    printed: str
    expected: str
    locale: str  # US, UK, EU
    language: str  # en, de, fr, nl
    upper: bool  # names printed in capitals
    currency: str  # "" or the sign printed with prices ("£", "$", "€")
    flags: str  # VAT/tax codes printed after prices ("" for none)
    total_words: tuple[str, ...]
    payments: tuple[tuple[str, str], ...]  # (card words, cash/change words)
    multiples: str  # "below", "above", "inline", "repeat" (one line per package), "columns"
    prefix: str = ""  # own-brand prefix on names ("TESCO", "JS")
    codes: bool = False  # an item code before the name
    discount_words: tuple[str, ...] = ("DISCOUNT",)


STORE_FORMATS: tuple[StoreFormat, ...] = (
    StoreFormat("TESCO", "Tesco", "UK", "en", True, "£", "", ("BALANCE DUE", "TOTAL TO PAY"),
                (("VISA DEBIT", ""), ("CASH", "CHANGE DUE")), "repeat", "TESCO",
                discount_words=("CLUBCARD PRICE", "MULTIBUY SAVING")),
    StoreFormat("Sainsbury's", "Sainsbury's", "UK", "en", True, "£", "", ("BALANCE DUE",),
                (("MASTERCARD", ""), ("CASH", "CHANGE")), "below", "JS",
                discount_words=("NECTAR PRICE SAVING", "MULTIBUY SAVING")),
    StoreFormat("ASDA", "Asda", "UK", "en", True, "", "", ("TOTAL", "BALANCE DUE"),
                (("VISA", ""), ("CASH", "CHANGE")), "inline", "ASDA", discount_words=("ROLLBACK SAVING",)),
    StoreFormat("LIDL", "Lidl", "UK", "en", False, "", "AB", ("TOTAL",), (("CARD", ""), ("CASH", "CHANGE")),
                "below", discount_words=("Lidl Plus discount", "Multibuy saving")),
    StoreFormat("ALDI", "Aldi", "UK", "en", True, "£", "AB", ("TOTAL", "BALANCE DUE"),
                (("CONTACTLESS", ""), ("CASH", "CHANGE")), "above", codes=True, discount_words=("PRICE MATCH",)),
    StoreFormat("LIDL", "Lidl", "EU", "de", False, "", "AB", ("zu zahlen",),
                (("EC-Karte", ""), ("Bar", "Rückgeld")), "below", discount_words=("Preisvorteil", "Rabatt")),
    StoreFormat("ALDI SÜD", "Aldi", "EU", "de", False, "", "AB", ("Summe", "Gesamtbetrag"),
                (("Kartenzahlung", ""), ("Bar", "Rückgeld")), "above", codes=True, discount_words=("Rabatt",)),
    StoreFormat("EDEKA", "Edeka", "EU", "de", True, "", "AB", ("SUMME EUR",),
                (("Geg. EC-Karte", ""), ("Geg. BAR", "Rückgeld BAR")), "below", discount_words=("RABATT",)),
    StoreFormat("REWE", "Rewe", "EU", "de", True, "", "AB", ("SUMME EUR",),
                (("Geg. Girocard", ""), ("Geg. BAR", "Rückgeld BAR")), "below", discount_words=("RABATT",)),
    StoreFormat("CARREFOUR", "Carrefour", "EU", "fr", True, "€", "", ("TOTAL A PAYER", "TOTAL"),
                (("CB", ""), ("ESPECES", "RENDU MONNAIE")), "below", discount_words=("REMISE",)),
    StoreFormat("Albert Heijn", "Albert Heijn", "EU", "nl", True, "", "", ("TOTAAL",),
                (("PINNEN", ""), ("CONTANT", "WISSELGELD")), "columns", discount_words=("BONUS",)),
)
UK_STREETS = ("HIGH STREET", "STATION ROAD", "CHURCH LANE", "KIRKSTALL ROAD", "MILL LANE")
UK_TOWNS = ("LEEDS LS5 3BT", "YORK YO1 7HH", "BRISTOL BS1 4DJ", "NORWICH NR2 1SH")
EU_STREETS = {"de": ("Hauptstr.", "Bahnhofstr.", "Lindenweg", "Marktplatz"),
              "fr": ("Rue de la Paix", "Avenue Jean Jaurès", "Boulevard Voltaire"),
              "nl": ("Dorpsstraat", "Kerkstraat", "Stationsweg")}
EU_TOWNS = {"de": ("80331 München", "10115 Berlin", "50667 Köln"),
            "fr": ("75011 Paris", "69002 Lyon", "31000 Toulouse"),
            "nl": ("1012 AB Amsterdam", "3511 LN Utrecht", "2511 CV Den Haag")}
EU_RATES = {"de": (Decimal(7), Decimal(19)), "fr": (Decimal("5.5"), Decimal(20)), "nl": (Decimal(9), Decimal(21))}
EU_TAX_WORD = {"de": "MwSt", "fr": "TVA", "nl": "BTW"}


@dataclass(frozen=True)
class HarderSpec:
    """A receipt of the harder set: its content, the chain's format and how it was photographed."""

    spec: ReceiptSpec
    fmt: StoreFormat | None  # None: the US receipts of `receipt_rows`
    condition: str
    locale: str


def _purchases(rng: random.Random, catalog: tuple[Product, ...], count: int, weight_unit: str,
               currency_step: tuple[str, ...]) -> tuple[Purchase, ...]:
    out: list[Purchase] = []
    for product in rng.sample(catalog, count):
        label = rng.choice(product.labels)
        if product.weighed:
            grams = rng.randint(150, 2400) if weight_unit == "KGM" else rng.randint(40, 400) * 10
            weight = Decimal(grams) / 1000 if weight_unit == "KGM" else Decimal(grams // 10) / 100
            out.append(Purchase(product, label, 1, weight=weight))
            continue
        n = rng.choice((1, 1, 1, 2, 2, 3)) if product.price < 7 else 1
        discount = None
        if rng.random() < 0.15 and product.price * n > 1:
            discount = min(Decimal(rng.choice(currency_step)), (product.price * n / 2).quantize(CENT))
        out.append(Purchase(product, label, n, discount=discount))
    return tuple(out)


def _branded(product: Product, prefix: str) -> Product:
    if not prefix or product.weighed or product.size is None:
        return product
    label = f"{prefix} {product.labels[0]}"
    return Product(label.lower(), (label,), product.size, product.quantity, product.unit, product.price)


def harder_spec(seed: int) -> HarderSpec:
    """What a receipt of the harder set says, and how it was photographed: both from the seed."""
    condition = CONDITIONS[seed % len(CONDITIONS)]
    locale = LOCALES[(seed // len(CONDITIONS)) % len(LOCALES)]
    rng = random.Random(seed * 977 + 13)
    date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 320))
    count = rng.randint(4, 8)
    if locale == "US":
        store, expected = rng.choice(STORE_NAMES)
        street = f"{rng.randint(10, 9999)} {rng.choice(['MAIN ST', 'OAK AVE', 'MARKET ST', '5TH AVE', 'ELM RD'])}"
        city = f"{rng.choice(['SPRINGFIELD', 'RIVERTON', 'LAKEWOOD'])}, {rng.choice(['OR', 'WA', 'CA', 'IL'])}"
        purchases = _purchases(rng, US_CATALOG, count, "LBR", ("0.50", "1.00"))
        spec = ReceiptSpec(store, expected, (street, city), date, rng.choice(DATE_FORMATS), purchases,
                           rng.choice((Decimal(0), Decimal("0.0725"), Decimal("0.08"))),
                           rng.choice(("VISA", "CASH", "DEBIT")))
        return HarderSpec(spec, None, condition, locale)
    formats = [f for f in STORE_FORMATS if f.locale == locale]
    fmt = rng.choice(formats)
    catalog = UK_CATALOG if locale == "UK" else EU_CATALOGS[fmt.language]
    catalog = tuple(_branded(p, fmt.prefix) for p in catalog)
    purchases = _purchases(rng, catalog, count, "KGM", ("0.20", "0.30", "0.50"))
    if fmt.multiples == "repeat":  # Tesco prints one line per package
        purchases = tuple(Purchase(p.product, p.label, 1, p.weight, p.discount if k == p.count - 1 else None)
                          for p in purchases for k in range(p.count))
    if locale == "UK":
        address = (f"{rng.randint(1, 250)} {rng.choice(UK_STREETS)}", rng.choice(UK_TOWNS))
        date_format = rng.choice(("%d/%m/%Y", "%d/%m/%y", "%d %b %Y"))
    else:
        address = (f"{rng.choice(EU_STREETS[fmt.language])} {rng.randint(1, 120)}", rng.choice(EU_TOWNS[fmt.language]))
        date_format = rng.choice(("%d.%m.%Y", "%d.%m.%y")) if fmt.language == "de" else "%d/%m/%Y"
    spec = ReceiptSpec(fmt.printed, fmt.expected, address, date, date_format, purchases, Decimal(0),
                       rng.choice(("CARD", "CASH")))
    return HarderSpec(spec, fmt, condition, locale)


def _eu_money(value: Decimal, fmt: StoreFormat, *, sign: bool = True) -> str:
    text = f"{abs(value):.2f}"
    if fmt.locale == "EU":
        text = text.replace(".", ",")
    if sign and fmt.currency == "£":
        text = f"£{text}"
    elif sign and fmt.currency == "€":
        text = f"{text} €"
    return f"-{text}" if value < 0 else text


def _format_name(text: str, fmt: StoreFormat) -> str:
    return text.upper() if fmt.upper else text


def _size_text(product: Product, fmt: StoreFormat) -> str:
    size = product.size or ""
    if fmt.locale == "EU":
        size = size.replace(".", ",")
    return size.upper() if fmt.upper else size


def _locale_item_rows(purchase: Purchase, fmt: StoreFormat, rng: random.Random) -> list[tuple[str, str]]:
    p, product = purchase, purchase.product
    name = _format_name(p.label, fmt)
    if product.size:
        name = f"{name} {_size_text(product, fmt)}"
    if fmt.codes:
        name = f"{rng.randint(10000, 999999)} {name}"
    flag = f" {rng.choice(fmt.flags)}" if fmt.flags else ""
    gross = _eu_money(p.gross, fmt) + flag
    unit_price = _eu_money(product.price, fmt)
    rows: list[tuple[str, str]]
    if p.weight is not None:
        weight = f"{p.weight:.3f}" if fmt.locale != "US" else f"{p.weight}"
        if fmt.locale == "EU":
            per = rng.choice(("EUR/kg", "€/kg")) if fmt.currency != "€" else "€/kg"
            weighed = f"{weight.replace('.', ',')} kg x {_eu_money(product.price, fmt, sign=False)} {per}"
        else:
            weighed = f"{weight} kg @ {_eu_money(product.price, fmt)}/kg"
        rows = [(name, ""), (f"  {weighed}", gross)]
    elif p.count == 1:
        rows = [(f"1 {name}" if fmt.multiples == "columns" else name, gross)]
    elif fmt.multiples == "below":
        rows = [(name, gross), (f"  {p.count} x {unit_price}", "")]
    elif fmt.multiples == "above":
        rows = [(f"  {p.count} x {unit_price}", ""), (name, gross)]
    elif fmt.multiples == "columns":
        rows = [(f"{p.count} {name}  {_eu_money(product.price, fmt, sign=False)}", gross)]
    else:
        rows = [(f"{name} {p.count} @ {unit_price}", gross)]
    columns = 56 if fmt.multiples == "columns" else 40
    if len(rows) == 1 and len(rows[0][0]) + len(rows[0][1]) + 2 > columns and p.count > 1:
        rows = [(name, gross), (f"  {p.count} @ {unit_price}", "")]  # no room for "2 @ 0.89" beside the name
    # a name too long for the price beside it: the price on the line below, as tills print it
    rows = [split for left, right in rows for split in (
        [(left, right)] if len(left) + len(right) + 2 <= columns else [(left, ""), ("", right)])]
    if p.discount is not None:
        word = rng.choice(fmt.discount_words)
        if fmt.multiples == "columns":
            word = f"{word} {_format_name(p.label, fmt)}"
        off = _eu_money(-p.discount, fmt)
        if fmt.language == "de" and rng.random() < 0.5:
            off = off.lstrip("-") + "-"
        rows.append((f"  {word}", off))
    return rows


def locale_rows(harder: HarderSpec, seed: int) -> list[tuple[str, str, str]]:
    """(alignment, left, right) rows of a UK or continental receipt in its chain's format."""
    spec, fmt = harder.spec, harder.fmt
    assert fmt is not None
    rng = random.Random(seed * 7 + 3)
    rows: list[tuple[str, str, str]] = [("center", spec.store, "")]
    rows += [("center", line, "") for line in spec.address]
    if fmt.locale == "UK":
        vat_number = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}"
        rows.append(("center", f"VAT NO GB {vat_number}", ""))
    else:
        rows.append(("center", f"{'USt-IdNr.' if fmt.language == 'de' else 'TVA'} "
                               f"{fmt.language.upper()}{rng.randint(10**8, 10**9 - 1)}", ""))
    if fmt.multiples == "columns":
        rows.append(("split", "AANTAL OMSCHRIJVING", "BEDRAG"))
    elif fmt.locale == "EU":
        rows.append(("split", "", "EUR"))
    for purchase in spec.purchases:
        rows += [("split", left, right) for left, right in _locale_item_rows(purchase, fmt, rng)]
    rows.append(("center", "-" * 12, ""))
    total = spec.subtotal
    if fmt.locale == "UK" or fmt.language == "nl":
        rows.append(("split", "SUBTOTAAL" if fmt.language == "nl" else "SUBTOTAL", _eu_money(total, fmt)))
    words = rng.choice(fmt.total_words)
    rows.append(("split", words, _eu_money(total, fmt)))
    card, cash = fmt.payments
    if spec.payment == "CASH":
        paid = (total / 5).to_integral_value(rounding="ROUND_CEILING") * 5
        rows += [("split", cash[0], _eu_money(paid, fmt)), ("split", cash[1], _eu_money(paid - total, fmt))]
    else:
        rows.append(("split", card[0], _eu_money(total, fmt)))
    # the VAT summary: prices include it, so it is printed after the total and adds nothing
    rates = (Decimal(0), Decimal(20)) if fmt.locale == "UK" else EU_RATES[fmt.language]
    tax_word = "VAT" if fmt.locale == "UK" else EU_TAX_WORD[fmt.language]
    rows.append(("split", f"{tax_word}  RATE  {tax_word}", "NET"))
    for code, rate in zip("AB", rates, strict=True):
        gross = total if code == "A" else Decimal(0)
        vat = _cents(gross * rate / (100 + rate))
        rate_text = f"{rate}%".replace(".", ",") if fmt.locale == "EU" else f"{rate}%"
        rows.append(("split", f"{code} {rate_text}  {_eu_money(vat, fmt, sign=False)}",
                     _eu_money(gross - vat, fmt, sign=False)))
    rows.append(("split", spec.date.strftime(spec.date_format).upper() + f"  {rng.randint(7, 20):02d}:"
                          f"{rng.randint(0, 59):02d}", f"{rng.randint(1000, 9999)}"))
    thanks = {"en": "THANK YOU FOR SHOPPING", "de": "Vielen Dank für Ihren Einkauf", "fr": "MERCI DE VOTRE VISITE",
              "nl": "BEDANKT EN TOT ZIENS"}
    rows.append(("center", thanks[fmt.language], ""))
    return rows


# the photo ---------------------------------------------------------------------------------------

def _field(size: tuple[int, int], rng: random.Random, cells: int, low: int, high: int) -> Image.Image:
    """A smooth random field between `low` and `high` (grey levels): a few random cells, enlarged."""
    w, h = max(2, cells), max(2, round(cells * size[1] / max(1, size[0])))
    small = Image.frombytes("L", (w, h), bytes(rng.randint(low, high) for _ in range(w * h)))
    return small.resize(size, Image.Resampling.BICUBIC)


def _perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list[float]:
    """Pillow's PERSPECTIVE data: the 8 coefficients mapping each output (target) point to its source point."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return _solve(rows, rhs)


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (8 unknowns: no numpy needed)."""
    n = len(rhs)
    a = [[*row, b] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col]:
                factor = a[r][col] / a[col][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[r][n] / a[r][r] for r in range(n)]


def _fade(paper: Image.Image, rng: random.Random) -> Image.Image:
    """Thermal print faded unevenly: ink from near black to mid grey, weaker in patches."""
    strength = _field(paper.size, rng, 6, 70, 160)  # how much of the ink is left, out of 255
    ink = ImageChops.invert(paper)  # ink bright
    ink = ImageChops.multiply(ink, strength)
    faded = ImageChops.invert(ink)
    return faded.filter(ImageFilter.GaussianBlur(0.6))


def _crumple(paper: Image.Image, rng: random.Random) -> Image.Image:
    """Folds and creases: the paper shifted a little across each fold, and light and dark along it."""
    w, h = paper.size
    folds = [(rng.uniform(0.1, 0.9) * h, rng.uniform(-0.15, 0.15), rng.uniform(-4, 4), rng.uniform(-3, 3))
             for _ in range(rng.randint(2, 4))]
    vertical = (rng.uniform(0.3, 0.7) * w, rng.uniform(-2.5, 2.5)) if rng.random() < 0.6 else None
    wave = (rng.uniform(1.5, 3.5), rng.uniform(150, 300), rng.uniform(0, 6.28))
    step = 24

    def displaced(x: float, y: float) -> tuple[float, float]:
        dx = wave[0] * math.sin(y / wave[1] * 6.28 + wave[2])
        dy = 0.0
        for y0, slope, fx, fy in folds:
            line_y = y0 + slope * (x - w / 2)
            side = max(-1.0, min(1.0, (y - line_y) / 6))
            dx += fx * side / 2
            dy += fy * side / 2
        if vertical is not None:
            side = max(-1.0, min(1.0, (x - vertical[0]) / 6))
            dy += vertical[1] * side / 2
        return x + dx, y + dy

    mesh = []
    for y in range(0, h, step):
        for x in range(0, w, step):
            x1, y1 = min(x + step, w), min(y + step, h)
            quad = (*displaced(x, y), *displaced(x, y1), *displaced(x1, y1), *displaced(x1, y))
            mesh.append(((x, y, x1, y1), quad))
    warped = paper.transform(paper.size, Image.Transform.MESH, mesh, Image.Resampling.BILINEAR, fillcolor=245)
    shade = Image.new("L", paper.size, 255)
    draw = ImageDraw.Draw(shade)
    for y0, slope, _fx, _fy in folds:
        ya, yb = y0 - slope * w / 2, y0 + slope * w / 2
        dark = rng.randint(150, 200)
        draw.line([(0, ya), (w, yb)], fill=dark, width=rng.randint(3, 6))
        draw.line([(0, ya + 8), (w, yb + 8)], fill=235, width=10)
    if vertical is not None:
        draw.line([(vertical[0], 0), (vertical[0] + rng.uniform(-10, 10), h)], fill=rng.randint(160, 210), width=4)
    shade = ImageChops.multiply(shade.filter(ImageFilter.GaussianBlur(3)), _field(paper.size, rng, 5, 200, 255))
    return ImageChops.multiply(warped, shade)


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A table: a colour with a smooth texture."""
    base = rng.choice(((120, 85, 55), (90, 90, 95), (60, 60, 62), (150, 120, 90), (40, 45, 60)))
    texture = _field(size, rng, 12, 170, 255)
    return Image.merge("RGB", [ImageChops.multiply(Image.new("L", size, c), texture) for c in base])


def photograph(paper: Image.Image, condition: str, seed: int) -> Image.Image:
    """A phone photo of the printed receipt (grey, paper 250, ink 25) under the named condition."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; one of {CONDITIONS}")
    rng = random.Random(seed * 131 + 7)
    if condition == "faded":
        paper = _fade(paper, rng)
    if condition == "crumpled":
        paper = _crumple(paper, rng)
    # the receipt on a table, a margin around it
    w, h = paper.size
    margin_x, margin_y = round(w * rng.uniform(0.12, 0.3)), round(h * rng.uniform(0.06, 0.12))
    canvas = (w + 2 * margin_x, h + 2 * margin_y)
    corners = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    angle = math.radians(rng.uniform(-6, 6) if condition == "perspective" else rng.uniform(-1.5, 1.5))
    cx, cy = canvas[0] / 2, canvas[1] / 2
    target = []
    for k, (x, y) in enumerate(corners):
        px, py = x - w / 2, y - h / 2
        if condition == "perspective":
            # the top farther from the camera than the bottom (or the side), so it looks narrower
            top, side = rng.uniform(0.06, 0.16), rng.uniform(-0.06, 0.06)
            px *= 1 - (top if k < 2 else 0) - (side if k in (0, 3) else -side) * 0.5
            py *= 1 - (top / 2 if k < 2 else 0)
            px, py = px + rng.uniform(-0.02, 0.02) * w, py + rng.uniform(-0.01, 0.01) * h
        rx = px * math.cos(angle) - py * math.sin(angle)
        ry = px * math.sin(angle) + py * math.cos(angle)
        target.append((cx + rx, cy + ry))
    tint = rng.choice(((252, 250, 245), (248, 248, 250), (250, 246, 236)))
    rgb = Image.merge("RGB", [ImageChops.multiply(paper, Image.new("L", paper.size, c)) for c in tint])
    rgba = rgb.convert("RGBA")
    coefficients = _perspective_coefficients(corners, target)
    placed = rgba.transform(canvas, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    photo = _background(canvas, rng)
    photo.paste(placed, (0, 0), placed)
    # the light: always a little uneven
    light = _field(canvas, rng, 3, 215, 255)
    if condition == "shadow":
        shadow = Image.new("L", canvas, 255)
        draw = ImageDraw.Draw(shadow)
        depth = rng.randint(90, 140)
        side = rng.choice(("left", "right", "bottom", "corner"))
        cw, ch = canvas
        if side == "left":
            draw.ellipse((-cw * 0.6, ch * rng.uniform(0.1, 0.4), cw * rng.uniform(0.35, 0.55), ch * 1.3), fill=depth)
        elif side == "right":
            draw.ellipse((cw * rng.uniform(0.45, 0.65), -ch * 0.2, cw * 1.6, ch * rng.uniform(0.5, 0.9)), fill=depth)
        elif side == "bottom":
            draw.polygon([(0, ch * rng.uniform(0.55, 0.75)), (cw, ch * rng.uniform(0.45, 0.7)), (cw, ch), (0, ch)],
                         fill=depth)
        else:
            draw.polygon([(0, 0), (cw * rng.uniform(0.5, 0.8), 0), (0, ch * rng.uniform(0.4, 0.6))], fill=depth)
        shadow = shadow.filter(ImageFilter.GaussianBlur(rng.uniform(12, 35)))
        light = ImageChops.multiply(light, shadow)
    if condition == "low_light":
        light = ImageChops.multiply(light, Image.new("L", canvas, rng.randint(80, 115)))
        vignette = Image.new("L", canvas, 0)
        ImageDraw.Draw(vignette).ellipse((-canvas[0] * 0.2, -canvas[1] * 0.1, canvas[0] * 1.2, canvas[1] * 1.1),
                                         fill=255)
        light = ImageChops.multiply(light, ImageChops.lighter(vignette.filter(ImageFilter.GaussianBlur(80)),
                                                              Image.new("L", canvas, 150)))
    warm = (255, 225, 180) if condition == "low_light" else (255, 255, 255)
    photo = Image.merge("RGB", [ImageChops.multiply(band, ImageChops.multiply(light, Image.new("L", canvas, c)))
                                for band, c in zip(photo.split(), warm, strict=True)])
    if condition == "low_light":
        sigma = rng.uniform(8, 13)
        photo = Image.merge("RGB", [ImageChops.add(band, _gaussian_noise(canvas, sigma, rng), 1.0, -128)
                                    for band in photo.split()])
        photo = photo.filter(ImageFilter.GaussianBlur(0.5))
    else:
        photo = ImageChops.add(photo, Image.merge("RGB", [_gaussian_noise(canvas, 3, rng)] * 3), 1.0, -128)
        photo = photo.filter(ImageFilter.GaussianBlur(rng.choice((0.0, 0.4, 0.6))))
    return photo


def harder_receipt(seed: int) -> SyntheticReceipt:
    """A receipt of the harder set (see `harder_spec`), photographed: JPEG bytes as a phone sends them."""
    harder = harder_spec(seed)
    rng = random.Random(seed * 53 + 11)
    if harder.fmt is None:
        style = Style(LAYOUTS[seed % len(LAYOUTS)], rng.choice(("mono", "mono-bold", "sans", "condensed")),
                      rng.randint(24, 30), dollar=rng.random() < 0.3, tax_flags=rng.random() < 0.6)
        rows = receipt_rows(harder.spec, style, seed)
    else:
        layout = "wide" if harder.fmt.multiples == "columns" else "thermal"
        style = Style(layout, rng.choice(("mono", "mono-bold")) if layout == "thermal" else "sans",
                      rng.randint(24, 30))
        rows = locale_rows(harder, seed)
    paper, text = _draw(rows, style)
    photo = photograph(paper, harder.condition, seed)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=rng.choice((80, 85, 90)))
    return SyntheticReceipt(harder.spec, style, text, buffer.getvalue(), expected_lines(harder.spec),
                            condition=harder.condition, locale=harder.locale)


# scoring ---------------------------------------------------------------------------------------

def name_words(name: str) -> list[str]:
    """Lower case, accents dropped ("écrémé" is "ecreme"), abbreviations expanded, sorted."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    words = [w for w in re.split(r"[^a-z0-9%']+", folded) if w]
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

