"""Which workers came to a session: the municipality's own worker, the facilitators,
staff participants. A group's report lists the sessions held with none present
(service/reports/), which is how a coordinator notices a broken promise."""

from __future__ import annotations

from functools import partial

import asyncpg

from service.base import audit
from service.base.errors import InvalidInput
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.occasions import require_started
from service.programmes.memos import require_taking_part
from service.programmes.sessions import find_session, lock_session
from service.programmes.sql import queries
from service.programmes.types import WorkerOut, WorkersPresentIn, WorkersPresentOut


async def record_workers(
    conn: asyncpg.Connection, actor: Actor, session_id: str, data: WorkersPresentIn
) -> WorkersPresentOut:
    """The session's workers present become exactly these (PUT: idempotent)."""
    session = await lock_session(
        conn, actor, session_id, partial(require_started, what="who was present")
    )
    seen: set[str] = set()
    for index, staff_id in enumerate(data.staff_ids):
        if staff_id in seen:
            raise InvalidInput(f"staff_ids[{index}]", "appears twice")
        seen.add(staff_id)
    found: set[str] = set()
    if all(is_id(s) for s in data.staff_ids):
        rows = await queries.workers_to_record(conn, ids=data.staff_ids)
        found = {row["id"] for row in rows}
    for index, staff_id in enumerate(data.staff_ids):
        if staff_id not in found:
            raise InvalidInput(
                f"staff_ids[{index}]",
                "must be an active staff member with the admin, coach or referrer role",
            )
    await queries.replace_session_workers(
        conn, session_id=session_id, staff_ids=data.staff_ids, recorded_by=actor.id
    )
    await audit.log_action(
        conn,
        actor,
        "session.workers_present.record",
        subject=("session", session_id),
        detail={"workers": len(data.staff_ids)},
    )
    return await _workers(conn, session_id, session["programme_id"])


async def read_workers(
    conn: asyncpg.Connection, actor: Actor, session_id: str
) -> WorkersPresentOut:
    session = await find_session(conn, session_id)
    await require_taking_part(conn, actor, session["programme_id"])
    return await _workers(conn, session_id, session["programme_id"])


async def _workers(
    conn: asyncpg.Connection, session_id: str, programme_id: str
) -> WorkersPresentOut:
    rows = await queries.session_workers(conn, session_id=session_id)
    return WorkersPresentOut(
        session_id=session_id,
        programme_id=programme_id,
        workers=[
            WorkerOut(staff_id=r["staff_id"], name=r["name"], organisation_id=r["organisation_id"])
            for r in rows
        ],
    )
