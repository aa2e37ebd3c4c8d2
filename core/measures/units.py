"""Units of measure as UN/CEFACT Rec 20 codes, kitchen words, and exact conversion.

Within a dimension conversion is exact. Volume <-> mass goes only through an
ingredient's density; count <-> anything else only through a per-item weight.
Anything else is a `ConversionError` naming the ingredient and both units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.errors import ConversionError, UnknownUnitError


class Dimension(StrEnum):
    MASS = "mass"
    VOLUME = "volume"
    COUNT = "count"
    LENGTH = "length"  # ribbon and other packaging sold by length
    PACKAGE = "package"  # bag, box, jar...: a container, convertible only to itself


@dataclass(frozen=True, slots=True)
class Unit:
    code: str  # UN/CEFACT Rec 20 common code
    symbol: str  # the desktop's word for it
    name: str
    dimension: Dimension
    to_base: Decimal  # grams, millilitres, pieces, or 1 for packages


_CUP_ML = Decimal("236.5882365")
_OZ_G = Decimal("28.349523125")
_LB_G = Decimal("453.59237")

UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("GRM", "g", "gram", Dimension.MASS, Decimal(1)),
        Unit("KGM", "kg", "kilogram", Dimension.MASS, Decimal(1000)),
        Unit("MGM", "mg", "milligram", Dimension.MASS, Decimal("0.001")),
        Unit("ONZ", "oz", "ounce", Dimension.MASS, _OZ_G),
        Unit("LBR", "lb", "pound", Dimension.MASS, _LB_G),
        Unit("MLT", "ml", "millilitre", Dimension.VOLUME, Decimal(1)),
        Unit("LTR", "l", "litre", Dimension.VOLUME, Decimal(1000)),
        Unit("G25", "tsp", "teaspoon", Dimension.VOLUME, _CUP_ML / 48),
        Unit("G24", "tbsp", "tablespoon", Dimension.VOLUME, _CUP_ML / 16),
        Unit("G21", "cup", "cup", Dimension.VOLUME, _CUP_ML),
        Unit("OZA", "fl oz", "fluid ounce", Dimension.VOLUME, _CUP_ML / 8),
        Unit("PTL", "pt", "pint", Dimension.VOLUME, _CUP_ML * 2),
        Unit("QTL", "qt", "quart", Dimension.VOLUME, _CUP_ML * 4),
        Unit("GLL", "gal", "gallon", Dimension.VOLUME, _CUP_ML * 16),
        Unit("H87", "each", "piece", Dimension.COUNT, Decimal(1)),
        Unit("DZN", "dozen", "dozen", Dimension.COUNT, Decimal(12)),
        Unit("MMT", "mm", "millimetre", Dimension.LENGTH, Decimal(1)),
        Unit("CMT", "cm", "centimetre", Dimension.LENGTH, Decimal(10)),
        Unit("MTR", "m", "metre", Dimension.LENGTH, Decimal(1000)),
        Unit("INH", "linear_inches", "inch", Dimension.LENGTH, Decimal("25.4")),
        Unit("FOT", "linear_feet", "foot", Dimension.LENGTH, Decimal("304.8")),
        Unit("YRD", "linear_yards", "yard", Dimension.LENGTH, Decimal("914.4")),
        Unit("BG", "bag", "bag", Dimension.PACKAGE, Decimal(1)),
        Unit("BX", "box", "box", Dimension.PACKAGE, Decimal(1)),
        Unit("JR", "jar", "jar", Dimension.PACKAGE, Decimal(1)),
        Unit("CA", "can", "can", Dimension.PACKAGE, Decimal(1)),
        Unit("BO", "bottle", "bottle", Dimension.PACKAGE, Decimal(1)),
        Unit("PA", "packet", "packet", Dimension.PACKAGE, Decimal(1)),
        Unit("PK", "package", "package", Dimension.PACKAGE, Decimal(1)),
        Unit("TU", "tube", "tube", Dimension.PACKAGE, Decimal(1)),
        Unit("CT", "carton", "carton", Dimension.PACKAGE, Decimal(1)),
        Unit("RO", "roll", "roll", Dimension.PACKAGE, Decimal(1)),
        Unit("STI", "stick", "stick", Dimension.PACKAGE, Decimal(1)),
    )
}

_ALIASES: dict[str, str] = {
    # mass
    "g": "GRM", "gram": "GRM", "grams": "GRM", "gr": "GRM", "gm": "GRM", "gms": "GRM",
    "kg": "KGM", "kgs": "KGM", "kilo": "KGM", "kilos": "KGM", "kilogram": "KGM", "kilograms": "KGM",
    "mg": "MGM", "milligram": "MGM", "milligrams": "MGM",
    "oz": "ONZ", "ozs": "ONZ", "ounce": "ONZ", "ounces": "ONZ", "oz.": "ONZ", "wt oz": "ONZ", "oz wt": "ONZ",
    "lb": "LBR", "lbs": "LBR", "lb.": "LBR", "lbs.": "LBR", "pound": "LBR", "pounds": "LBR", "#": "LBR",
    # volume
    "ml": "MLT", "mls": "MLT", "milliliter": "MLT", "milliliters": "MLT",
    "millilitre": "MLT", "millilitres": "MLT", "cc": "MLT",
    "l": "LTR", "liter": "LTR", "liters": "LTR", "litre": "LTR", "litres": "LTR", "ltr": "LTR",
    "tsp": "G25", "tsps": "G25", "tsp.": "G25", "t": "G25", "teaspoon": "G25", "teaspoons": "G25",
    "tbsp": "G24", "tbsps": "G24", "tbsp.": "G24", "tbs": "G24", "tbl": "G24", "tbl.": "G24",
    "tablespoon": "G24", "tablespoons": "G24", "T": "G24",
    "cup": "G21", "cups": "G21", "c": "G21", "c.": "G21",
    "fl oz": "OZA", "fl. oz": "OZA", "fl. oz.": "OZA", "fl oz.": "OZA", "floz": "OZA",
    "fluid ounce": "OZA", "fluid ounces": "OZA", "fl.oz": "OZA", "fl.oz.": "OZA",
    "pt": "PTL", "pts": "PTL", "pint": "PTL", "pints": "PTL",
    "qt": "QTL", "qts": "QTL", "quart": "QTL", "quarts": "QTL",
    "gal": "GLL", "gals": "GLL", "gallon": "GLL", "gallons": "GLL",
    # count
    "each": "H87", "ea": "H87", "count": "H87", "ct": "H87", "piece": "H87", "pieces": "H87",
    "pc": "H87", "pcs": "H87", "item": "H87", "items": "H87", "unit": "H87", "units": "H87",
    "whole": "H87", "large": "H87", "egg": "H87", "eggs": "H87", "clove": "H87", "cloves": "H87",
    "dozen": "DZN", "doz": "DZN", "dz": "DZN",
    # length (packaging)
    "mm": "MMT", "cm": "CMT", "m": "MTR", "meter": "MTR", "meters": "MTR", "metre": "MTR", "metres": "MTR",
    "in": "INH", "inch": "INH", "inches": "INH", "linear_inches": "INH", "linear inches": "INH",
    "ft": "FOT", "foot": "FOT", "feet": "FOT", "linear_feet": "FOT", "linear feet": "FOT",
    "yd": "YRD", "yds": "YRD", "yard": "YRD", "yards": "YRD", "linear_yards": "YRD",
    # packages
    "bag": "BG", "bags": "BG", "box": "BX", "boxes": "BX", "jar": "JR", "jars": "JR",
    "can": "CA", "cans": "CA", "bottle": "BO", "bottles": "BO", "packet": "PA", "packets": "PA",
    "pkg": "PK", "pkgs": "PK", "package": "PK", "packages": "PK", "pack": "PK", "packs": "PK",
    "tube": "TU", "tubes": "TU", "carton": "CT", "cartons": "CT", "roll": "RO", "rolls": "RO",
    "stick": "STI", "sticks": "STI",
}


def parse_unit(word: str, *, where: str = "") -> Unit:
    """The unit a kitchen word or UN/CEFACT code names ("cups", "T", "lbs", "G21")."""
    text = re.sub(r"\s+", " ", word.strip()) if isinstance(word, str) else ""
    if text in UNITS:
        return UNITS[text]
    # "T" is tablespoon and "t" teaspoon by kitchen convention: case matters there only.
    if text in ("T", "Tbsp", "TBSP", "Tbs", "TBS"):
        return UNITS["G24"]
    lowered = text.lower()
    code = _ALIASES.get(lowered) or _ALIASES.get(lowered.rstrip("."))
    if code is None and lowered.upper() in UNITS:
        code = lowered.upper()
    if code is None:
        suffix = f" in {where}" if where else ""
        raise UnknownUnitError(f"unknown unit {word!r}{suffix}", field=where or None)
    return UNITS[code]


def unit_code(word: str, *, where: str = "") -> str:
    return parse_unit(word, where=where).code


def symbol_for(code: str) -> str:
    """The desktop's word for a code (for export and display)."""
    return UNITS[code].symbol


