"""A client's delivery log: what was planned, sent, withheld and why."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from service.base import audit
from service.base.identity import Actor
from service.base.pagination import CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach
from service.notifications.sql import queries
from service.notifications.types import MessageOut


async def client_messages(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, limit: int, cursor: str | None
) -> Page[MessageOut]:
    await require_reach(conn, actor, client_id, "messages.read")
    before = decode_cursor(cursor, tuple[datetime, CursorId])
    rows = await queries.client_messages(
        conn,
        client_id=client_id,
        before_at=before[0] if before else datetime.max.replace(tzinfo=UTC),
        before_id=before[1] if before else "ffffffff-ffff-ffff-ffff-ffffffffffff",
        limit=limit + 1,
    )
    await audit.log_action(conn, actor, "messages.read", client_id=client_id)
    items = [
        MessageOut(
            id=row["id"],
            kind=row["kind"],
            channel=row["channel"],
            status=row["status"],
            scheduled_for=row["scheduled_for"],
            sent_at=row["sent_at"],
            reason=row["status_reason"],
            attempts=row["attempts"],
            programme_id=row["programme_id"],
            session_id=row["session_id"],
        )
        for row in rows
    ]
    return page_of(items, limit, lambda m: (m.scheduled_for, m.id))
