"""One-to-one coaching meetings: in the client's and the coaches' calendars, with the
same invites and reminders as group sessions; and a meeting as the API shows it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.errors import InvalidInput, NotFound
from service.base.fields import Location
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.occasions import require_still_ahead
from service.base.reach import require_reach
from service.coaching.access import client_of_plan, require_editor
from service.coaching.sql import queries
from service.coaching.types import MeetingIn, MeetingOut, MeetingPatch
from service.notifications import outbox


def meeting_out(row: Mapping[str, Any]) -> MeetingOut:
    """The meeting in its own time zone; held once it has started, unless cancelled."""
    zone = ZoneInfo(row["timezone"])
    location = None
    if row["location_name"]:
        location = Location(name=row["location_name"], address=row["location_address"])
    status: Literal["scheduled", "held", "cancelled"] = "cancelled"
    if row["status"] != "cancelled":
        status = "held" if row["starts_at"] <= clock.now() else "scheduled"
    return MeetingOut(
        id=row["id"],
        plan_id=row["plan_id"],
        starts_at=row["starts_at"].astimezone(zone),
        ends_at=row["ends_at"].astimezone(zone),
        location=location,
        online_url=row["online_url"],
        status=status,
        revision=row["revision"],
    )


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at <= clock.now():
        raise InvalidInput("starts_at", "must be in the future")
    if ends_at <= starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")


async def create_meeting(
    conn: asyncpg.Connection, actor: Actor, plan_id: str, data: MeetingIn
) -> MeetingOut:
    client_id = await client_of_plan(conn, actor, plan_id, "meeting.create")
    await require_editor(conn, actor, plan_id)
    _check_times(data.starts_at, data.ends_at)
    meeting_id = await queries.insert_meeting(
        conn,
        plan_id=plan_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location_name=data.location.name if data.location else None,
        location_address=data.location.address if data.location else None,
        online_url=data.online_url,
        created_by=actor.id,
    )
    await outbox.meeting_planned(conn, meeting_id)
    await audit.log_action(
        conn, actor, "meeting.create", client_id=client_id, subject=("meeting", meeting_id)
    )
    return meeting_out(await queries.meeting(conn, id=meeting_id))


async def _lock_open_meeting(
    conn: asyncpg.Connection, actor: Actor, meeting_id: str, action: str
) -> asyncpg.Record:
    require_id(meeting_id, NotFound("meeting not found"))
    meeting: asyncpg.Record | None = await queries.lock_meeting(conn, id=meeting_id)
    if meeting is None:
        raise NotFound("meeting not found")
    await require_reach(conn, actor, meeting["client_id"], action)
    await require_editor(conn, actor, meeting["plan_id"])
    require_still_ahead(meeting, "meeting")
    return meeting


async def update_meeting(
    conn: asyncpg.Connection, actor: Actor, meeting_id: str, data: MeetingPatch
) -> MeetingOut:
    meeting = await _lock_open_meeting(conn, actor, meeting_id, "meeting.update")
    starts_at = meeting["starts_at"] if data.starts_at is msgspec.UNSET else data.starts_at
    ends_at = meeting["ends_at"]
    if isinstance(data.ends_at, datetime):
        ends_at = data.ends_at
    elif isinstance(data.starts_at, datetime):
        ends_at = data.starts_at + (meeting["ends_at"] - meeting["starts_at"])
    _check_times(starts_at, ends_at)
    name, address = meeting["location_name"], meeting["location_address"]
    if data.location is None:
        name = address = None
    elif isinstance(data.location, Location):
        name, address = data.location.name, data.location.address
    online_url = meeting["online_url"] if data.online_url is msgspec.UNSET else data.online_url
    await queries.update_meeting(
        conn,
        id=meeting_id,
        starts_at=starts_at,
        ends_at=ends_at,
        location_name=name,
        location_address=address,
        online_url=online_url,
    )
    await outbox.meeting_changed(conn, meeting_id)
    await audit.log_action(
        conn,
        actor,
        "meeting.update",
        client_id=meeting["client_id"],
        subject=("meeting", meeting_id),
    )
    return meeting_out(await queries.meeting(conn, id=meeting_id))


async def cancel_meeting(
    conn: asyncpg.Connection, actor: Actor, meeting_id: str, reason: str
) -> MeetingOut:
    meeting = await _lock_open_meeting(conn, actor, meeting_id, "meeting.cancel")
    await outbox.meeting_cancelled(conn, meeting_id)
    await queries.cancel_meeting(conn, id=meeting_id, reason=reason)
    await audit.log_action(
        conn,
        actor,
        "meeting.cancel",
        client_id=meeting["client_id"],
        subject=("meeting", meeting_id),
    )
    return meeting_out(await queries.meeting(conn, id=meeting_id))
