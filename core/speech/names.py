"""Words the grammar knows: units said aloud, package words, stores and baking brands.

Store and brand lists only canonicalise spelling ("costco" -> "Costco"); an
unknown store after "at"/"from" is still taken, title-cased. An unknown brand
simply stays part of the item name, where catalog resolution can still match it.
"""

from __future__ import annotations

from core.measures.units import Dimension, parse_unit
from core.speech.numbers import words

# Unit words accepted after a number. Deliberately narrower than core.measures.units'
# aliases: "eggs", "large", "whole", "c", "t", "m", "in" are item words in speech.
_MEASURE_WORDS = words(
    "g gram grams gr gm gms kg kgs kilo kilos kilogram kilograms mg milligram milligrams "
    "oz ozs ounce ounces lb lbs pound pounds "
    "ml mls milliliter milliliters millilitre millilitres l liter liters litre litres ltr "
    "tsp tsps teaspoon teaspoons tbsp tbsps tbs tablespoon tablespoons cup cups "
    "pt pts pint pints qt qts quart quarts gal gals gallon gallons "
    "each ea piece pieces pc pcs ct count"
)
MEASURE_UNITS: dict[str, str] = {w: parse_unit(w).code for w in _MEASURE_WORDS}

# Containers: the code core.measures.units knows, else "PK" with the word kept as package_type.
_PACKAGE_WORDS = words(
    "bag bags box boxes jar jars can cans bottle bottles packet packets pkg pkgs package packages "
    "pack packs tube tubes carton cartons roll rolls stick sticks"
)
PACKAGE_UNITS: dict[str, str] = {w: parse_unit(w).code for w in _PACKAGE_WORDS}
PACKAGE_UNITS.update({"sack": "BG", "sacks": "BG", "pouch": "BG", "pouches": "BG"})
OTHER_CONTAINERS = words(
    "tub tubs container containers block blocks brick bricks case cases tin tins loaf loaves "
    "canister canisters crate crates flat flats punnet punnets pot pots sachet sachets tray trays tube tubes "
    "bunch bunches"
)
for _w in OTHER_CONTAINERS:
    PACKAGE_UNITS[_w] = "PK"

# Two-word unit "fl oz" / "fluid ounce(s)".
FLUID_OUNCE_PAIRS = frozenset({("fl", "oz"), ("fluid", "ounce"), ("fluid", "ounces")})

STORES: dict[str, str] = {
    "costco": "Costco", "costco wholesale": "Costco", "trader joe's": "Trader Joe's", "trader joes": "Trader Joe's",
    "whole foods market": "Whole Foods", "whole foods": "Whole Foods", "walmart supercenter": "Walmart",
    "walmart": "Walmart", "wal mart": "Walmart", "target": "Target",
    "safeway": "Safeway", "kroger": "Kroger", "aldi": "Aldi", "aldi's": "Aldi", "sam's club": "Sam's Club",
    "sams club": "Sam's Club", "sam's": "Sam's Club", "wegmans": "Wegmans", "publix": "Publix",
    "heb": "H-E-B", "h e b": "H-E-B", "sprouts": "Sprouts", "restaurant depot": "Restaurant Depot",
    "winco": "WinCo", "food lion": "Food Lion", "stop and shop": "Stop & Shop", "giant": "Giant",
    "meijer": "Meijer", "hannaford": "Hannaford", "amazon": "Amazon", "bj's": "BJ's", "bjs": "BJ's",
    "smart and final": "Smart & Final", "market basket": "Market Basket", "lidl": "Lidl",
    "piggly wiggly": "Piggly Wiggly", "shoprite": "ShopRite", "shop rite": "ShopRite",
    "harris teeter": "Harris Teeter", "winn dixie": "Winn-Dixie", "albertsons": "Albertsons",
    "vons": "Vons", "ralphs": "Ralphs", "fred meyer": "Fred Meyer", "hy vee": "Hy-Vee",
    "the farmers market": "Farmers Market", "farmers market": "Farmers Market",
    "farmer's market": "Farmers Market", "king arthur": "King Arthur",
    # UK
    "tesco": "Tesco", "tescos": "Tesco", "tesco's": "Tesco", "sainsbury's": "Sainsbury's",
    "sainsburys": "Sainsbury's", "sainsbury": "Sainsbury's", "asda": "Asda", "morrisons": "Morrisons",
    "morrison's": "Morrisons", "waitrose": "Waitrose", "co op": "Co-op", "coop": "Co-op", "co-op": "Co-op",
    "m and s": "M&S", "m&s": "M&S", "m & s": "M&S", "marks and spencer": "M&S", "marks and spencers": "M&S",
    "cash and carry": "Cash and Carry",
    "iceland": "Iceland", "booker": "Booker", "bookers": "Booker", "makro": "Makro", "ocado": "Ocado",
    "spar": "Spar", "nisa": "Nisa", "costcutter": "Costcutter",
    # continental Europe
    "carrefour": "Carrefour", "auchan": "Auchan", "leclerc": "Leclerc", "e leclerc": "Leclerc",
    "intermarche": "Intermarché", "intermarché": "Intermarché", "monoprix": "Monoprix", "franprix": "Franprix",
    "edeka": "Edeka", "rewe": "Rewe", "kaufland": "Kaufland", "netto": "Netto", "globus": "Globus",
    "albert heijn": "Albert Heijn", "colruyt": "Colruyt", "delhaize": "Delhaize", "mercadona": "Mercadona",
    "eroski": "Eroski", "esselunga": "Esselunga", "conad": "Conad", "migros": "Migros", "billa": "Billa",
    "hofer": "Hofer", "metro": "Metro", "dirk": "Dirk", "hoogvliet": "Hoogvliet", "alcampo": "Alcampo",
}

