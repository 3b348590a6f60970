"""Recording a session's attendance: the group's record, and the referrals of the
clients who came, which have now started."""

from __future__ import annotations

import asyncpg

from service.base.identity import Actor
from service.programmes import attendance
from service.programmes.types import AttendanceIn, AttendanceOut
from service.referrals import referrals


async def record(
    conn: asyncpg.Connection,
    actor: Actor,
    session_id: str,
    data: AttendanceIn,
    *,
    only_named: bool = False,
) -> AttendanceOut:
    recorded = await attendance.record_attendance(
        conn, actor, session_id, data, only_named=only_named
    )
    await referrals.clients_started(conn, actor, recorded.programme_id, recorded.came)
    return recorded.attendance
