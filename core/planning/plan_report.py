"""A plan as JSON (for tools) and as text (for people)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.measures.quantities import as_number
from core.measures.units import Origin, symbol_for
from core.planning.equipment import LoadPlan, MixPlan
from core.planning.event_plan import EventPlan, ShoppingLine
from core.planning.factors_used import Factor, FactorUsed

NO_SUPPLIER = "Any store"


def plan_to_json(plan: EventPlan) -> dict[str, Any]:
    """The plan in the shape other tools parse (see README). Keys may be added, never changed."""
    return {
        "event": plan.event_name,
        "event_slug": plan.event_slug,
        "remaining_only": plan.remaining_only,
        "finished_units": [
            {
                "slug": u.slug,
                "recipe": u.recipe_name,
                "recipe_slug": u.recipe_slug,
                "needed": as_number(u.needed),
                "per_batch": as_number(u.per_batch),
                "batches": u.batches,
                "produced": as_number(u.produced),
                "surplus": as_number(u.surplus),
                "buffer": as_number(u.buffer),
            }
            for u in plan.finished_units
        ],
        "recipes": [
            {
                "recipe": r.recipe_name,
                "recipe_slug": r.recipe_slug,
                "batches": r.batches,
                "completed": as_number(r.completed),
                "remaining": as_number(r.remaining),
                **({"mixes": mixes_json(r.mixes)} if r.mixes else {}),
                **({"oven_loads": oven_loads_json(r.oven_loads)} if r.oven_loads else {}),
            }
            for r in plan.recipes
        ],
        "ingredients": [
            {"ingredient": t.ingredient_slug, "quantity": as_number(t.quantity), "unit": t.unit,
             **_factors_json(t.factors)}
            for t in plan.ingredients
        ],
        "shopping_list": [shopping_line_json(line) for line in plan.shopping_list],
        "packaging": [{"material": slug, "quantity": as_number(q)} for slug, q in plan.packaging],
        "warnings": list(plan.warnings),
    }


def mixes_json(mixes: MixPlan) -> dict[str, Any]:
    """How a recipe's batches go through its mixer: `mixes` lists the batches in each mix (whole unless split)."""
    return {"mixer": mixes.mixer_slug, "mixer_name": mixes.mixer_name, "capacity": as_number(mixes.capacity),
            "capacity_unit": mixes.capacity_unit, "batch_size": as_number(mixes.batch_size),
            "batch_unit": mixes.batch_unit, "count": mixes.count, "batches_per_mix": mixes.batches_per_mix,
            "whole_batches": mixes.split_into == 1, "split_into": mixes.split_into,
            "mixes": [as_number(m) for m in mixes.mixes], "text": mixes.describe()}


def oven_loads_json(loads: LoadPlan) -> dict[str, Any]:
    return {"oven": loads.oven_slug, "oven_name": loads.oven_name, "pans_per_batch": as_number(loads.pans_per_batch),
            "pans": loads.pans, "pans_per_load": loads.pans_per_load, "count": loads.loads, "text": loads.describe()}


def shopping_line_json(line: ShoppingLine) -> dict[str, Any]:
    return {
        "ingredient": line.ingredient_slug,
        "needed": as_number(line.needed),
        "on_hand": as_number(line.on_hand),
        "to_buy": as_number(line.to_buy),
        "unit": line.unit,
        "packages": [
            {
                "product": p.product_label,
                "product_id": p.product_id,
                "count": p.count,
                "package_size": as_number(p.package_size),
                "package_unit": p.package_unit,
                "supplier": p.supplier_name,
                "supplier_slug": p.supplier_slug,
                "estimated_cost": as_number(p.estimated_cost) if p.estimated_cost is not None else None,
            }
            for p in line.packages
        ],
        **_factors_json(line.factors),
    }


def _factors_json(factors: tuple[FactorUsed, ...]) -> dict[str, Any]:
    """`density` (grams per US cup) and `weight_per_piece` (grams), each only when the line needed it
    (its units span volume and mass, or count and another dimension), with where it came from."""
    out: dict[str, Any] = {}
    for f in factors:
        item: dict[str, Any] = {"source": f.origin.value}
        item["grams_per_cup" if f.factor is Factor.DENSITY else "grams"] = as_number(f.grams)
        if f.origin is Origin.REFERENCE:
            item |= {"reference": f.reference, "reference_entry": f.entry, "stated": f.stated}
        out[f.factor.value] = item
    return out


def _reference_notes(lines: tuple[ShoppingLine, ...] | list[ShoppingLine]) -> list[str]:
    """For people: which lines counted through a reference value, and the source."""
    notes = []
    for line in lines:
        for f in line.factors:
            if f.origin is Origin.REFERENCE:
                what = "density" if f.factor is Factor.DENSITY else "weight per piece"
                notes.append(f"  * {line.ingredient_name}: reference {what} of {f.entry}, {f.stated} ({f.reference})")
    if not notes:
        return []
    return ["", "Reference weights used (the bakery has none of its own for these):", *notes]


