"""Group programmes as a whole: planning one, reading and listing them, editing, cancelling.

A single session's changes (moving, cancelling one) are in sessions.py.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from service.accounts.organisations import require_managed_organisation
from service.base import clock, fields
from service.base.clock import HELSINKI, local_instant
from service.base.errors import Conflict, InvalidInput
from service.base.fields import Location
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import OLDEST_FIRST, CursorId, Page, decode_cursor, page_of
from service.notifications import outbox
from service.programmes import enrolment, kinds, schedule
from service.programmes.access import lock_programme, programme_not_found, require_manager
from service.programmes.kinds import Kind
from service.programmes.sessions import session_out
from service.programmes.sql import queries
from service.programmes.types import (
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    ProgrammeStatus,
    ProgrammeSummary,
)

_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


async def _check_staff(
    conn: asyncpg.Connection, ids: list[str], role: str, field: str
) -> list[str]:
    unique = sorted(set(ids))
    found = set()
    if all(is_id(i) for i in unique):
        found = {row["id"] for row in await queries.staff_with_role(conn, ids=unique, role=role)}
    if found != set(unique):
        raise InvalidInput(field, f"every id must be an active staff member with the {role} role")
    return unique


async def create_programme(
    conn: asyncpg.Connection, actor: Actor, data: ProgrammeIn
) -> ProgrammeOut:
    actor.require_role("coach", "admin")
    await require_managed_organisation(conn, actor, data.organisation_id, "organisation_id")
    facilitators = await _check_staff(conn, data.facilitator_ids, "coach", "facilitator_ids")
    contacts = await _check_staff(conn, data.contact_ids, "referrer", "contact_ids")
    fields.require_time_zone("timezone", data.timezone)
    plan = kinds.plan_for(data.kind, data.weeks, data.session_themes)
    try:
        planned = schedule.plan_sessions(
            first_session_date=data.first_session_date,
            start_time=time.fromisoformat(data.start_time),
            duration_minutes=data.duration_minutes,
            weeks=plan.meetings,
            timezone=data.timezone,
            skip_public_holidays=data.skip_public_holidays,
            themes=plan.themes,
        )
    except ValueError as error:
        raise InvalidInput("first_session_date", str(error)) from error
    programme_id = await queries.insert_programme(
        conn,
        organisation_id=data.organisation_id,
        kind=data.kind,
        title=data.title.strip(),
        description=data.description,
        first_session_date=data.first_session_date,
        start_time=time.fromisoformat(data.start_time),
        duration_minutes=data.duration_minutes,
        weeks=plan.meetings,
        timezone=data.timezone,
        capacity=data.capacity,
        location_name=data.location.name,
        location_address=data.location.address,
        online_url=data.online_url,
        skip_public_holidays=data.skip_public_holidays,
        reminder_offsets=data.reminder_offsets,
        starts_at=planned[0].starts_at,
        ends_at=planned[-1].ends_at,
        created_by=actor.id,
    )
    await queries.insert_sessions(
        conn,
        programme_id=programme_id,
        numbers=[s.number for s in planned],
        starts=[s.starts_at for s in planned],
        ends=[s.ends_at for s in planned],
        themes=[s.theme for s in planned],
    )
    await queries.replace_programme_staff(
        conn, programme_id=programme_id, role="facilitator", staff_ids=facilitators
    )
    await queries.replace_programme_staff(
        conn, programme_id=programme_id, role="contact", staff_ids=contacts
    )
    return await get_programme(conn, programme_id)


def _summary_fields(row: Any, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    return {
        "id": row["id"],
        "organisation_id": row["organisation_id"],
        "title": row["title"],
        "kind": row["kind"],
        "status": row["status"],
        "starts_at": row["starts_at"].astimezone(zone),
        "ends_at": row["ends_at"].astimezone(zone),
        "weeks": row["weeks"],
        "capacity": row["capacity"],
        "enrolled_count": row["enrolled_count"],
        "waitlisted_count": row["waitlisted_count"],
        "location": Location(name=row["location_name"], address=row["location_address"]),
        "online_url": row["online_url"],
    }


async def get_programme(conn: asyncpg.Connection, programme_id: str) -> ProgrammeOut:
    """Programmes are a catalogue every staff member may read; who is in them is not here."""
    require_id(programme_id, programme_not_found())
    row = await queries.programme(conn, id=programme_id)
    if row is None:
        raise programme_not_found()
    sessions = await queries.programme_sessions(conn, programme_id=programme_id)
    zone = zoneinfo.ZoneInfo(row["timezone"])
    now = clock.now()
    return ProgrammeOut(
        **_summary_fields(row, zone),
        description=row["description"],
        first_session_date=row["first_session_date"],
        start_time=row["start_time"],
        duration_minutes=row["duration_minutes"],
        timezone=row["timezone"],
        skip_public_holidays=row["skip_public_holidays"],
        reminder_offsets=list(row["reminder_offsets"]),
        facilitator_ids=list(row["facilitator_ids"]),
        contact_ids=list(row["contact_ids"]),
        participant_ids=list(row["participant_ids"]),
        cancelled_at=row["cancelled_at"],
        cancellation_reason=row["cancellation_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sessions=[session_out(s, row, zone, now) for s in sessions],
    )


def _start_of_finnish_day(day: date) -> datetime:
    return local_instant(day, time(0, 0), HELSINKI)


async def list_programmes(
    conn: asyncpg.Connection,
    *,
    status: ProgrammeStatus | None,
    kind: Kind | None = None,
    from_date: date | None,
    to_date: date | None,
    organisation_id: str | None,
    limit: int,
    cursor: str | None,
) -> Page[ProgrammeSummary]:
    """Programmes meeting between from_date and to_date (inclusive, Finnish dates)."""
    fields.require_in_range("from", from_date)
    fields.require_in_range("to", to_date)
    if from_date and to_date and to_date < from_date:
        raise InvalidInput("to", "is before from")
    if organisation_id is not None and not is_id(organisation_id):
        return Page(items=[], next_cursor=None)
    after = decode_cursor(cursor, tuple[datetime, CursorId], first=OLDEST_FIRST)
    rows = await queries.list_programmes(
        conn,
        status=status,
        kind=kind,
        organisation_id=organisation_id,
        period_start=_start_of_finnish_day(from_date) if from_date else _EARLIEST,
        period_end=_start_of_finnish_day(to_date + timedelta(days=1)) if to_date else _LATEST,
        after_start=after[0],
        after_id=after[1],
        limit=limit + 1,
    )
    items = [
        ProgrammeSummary(**_summary_fields(row, zoneinfo.ZoneInfo("Europe/Helsinki")))
        for row in rows
    ]
    return page_of(items, limit, lambda p: (p.starts_at, p.id))


async def update_programme(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, data: ProgrammePatch
) -> ProgrammeOut:
    programme = await lock_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    if programme["cancelled_at"] is not None:
        raise Conflict("the programme is cancelled")
    given = {
        name: value
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }
    if isinstance(data.facilitator_ids, list):
        facilitators = await _check_staff(conn, data.facilitator_ids, "coach", "facilitator_ids")
        await queries.replace_programme_staff(
            conn, programme_id=programme_id, role="facilitator", staff_ids=facilitators
        )
        # One who now runs the group no longer takes part in it as a participant.
        await queries.drop_participants(conn, programme_id=programme_id, staff_ids=facilitators)
    if isinstance(data.contact_ids, list):
        contacts = await _check_staff(conn, data.contact_ids, "referrer", "contact_ids")
        await queries.replace_programme_staff(
            conn, programme_id=programme_id, role="contact", staff_ids=contacts
        )
    if isinstance(data.capacity, int):
        counts = await queries.enrolment_counts(conn, programme_id=programme_id)
        if data.capacity < counts["enrolled"]:
            raise Conflict(
                f"{counts['enrolled']} clients are enrolled; withdraw some before lowering "
                "the capacity below that"
            )
    columns = {k: v for k, v in given.items() if k not in {"facilitator_ids", "contact_ids"}}
    if isinstance(data.location, Location):
        columns["location"] = msgspec.structs.asdict(data.location)
    await queries.update_programme(conn, id=programme_id, fields=columns)
    place_changes = _place_changes(programme, data)
    if place_changes:
        await queries.touch_future_sessions(
            conn, programme_id=programme_id, changed_by=actor.id, changes=place_changes
        )
    if {"location", "online_url", "title"} & columns.keys():
        await queries.bump_ical_sequence(conn, id=programme_id)
        changed = [*place_changes, *({"title"} & columns.keys())]
        await outbox.programme_changed(conn, programme_id, changed)
    if "reminder_offsets" in columns:
        await outbox.reminders_replanned(conn, programme_id)
    if isinstance(data.capacity, int):
        await enrolment.fill_free_places(conn, actor, programme_id)
    return await get_programme(conn, programme_id)


def _place_changes(programme: Any, data: ProgrammePatch) -> dict[str, list[str | None]]:
    """The programme's place and link as the sessions that use them record a change."""
    after = {}
    if isinstance(data.location, Location):
        after = {"location_name": data.location.name, "location_address": data.location.address}
    if data.online_url is not msgspec.UNSET:
        after["online_url"] = data.online_url
    return {
        field: [programme[field], value]
        for field, value in after.items()
        if programme[field] != value
    }


async def cancel_programme(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, reason: str
) -> ProgrammeOut:
    programme = await lock_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    if programme["cancelled_at"] is not None:
        raise Conflict("the programme is already cancelled")
    if programme["ends_at"] <= clock.now():
        raise Conflict("the programme has already ended")
    await queries.cancel_programme(conn, id=programme_id, cancelled_by=actor.id, reason=reason)
    await queries.bump_ical_sequence(conn, id=programme_id)
    await outbox.programme_cancelled(conn, programme_id)
    cancelled = await queries.cancel_future_sessions(conn, programme_id=programme_id, reason=reason)
    for row in cancelled:
        await queries.record_session_change(
            conn,
            session_id=row["id"],
            changed_by=actor.id,
            changes={"status": ["scheduled", "cancelled"]},
            reason=reason,
        )
    return await get_programme(conn, programme_id)
