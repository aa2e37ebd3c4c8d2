"""Repository ports: how services reach stored data, whatever stores it.

One `Collection` per kind of entity, all reached through a `UnitOfWork` that
commits or rolls back together (a Firestore transaction, or a dict snapshot).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol, TypeVar

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Material, MaterialProduct, Product, Supplier
from core.planning.equipment import Equipment
from core.planning.events import AssemblyRun, Event, ProductionRun, Recipient
from core.proposals.model import Proposal, ReceiptScan
from core.recipes.entities import FinishedUnit, Recipe
from core.recipes.finished_goods import FinishedGood
from core.stock.lots import Depletion, Lot, MaterialLot, Purchase
from core.stock.purchase_pages import PurchasePage, PurchasePosition
from core.stock.purchase_summary import PurchaseSummary

T = TypeVar("T")


class Collection(Protocol[T]):
    def get(self, key: str) -> T | None: ...

    def get_many(self, keys: list[str]) -> dict[str, T]: ...

    def list(self) -> list[T]: ...

    def put(self, item: T) -> None: ...

    def delete(self, key: str) -> None: ...


class UnitOfWork(Protocol):
    suppliers: Collection[Supplier]
    ingredients: Collection[Ingredient]
    products: Collection[Product]
    purchases: Collection[Purchase]
    lots: Collection[Lot]
    depletions: Collection[Depletion]
    recipes: Collection[Recipe]
    finished_units: Collection[FinishedUnit]
    finished_goods: Collection[FinishedGood]
    recipients: Collection[Recipient]
    events: Collection[Event]
    production_runs: Collection[ProductionRun]
    assembly_runs: Collection[AssemblyRun]
    materials: Collection[Material]
    material_products: Collection[MaterialProduct]
    material_lots: Collection[MaterialLot]
    proposals: Collection[Proposal]
    receipts: Collection[ReceiptScan]
    equipment: Collection[Equipment]

    def load_bakery(self, only: frozenset[str] | None = None, *, live_lots: bool = False) -> Bakery:
        """Everything at once (one read per collection), for planning and export; `only` names
        the collections to read (the others stay empty). With `live_lots`, `lots` holds only the
        lots with stock left (what planning counts), read without touching the used-up ones."""
        ...

    def live_lots(self) -> list[Lot]:
        """The lots with remaining quantity > 0 (core.stock.live), by key, without reading used-up lots."""
        ...

    def newest_lot(self, product_id: str) -> Lot | None:
        """The product's newest lot, live or used up (the last in FIFO order: purchase date, then id), as this
        unit of work sees it, without reading the product's other lots; read like `lots.get`, so a write to it
        is checked at commit. What a level check falls back on when none of the product's lots is live."""
        ...

    def find(self, collection: str, field: str, value: str) -> list[Any]:
        """The records of `collection` whose `field` equals `value` (what refers to one record: a product's
        lots, a supplier's purchases, an event's runs), by key, as this unit of work sees them, without reading
        the rest of the collection. A store may answer only the pairs listed in REFERENCE_FIELDS."""
        ...

    def newest_proposals(self, limit: int, status: str | None = None) -> list[Proposal]:
        """At most `limit` proposals, newest first (`created_at`, none before any, then id), only those of
        `status` if given (a ProposalStatus value); reads about `limit`, never every proposal. Committed ones:
        a store may leave out this unit of work's pending writes."""
        ...

    def purchase_summaries(self) -> dict[str, PurchaseSummary]:
        """Per product, what was bought (core.stock.purchase_summary), without reading every purchase."""
        ...

    def purchases_page(self, limit: int, after: PurchasePosition | None = None, *,
                       product_id: str | None = None) -> PurchasePage:
        """At most `limit` purchases, newest first (day, then id), strictly after `after`, only `product_id`'s
        if given (core.stock.purchase_pages); reads about one page, never the whole history."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


COLLECTION_NAMES: tuple[str, ...] = (
    "suppliers",
    "ingredients",
    "products",
    "purchases",
    "lots",
    "depletions",
    "recipes",
    "finished_units",
    "finished_goods",
    "recipients",
    "events",
    "production_runs",
    "assembly_runs",
    "materials",
    "material_products",
    "material_lots",
    "proposals",
    "receipts",
    "equipment",
)


# What grows with a bakery's history: a use case that changes the catalog, recipes, goods or events reads the
# other collections (RECORD_COLLECTIONS); stock changes read the live lots (`live_lots`, `newest_lot`).
HISTORY_COLLECTIONS = frozenset({
    "purchases", "lots", "depletions", "production_runs", "assembly_runs", "material_lots", "proposals", "receipts",
})
RECORD_COLLECTIONS = frozenset(COLLECTION_NAMES) - HISTORY_COLLECTIONS
# The history records that refer to a catalog record, by the field naming it (`UnitOfWork.find`): what a
# reference check reads instead of the whole history (core.catalog.referrers).
REFERENCE_FIELDS = frozenset({
    ("lots", "product_id"), ("purchases", "product_id"), ("purchases", "supplier_slug"),
    ("production_runs", "recipe_slug"), ("production_runs", "event_slug"), ("assembly_runs", "event_slug"),
    ("assembly_runs", "finished_good_slug"), ("material_lots", "material_product_slug"),
})


# Per product, a summary of its purchases (core.stock.purchase_summary): kept beside the collections by stores
# that store it, changed in the same commit as purchases. Not a collection of its own entities (never exported).
PURCHASE_SUMMARIES = "purchase_summaries"

# What planning an event reads: no depletions, runs of assembly, packaging or recipients; of the lots, only
# the live ones (`load_bakery(PLANNING_COLLECTIONS, live_lots=True)`); of the purchases, their summaries per
# product (a store may hand `purchases` empty then: planning reads `Bakery.purchase_summaries`); of the
# production runs, a store may hand none and read an event's when it is planned (`Bakery.event_runs`).
PLANNING_COLLECTIONS = frozenset({
    "suppliers", "ingredients", "products", PURCHASE_SUMMARIES, "lots", "recipes", "finished_units",
    "finished_goods", "events", "production_runs", "equipment",
})