def shopping_by_supplier(plan: EventPlan) -> list[tuple[str, list[ShoppingLine]]]:
    """Lines to buy, grouped by supplier name (alphabetical), lines with no known supplier last."""
    groups: dict[str, list[ShoppingLine]] = {}
    for line in plan.shopping_list:
        if line.to_buy <= 0:
            continue
        supplier = next((p.supplier_name for p in line.packages if p.supplier_name), None) or NO_SUPPLIER
        groups.setdefault(supplier, []).append(line)
    return sorted(groups.items(), key=lambda item: (item[0] == NO_SUPPLIER, item[0].casefold()))


def _amount(quantity: Decimal, unit: str) -> str:
    """For people: at most two decimals (the JSON keeps six)."""
    return f"{round(float(quantity), 2):g} {symbol_for(unit)}"


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def render_plan_text(plan: EventPlan) -> str:
    out = [f"Plan for {plan.event_name}", ""]
    out += _table(
        ["Finished unit", "Recipe", "Needed", "Per batch", "Batches", "Produced", "Surplus"],
        [
            [u.slug, u.recipe_name, f"{as_number(u.needed):g}", f"{as_number(u.per_batch):g}", str(u.batches),
             f"{as_number(u.produced):g}", f"{as_number(u.surplus):g}"]
            for u in plan.finished_units
        ],
        right={2, 3, 4, 5, 6},
    )
    out += ["", *_table(
        ["Recipe", "Batches", "Done", "Remaining"],
        [[r.recipe_name, str(r.batches), f"{as_number(r.completed):g}", f"{as_number(r.remaining):g}"]
         for r in plan.recipes],
        right={1, 2, 3},
    )]
    out.append(f"{'Total batches':<{max(13, *(len(r.recipe_name) for r in plan.recipes))}}  "
               f"{sum(r.batches for r in plan.recipes)}" if plan.recipes else "No batches needed.")
    out += [f"  {r.recipe_name}: {e.describe()}" for r in plan.recipes for e in (r.mixes, r.oven_loads) if e]
    out += ["", *_table(
        ["Ingredient", "Needed", "On hand", "To buy"],
        [[line.ingredient_name, _amount(line.needed, line.unit), _amount(line.on_hand, line.unit),
          _amount(line.to_buy, line.unit) if line.to_buy > 0 else "-"] for line in plan.shopping_list],
        right={1, 2, 3},
    )]
    short = sum(1 for line in plan.shopping_list if line.to_buy > 0)
    out.append(f"{len(plan.shopping_list)} ingredients, {short} to buy.")
    out += _reference_notes(plan.shopping_list)
    if plan.warnings:
        out += ["", "Warnings:", *(f"  ! {w}" for w in plan.warnings)]
    return "\n".join(out)


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "MXN": "MX$",
                    "JPY": "¥", "CHF": "CHF ", "SEK": "SEK ", "NOK": "NOK ", "DKK": "DKK ", "PLN": "PLN ",
                    "CZK": "CZK "}


def money(amount: Decimal, currency: str = "USD") -> str:
    """An amount for the printable texts, in the bakery's currency ("$12.50", "€12.50", "CHF 12.50")."""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    places = Decimal(1) if currency == "JPY" else Decimal("0.01")
    return f"{symbol}{amount.quantize(places, rounding=ROUND_HALF_UP):,}"


def render_shopping_list_text(plan: EventPlan, currency: str = "USD") -> str:
    out = [f"Shopping list for {plan.event_name}"]
    grand_total = Decimal(0)
    unknown_prices = 0
    for supplier, lines in shopping_by_supplier(plan):
        out += ["", supplier]
        for line in lines:
            need = _amount(line.to_buy, line.unit)
            if not line.packages:
                out.append(f"  [ ] {line.ingredient_name}: {need} ({line.note})")
                continue
            for p in line.packages:
                size = _amount(p.package_size, p.package_unit)
                cost = f"  ~{money(p.estimated_cost, currency)}" if p.estimated_cost is not None else ""
                out.append(f"  [ ] {p.count} x {p.product_label} ({size}) for {line.ingredient_name}: {need}{cost}")
                if p.estimated_cost is None:
                    unknown_prices += 1
                else:
                    grand_total += p.estimated_cost
    if len(out) == 1:
        out += ["", "Nothing to buy: the pantry covers this event."]
    else:
        note = f" ({unknown_prices} item(s) without a known price)" if unknown_prices else ""
        out += ["", f"Estimated total: {money(grand_total, currency)}{note}"]
        out += _reference_notes([line for _, lines in shopping_by_supplier(plan) for line in lines])
    if plan.warnings:
        out += ["", "Warnings:", *(f"  ! {w}" for w in plan.warnings)]
    return "\n".join(out)
