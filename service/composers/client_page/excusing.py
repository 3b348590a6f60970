"""The clients' answers in a session's attendance: the attendance view shows each
client's latest answer beside the records, and one call marks excused the absence of
every client who said "I can't come" before the session began."""

from __future__ import annotations

from functools import partial

import asyncpg

from service.base import audit
from service.base.identity import Actor
from service.base.occasions import require_started
from service.client_page import answers
from service.client_page.types import RsvpOut
from service.composers import attendance as recording
from service.composers.client_page.sql import queries
from service.programmes import attendance
from service.programmes.sessions import lock_session
from service.programmes.types import AttendanceIn, AttendanceOut, AttendanceRecordIn


class AttendanceWithAnswers(AttendanceOut, kw_only=True):
    """The session's attendance and, of the same clients in reach, their latest answer."""

    rsvps: list[RsvpOut]


class ExcusedAttendance(AttendanceWithAnswers, kw_only=True):
    excused: list[str]  # the clients whose absence this call marked excused


async def with_answers(
    conn: asyncpg.Connection, actor: Actor, recorded: AttendanceOut
) -> AttendanceWithAnswers:
    items = await answers.latest_for_session(conn, recorded.session_id, actor.id)
    await audit.log_for_clients(conn, actor, "rsvp.read", [item.client_id for item in items])
    return AttendanceWithAnswers(
        session_id=recorded.session_id, records=recorded.records, rsvps=items
    )


async def read(conn: asyncpg.Connection, actor: Actor, session_id: str) -> AttendanceWithAnswers:
    return await with_answers(
        conn, actor, await attendance.read_attendance(conn, actor, session_id)
    )


async def record(
    conn: asyncpg.Connection, actor: Actor, session_id: str, data: AttendanceIn
) -> AttendanceWithAnswers:
    return await with_answers(conn, actor, await recording.record(conn, actor, session_id, data))


async def excuse_answered(
    conn: asyncpg.Connection, actor: Actor, session_id: str
) -> ExcusedAttendance:
    """Absences of clients who answered "I can't come" before the session become
    excused; every other record the caller sees stays as it is."""
    await lock_session(conn, actor, session_id, partial(require_started, what="attendance"))
    current = await attendance.read_attendance(conn, actor, session_id)
    excused = [row["client_id"] for row in await queries.excusable_absences(
        conn, session_id=session_id, viewer=actor.id
    )]  # fmt: skip
    if excused:
        kept = [
            AttendanceRecordIn(client_id=r.client_id, status=r.status)
            for r in current.records
            if r.client_id not in excused
        ]
        excusing = [AttendanceRecordIn(client_id=c, status="excused") for c in excused]
        current = await recording.record(
            conn, actor, session_id, AttendanceIn(records=[*kept, *excusing])
        )
    shown = await with_answers(conn, actor, current)
    return ExcusedAttendance(
        session_id=shown.session_id, records=shown.records, rsvps=shown.rsvps, excused=excused
    )
