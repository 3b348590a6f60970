"""Request and response bodies for accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from service.base.fields import Body, Email, Name, Phone

Role = Literal["admin", "coach", "referrer", "analyst"]
OrganisationKind = Literal["municipality", "wellbeing_county", "ngo", "provider", "state_agency"]

Password = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]


class TokenRequest(Body):
    email: Annotated[str, msgspec.Meta(max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=200)]


class TokenOut(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: Literal["bearer"]
    expires_at: datetime


class Me(msgspec.Struct, kw_only=True):
    id: str
    email: str
    name: str
    roles: list[Role]
    organisation_id: str


class OrganisationIn(Body):
    name: Name
    kind: OrganisationKind


class OrganisationOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    kind: OrganisationKind
    managed_by: str | None
    created_at: datetime


class UserIn(Body):
    email: Email
    name: Name
    password: Password
    roles: Annotated[list[Role], msgspec.Meta(min_length=1, max_length=4)]
    organisation_id: str
    phone: Phone | None = None


class UserPatch(Body):
    name: Name | None = None
    phone: Phone | None = None
    roles: Annotated[list[Role], msgspec.Meta(min_length=1, max_length=4)] | None = None
    active: bool | None = None
    password: Password | None = None
    # Needed with `password` when changing one's own.
    current_password: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class UserOut(msgspec.Struct, kw_only=True):
    id: str
    organisation_id: str
    email: str
    name: str
    phone: str | None
    roles: list[Role]
    active: bool
    created_at: datetime
