"""Organisations, and which ones an admin manages."""

from __future__ import annotations

import asyncpg
import msgspec

from service.accounts.sql import queries
from service.accounts.types import (
    OrganisationIn,
    OrganisationKind,
    OrganisationOut,
)
from service.base import audit
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of


async def find_or_create_organisation(
    conn: asyncpg.Connection, name: str, kind: OrganisationKind, managed_by: str | None = None
) -> OrganisationOut:
    row = await queries.insert_organisation(conn, name=name, kind=kind, managed_by=managed_by)
    if row is None:
        row = await queries.organisation_by_name(conn, name=name)
    return msgspec.convert(dict(row), OrganisationOut)


async def create_organisation(
    conn: asyncpg.Connection, actor: Actor, data: OrganisationIn
) -> OrganisationOut:
    actor.require_role("admin")
    row = await queries.insert_organisation(
        conn, name=data.name.strip(), kind=data.kind, managed_by=actor.organisation_id
    )
    if row is None:
        existing = await queries.organisation_by_name(conn, name=data.name.strip())
        raise Conflict("an organisation with this name exists", existing_id=existing["id"])
    organisation = msgspec.convert(dict(row), OrganisationOut)
    await audit.log_action(
        conn, actor, "organisation.create", subject=("organisation", organisation.id)
    )
    return organisation


async def get_organisation(conn: asyncpg.Connection, organisation_id: str) -> OrganisationOut:
    require_id(organisation_id, NotFound("organisation not found"))
    row = await queries.organisation_by_id(conn, id=organisation_id)
    if row is None:
        raise NotFound("organisation not found")
    return msgspec.convert(dict(row), OrganisationOut)


async def list_organisations(
    conn: asyncpg.Connection, *, q: str | None, kind: str | None, limit: int, cursor: str | None
) -> Page[OrganisationOut]:
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    rows = await queries.list_organisations(
        conn,
        after_name=after_name,
        after_id=after_id,
        q=q,
        kind=kind,
        limit=limit + 1,
    )
    items = [msgspec.convert(dict(row), OrganisationOut) for row in rows]
    return page_of(items, limit, lambda o: (o.name.lower(), o.id))


async def require_managed_organisation(
    conn: asyncpg.Connection, actor: Actor, organisation_id: str, field: str
) -> None:
    """The actor's own organisation, or (for an admin) one their organisation manages;
    422 naming `field` otherwise."""
    if organisation_id == actor.organisation_id:
        return
    manages = (
        actor.has_role("admin")
        and is_id(organisation_id)
        and await queries.manages_organisation(
            conn, admin_organisation_id=actor.organisation_id, organisation_id=organisation_id
        )
    )
    if not manages:
        raise InvalidInput(field, "must be your organisation or one it manages")
