"""The facilitators' memo of a meeting: written after it, brought back to the next one,
shared with everyone taking part (staff participants here, clients on their page).
Since the whole group reads it, a memo that names a client in full or carries an
identity code is refused (memo_checks.py)."""

from __future__ import annotations

from functools import partial

import asyncpg

from service.base import audit
from service.base.errors import Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.occasions import require_started
from service.programmes.access import require_manager
from service.programmes.memo_checks import Person, memo_problem
from service.programmes.sessions import find_session, lock_session
from service.programmes.sql import queries
from service.programmes.types import MemoIn, MemoOut


async def require_taking_part(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    """Facilitators, contacts, staff participants and the organisation's admins."""
    if await queries.takes_part(conn, viewer=actor.id, programme_id=programme_id):
        return
    try:
        await require_manager(conn, actor, programme_id)
    except Forbidden:
        raise Forbidden("only the people taking part in the programme and its admins may") from None


async def write_memo(
    conn: asyncpg.Connection, actor: Actor, session_id: str, data: MemoIn
) -> MemoOut:
    session = await lock_session(conn, actor, session_id, partial(require_started, what="a memo"))
    text = data.text.strip()
    people = [
        Person(row["first_name"], row["last_name"])
        for row in await queries.group_people(conn, programme_id=session["programme_id"])
    ]
    problem = memo_problem(text, people)
    if problem is not None:
        raise InvalidInput("text", problem)
    await queries.put_memo(conn, session_id=session_id, text=text, written_by=actor.id)
    await audit.log_action(conn, actor, "session.memo.write", subject=("session", session_id))
    return await _memo(conn, session_id)


async def read_memo(conn: asyncpg.Connection, actor: Actor, session_id: str) -> MemoOut:
    session = await find_session(conn, session_id)
    await require_taking_part(conn, actor, session["programme_id"])
    return await _memo(conn, session_id)


async def _memo(conn: asyncpg.Connection, session_id: str) -> MemoOut:
    row = await queries.memo(conn, session_id=session_id)
    if row is None:
        raise NotFound("the session has no memo yet")
    return MemoOut(
        session_id=row["session_id"],
        programme_id=row["programme_id"],
        text=row["text"],
        written_by=row["written_by"],
        written_at=row["written_at"],
    )
