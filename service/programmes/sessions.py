"""One session of a group programme: reading it, moving or editing it, cancelling it,
and the history of those changes. Also where a session is found, or locked for a change."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec

from service.base import clock
from service.base.errors import InvalidInput, NotFound
from service.base.fields import Location
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.occasions import require_still_ahead
from service.base.pagination import Page, decode_cursor, page_of
from service.notifications import outbox
from service.programmes.access import require_manager, require_manager_or_contact
from service.programmes.sql import queries
from service.programmes.types import SessionChangeOut, SessionOut, SessionPatch, SessionStatus


def session_out(row: Any, programme: Any, zone: zoneinfo.ZoneInfo, now: datetime) -> SessionOut:
    overrides_place = row["location_name"] is not None
    status: SessionStatus
    if row["status"] == "cancelled":
        status = "cancelled"
    else:
        status = "held" if row["starts_at"] <= now else "scheduled"
    return SessionOut(
        id=row["id"],
        number=row["number"],
        starts_at=row["starts_at"].astimezone(zone),
        ends_at=row["ends_at"].astimezone(zone),
        theme=row["theme"],
        status=status,
        location=Location(
            name=row["location_name"] if overrides_place else programme["location_name"],
            address=row["location_address"] if overrides_place else programme["location_address"],
        ),
        online_url=row["online_url"] or programme["online_url"],
        moved=row["starts_at"] != row["planned_starts_at"],
        revision=row["revision"],
        cancellation_reason=row["cancellation_reason"],
    )


def session_not_found() -> NotFound:
    return NotFound("session not found")


async def find_session(conn: asyncpg.Connection, session_id: str) -> asyncpg.Record:
    """The session's row; 404 unless it exists."""
    require_id(session_id, session_not_found())
    session: asyncpg.Record | None = await queries.session(conn, id=session_id)
    if session is None:
        raise session_not_found()
    return session


async def lock_session(
    conn: asyncpg.Connection,
    actor: Actor,
    session_id: str,
    check: Callable[[asyncpg.Record, str], None],
) -> asyncpg.Record:
    """The session, locked for a change by a manager of its programme, once `check`
    (one of base/occasions.py, given the record and the noun "session") allows it."""
    require_id(session_id, session_not_found())
    session: asyncpg.Record | None = await queries.lock_session(conn, id=session_id)
    if session is None:
        raise session_not_found()
    await require_manager(conn, actor, session["programme_id"])
    check(session, "session")
    return session


async def update_session(
    conn: asyncpg.Connection, actor: Actor, session_id: str, data: SessionPatch
) -> SessionOut:
    session = await lock_session(conn, actor, session_id, require_still_ahead)
    starts_at, ends_at = session["starts_at"], session["ends_at"]
    if isinstance(data.starts_at, datetime):
        starts_at = data.starts_at.astimezone(UTC)
        if data.ends_at is msgspec.UNSET:
            ends_at = starts_at + (session["ends_at"] - session["starts_at"])
        if starts_at <= clock.now():
            raise InvalidInput("starts_at", "must be in the future")
    if isinstance(data.ends_at, datetime):
        ends_at = data.ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    location_name, location_address = session["location_name"], session["location_address"]
    if data.location is None:
        location_name = location_address = None
    elif isinstance(data.location, Location):
        location_name, location_address = data.location.name, data.location.address
    online_url = session["online_url"] if data.online_url is msgspec.UNSET else data.online_url
    theme = session["theme"] if data.theme is msgspec.UNSET else data.theme
    new = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "theme": theme,
        "location_name": location_name,
        "location_address": location_address,
        "online_url": online_url,
    }
    changes = {
        field: [session[field], value] for field, value in new.items() if session[field] != value
    }
    if changes:
        await queries.update_session(conn, id=session_id, **new)
        await queries.record_session_change(
            conn,
            session_id=session_id,
            changed_by=actor.id,
            changes=msgspec.to_builtins(changes),
            reason=data.reason,
        )
        await queries.refresh_programme_period(conn, programme_id=session["programme_id"])
        await outbox.session_changed(conn, session["programme_id"], session_id, changes)
    return await get_session(conn, session_id)


async def cancel_session(
    conn: asyncpg.Connection, actor: Actor, session_id: str, reason: str
) -> SessionOut:
    session = await lock_session(conn, actor, session_id, require_still_ahead)
    await queries.cancel_session(conn, id=session_id, reason=reason)
    await queries.record_session_change(
        conn,
        session_id=session_id,
        changed_by=actor.id,
        changes={"status": ["scheduled", "cancelled"]},
        reason=reason,
    )
    await queries.refresh_programme_period(conn, programme_id=session["programme_id"])
    await outbox.session_cancelled(conn, session["programme_id"], session_id)
    return await get_session(conn, session_id)


async def session_changes(
    conn: asyncpg.Connection, actor: Actor, session_id: str, *, limit: int, cursor: str | None
) -> Page[SessionChangeOut]:
    """Who changed the session, when, what and why, oldest first."""
    session = await find_session(conn, session_id)
    await require_manager_or_contact(conn, actor, session["programme_id"])
    (after,) = decode_cursor(cursor, tuple[int]) or (0,)
    rows = await queries.session_changes(
        conn, session_id=session_id, after_id=after, limit=limit + 1
    )
    return page_of(
        [msgspec.convert(dict(row, id=str(row["id"])), SessionChangeOut) for row in rows],
        limit,
        lambda change: (int(change.id),),
    )


async def get_session(conn: asyncpg.Connection, session_id: str) -> SessionOut:
    row = await find_session(conn, session_id)
    programme = await queries.programme(conn, id=row["programme_id"])
    zone = zoneinfo.ZoneInfo(programme["timezone"])
    return session_out(row, programme, zone, clock.now())
