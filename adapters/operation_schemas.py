"""The one definition of the proposal operations' arguments: `add_purchase`, `adjust_inventory`, `create_event`.

Two flavours of each, built from the same field definitions:

* **strict** (`AddPurchaseArgs`, `AdjustInventoryArgs`, `CreateEventArgs`): what may be saved. Unknown fields,
  wrong types, non-positive amounts and unknown unit codes are refused, naming the field. The MCP tools, the
  functions and `function_declarations()` use these.
* **draft** (`AddPurchaseDraft`, ...): what a model or the speech grammar *proposes*. The values a proposal may
  leave out (price, store, unit, quantity, ...) are optional; the same bounds apply to what is given.
  `validate_draft` never raises: a bad value is nulled and reported as a `FieldIssue` so the baker is asked.

Numbers are `Decimal`; dates are ISO strings in the cleaned args (the CLI's JSON shape); units are UN/CEFACT
codes from `core.measures.units`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from core.errors import UnknownUnitError
from core.measures.units import UNITS, parse_unit
from core.stock.inventory import DepletionReason

__all__ = [
    "LOSS_REASONS",
    "MAX_OPERATIONS",
    "OPERATION_NAMES",
    "AddPurchaseArgs",
    "AddPurchaseDraft",
    "AdjustInventoryArgs",
    "AdjustInventoryDraft",
    "CreateEventArgs",
    "CreateEventDraft",
    "DraftUnitCode",
    "EventItem",
    "EventItemDraft",
    "FieldIssue",
    "InventoryLoss",
    "InventoryLossDraft",
    "ProposedAddPurchase",
    "ProposedAdjustInventory",
    "ProposedCreateEvent",
    "ProposedOperation",
    "ProposedOperations",
    "RecordProductionArgs",
    "SetEventQuantitiesArgs",
    "UnitCode",
    "function_declarations",
    "json_schema",
    "validate_draft",
    "validate_final",
]

MAX_OPERATIONS = 100
MAX_EVENT_ITEMS = 200
MAX_NAME = 200
MAX_AMOUNT = Decimal(1_000_000)
MAX_PACKAGES = Decimal(100_000)
MAX_EVENT_QUANTITY = 1_000_000

# ---------------------------------------------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------------------------------------------

UNIT_CODES: tuple[str, ...] = tuple(sorted(UNITS))
_COMMON_CODES = "LBR, KGM, GRM, ONZ, MLT, LTR, G21 (cup), H87 (piece), DZN, BG (bag)"


def _strict_unit(value: object) -> str:
    """A UN/CEFACT code from `core.measures.units`; a kitchen word is refused with the code it stands for."""
    if not isinstance(value, str):
        raise PydanticCustomError("unit_type", "unit must be a UN/CEFACT unit code (a string)")
    text = value.strip()
    if text.upper() in UNITS:
        return text.upper()
    try:
        hint = parse_unit(text).code
    except UnknownUnitError:
        raise PydanticCustomError(
            "unknown_unit",
            "unknown unit {unit}: use a UN/CEFACT code such as {common}",
            {"unit": repr(value[:40]), "common": _COMMON_CODES},
        ) from None
    raise PydanticCustomError(
        "unit_word", "unit {unit} is a kitchen word, not a code: use {code}", {"unit": repr(text), "code": hint}
    )


def _draft_unit(value: object) -> object:
    """Lenient: a code or a kitchen word ("lbs", "cups") becomes the code; anything else is refused."""
    if isinstance(value, str) and value.strip().upper() not in UNITS:
        try:
            return parse_unit(value).code
        except UnknownUnitError:
            pass
    return _strict_unit(value)


_UNIT_SCHEMA: JsonSchemaValue = {
    "type": "string",
    "enum": list(UNIT_CODES),
    "description": "UN/CEFACT Rec 20 unit code (LBR pound, KGM kilogram, GRM gram, ONZ ounce, MLT millilitre, "
    "LTR litre, G21 cup, H87 piece, DZN dozen, BG bag, ...)",
}

UnitCode = Annotated[str, BeforeValidator(_strict_unit), WithJsonSchema(_UNIT_SCHEMA)]
"""A unit code known to `core.measures.units` (strict: codes only)."""

DraftUnitCode = Annotated[str, BeforeValidator(_draft_unit), WithJsonSchema(_UNIT_SCHEMA)]
"""A unit code; a kitchen word is turned into its code."""


def _iso_date(value: object) -> object:
    """Only a `date` or a YYYY-MM-DD string: no timestamps, no datetimes."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "a date as YYYY-MM-DD, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("date_value", "{value} is not a real date", {"value": repr(value)}) from None
    raise PydanticCustomError("date_type", "a date as YYYY-MM-DD")


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "a number, not true/false")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Upc = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6,14}$")]
Amount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False), BeforeValidator(_no_bool)]
Count = Annotated[Decimal, Field(gt=0, le=MAX_PACKAGES, allow_inf_nan=False), BeforeValidator(_no_bool)]
Level = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False), BeforeValidator(_no_bool)]
Remaining = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False), BeforeValidator(_no_bool)]
Pieces = Annotated[int, Field(gt=0, le=MAX_EVENT_QUANTITY), BeforeValidator(_no_bool)]


