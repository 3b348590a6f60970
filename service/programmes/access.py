"""Who manages a programme, and the programme row locked for a change."""

from __future__ import annotations

import asyncpg

from service.base.errors import Forbidden, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.programmes.sql import queries


def programme_not_found() -> NotFound:
    return NotFound("programme not found")


async def require_programme(conn: asyncpg.Connection, programme_id: str) -> None:
    """404 unless the programme exists."""
    require_id(programme_id, programme_not_found())
    if await queries.programme(conn, id=programme_id) is None:
        raise programme_not_found()


async def require_manager(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    """Facilitators and admins of the owning organisation manage a programme."""
    if not await queries.manages_programme(conn, viewer=actor.id, programme_id=programme_id):
        raise Forbidden("only the programme's facilitators and its organisation's admins may")


async def require_manager_or_contact(
    conn: asyncpg.Connection, actor: Actor, programme_id: str
) -> None:
    """Managers, and the municipal workers linked to the programme as contacts."""
    if await queries.manages_programme(conn, viewer=actor.id, programme_id=programme_id):
        return
    if not await queries.is_programme_contact(conn, viewer=actor.id, programme_id=programme_id):
        raise Forbidden("only the programme's facilitators, contacts and admins may")


async def lock_programme(conn: asyncpg.Connection, programme_id: str) -> asyncpg.Record:
    """The programme row, locked until the transaction ends: enrolments and withdrawals
    of one programme happen one after another, so capacity is never exceeded."""
    require_id(programme_id, programme_not_found())
    row: asyncpg.Record | None = await queries.lock_programme(conn, id=programme_id)
    if row is None:
        raise programme_not_found()
    return row
