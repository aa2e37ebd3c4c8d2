"""Realistic store receipts for a given bakery: what it buys, printed the way stores print it.

`bakery_receipt(bakery, seed)` draws 4 to 9 lines from the bakery's own catalog and writes the receipt text a
till prints (name left, price right, "2 @ 3.99" count lines, SUBTOTAL / TAX / TOTAL). The items are:

* **its products** — weighted by what it has bought and holds (purchases and lots): the brand printed in full,
  as initials or left off (a store brand), the product's distinctive words uppercased and abbreviated as tills
  do ("NAT UNSWT COCOA", "GRAN SUGAR"), the name cut to a till's width; the package size printed as the
  catalog has it, or **a size the catalog does not have** (the 8-oz tin of a 10-oz product), or **no size**
  (a bare count of packages: "KERRYGOLD BUTTER" / "4 @ 3.99");
* **ingredients it has never bought** (in the catalog, no product yet), with a size or a **unit word inside the
  name** as tills print them ("WHOLE MILK GAL", "HVY CREAM QT", "EGGS LG 18CT");
* **multipacks** ("BUTTER 4X4OZ"), and a few **things no bakery catalog has** (paper towels), which must be
  flagged, never matched.

Each line carries what a perfect reading means (`Expected`): the ingredient (None for the non-bakery things),
the product when the print names one package the catalog has, and the total quantity in its unit. The same
seed and bakery give the same receipt. `receipt_photo` draws the text as a clean till photo for the OCR path.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.bakery import Bakery
from core.catalog.entities import Product
from core.stock.purchase_summary import summaries_of

CENT = Decimal("0.01")
WIDTH = 40  # a till's columns
NAME_WIDTH = 26  # what a till prints of an item name

# How tills print a unit after a size.
UNIT_PRINT: dict[str, tuple[str, ...]] = {
    "LBR": ("LB", "LB", "#"), "ONZ": ("OZ",), "OZA": ("FL OZ", "FLOZ"), "GRM": ("G", "GM"), "KGM": ("KG",),
    "MLT": ("ML",), "LTR": ("L", "LT"), "QTL": ("QT",), "GLL": ("GAL",), "H87": ("CT",), "PTL": ("PT",),
}
# Sizes stores sell, per unit: where a size the catalog does not have comes from.
COMMON_SIZES: dict[str, tuple[str, ...]] = {
    "LBR": ("1", "2", "4", "5", "10", "25"), "ONZ": ("4", "6", "8", "12", "16", "24", "32"),
    "OZA": ("1", "2", "4", "8", "16", "32"), "GRM": ("100", "200", "250", "454", "500"), "KGM": ("1", "1.5", "2"),
    "MLT": ("250", "375", "500", "750"), "LTR": ("1", "1.5", "2"), "QTL": ("1", "2"), "GLL": ("0.5", "1"),
    "H87": ("6", "12", "18", "24"),
}
# Words that name no ingredient: marketing on packages, left off receipts.
FILLER = frozenset({
    "premium", "pure", "original", "100", "the", "with", "and", "of", "real", "natural", "classic", "finest",
    "signature", "kirkland", "nestle", "toll", "house", "artificially", "flavored", "mildly", "quick", "dissolve",
    "extra", "fancy", "all", "s", "x", "10", "lb", "4", "2", "pack", "other", "flavors", "cane",
})
# Store brands: the brand a till prints for the store's own products.
STORE_BRANDS = ("KS", "GV", "365", "TJ", "WEG", "SIGNATURE", "STORE")
# Short forms tills use (the reverse of core.receipts.lines.ABBREVIATIONS, plus consonant skeletons).
SHORT = {
    "granulated": ("GRAN",), "unsalted": ("UNSLTD", "UNSALT"), "salted": ("SLTD",), "chocolate": ("CHOC",),
    "butter": ("BTR",), "powdered": ("PWD", "PWDR"), "brown": ("BRN",), "sugar": ("SGR",), "vanilla": ("VAN",),
    "extract": ("EXT", "XTRCT"), "baking": ("BKG",), "cream": ("CRM",), "heavy": ("HVY",), "cinnamon": ("CINN",),
    "organic": ("ORG",), "whole": ("WHL",), "milk": ("MLK",), "unsweetened": ("UNSWT", "UNSWTND"),
    "semi-sweet": ("SEMI SWT", "SEMISWEET"), "sweetened": ("SWTND",), "large": ("LG", "LRG"), "flour": ("FLR",),
    "unbleached": ("UNBL",), "light": ("LT",), "dark": ("DK",), "ground": ("GRND",), "cocoa": ("COCOA",),
    "morsels": ("MORSELS", "MRSLS"), "chips": ("CHIPS",), "almonds": ("ALMDS",), "walnuts": ("WLNTS",),
    "pecans": ("PCNS",), "shredded": ("SHRD",), "yeast": ("YST",), "powder": ("PDR", "PWD"),
}
NOT_BAKERY = (
    ("PAPER TOWELS 6 RL", "H87"), ("DISH SOAP 24 OZ", "OZA"), ("TRASH BAGS 30CT", "H87"), ("AA BATTERIES 8PK", "H87"),
    ("SPONGES 3PK", "H87"), ("BLEACH 64 OZ", "OZA"),
)
# Never-bought ingredients a grocery sells, and how tills name them and size them.
GROCERY_FORMS: dict[str, tuple[tuple[str, str, str], ...]] = {  # slug: (printed name, size text, unit code)
    "milk_whole": (("WHOLE MILK GAL", "1", "GLL"), ("MILK WHL 1/2 GAL", "0.5", "GLL"), ("WHOLE MILK", "1 GAL", "GLL")),
    "milk_2": (("2% MILK GAL", "1", "GLL"), ("MILK 2% 1/2 GAL", "0.5", "GLL")),
    "cream_heavy": (("HVY CRM QT", "1", "QTL"), ("HEAVY CREAM", "1 PT", "PTL"), ("HEAVY WHIP CREAM QT", "1", "QTL")),
    "eggs_whole": (("EGGS LG", "18CT", "H87"), ("LARGE EGGS", "12CT", "H87"), ("EGGS LRG DOZ", "12", "H87")),
    "cream_cheese": (("CREAM CHEESE", "8OZ", "ONZ"), ("CRM CHS BRICK", "8 OZ", "ONZ")),
    "sour_cream": (("SOUR CREAM", "16OZ", "ONZ"),),
    "buttermilk": (("BUTTERMILK QT", "1", "QTL"),),
    "milk_buttermilk": (("BUTTERMILK QT", "1", "QTL"), ("CULTURED BUTTERMILK", "1 QT", "QTL")),
    "milk_skim": (("SKIM MILK GAL", "1", "GLL"), ("FAT FREE MILK 1/2 GAL", "0.5", "GLL")),
    "cream_light": (("LIGHT CREAM PT", "1", "PTL"),),
    "lemons": (("LEMONS", "", "H87"),),
    "lemon_whole": (("LEMONS", "", "H87"), ("LEMON EACH", "", "H87")),
    "lime_whole": (("LIMES", "", "H87"),),
    "orange_whole": (("NAVEL ORANGES", "", "H87"),),
    "bananas": (("BANANAS", "", "LBR"),),
    "apples": (("GALA APPLES", "", "LBR"), ("HONEYCRISP APPLES", "", "LBR")),
    "blueberries": (("BLUEBERRIES", "1 PT", "PTL"), ("BLUEBERRIES", "18OZ", "ONZ")),
    "raspberries": (("RASPBERRIES", "6OZ", "ONZ"),),
    "strawberries": (("STRAWBERRIES", "1LB", "LBR"), ("STRAWBERRIES", "2 LB", "LBR")),
    "yogurt_plain": (("PLAIN YOGURT", "32OZ", "ONZ"),),
    "greek_yogurt_plain": (("GREEK YOGURT PLAIN", "32OZ", "ONZ"),),
    "pumpkin_puree": (("PUMPKIN PUREE", "15OZ", "ONZ"), ("100% PURE PUMPKIN", "29 OZ", "ONZ")),
    "ricotta": (("RICOTTA WHOLE MILK", "15OZ", "ONZ"),),
    "mascarpone": (("MASCARPONE", "8OZ", "ONZ"),),
}


@dataclass(frozen=True)
class Expected:
    """What a line means: the ingredient (None: not a baking thing), the product when the print names a package
    this bakery already has, and the total bought."""

    ingredient_slug: str | None
    product_id: str | None
    quantity: Decimal | None  # total, in `unit`; None when the print does not say (a bare count of a product)
    unit: str | None
    packages: int


@dataclass(frozen=True)
class ReceiptItem:
    kind: str  # "product", "other-size", "bare-count", "never-bought", "multipack", "not-bakery"
    printed: str  # the item name as printed, with the size when there is one
    count: int
    each: Decimal  # price of one
    expected: Expected

    @property
    def price(self) -> Decimal:
        return self.each * self.count


@dataclass(frozen=True)
class BakeryReceipt:
    seed: int
    store: str
    date: dt.date
    layout: str
    items: tuple[ReceiptItem, ...]
    text: str
    tax: Decimal = Decimal(0)
    notes: list[str] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((i.price for i in self.items), Decimal(0))


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9%-]+", text.lower().replace("’", "'").replace("'s", "")) if w]


def _short(word: str, rng: random.Random) -> str:
    upper = word.upper()
    if word in SHORT and rng.random() < 0.6:
        return rng.choice(SHORT[word])
    if len(word) > 7 and rng.random() < 0.3:
        return upper[:5]
    return upper


def _brand(brand: str, rng: random.Random) -> str:
    words = [w.upper() for w in re.findall(r"[A-Za-z0-9]+", brand.replace("’", "'").replace("'", ""))]
    if not words:
        return ""
    roll = rng.random()
    if roll < 0.3:
        return ""  # many tills leave the brand off
    if len(words) > 1 and roll < 0.5:
        return "".join(w[0] for w in words)  # "KA", "BRM"
    return " ".join(words)


def product_name(bakery: Bakery, product: Product, rng: random.Random) -> str:
    """The product as a till prints it: brand (or not), its distinctive words abbreviated, cut to the width."""
    ingredient = bakery.ingredients.get(product.ingredient_slug)
    brand_words = set(_words(product.brand))
    name = [w for w in _words(product.product_name) if w not in brand_words and w not in FILLER and not w.isdigit()]
    base = _words(ingredient.display_name) if ingredient else []
    # what it is must be on the line: the ingredient's words a product name leaves out are added
    for word in base:
        if word not in FILLER and word not in name and (word.rstrip("s") not in {n.rstrip("s") for n in name}):
            name.append(word)
    # Costco prints its own brand as KS (Kirkland Signature)
    brand = "KS" if product.brand.casefold() == "costco" and rng.random() < 0.7 else _brand(product.brand, rng)
    words = [_short(w, rng) for w in name[:4]]
    text = " ".join(([brand] if brand else []) + words)
    return text[:NAME_WIDTH].rstrip()


def _size_text(quantity: Decimal, unit: str, rng: random.Random) -> str:
    word = rng.choice(UNIT_PRINT.get(unit, ("",)))
    if not word:
        return ""
    joined = "" if len(word) <= 2 and word != "FL OZ" and rng.random() < 0.7 else " "
    return f"{_plain(quantity)}{joined}{word}"


def _price_for(quantity: Decimal, unit: str, rng: random.Random) -> Decimal:
    return Decimal(rng.randint(149, 1899)) / 100


def _history(bakery: Bakery) -> Counter[str]:
    weight: Counter[str] = Counter()
    for product_id, summary in summaries_of(bakery).items():  # a planning read holds summaries, not purchases
        weight[product_id] += 2 * summary.times
    for lot in bakery.lots.values():
        weight[lot.product_id] += 1
    return weight


def _product_item(bakery: Bakery, product: Product, rng: random.Random) -> ReceiptItem:
    name = product_name(bakery, product, rng)
    size = product.package_unit_quantity
    roll = rng.random()
    count = rng.choice((1, 1, 1, 2, 2, 3, 4))
    each = _price_for(size, product.package_unit, rng)
    if roll < 0.2 and product.package_unit in COMMON_SIZES:
        other = [Decimal(s) for s in COMMON_SIZES[product.package_unit] if Decimal(s) != size]
        size = rng.choice(other)
        printed = f"{name} {_size_text(size, product.package_unit, rng)}"
        expected = Expected(product.ingredient_slug, None, size * count, product.package_unit, count)
        return ReceiptItem("other-size", printed, count, each, expected)
    if roll < 0.4:
        count = max(count, 2)
        expected = Expected(product.ingredient_slug, None, None, None, count)
        return ReceiptItem("bare-count", name, count, each, expected)
    printed = f"{name} {_size_text(size, product.package_unit, rng)}".strip()
    expected = Expected(product.ingredient_slug, product.id, size * count, product.package_unit, count)
    return ReceiptItem("product", printed, count, each, expected)


def _never_bought_item(slug: str, rng: random.Random) -> ReceiptItem:
    name, size, unit = rng.choice(GROCERY_FORMS[slug])
    count = rng.choice((1, 1, 2))
    each = Decimal(rng.randint(99, 699)) / 100
    if unit == "LBR" and not size:  # weighed produce: "BANANAS" / "2.14 lb @ 0.59/lb"
        weight = Decimal(rng.randint(80, 400)) / 100
        per = Decimal(rng.randint(49, 199)) / 100
        total = (weight * per).quantize(CENT, rounding=ROUND_HALF_UP)
        return ReceiptItem("never-bought", f"{name}\n  {_plain(weight)} lb @ {per}/lb", 1, total,
                           Expected(slug, None, weight, "LBR", 1))
    if not size:
        return ReceiptItem("never-bought", name, count, each, Expected(slug, None, Decimal(count), "H87", count))
    number = re.match(r"[\d.]+", size)
    amount = Decimal(number.group(0)) if number else Decimal(1)
    printed = f"{name} {size}" if re.search(r"[A-Z]", size) else name
    return ReceiptItem("never-bought", printed, count, each, Expected(slug, None, amount * count, unit, count))


def _multipack_item(bakery: Bakery, product: Product, rng: random.Random) -> ReceiptItem:
    """ "BUTTER 4X4OZ": a one-pound package of four sticks."""
    name = product_name(bakery, product, rng)
    each = _price_for(Decimal(16), "ONZ", rng)
    return ReceiptItem("multipack", f"{name} 4X4OZ", 1, each,
                       Expected(product.ingredient_slug, None, Decimal(16), "ONZ", 1))


def receipt_items(bakery: Bakery, seed: int) -> list[ReceiptItem]:
    rng = random.Random(seed)
    history = _history(bakery)
    products = sorted((p for p in bakery.products.values() if not p.is_hidden), key=lambda p: p.id)
    products = [p for p in products if "created_by_proposal" not in p.extra]  # those are drawn as never-bought
    weights = [1 + history[p.id] for p in products]
    # never bought before it used the app: no product of its own catalog (one a confirmed receipt made is not)
    grocery = sorted(slug for slug in GROCERY_FORMS if slug in bakery.ingredients
                     and not any(p.ingredient_slug == slug and "created_by_proposal" not in p.extra
                                 for p in products))
    butter = [p for p in products if p.ingredient_slug.split("_")[0] == "butter" and p.package_unit in ("LBR", "ONZ")]
    items: list[ReceiptItem] = []
    seen: set[str] = set()
    for _ in range(rng.randint(4, 9)):
        roll = rng.random()
        if roll < 0.2 and grocery:
            item = _never_bought_item(rng.choice(grocery), rng)
        elif 0.2 <= roll < 0.25 and butter:
            item = _multipack_item(bakery, rng.choice(butter), rng)
        elif 0.25 <= roll < 0.29:
            name, _unit = rng.choice(NOT_BAKERY)
            item = ReceiptItem("not-bakery", name, 1, Decimal(rng.randint(199, 999)) / 100,
                               Expected(None, None, None, None, 1))
        else:
            item = _product_item(bakery, rng.choices(products, weights)[0], rng)
        if item.printed in seen:
            continue
        seen.add(item.printed)
        items.append(item)
    return items


def _row(left: str, right: str) -> str:
    gap = max(2, WIDTH - len(left) - len(right))
    return f"{left}{' ' * gap}{right}"


def _item_rows(item: ReceiptItem, layout: str) -> list[str]:
    name, _, weighed = item.printed.partition("\n")
    if weighed:  # a weighed line: the name, then the weight and price per pound with the total
        return [name, _row(weighed, _money(item.price))]
    if item.count == 1:
        return [_row(name, _money(item.price))]
    if layout == "thermal":
        return [_row(name, _money(item.price)), f"  {item.count} @ {_money(item.each)}"]
    if layout == "qty-first":
        return [_row(f"{item.count} @ {_money(item.each)} {name}", _money(item.price))]
    return [_row(f"{name} {item.count} x {_money(item.each)}", _money(item.price))]


def bakery_receipt(bakery: Bakery, seed: int) -> BakeryReceipt:
    """One receipt for this bakery; the same bakery and seed always give the same one."""
    rng = random.Random(seed * 101 + 7)
    items = receipt_items(bakery, seed)
    stores = sorted(s.name for s in bakery.suppliers.values() if s.name and s.name.lower() != "unknown")
    store = rng.choice(stores or ["MAIN STREET MARKET"]).upper()
    date = dt.date(2026, 11, 1) + dt.timedelta(days=rng.randint(0, 29))
    layout = rng.choice(("thermal", "qty-first", "inline"))
    clock = f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}"
    lines = [store, f"{rng.randint(10, 999)} MAIN ST", f"{date:%m/%d/%Y} {clock}", "-" * 12]
    for item in items:
        lines += _item_rows(item, layout)
    subtotal = sum((i.price for i in items), Decimal(0))
    tax = (subtotal * Decimal("0.0625")).quantize(CENT, rounding=ROUND_HALF_UP) if rng.random() < 0.5 else Decimal(0)
    lines += ["-" * 12, _row("SUBTOTAL", _money(subtotal)), _row("TAX", _money(tax)),
              _row("TOTAL", _money(subtotal + tax)), _row("VISA TEND", _money(subtotal + tax)),
              "THANK YOU FOR SHOPPING"]
    return BakeryReceipt(seed, store, date, layout, tuple(items), "\n".join(lines), tax)


def receipt_photo(receipt: BakeryReceipt) -> bytes:
    """The receipt printed on a clean till roll, as a PNG (the OCR path's input)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 26)
    rows = receipt.text.splitlines()
    width = int(font.getlength("0") * (WIDTH + 2)) + 60
    line_h = 38
    image = Image.new("L", (width, line_h * len(rows) + 80), 250)
    draw = ImageDraw.Draw(image)
    for n, row in enumerate(rows):
        draw.text((30, 40 + n * line_h), row, fill=25, font=font)
    framed = Image.new("L", (image.width + 80, image.height + 80), 120)
    framed.paste(image, (40, 40))
    out = io.BytesIO()
    framed.save(out, "PNG")
    return out.getvalue()