class LossReason(StrEnum):
    """Why stock was lost: the desktop's depletion reasons (`core.stock.inventory.DepletionReason`) without the level
    check itself ("inventory_check" is what an `adjust_inventory` records)."""

    SPOILAGE = DepletionReason.SPOILAGE.value
    GIFT = DepletionReason.GIFT.value
    CORRECTION = DepletionReason.CORRECTION.value
    AD_HOC_USAGE = DepletionReason.AD_HOC_USAGE.value
    OTHER = DepletionReason.OTHER.value


LOSS_REASONS: tuple[str, ...] = tuple(r.value for r in LossReason)
OPERATION_NAMES: tuple[str, ...] = ("add_purchase", "adjust_inventory", "create_event")


def _cross_field(field: str, message: str) -> PydanticCustomError:
    """A rule between fields, reported on `field` (errors()[i]["ctx"]["field"])."""
    return PydanticCustomError("cross_field", "{field}: " + message, {"field": field})


# ---------------------------------------------------------------------------------------------------------------
# JSON schema: Decimals are JSON numbers (not number-or-string) so the schemas suit Gemini and MCP.
# ---------------------------------------------------------------------------------------------------------------


class NumberDecimalSchema(GenerateJsonSchema):
    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        def num(key: str) -> float | None:
            value = schema.get(key)
            if value is None:
                return None
            exact = Decimal(str(value))
            return int(exact) if exact == exact.to_integral_value() else float(exact)


        return self.float_schema(
            core_schema.float_schema(
                allow_inf_nan=False, le=num("le"), ge=num("ge"), lt=num("lt"), gt=num("gt"),
                multiple_of=num("multiple_of"),
            )
        )


class ProposalSchema(NumberDecimalSchema):
    """For structured output (Gemini's `response_schema`, an OpenAPI subset): no oneOf/discriminator, no
    exclusive bounds. The draft validation still refuses what the looser schema lets through (a zero price)."""

    def tagged_union_schema(self, schema: core_schema.TaggedUnionSchema) -> JsonSchemaValue:
        result = super().tagged_union_schema(schema)
        result.pop("discriminator", None)
        if "oneOf" in result:
            result["anyOf"] = result.pop("oneOf")
        return result

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return _inclusive(super().float_schema(schema))

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return _inclusive(super().int_schema(schema))


def _inclusive(json_schema: JsonSchemaValue) -> JsonSchemaValue:
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if exclusive in json_schema:
            json_schema[inclusive] = json_schema.pop(exclusive)
    return json_schema


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    _schema_generator: ClassVar[type[GenerateJsonSchema]] = NumberDecimalSchema

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = None,
        ref_template: str = DEFAULT_REF_TEMPLATE,
        schema_generator: type[GenerateJsonSchema] | None = None,
        mode: JsonSchemaMode = "validation",
        *,
        union_format: Literal["any_of", "primitive_type_array"] = "any_of",
    ) -> dict[str, Any]:
        """Decimals as JSON numbers; drafts (what a model proposes) in the structured-output subset."""
        return super().model_json_schema(
            by_alias=by_alias, ref_template=ref_template, schema_generator=schema_generator or cls._schema_generator,
            mode=mode,
            union_format=union_format,
        )


class _Draft(_Model):
    # Lenient: fields nobody asked for are ignored here (validate_draft reports them before validating).
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)
    _schema_generator: ClassVar[type[GenerateJsonSchema]] = ProposalSchema


# ---------------------------------------------------------------------------------------------------------------
# Strict models
# ---------------------------------------------------------------------------------------------------------------