@dataclass(frozen=True, slots=True)
class Density:
    """Grams per millilitre, from the desktop's four density fields (e.g. 1 cup = 4.25 oz)."""

    grams_per_ml: Decimal
    volume_value: Decimal
    volume_unit: str  # code
    weight_value: Decimal
    weight_unit: str  # code

    @staticmethod
    def from_fields(volume_value: Decimal, volume_unit: str, weight_value: Decimal, weight_unit: str) -> Density:
        vol = parse_unit(volume_unit, where="density_volume_unit")
        wt = parse_unit(weight_unit, where="density_weight_unit")
        if vol.dimension is not Dimension.VOLUME:
            raise ConversionError(f"density volume unit {volume_unit!r} is not a volume", field="density_volume_unit")
        if wt.dimension is not Dimension.MASS:
            raise ConversionError(f"density weight unit {weight_unit!r} is not a weight", field="density_weight_unit")
        if volume_value <= 0 or weight_value <= 0:
            raise ConversionError("density values must be greater than 0", field="density_volume_value")
        grams_per_ml = (weight_value * wt.to_base) / (volume_value * vol.to_base)
        return Density(grams_per_ml, volume_value, vol.code, weight_value, wt.code)


class Origin(StrEnum):
    BAKERY = "bakery"  # the baker's own value
    REFERENCE = "reference"  # the reference table (core.measures.reference_densities)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a density or a weight per piece came from."""

    origin: Origin
    reference: str = ""  # the source's citation, for a reference value
    entry: str = ""  # the reference table's name for the ingredient
    stated: str = ""  # what the source states ("1/2 tsp = 3 g")


