"""Request bodies, validated at the edge. Strict: unknown fields and wrong types are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator

from core.tenancy import CURRENCIES


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _names_a_product(product_id: str | None, info: ValidationInfo) -> str | None:
    """Either names the product; when neither does, the error is on `product_id` (not on the whole body)."""
    if not product_id and "upc" in info.data and not info.data["upc"]:
        raise ValueError("give product_id or upc")
    return product_id


class EventRequest(Strict):
    event: str = Field(min_length=1, max_length=200, description="event slug or name")
    remaining_only: bool = False


class CanMakeRequest(Strict):
    event: str = Field(min_length=1, max_length=200, description="event slug or name")


class ScaleRequest(Strict):
    """A recipe scaled by one ingredient on hand: 'I have 3 lb of butter'."""

    recipe: str = Field(min_length=1, max_length=200, description="recipe slug or name")
    ingredient: str = Field(min_length=1, max_length=200, description="ingredient slug or display name")
    amount: Decimal = Field(gt=0, le=1000000, description="how much of it there is")
    unit: str = Field(min_length=1, max_length=20, description="UN/CEFACT code or kitchen word (LBR, lb, cup)")


class ImportRequest(Strict):
    data: dict[str, Any] = Field(description="a desktop export or a mobile file, as JSON")
    dry_run: bool = False


class CreateTenantRequest(Strict):
    name: str = Field(min_length=1, max_length=120)


class InviteRequest(Strict):
    role: str = Field(pattern="^(owner|baker|viewer)$")
    email: EmailStr | None = None


class JoinRequest(Strict):
    code: str = Field(min_length=4, max_length=20)


class MemberRoleRequest(Strict):
    uid: str = Field(min_length=1, max_length=128)
    role: str = Field(pattern="^(owner|baker|viewer)$")


class MemberRequest(Strict):
    uid: str = Field(min_length=1, max_length=128)


class BakerySettingsRequest(Strict):
    """An owner's choice of units and money for the whole bakery; a field left out keeps its value."""

    unit_system: Literal["us", "metric"] | None = Field(default=None,
                                                        description="us: cups, oz, lb; metric: g, kg, ml, l")
    currency: Literal[CURRENCIES] | None = Field(  # type: ignore[valid-type]
        default=None, description="ISO 4217 code: " + ", ".join(CURRENCIES))


class CreateApiKeyRequest(Strict):
    """A key for a headless agent (the MCP service): named, acting as a baker or a viewer."""

    name: str = Field(min_length=1, max_length=80, description="who will use it, e.g. 'Gemini planner'")
    role: Literal["baker", "viewer"] = "baker"
    apply_directly: bool = Field(default=False, description="its writes apply at once instead of proposing")


class ApiKeyRequest(Strict):
    key_id: str = Field(min_length=1, max_length=40, pattern=r"^key_[0-9a-f]{12}$")


class SectionsRequest(Strict):
    """Records in the desktop's format, merged with every import check (all or nothing)."""

    model_config = ConfigDict(extra="allow")


class PurchaseRequest(Strict):
    upc: str | None = Field(default=None, pattern=r"^[0-9]{6,14}$")  # before product_id, which checks it
    product_id: str | None = Field(default=None, min_length=1, max_length=300, validate_default=True)
    packages: Decimal = Field(gt=0, le=100000, description="whole packages bought")
    unit_price: Decimal = Field(gt=0, le=1000000, description="price per package")
    purchased_on: dt.date
    supplier: str | None = Field(default=None, max_length=200, description="supplier slug")
    notes: str = Field(default="", max_length=2000)

    names_a_product = field_validator("product_id")(_names_a_product)


class ListPurchasesRequest(Strict):
    """A page of the purchase history, newest first (core.stock.purchase_pages)."""

    limit: int = Field(default=50, ge=1, le=200, strict=True, description="purchases per page")
    cursor: str | None = Field(default=None, min_length=1, max_length=600,
                               description="next_cursor of the page before; none for the first page")
    product: str | None = Field(default=None, min_length=1, max_length=300, description="only this product's")


class LevelRequest(Strict):
    upc: str | None = Field(default=None, pattern=r"^[0-9]{6,14}$")  # before product_id, which checks it
    product_id: str | None = Field(default=None, min_length=1, max_length=300, validate_default=True)
    remaining_percentage: Decimal = Field(ge=0, le=100)
    notes: str = Field(default="", max_length=2000)

    names_a_product = field_validator("product_id")(_names_a_product)


class LossRequest(Strict):
    ingredient: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(gt=0)
    unit: str = Field(min_length=1, max_length=20, description="UN/CEFACT code or kitchen word")
    reason: str = Field(min_length=1, max_length=40)
    notes: str = Field(default="", max_length=2000)


class LossLine(Strict):
    category: Literal["burnt", "broken", "contaminated", "dropped", "wrong_ingredients", "other"]
    quantity: Decimal = Field(gt=0)
    notes: str = Field(default="", max_length=500)


class ProductionRequest(Strict):
    recipe: str = Field(min_length=1, max_length=200, description="recipe slug")
    batches: Decimal = Field(gt=0, le=10000)
    finished_unit: str | None = Field(default=None, max_length=200)
    actual_yield: Decimal | None = Field(default=None, ge=0)
    losses: list[LossLine] = Field(default_factory=list, max_length=50)
    event: str | None = Field(default=None, max_length=200, description="event slug")
    notes: str = Field(default="", max_length=2000)


class AssemblyRequest(Strict):
    finished_good: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(gt=0, le=100000)
    event: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=2000)


class DeleteRequest(Strict):
    collection: str = Field(min_length=1, max_length=40)
    key: str = Field(min_length=1, max_length=300)


# -- proposals (AI input) ------------------------------------------------------------------
ProposalId = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")


class ProposeTextRequest(Strict):
    text: str = Field(min_length=1, max_length=2000, description="a voice transcript or typed sentence")
    source: Literal["voice", "text", "event_voice"] = "text"
    today: dt.date | None = Field(default=None, description="the caller's date, for 'yesterday' and 'Friday'")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$",
                                 description="the language the baker spoke or typed in (BCP 47: 'de', 'fr-BE')")


class ProposalRequest(Strict):
    proposal_id: str = ProposalId


class RejectRequest(Strict):
    proposal_id: str = ProposalId
    reason: str = Field(default="", max_length=500)


class OperationChange(Strict):
    index: int = Field(ge=0, lt=100)
    args: dict[str, Any] = Field(description="fields to set; null clears one")


class AddedOperation(Strict):
    op: Literal["add_purchase", "adjust_inventory", "create_event"]
    args: dict[str, Any]


class EditProposalRequest(Strict):
    proposal_id: str = ProposalId
    changes: list[OperationChange] = Field(default_factory=list, max_length=100)
    add: list[AddedOperation] = Field(default_factory=list, max_length=100, description="lines the reading missed")
    remove: list[int] = Field(default_factory=list, max_length=100, description="operations to strike out")
    restore: list[int] = Field(default_factory=list, max_length=100, description="struck-out operations to restore")


class ListProposalsRequest(Strict):
    status: Literal["proposed", "confirmed", "rejected", "undone"] | None = None
    limit: int = Field(default=50, ge=1, le=200)


class ProposeFromPhotoRequest(Strict):
    photo_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="from upload_photo with kind=inventory")
    note: str = Field(default="", max_length=500, description="what the baker said with it: 'about half full'")
    item: str = Field(default="", max_length=200, description="what is in the photo, if the baker says")