class AddPurchaseArgs(_Model):
    """Something bought: quantity and unit are the TOTAL bought, price the total paid for the line."""

    item_name: Name = Field(description="what was bought, as said or printed (e.g. 'bread flour')")
    quantity: Amount = Field(description="total amount bought, in `unit` (two 5 lb bags: 10)")
    unit: UnitCode
    price: Amount = Field(description="total paid for this line, in the bakery's currency")
    store: Name | None = Field(description="where it was bought; null when not known")
    brand: Name | None = Field(default=None)
    packages: Count | None = Field(default=None, description="how many packages (two 5 lb bags: 2)")
    package_size: Amount | None = Field(default=None, description="size of one package, in `unit` (5)")
    package_unit: UnitCode | None = Field(default=None, description="the container's code (BG, BX, JR, ...)")
    package_type: Text | None = Field(default=None, description="a container word with no code (tub, block)")
    purchased_on: IsoDate | None = Field(default=None, description="day of purchase, YYYY-MM-DD")
    upc: Upc | None = Field(default=None, description="barcode digits (UPC/EAN/GTIN), 6 to 14 digits")

    @model_validator(mode="after")
    def _packages_add_up(self) -> AddPurchaseArgs:
        if self.packages is not None and self.package_size is not None:
            total = self.packages * self.package_size
            if total != self.quantity:
                raise _cross_field(
                    "quantity", f"{self.packages} packages of {self.package_size} make {total}, not {self.quantity}"
                )
        return self


class InventoryLoss(_Model):
    """Stock that was lost (spoiled, given away, ...) rather than used."""

    quantity: Amount = Field(description="how much was lost, in `unit`")
    unit: UnitCode
    reason: LossReason
    notes: Notes = Field(default="", description="what happened; required when the reason is 'other'")

    @model_validator(mode="after")
    def _other_needs_notes(self) -> InventoryLoss:
        if self.reason is LossReason.OTHER and not self.notes:
            raise _cross_field("notes", "notes are required when the reason is 'other'")
        return self


class AdjustInventoryArgs(_Model):
    """What is left of an item (a percentage of the package, or an amount with its unit), what was lost, or both
    (the loss is recorded first, then the level)."""

    item_name: Name
    remaining_percentage: Level | None = Field(default=None, description="0 (empty) to 100 (full)")
    quantity: Remaining | None = Field(default=None, description="amount left, in `unit`")
    unit: UnitCode | None = None
    loss: InventoryLoss | None = None

    @model_validator(mode="after")
    def _one_level(self) -> AdjustInventoryArgs:
        if self.remaining_percentage is None and self.quantity is None and self.loss is None:
            raise _cross_field("remaining_percentage", "give remaining_percentage, or quantity and unit, or a loss")
        if self.remaining_percentage is not None and self.quantity is not None:
            raise _cross_field("quantity", "give remaining_percentage or quantity, not both")
        if self.quantity is not None and self.unit is None:
            raise _cross_field("unit", "a remaining quantity needs its unit")
        if self.quantity is None and self.unit is not None:
            raise _cross_field("unit", "a unit is only for a remaining quantity")
        return self


class EventItem(_Model):
    finished_good: Name = Field(description="what is to be made (e.g. 'sugar cookies')")
    quantity: Pieces = Field(description="how many, a whole number")
    said: Text | None = Field(default=None, description="the amount as said, when it was converted ('10 dozen')")
    per: Text | None = Field(default=None, description="the container counted when not pieces ('pan')")


class CreateEventArgs(_Model):
    """An event to bake for, with what it needs."""

    name: Name
    date: IsoDate = Field(description="the event's day, YYYY-MM-DD")
    items: list[EventItem] = Field(min_length=1, max_length=MAX_EVENT_ITEMS)


class RecordProductionArgs(_Model):
    """Batches actually baked of a recipe; its ingredients leave stock by FIFO once a person confirms."""

    recipe: Name = Field(description="the recipe, by name or slug")
    batches: Amount = Field(le=Decimal(10000), description="how many batches were baked")
    finished_unit: Name | None = Field(default=None, description="which finished unit, when the recipe has several")
    event: Name | None = Field(default=None, description="the event it was baked for, by name or slug")
    notes: Notes = Field(default="")


class EventQuantity(_Model):
    finished_good: Name = Field(description="a finished good, by name or slug")
    quantity: Pieces = Field(description="how many, a whole number")


class SetEventQuantitiesArgs(_Model):
    """A draft event's finished goods and how many of each: the whole list (a good left out is dropped)."""

    event: Name = Field(description="the event, by name or slug")
    items: list[EventQuantity] = Field(min_length=1, max_length=MAX_EVENT_ITEMS)