BRANDS: dict[str, str] = {
    "king arthur": "King Arthur", "gold medal": "Gold Medal", "bob's red mill": "Bob's Red Mill",
    "bobs red mill": "Bob's Red Mill", "pillsbury": "Pillsbury", "domino": "Domino", "c and h": "C&H",
    "c&h": "C&H", "imperial": "Imperial", "land o lakes": "Land O Lakes", "land o' lakes": "Land O Lakes",
    "land of lakes": "Land O Lakes", "kerrygold": "Kerrygold", "plugra": "Plugra", "tillamook": "Tillamook",
    "cabot": "Cabot", "philadelphia": "Philadelphia", "nestle": "Nestle", "toll house": "Toll House",
    "nestle toll house": "Nestle Toll House", "ghirardelli": "Ghirardelli", "guittard": "Guittard",
    "hershey's": "Hershey's", "hersheys": "Hershey's", "baker's": "Baker's", "kirkland": "Kirkland",
    "great value": "Great Value", "mccormick": "McCormick", "nielsen massey": "Nielsen-Massey",
    "crisco": "Crisco", "karo": "Karo", "morton": "Morton", "diamond crystal": "Diamond Crystal",
    "arm and hammer": "Arm & Hammer", "arm & hammer": "Arm & Hammer", "clabber girl": "Clabber Girl",
    "rumford": "Rumford", "fleischmann's": "Fleischmann's", "fleischmanns": "Fleischmann's",
    "red star": "Red Star", "saf": "SAF", "challenge": "Challenge", "libby's": "Libby's",
    "eagle brand": "Eagle Brand", "hodgson mill": "Hodgson Mill", "white lily": "White Lily",
    "swans down": "Swans Down", "c h": "C&H", "valrhona": "Valrhona", "callebaut": "Callebaut",
    "lindt": "Lindt", "organic valley": "Organic Valley", "horizon": "Horizon", "daisy": "Daisy",
    "sun maid": "Sun-Maid", "diamond": "Diamond", "blue diamond": "Blue Diamond", "wilton": "Wilton",
    "rodelle": "Rodelle", "simply organic": "Simply Organic", "365": "365", "kate's": "Kate's",
    "stonyfield": "Stonyfield", "president": "President", "vital farms": "Vital Farms",
    "lurpak": "Lurpak", "anchor": "Anchor", "dr oetker": "Dr. Oetker", "dr. oetker": "Dr. Oetker",
    "doctor oetker": "Dr. Oetker", "oetker": "Dr. Oetker", "allinson's": "Allinson's", "allinsons": "Allinson's",
    "allinson": "Allinson's", "homepride": "Homepride", "mcdougalls": "McDougalls", "tate and lyle": "Tate & Lyle",
    "tate & lyle": "Tate & Lyle", "silver spoon": "Silver Spoon", "billington's": "Billington's",
    "billingtons": "Billington's", "stork": "Stork", "elle and vire": "Elle & Vire", "president's": "President",
    "pete and gerry's": "Pete and Gerry's", "eggland's best": "Eggland's Best", "egglands best": "Eggland's Best",
}


def unit_word_code(word: str) -> str | None:
    """The code of a measure or package word said after a number, else None."""
    return MEASURE_UNITS.get(word) or PACKAGE_UNITS.get(word)


def is_package_code(code: str) -> bool:
    return parse_unit(code).dimension is Dimension.PACKAGE
