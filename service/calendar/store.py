"""The calendar domain's SQL, and revoking links when a consent or an account ends."""

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


async def revoke_staff_feeds(conn: asyncpg.Connection, staff_id: str) -> None:
    """The staff member's link stops working now, and stays dead if the account is
    reactivated: they ask for a new one."""
    await queries.revoke_feeds(conn, client_id=None, staff_id=staff_id, programme_id=None)
    cache.invalidate()
