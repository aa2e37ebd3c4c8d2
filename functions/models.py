"""Request bodies, validated at the edge. Strict: unknown fields and wrong types are refused."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EventRequest(Strict):
    event: str = Field(min_length=1, max_length=200, description="event slug or name")
    remaining_only: bool = False


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


class SectionsRequest(Strict):
    """Records in the desktop's format, merged with every import check (all or nothing)."""

    model_config = ConfigDict(extra="allow")
