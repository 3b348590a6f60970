"""Who read or changed a client's data, for admins."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.identity import Actor
from service.base.pagination import HIGHEST_FIRST, Page, decode_cursor, page_of
from service.base.reach import require_reach
from service.clients.sql import queries
from service.clients.types import (
    AuditEventOut,
)


async def audit_trail(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, limit: int, cursor: str | None
) -> Page[AuditEventOut]:
    """Who read or changed this client's data, newest first. Admins only."""
    await require_reach(conn, actor, client_id, "audit.read", roles=("admin",))
    (before_id,) = decode_cursor(cursor, tuple[int], first=HIGHEST_FIRST)
    rows = await queries.audit_events(
        conn, client_id=client_id, before_id=before_id, limit=limit + 1
    )
    await audit.log_action(conn, actor, "audit.read", client_id=client_id)
    items = [msgspec.convert(dict(row), AuditEventOut) for row in rows]
    return page_of(items, limit, lambda event: (event.id,))
