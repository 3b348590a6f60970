"""Follow-ups six months after leaving: asked by Polku on the day (SMS, else e-mail),
answered by the client's SMS reply or recorded by a worker; a question unanswered for
14 days is marked overdue, the responsible worker's to ask."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.clock import today_in_finland
from service.base.errors import InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.reach import require_reach
from service.outcomes.rules import ANSWER_WITHIN, Situation
from service.outcomes.sql import queries
from service.outcomes.types import FollowUpIn, FollowUpList, FollowUpOut


async def list_follow_ups(conn: asyncpg.Connection, actor: Actor, client_id: str) -> FollowUpList:
    await require_reach(conn, actor, client_id, "follow_up.list")
    rows = await queries.follow_ups(
        conn, client_id=client_id, overdue_before=clock.now() - ANSWER_WITHIN
    )
    await audit.log_action(conn, actor, "follow_up.list", client_id=client_id)
    return FollowUpList(items=[msgspec.convert(dict(row), FollowUpOut) for row in rows])


async def record_answer(
    conn: asyncpg.Connection, actor: Actor, follow_up_id: str, data: FollowUpIn
) -> FollowUpOut:
    client_id = (
        await queries.follow_up_client(conn, id=follow_up_id) if is_id(follow_up_id) else None
    )
    if client_id is None:
        raise NotFound("follow-up not found")
    await require_reach(conn, actor, client_id, "follow_up.answer", lock=True)
    if data.recorded_on > today_in_finland():
        raise InvalidInput("recorded_on", "cannot be in the future")
    row = await queries.answer(
        conn,
        id=follow_up_id,
        situation=data.situation,
        recorded_on=data.recorded_on,
        source=data.source,
        recorded_by=actor.id,
    )
    if row is None:
        raise NotFound("follow-up not found")
    await audit.log_action(
        conn, actor, "follow_up.answer", client_id=client_id, subject=("follow_up", follow_up_id)
    )
    return msgspec.convert(dict(row), FollowUpOut)


async def answered_by_client(
    conn: asyncpg.Connection, follow_up_id: str, situation: Situation
) -> bool:
    """The client's own answer (an SMS reply); False when the follow-up is closed."""
    row = await queries.answer(
        conn,
        id=follow_up_id,
        situation=situation,
        recorded_on=today_in_finland(),
        source="client",
        recorded_by=None,
    )
    return row is not None


async def asked_of(conn: asyncpg.Connection, client_id: str) -> str | None:
    """The client's follow-up question waiting for their answer, if one is."""
    follow_up_id: str | None = await queries.asked_follow_up(conn, client_id=client_id)
    return follow_up_id


async def ask_due(conn: asyncpg.Connection) -> int:
    """The daily pass: every follow-up due by today asked, once. How many."""
    asked: int = await queries.ask_due(conn, today=today_in_finland())
    return asked
