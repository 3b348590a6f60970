"""The calendar domain's SQL, and revoking links when a consent or an account ends.

A revoked link stops working on this API process when the change commits, and on the
others when PostgreSQL tells them (service/calendar/cache.py)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from db.queries import load_queries

queries = load_queries(Path(__file__).with_name("queries.sql"))


async def revoke_client_feeds(conn: asyncpg.Connection, client_id: str) -> None:
    """The calendar consent ended: the client's link stops working."""
    await queries.revoke_feeds(conn, client_id=client_id, staff_id=None, programme_id=None)


async def revoke_staff_feeds(conn: asyncpg.Connection, staff_id: str) -> None:
    """The staff member's link stops working, and stays dead if the account is
    reactivated: they ask for a new one."""
    await queries.revoke_feeds(conn, client_id=None, staff_id=staff_id, programme_id=None)
