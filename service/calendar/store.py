"""The calendar domain's SQL, and revoking a client's link (which consent needs)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from db.queries import load_queries
from service.calendar.cache import cache

queries = load_queries(Path(__file__).with_name("queries.sql"))


async def revoke_client_feeds(conn: asyncpg.Connection, client_id: str) -> None:
    """The calendar consent ended: the client's link stops working now."""
    await queries.revoke_feeds(conn, client_id=client_id, staff_id=None, programme_id=None)
    cache.invalidate()
