"""What the desktop's format has no place for, written in extra fields so an export loses nothing:
production losses and lot draws, what a run could not deduct, assembly item uses, depletions, packaging lots.

Quantities here are strings, to stay exact; the desktop ignores fields it does not know.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.planning.events import AssemblyRun, ItemUse, Loss, LossCategory, NotDeducted, ProductionRun
from core.recipes.finished_goods import ComponentKind
from core.stock.lots import Depletion, LotDraw, MaterialLot


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def draws_out(draws: tuple[LotDraw, ...]) -> list[dict[str, Any]]:
    return [{"lot_id": d.lot_id, "item_slug": d.item_slug, "quantity": _dec(d.quantity), "unit": d.unit,
             "cost": _dec(d.cost)} for d in draws]


def draws_in(rows: Any) -> tuple[LotDraw, ...]:
    return tuple(LotDraw(r["lot_id"], r["item_slug"], Decimal(r["quantity"]), r["unit"],
                         None if r.get("cost") is None else Decimal(r["cost"])) for r in rows or [])


def losses_out(losses: tuple[Loss, ...]) -> list[dict[str, Any]]:
    return [{"category": loss.category.value, "quantity": _dec(loss.quantity), "notes": loss.notes} for loss in losses]


def losses_in(rows: Any) -> tuple[Loss, ...]:
    return tuple(Loss(LossCategory(r["category"]), Decimal(r["quantity"]), r.get("notes", "")) for r in rows or [])


def uses_out(uses: tuple[ItemUse, ...]) -> list[dict[str, Any]]:
    return [{"kind": u.kind.value, "slug": u.slug, "quantity": _dec(u.quantity)} for u in uses]


def uses_in(rows: Any) -> tuple[ItemUse, ...]:
    return tuple(ItemUse(ComponentKind(r["kind"]), r["slug"], Decimal(r["quantity"])) for r in rows or [])


def depletion_out(d: Depletion) -> dict[str, Any]:
    return {**d.extra, "id": d.id, "lot_id": d.lot_id, "quantity": _dec(d.quantity), "reason": d.reason,
            "depleted_at": d.depleted_at.isoformat(), "cost": _dec(d.cost), "notes": d.notes,
            "cost_known": d.cost_known}


def depletion_in(r: dict[str, Any]) -> Depletion:
    known = {"id", "lot_id", "quantity", "reason", "depleted_at", "cost", "notes", "cost_known"}
    return Depletion(r["id"], r["lot_id"], Decimal(str(r["quantity"])), r["reason"],
                     dt.datetime.fromisoformat(r["depleted_at"]), Decimal(str(r.get("cost") or 0)),
                     r.get("notes", ""), {k: v for k, v in r.items() if k not in known},
                     bool(r.get("cost_known", True)))


def material_lot_out(m: MaterialLot) -> dict[str, Any]:
    unit = {} if m.unit is None else {"unit": m.unit}
    return {**m.extra, "id": m.id, "material_product_slug": m.material_product_slug, "quantity": _dec(m.quantity),
            "unit_cost": _dec(m.unit_cost), "purchase_date": m.purchased_on.isoformat(), **unit}


def material_lot_in(r: dict[str, Any]) -> MaterialLot:
    known = {"id", "material_product_slug", "quantity", "unit_cost", "purchase_date", "unit"}
    return MaterialLot(r["id"], r["material_product_slug"], Decimal(str(r["quantity"])),
                       None if r.get("unit_cost") is None else Decimal(str(r["unit_cost"])),
                       dt.date.fromisoformat(r["purchase_date"]), {k: v for k, v in r.items() if k not in known},
                       r.get("unit"))


def not_deducted_out(items: tuple[NotDeducted, ...]) -> list[dict[str, Any]]:
    return [{"item_slug": n.item_slug, "quantity": _dec(n.quantity), "unit": n.unit, "reason": n.reason,
             "fix": n.fix, "lot_ids": list(n.lot_ids)} for n in items]


def not_deducted_in(rows: Any) -> tuple[NotDeducted, ...]:
    return tuple(NotDeducted(r["item_slug"], Decimal(str(r["quantity"])), r["unit"], r.get("reason", ""),
                             r.get("fix", ""), tuple(r.get("lot_ids") or ())) for r in rows or [])


def not_deducted_of(run: ProductionRun | AssemblyRun) -> tuple[NotDeducted, ...]:
    """A run's not-deducted list; one read back from a desktop file keeps it in `extra` (undecodable: empty)."""
    if run.not_deducted:
        return run.not_deducted
    try:
        return not_deducted_in(run.extra.get("not_deducted"))
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
        return ()
