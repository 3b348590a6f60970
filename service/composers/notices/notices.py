"""Listing a staff member's notices and marking them read."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.pagination import NEWEST_FIRST, CursorId, Page, decode_cursor, page_of
from service.composers.notices.sql import queries
from service.composers.notices.types import NoticeOut


async def list_notices(
    conn: asyncpg.Connection, actor: Actor, *, unread_only: bool, limit: int, cursor: str | None
) -> Page[NoticeOut]:
    after_created_at, after_id = decode_cursor(
        cursor, tuple[datetime, CursorId], first=NEWEST_FIRST
    )
    rows = await queries.notices(
        conn,
        viewer=actor.id,
        unread_only=unread_only,
        after_created_at=after_created_at,
        after_id=after_id,
        limit=limit + 1,
    )
    created = {row["id"]: row["created_at"] for row in rows}
    items = [
        msgspec.convert({k: v for k, v in dict(row).items() if k != "created_at"}, NoticeOut)
        for row in rows
    ]
    page = page_of(items, limit, lambda n: (created[n.id], n.id))
    await audit.log_for_clients(conn, actor, "notice.list", [n.client_id for n in page.items])
    return page


async def mark_read(conn: asyncpg.Connection, actor: Actor, notice_id: str) -> None:
    require_id(notice_id, NotFound("notice not found"))
    if await queries.mark_notice_read(conn, viewer=actor.id, id=notice_id) is None:
        raise NotFound("notice not found")
