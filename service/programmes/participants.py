"""Staff who take part in a group as participants: in a co-development group, workers
who develop service paths beside the developer-clients, as equals.

Taking part shows them the group's sessions in their calendar feed (the feed reads every
programme_staff row, as for facilitators and contacts), the sessions' memos and who
came; it gives them no reach to the group's clients (reach reads the facilitator role
only, API.md "Who reaches a client"), so no attendance, enrolment list or report.
"""

from __future__ import annotations

import asyncpg

from service.base import audit
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of
from service.programmes import kinds
from service.programmes.access import lock_programme, require_manager, require_programme
from service.programmes.sql import queries
from service.programmes.types import ParticipantOut

ROLE = "participant"


async def add_participant(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, staff_id: str
) -> ParticipantOut:
    programme = await lock_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    if programme["cancelled_at"] is not None:
        raise Conflict("the programme is cancelled")
    kind = await queries.programme_kind(conn, id=programme_id)
    kinds.require_staff_participants(kind)
    staff = await queries.staff_member(conn, id=staff_id) if is_id(staff_id) else None
    if staff is None:
        raise InvalidInput(
            "staff_id", "must be an active staff member with the admin, coach or referrer role"
        )
    roles = {
        row["role"]
        for row in await queries.programme_roles(conn, programme_id=programme_id, staff_id=staff_id)
    }
    if ROLE in roles:
        raise Conflict("already a participant of this programme")
    if "facilitator" in roles:
        raise Conflict("a facilitator of this programme runs it and cannot also be a participant")
    await queries.add_programme_staff(conn, programme_id=programme_id, staff_id=staff_id, role=ROLE)
    await audit.log_action(
        conn,
        actor,
        "programme.participant.add",
        subject=("programme", programme_id),
        detail={"staff_id": staff_id},
    )
    return ParticipantOut(
        staff_id=str(staff["id"]), name=staff["name"], organisation_id=str(staff["organisation_id"])
    )


async def remove_participant(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, staff_id: str
) -> None:
    await lock_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    missing = NotFound("no such participant in this programme")
    require_id(staff_id, missing)
    removed = await queries.remove_programme_staff(
        conn, programme_id=programme_id, staff_id=staff_id, role=ROLE
    )
    if not removed:
        raise missing
    await audit.log_action(
        conn,
        actor,
        "programme.participant.remove",
        subject=("programme", programme_id),
        detail={"staff_id": staff_id},
    )


async def list_participants(
    conn: asyncpg.Connection, programme_id: str, *, limit: int, cursor: str | None
) -> Page[ParticipantOut]:
    """Who takes part is staff, not clients: readable as the programme is."""
    await require_programme(conn, programme_id)
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    rows = await queries.programme_participants(
        conn, programme_id=programme_id, after_name=after_name, after_id=after_id, limit=limit + 1
    )
    items = [
        ParticipantOut(
            staff_id=str(row["staff_id"]),
            name=row["name"],
            organisation_id=str(row["organisation_id"]),
        )
        for row in rows
    ]
    return page_of(items, limit, lambda p: (p.name, p.staff_id))