# ---------------------------------------------------------------------------------------------------------------
# Draft models: same fields, what a proposal may leave out is optional
# ---------------------------------------------------------------------------------------------------------------


class AddPurchaseDraft(_Draft):
    item_name: Name | None = None
    quantity: Amount | None = Field(default=None, description="TOTAL amount bought, in `unit`; null if unknown")
    unit: DraftUnitCode | None = None
    price: Amount | None = Field(default=None, description="total paid for the line; null if not known")
    store: Name | None = None
    brand: Name | None = None
    packages: Count | None = None
    package_size: Amount | None = None
    package_unit: DraftUnitCode | None = None
    package_type: Text | None = None
    purchased_on: IsoDate | None = None
    upc: Upc | None = None


class InventoryLossDraft(_Draft):
    quantity: Amount | None = None
    unit: DraftUnitCode | None = None
    reason: LossReason | None = None
    notes: Notes | None = None


class AdjustInventoryDraft(_Draft):
    item_name: Name | None = None
    remaining_percentage: Level | None = None
    quantity: Remaining | None = None
    unit: DraftUnitCode | None = None
    loss: InventoryLossDraft | None = None


class EventItemDraft(_Draft):
    finished_good: Name | None = None
    quantity: Pieces | None = None
    said: Text | None = None
    per: Text | None = None


class CreateEventDraft(_Draft):
    name: Name | None = None
    date: IsoDate | None = None
    items: list[EventItemDraft] | None = Field(default=None, max_length=MAX_EVENT_ITEMS)


class RecordProductionDraft(_Draft):
    recipe: Name | None = None
    batches: Amount | None = None
    finished_unit: Name | None = None
    event: Name | None = None
    notes: Notes | None = None


class EventQuantityDraft(_Draft):
    finished_good: Name | None = None
    quantity: Pieces | None = None


class SetEventQuantitiesDraft(_Draft):
    event: Name | None = None
    items: list[EventQuantityDraft] | None = Field(default=None, max_length=MAX_EVENT_ITEMS)


class ProposedAddPurchase(_Draft):
    op: Literal["add_purchase"]
    args: AddPurchaseDraft
    confidence: dict[str, float] | None = Field(default=None, description="per field, 0 to 1")


class ProposedAdjustInventory(_Draft):
    op: Literal["adjust_inventory"]
    args: AdjustInventoryDraft
    confidence: dict[str, float] | None = Field(default=None, description="per field, 0 to 1")


class ProposedCreateEvent(_Draft):
    op: Literal["create_event"]
    args: CreateEventDraft
    confidence: dict[str, float] | None = Field(default=None, description="per field, 0 to 1")


ProposedOperation = Annotated[
    ProposedAddPurchase | ProposedAdjustInventory | ProposedCreateEvent, Field(discriminator="op")
]


class ProposedOperations(_Draft):
    """What a model answers: the operations it read, and what it could not settle."""

    operations: list[ProposedOperation] = Field(default_factory=list, max_length=MAX_OPERATIONS)
    unresolved: list[Annotated[str, StringConstraints(max_length=500)]] = Field(default_factory=list, max_length=50)
    total: Amount | None = Field(default=None, description="a receipt's printed grand total; null otherwise")


STRICT_MODELS: dict[str, type[_Model]] = {
    "add_purchase": AddPurchaseArgs,
    "adjust_inventory": AdjustInventoryArgs,
    "create_event": CreateEventArgs,
    "record_production": RecordProductionArgs,  # agents only (MCP): not among what the extractors read
    "set_event_quantities": SetEventQuantitiesArgs,  # agents only
}
DRAFT_MODELS: dict[str, type[_Draft]] = {
    "add_purchase": AddPurchaseDraft,
    "adjust_inventory": AdjustInventoryDraft,
    "create_event": CreateEventDraft,
    "record_production": RecordProductionDraft,
    "set_event_quantities": SetEventQuantitiesDraft,
}
_DRAFT_CHILDREN: dict[type[_Draft], dict[str, type[_Draft]]] = {
    AdjustInventoryDraft: {"loss": InventoryLossDraft},
    CreateEventDraft: {"items": EventItemDraft},
    SetEventQuantitiesDraft: {"items": EventQuantityDraft},
}
# The speech grammar's older names for the same fields.
RENAMED: dict[str, dict[str, str]] = {
    "add_purchase": {"purchase_date": "purchased_on"},
    "adjust_inventory": {"remaining_quantity": "quantity"},
    "create_event": {},
    "record_production": {},
    "set_event_quantities": {},
}
# Keys always present in cleaned draft args (None when not given), as the speech grammar does.
_ALWAYS: dict[str, tuple[str, ...]] = {
    "add_purchase": ("item_name", "quantity", "unit", "price", "store"),
    "adjust_inventory": ("item_name",),
    "create_event": ("name", "date", "items"),
    "record_production": ("recipe", "batches"),
    "set_event_quantities": ("event", "items"),
}

