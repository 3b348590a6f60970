"""The clients' answers to sessions and meetings (the rsvps table): every answer is
kept, the latest of each client counts, and each is audited with the client as the
actor in the same statement."""

from __future__ import annotations

import asyncpg
import msgspec

from service.client_page.sql import queries
from service.client_page.types import Answer, RsvpOut, Via


async def record(
    conn: asyncpg.Connection,
    client_id: str,
    answer: Answer,
    *,
    session_id: str | None = None,
    meeting_id: str | None = None,
    via: Via = "page",
    request_id: str | None = None,
) -> RsvpOut:
    row = await queries.insert_answer(
        conn,
        client_id=client_id,
        session_id=session_id,
        meeting_id=meeting_id,
        answer=answer,
        via=via,
        request_id=request_id,
    )
    return msgspec.convert(dict(row), RsvpOut)


async def latest_for_session(
    conn: asyncpg.Connection, session_id: str, viewer: str
) -> list[RsvpOut]:
    """The latest answer of each client the viewer reaches."""
    rows = await queries.latest_for_session(conn, session_id=session_id, viewer=viewer)
    return [msgspec.convert(dict(row), RsvpOut) for row in rows]


async def latest_for_meeting(conn: asyncpg.Connection, meeting_id: str) -> list[RsvpOut]:
    """The latest answer of the meeting's client (whom the caller has been found to reach)."""
    rows = await queries.latest_for_meeting(conn, meeting_id=meeting_id)
    return [msgspec.convert(dict(row), RsvpOut) for row in rows]
