"""Use cases: each takes a `UnitOfWork`, reads what it needs, validates, writes, and commits once.

With a Firestore unit of work each is one transaction; with the in-memory one,
a refused call leaves the store exactly as it was.
"""

from core.services.common import IdFactory, new_id
from core.services.purchases import record_material_purchase, record_purchase
from core.services.runs import (
    EventRuns,
    finished_stock_on_hand,
    record_assembly_run,
    record_production_run,
    runs_for_event,
)
from core.services.stock import (
    StockTaken,
    consume_ingredient,
    record_loss,
    record_lot_depletion,
    set_remaining_percentage,
)

__all__ = [
    "EventRuns",
    "IdFactory",
    "StockTaken",
    "consume_ingredient",
    "finished_stock_on_hand",
    "new_id",
    "record_assembly_run",
    "record_loss",
    "record_lot_depletion",
    "record_material_purchase",
    "record_production_run",
    "record_purchase",
    "runs_for_event",
    "set_remaining_percentage",
]