# ---------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One problem with one field of a proposal: `field` is a path such as "price" or "items[0].quantity"."""

    field: str
    problem: str
    kind: str = "invalid"  # "invalid" (value nulled), "missing", "unknown_field" (dropped), "dropped", "rule"

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "args"


def _error_field(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    field = ctx.get("field") if error.get("type") == "cross_field" else None
    loc = tuple(error.get("loc", ()))
    if field:
        return _path((*loc, field))
    return _path(loc)


_SAYS_ITS_INPUT = frozenset({"unknown_unit", "unit_word", "date_value", "cross_field", "missing", "unit_type"})


def _error_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type"))
    if kind == "missing":
        return "not given"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if kind == "cross_field":
        return message.split(": ", 1)[-1]
    shown = _shown(error.get("input"))
    if kind not in _SAYS_ITS_INPUT and shown is not None:
        message = f"{message} (got {shown})"
    return message


def _shown(value: object) -> str | None:
    if isinstance(value, dict | list | tuple):
        return None
    text = str(value) if isinstance(value, Decimal | int | float) and not isinstance(value, bool) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_fields(
    model: type[_Draft], raw: Mapping[str, Any], renames: Mapping[str, str], prefix: tuple[int | str, ...],
    issues: list[FieldIssue],
) -> dict[str, Any]:
    """The fields `model` knows (older names renamed), recursively; every other key is dropped with an issue."""
    out: dict[str, Any] = {}
    children = _DRAFT_CHILDREN.get(model, {})
    for key, value in raw.items():
        name = renames.get(key, key) if isinstance(key, str) else key
        if not isinstance(name, str) or name not in model.model_fields:
            issues.append(FieldIssue(_path((*prefix, str(key)[:60])), "unexpected field, ignored", "unknown_field"))
            continue
        if name in out:
            issues.append(FieldIssue(_path((*prefix, name)), f"given twice (as {key!r}); the first was kept", "rule"))
            continue
        child = children.get(name)
        if child is not None and isinstance(value, Mapping):
            value = _known_fields(child, value, {}, (*prefix, name), issues)
        elif child is not None and isinstance(value, list):
            value = [
                _known_fields(child, v, {}, (*prefix, name, i), issues) if isinstance(v, Mapping) else v
                for i, v in enumerate(value[: MAX_EVENT_ITEMS + 1])
            ]
        out[name] = value
    return out


_DROP = object()


def _null_at(data: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    """Null the value at `loc` (a list element is marked for removal); False when there is nothing to null."""
    node: Any = data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = loc[-1] if loc else None
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = _DROP
        return True
    if isinstance(node, dict) and isinstance(last, str) and last in node and node[last] is not None:
        node[last] = None
        return True
    return False


def _sweep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sweep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sweep(v) for v in value if v is not _DROP]
    return value


def _plain(value: Any) -> Any:
    """Model dump -> the CLI's shape: Decimals kept, dates as ISO strings, enums as their value."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def validate_draft(op: str, args: object) -> tuple[dict[str, Any], list[FieldIssue]]:
    """A proposal's args, cleaned, and what is wrong or missing in them, field by field. Never raises.

    Unknown fields are dropped, values that break the rules (wrong type, zero or negative amounts, unknown
    units, impossible dates) are set to None, and every one of those is a `FieldIssue`; so are the fields the
    strict model needs but the proposal did not give, and broken rules between fields.
    """
    model = DRAFT_MODELS.get(op) if isinstance(op, str) else None
    if model is None:
        return {}, [FieldIssue("op", f"unknown operation {_shown(op)}; known: {', '.join(OPERATION_NAMES)}")]
    issues: list[FieldIssue] = []
    if not isinstance(args, Mapping):
        issues.append(FieldIssue("args", f"not an object (got {type(args).__name__})"))
        args = {}
    data = _known_fields(model, args, RENAMED[op], (), issues)
    draft: _Draft | None = None
    for _ in range(64):  # each pass nulls at least one value, and there are few to null
        try:
            draft = model.model_validate(data)
            break
        except ValidationError as exc:
            progressed = False
            for error in exc.errors():
                loc = tuple(error["loc"])
                if _null_at(data, loc):
                    progressed = True
                    dropped = bool(loc) and isinstance(loc[-1], int)
                    issues.append(FieldIssue(_error_field(error), _error_message(error), "dropped" if dropped else
                                             "invalid"))
            data = _sweep(data)
            if not progressed:
                break
    if draft is None:  # cannot happen with all-optional drafts; kept so a bad model is never fatal
        return {key: None for key in _ALWAYS[op]}, [*issues, FieldIssue("args", "could not be read")]
    cleaned: dict[str, Any] = _plain(draft.model_dump(exclude_unset=True))
    for key in _ALWAYS[op]:
        cleaned.setdefault(key, None)
    if op == "adjust_inventory" and cleaned.get("quantity") is None and "remaining_percentage" not in cleaned:
        cleaned["remaining_percentage"] = None
    issues.extend(_strict_issues(op, cleaned, issues))
    return cleaned, issues


def _strict_issues(op: str, cleaned: dict[str, Any], known: list[FieldIssue]) -> list[FieldIssue]:
    """What the strict model still refuses once the bad values are gone: missing fields, rules between fields."""
    seen = {issue.field for issue in known}
    out: list[FieldIssue] = []
    try:
        STRICT_MODELS[op].model_validate(_without_none(cleaned))
    except ValidationError as exc:
        for error in exc.errors():
            field = _error_field(error)
            if field in seen:
                continue
            seen.add(field)
            kind = "missing" if error["type"] == "missing" else "rule"
            out.append(FieldIssue(field, _error_message(error), kind))
    return out


def validate_final(op: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The args of an operation about to be saved, checked by the strict model.

    Raises `pydantic.ValidationError` (a ValueError) whose errors name the field, or ValueError for an unknown
    operation. Returns the cleaned args (Decimals, ISO dates, no None values).
    """
    model = STRICT_MODELS.get(op) if isinstance(op, str) else None
    if model is None:
        raise ValueError(f"unknown operation {op!r}; known: {', '.join(OPERATION_NAMES)}")
    checked = model.model_validate(args)
    return dict(_plain(checked.model_dump(exclude_none=True)))


def describe(error: ValidationError) -> list[FieldIssue]:
    """A strict `ValidationError` as field issues (for messages to the baker)."""
    return [FieldIssue(_error_field(e), _error_message(e), "missing" if e["type"] == "missing" else "invalid")
            for e in error.errors()]


# ---------------------------------------------------------------------------------------------------------------
# Schemas for models, tools and structured output
# ---------------------------------------------------------------------------------------------------------------


def _inline(schema: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    """Replace `$ref`s by their definitions and drop titles: tools and Gemini want self-contained schemas."""
    if depth > 32:
        raise ValueError("schema nests too deep (recursive model?)")
    if isinstance(schema, dict):
        if "$ref" in schema:
            target = defs[str(schema["$ref"]).rsplit("/", 1)[-1]]
            merged = {**copy.deepcopy(target), **{k: v for k, v in schema.items() if k != "$ref"}}
            return _inline(merged, defs, depth + 1)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ("$defs", "title"):
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: _inline(sub, defs, depth + 1) for name, sub in value.items()}
            else:
                out[key] = _inline(value, defs, depth + 1)
        return out
    if isinstance(schema, list):
        return [_inline(item, defs, depth + 1) for item in schema]
    return schema


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema (validation mode), self-contained: no `$defs`/`$ref`, no titles."""
    raw = model.model_json_schema()
    inlined: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    return inlined


_DESCRIPTIONS: dict[str, str] = {
    "add_purchase": "Propose recording a purchase of one item. quantity and unit are the TOTAL bought (two 5 lb "
    "bags: quantity 10, unit LBR, packages 2, package_size 5); price is the total paid for the line.",
    "adjust_inventory": "Propose setting what is left of an item: remaining_percentage (0-100), or quantity and "
    "unit; optionally a loss (spoiled, given away...) with its reason.",
    "create_event": "Propose an event (bake sale, order, market day) on a date, with the finished goods and how "
    "many of each are needed.",
}


def function_declarations() -> list[dict[str, Any]]:
    """Gemini / MCP-style function declarations, generated from the strict models."""
    return [
        {"name": op, "description": _DESCRIPTIONS[op], "parameters": json_schema(STRICT_MODELS[op])}
        for op in OPERATION_NAMES
    ]
