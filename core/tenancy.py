"""Bakeries as tenants: who belongs, in which role, and how people join or leave.

Pure rules; the functions set the matching Firebase custom claims.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace
from enum import StrEnum

from core.errors import ConflictError, NotFoundError, ValidationError


class Role(StrEnum):
    OWNER = "owner"  # everything, members and metrics included
    BAKER = "baker"  # plans, buys, bakes
    VIEWER = "viewer"  # reads plans and shopping lists


UNIT_SYSTEMS = ("us", "metric")
# ISO 4217 codes a bakery may keep its money in (the app formats them with Intl.NumberFormat)
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "MXN", "JPY")


@dataclass(frozen=True, slots=True)
class BakerySettings:
    """How the bakery wants quantities and money shown: set by an owner, the same for every member.

    Stored on the tenant document (`tenants/{t}.settings`); a tenant without it has the defaults.
    Display only: the functions keep answering UN/CEFACT codes and plain amounts.
    """

    unit_system: str = "us"  # "us": cups, oz, lb; "metric": g, kg, ml, l
    currency: str = "USD"

    def __post_init__(self) -> None:
        if self.unit_system not in UNIT_SYSTEMS:
            raise ValidationError(f"unit_system must be one of {', '.join(UNIT_SYSTEMS)}", field="unit_system")
        if self.currency not in CURRENCIES:
            raise ValidationError(f"currency must be one of {', '.join(CURRENCIES)}", field="currency")

    def to_dict(self) -> dict[str, str]:
        return {"unit_system": self.unit_system, "currency": self.currency}

    @staticmethod
    def from_dict(data: object) -> BakerySettings:
        """What is stored; anything absent or no longer supported falls back to its default."""
        d = data if isinstance(data, dict) else {}
        unit_system = d.get("unit_system") if d.get("unit_system") in UNIT_SYSTEMS else "us"
        currency = d.get("currency") if d.get("currency") in CURRENCIES else "USD"
        return BakerySettings(str(unit_system), str(currency))


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str
    created_by: str
    created_at: dt.datetime
    settings: BakerySettings = BakerySettings()

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class Member:
    uid: str
    role: Role
    email: str | None
    joined_at: dt.datetime
    active: bool = True

    @property
    def key(self) -> str:
        return self.uid


@dataclass(frozen=True, slots=True)
class Invitation:
    code_hash: str  # the code itself is shown once, to the owner who made it
    role: Role
    email: str | None
    created_by: str
    expires_at: dt.datetime
    accepted_by: str | None = None

    @property
    def key(self) -> str:
        return self.code_hash


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_invitation(role: Role, email: str | None, created_by: str, now: dt.datetime,
                   days: int = 7) -> tuple[str, Invitation]:
    """A fresh invitation and its one-time code (e.g. "K7QF-2M9X")."""
    if role is Role.OWNER and email is None:
        raise ValidationError("an owner invitation must name the person's e-mail", field="email")
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    return code, Invitation(hash_code(code), role, email.lower() if email else None, created_by,
                            now + dt.timedelta(days=days))


def accept_invitation(invitation: Invitation | None, uid: str, email: str | None, now: dt.datetime) -> Member:
    if invitation is None or invitation.accepted_by is not None or invitation.expires_at < now:
        raise NotFoundError("no open invitation with that code", field="code")
    if invitation.email and (email or "").lower() != invitation.email:
        raise NotFoundError("no open invitation with that code for this account", field="code")
    return Member(uid, invitation.role, email, now)


def change_role(members: list[Member], uid: str, role: Role) -> Member:
    member = _active(members, uid)
    if member.role is Role.OWNER and role is not Role.OWNER:
        _keep_an_owner(members, uid)
    return replace(member, role=role)


def remove_member(members: list[Member], uid: str) -> Member:
    member = _active(members, uid)
    if member.role is Role.OWNER:
        _keep_an_owner(members, uid)
    return replace(member, active=False)


def _active(members: list[Member], uid: str) -> Member:
    for member in members:
        if member.uid == uid and member.active:
            return member
    raise NotFoundError("no such member", field="uid")


def _keep_an_owner(members: list[Member], leaving: str) -> None:
    if not any(m.active and m.role is Role.OWNER and m.uid != leaving for m in members):
        raise ConflictError("a bakery needs at least one owner: make someone else owner first", field="role")


# -- API keys for headless agents (the MCP service) ----------------------------------------------------
API_KEY_PREFIX = "btk_"
API_KEY_ROLES = (Role.BAKER, Role.VIEWER)  # an agent never acts as an owner


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A named key an owner gave an agent: only its hash is stored; the key itself is shown once."""

    key_hash: str
    name: str
    role: Role
    apply_directly: bool  # its writing tools apply at once instead of proposing (owner's choice; bakers only)
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None

    @property
    def key_id(self) -> str:
        """A short public name for the key (lists, revoking): never enough to use it."""
        return f"key_{self.key_hash[:12]}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_api_key(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def new_api_key(name: str, role: Role, apply_directly: bool, created_by: str,
                now: dt.datetime) -> tuple[str, ApiKey]:
    """A fresh key and its secret (shown once), or a ValidationError naming the field."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise ValidationError("name the key (1 to 80 characters), e.g. the agent that will use it", field="name")
    if role not in API_KEY_ROLES:
        raise ValidationError("an API key acts as a baker or a viewer, never an owner", field="role")
    if apply_directly and role is not Role.BAKER:
        raise ValidationError("only a baker's key may apply its writes directly", field="apply_directly")
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, ApiKey(hash_api_key(secret), name, role, apply_directly, created_by, now)


def revoke_api_key(keys: list[ApiKey], key_id: str, now: dt.datetime) -> ApiKey:
    key = next((k for k in keys if k.key_id == key_id), None)
    if key is None:
        raise NotFoundError(f"no API key {key_id!r}", field="key_id")
    if not key.active:
        raise ConflictError(f"API key {key_id} was revoked already", field="key_id")
    return replace(key, revoked_at=now)
