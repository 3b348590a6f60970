"""The catalogue of services clients can be referred to: adding, editing, searching."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec

from service.accounts import organisations
from service.base import audit
from service.base.errors import Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of
from service.referrals.imported import ImportedService
from service.referrals.sql import queries
from service.referrals.types import ServiceIn, ServiceOut, ServicePatch

CATALOGUE_ROLES = ("admin", "coach")
_WORD = re.compile(r"[\w-]+")


def _not_found() -> NotFound:
    return NotFound("service not found")


def _out(row: Any) -> ServiceOut:
    return msgspec.convert({k: v for k, v in dict(row).items() if k != "sort_name"}, ServiceOut)


def prefix_query(q: str | None) -> str | None:
    """Words typed into a search box as a tsquery: every word, as a prefix
    ("työ valm" finds "työhönvalmennus" and "valmentaja")."""
    if q is None:
        return None
    words = [word.lower() for word in _WORD.findall(q)][:8]
    return " & ".join(f"'{word}':*" for word in words) or None


async def _may_manage(conn: asyncpg.Connection, actor: Actor, organisation_id: str) -> None:
    if not is_id(organisation_id) or not await queries.manages_organisation(
        conn, viewer=actor.id, organisation_id=organisation_id
    ):
        raise Forbidden("services are kept by admins and coaches of their organisation")


def _columns(data: ServiceIn | ServiceOut | ImportedService) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "description": data.description.strip(),
        "categories": sorted({c.strip().lower() for c in data.categories}),
        "eligibility": data.eligibility,
        "contact": msgspec.to_builtins(data.contact) if data.contact else None,
        "location": msgspec.to_builtins(data.location) if data.location else None,
        "schedule": data.schedule,
        "url": data.url,
        "email": data.email,
        "phone": data.phone,
    }


async def create_service(conn: asyncpg.Connection, actor: Actor, data: ServiceIn) -> ServiceOut:
    actor.require_role(*CATALOGUE_ROLES)
    organisation_id = data.organisation_id or actor.organisation_id
    if data.organisation_id is not None and not is_id(data.organisation_id):
        raise InvalidInput("organisation_id", "no such organisation")
    await _may_manage(conn, actor, organisation_id)
    service_id = await queries.insert_service(
        conn,
        organisation_id=organisation_id,
        external_id=None,
        created_by=actor.id,
        **_columns(data),
    )
    await audit.log_action(conn, actor, "service.create", subject=("service", service_id))
    return _out(await queries.service(conn, id=service_id))


async def get_service(conn: asyncpg.Connection, service_id: str) -> ServiceOut:
    require_id(service_id, _not_found())
    row = await queries.service(conn, id=service_id)
    if row is None:
        raise _not_found()
    return _out(row)


async def update_service(
    conn: asyncpg.Connection, actor: Actor, service_id: str, data: ServicePatch
) -> ServiceOut:
    require_id(service_id, _not_found())
    locked = await queries.lock_service(conn, id=service_id)
    if locked is None:
        raise _not_found()
    await _may_manage(conn, actor, locked["organisation_id"])
    current = msgspec.structs.asdict(await get_service(conn, service_id))
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    merged = msgspec.convert(
        {**msgspec.to_builtins(current), **msgspec.to_builtins(changes)}, ServiceOut
    )
    await queries.update_service(conn, id=service_id, status=merged.status, **_columns(merged))
    await audit.log_action(
        conn,
        actor,
        "service.update",
        subject=("service", service_id),
        detail={"fields": sorted(changes)},
    )
    return await get_service(conn, service_id)


async def search_services(
    conn: asyncpg.Connection,
    *,
    q: str | None,
    category: str | None,
    include_inactive: bool,
    limit: int,
    cursor: str | None,
) -> Page[ServiceOut]:
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    rows = await queries.search_services(
        conn,
        words=prefix_query(q),
        category=category.strip().lower() if category else None,
        include_inactive=include_inactive,
        after_name=after_name,
        after_id=after_id,
        limit=limit + 1,
    )
    names = {row["id"]: row["sort_name"] for row in rows}
    return page_of([_out(row) for row in rows], limit, lambda s: (names[s.id], s.id))


PROGRESS_STEP = 100


async def import_services(
    conn: asyncpg.Connection,
    services: list[ImportedService],
    advance: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Add or update (by HSDS id) each service, its providing organisation found or
    created by name; returns (added, updated). `advance(n)` is told of every hundred
    services done (and of the last ones), for a progress bar."""
    added = updated = 0
    providers: dict[str, str] = {}
    for service in services:
        name = service.organisation_name.strip()
        if name.lower() not in providers:
            organisation = await organisations.find_or_create_organisation(conn, name, "provider")
            providers[name.lower()] = organisation.id
        inserted = await queries.import_service(
            conn,
            organisation_id=providers[name.lower()],
            external_id=service.external_id.strip(),
            status=service.status,
            **_columns(service),
        )
        added, updated = (added + 1, updated) if inserted else (added, updated + 1)
        if advance is not None and (added + updated) % PROGRESS_STEP == 0:
            advance(PROGRESS_STEP)
    if advance is not None and (added + updated) % PROGRESS_STEP:
        advance((added + updated) % PROGRESS_STEP)
    await audit.log_action(
        conn, None, "service.import", detail={"added": added, "updated": updated}
    )
    return added, updated
