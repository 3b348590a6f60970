"""What a right code opens: the personal part of the page for fifteen minutes, held by
a random secret in an HttpOnly cookie and stored as its digest, bound to the page link
(rotating or revoking the link ends it, since the link no longer opens)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from service.base import clock
from service.base.tokens import digest, new_secret
from service.client_page.sql import queries

SESSION_LIFETIME = timedelta(minutes=15)
COOKIE = "polku_page"
SECRET_PREFIX = "pps"


async def open_session(conn: asyncpg.Connection, link_id: str) -> str:
    """A new session's secret, for the cookie."""
    secret = new_secret(SECRET_PREFIX)
    now = clock.now()
    await queries.insert_session(
        conn,
        link_id=link_id,
        secret_hash=digest(secret),
        now=now,
        expires_at=now + SESSION_LIFETIME,
    )
    return secret


async def is_open(conn: asyncpg.Connection, link_id: str, secret: str | None) -> bool:
    if not secret or not secret.startswith(f"{SECRET_PREFIX}_") or len(secret) > 100:
        return False
    found: bool = await queries.session_is_open(
        conn, link_id=link_id, secret_hash=digest(secret), now=clock.now()
    )
    return found
