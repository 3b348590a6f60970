"""Calendar subscription links (the calendar_feeds table): issuing one, and revoking
them when a consent or an account ends or a new link replaces the old.

A link is a bearer URL: a long random token, stored only as a digest. A revoked link
stops working on this API process when the change commits, and on the others when
PostgreSQL tells them (service/composers/feeds/cache.py)."""

from __future__ import annotations

import asyncpg

from service.base.tokens import digest, new_secret
from service.calendar.sql import queries

TOKEN_PREFIX = "pf"


async def issue(
    conn: asyncpg.Connection,
    created_by: str,
    *,
    client_id: str | None = None,
    staff_id: str | None = None,
    programme_id: str | None = None,
) -> str:
    """A new link's token for the owner named; any earlier link of theirs stops working."""
    owner = {"client_id": client_id, "staff_id": staff_id, "programme_id": programme_id}
    await queries.revoke_feeds(conn, **owner)
    token = new_secret(TOKEN_PREFIX)
    await queries.insert_feed(conn, token_hash=digest(token), created_by=created_by, **owner)
    return token


async def revoke_client_feeds(conn: asyncpg.Connection, client_id: str) -> None:
    """The calendar consent ended: the client's link stops working."""
    await queries.revoke_feeds(conn, client_id=client_id, staff_id=None, programme_id=None)


async def revoke_staff_feeds(conn: asyncpg.Connection, staff_id: str) -> None:
    """The staff member's link stops working, and stays dead if the account is
    reactivated: they ask for a new one."""
    await queries.revoke_feeds(conn, client_id=None, staff_id=staff_id, programme_id=None)


async def revoke_programme_feeds(conn: asyncpg.Connection, programme_id: str) -> None:
    await queries.revoke_feeds(conn, client_id=None, staff_id=None, programme_id=programme_id)