BAKERS_OWN = Provenance(Origin.BAKERY)


@dataclass(frozen=True, slots=True)
class ConversionBasis:
    """What an ingredient offers for crossing dimensions, and where each factor came from."""

    name: str = ""  # the ingredient, for error messages
    density: Density | None = None
    grams_per_item: Decimal | None = None
    density_source: Provenance | None = None  # None with a density: the baker's own
    item_weight_source: Provenance | None = None  # None with a weight per piece: the baker's own

    @property
    def density_from(self) -> Provenance | None:
        if self.density is None:
            return None
        return self.density_source or BAKERS_OWN

    @property
    def item_weight_from(self) -> Provenance | None:
        if self.grams_per_item is None:
            return None
        return self.item_weight_source or BAKERS_OWN


NO_BASIS = ConversionBasis()


def convert(quantity: Decimal, from_code: str, to_code: str, basis: ConversionBasis = NO_BASIS) -> Decimal:
    """Exact conversion of `quantity` from one unit code to another."""
    if from_code == to_code:
        return quantity
    src, dst = UNITS[from_code], UNITS[to_code]
    if src.dimension is dst.dimension:
        if src.dimension is Dimension.PACKAGE:
            raise _impossible(src, dst, basis, "different containers")
        return quantity * src.to_base / dst.to_base
    return _base_to(dst, _cross(_to_base(quantity, src), src.dimension, dst.dimension, src, dst, basis))


def can_convert(from_code: str, to_code: str, basis: ConversionBasis = NO_BASIS) -> bool:
    try:
        convert(Decimal(1), from_code, to_code, basis)
    except ConversionError:
        return False
    return True


def _to_base(quantity: Decimal, unit: Unit) -> Decimal:
    return quantity * unit.to_base


def _base_to(unit: Unit, base_quantity: Decimal) -> Decimal:
    return base_quantity / unit.to_base


def _cross(
    base: Decimal, src_dim: Dimension, dst_dim: Dimension, src: Unit, dst: Unit, basis: ConversionBasis
) -> Decimal:
    """Move a base quantity (g, ml or pieces) from one dimension to another."""
    grams: Decimal
    if src_dim is Dimension.MASS:
        grams = base
    elif src_dim is Dimension.VOLUME:
        if basis.density is None:
            raise _impossible(src, dst, basis, "no density")
        grams = base * basis.density.grams_per_ml
    elif src_dim is Dimension.COUNT:
        if basis.grams_per_item is None:
            raise _impossible(src, dst, basis, "no weight per piece")
        grams = base * basis.grams_per_item
    else:
        raise _impossible(src, dst, basis, "a container or a length has no fixed weight")
    if dst_dim is Dimension.MASS:
        return grams
    if dst_dim is Dimension.VOLUME:
        if basis.density is None:
            raise _impossible(src, dst, basis, "no density")
        return grams / basis.density.grams_per_ml
    if dst_dim is Dimension.COUNT:
        if basis.grams_per_item is None:
            raise _impossible(src, dst, basis, "no weight per piece")
        return grams / basis.grams_per_item
    raise _impossible(src, dst, basis, "a container or a length has no fixed weight")


def _impossible(src: Unit, dst: Unit, basis: ConversionBasis, reason: str) -> ConversionError:
    who = f"{basis.name}: " if basis.name else ""
    return ConversionError(
        f"{who}cannot convert {src.symbol} ({src.code}) to {dst.symbol} ({dst.code}): {reason}"
    )
