"""The answers clients gave on their page, as staff read them: for a session, the
latest answer of each client the caller reaches (as the session's attendance); for a
meeting, its client's, once the caller reaches them (as the meeting's plan)."""

from __future__ import annotations

import asyncpg

from service.base import audit
from service.base.errors import NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.reach import require_reach
from service.client_page import answers
from service.client_page.types import RsvpList
from service.composers.client_page.sql import queries


async def session_rsvps(conn: asyncpg.Connection, actor: Actor, session_id: str) -> RsvpList:
    require_id(session_id, NotFound("session not found"))
    if not await queries.session_exists(conn, id=session_id):
        raise NotFound("session not found")
    items = await answers.latest_for_session(conn, session_id, actor.id)
    await audit.log_for_clients(conn, actor, "rsvp.read", [item.client_id for item in items])
    return RsvpList(items=items)


async def meeting_rsvps(conn: asyncpg.Connection, actor: Actor, meeting_id: str) -> RsvpList:
    require_id(meeting_id, NotFound("meeting not found"))
    client_id = await queries.meeting_client(conn, id=meeting_id)
    if client_id is None:
        raise NotFound("meeting not found")
    await require_reach(conn, actor, client_id, "rsvp.read")
    items = await answers.latest_for_meeting(conn, meeting_id)
    await audit.log_action(
        conn, actor, "rsvp.read", client_id=client_id, subject=("meeting", meeting_id)
    )
    return RsvpList(items=items)
