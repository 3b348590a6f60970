"""Connections for the API and the worker.

The API and the worker log in as polku_app (see Settings.app_login_url): a role that
owns nothing, is no superuser and belongs to no role that does, so no statement they
send can alter a table, disable the audit trigger or take the owner's rights back.
Only migrations log in as the owner in DATABASE_URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import asyncpg
import msgspec

APP_ROLE = "polku_app"


def login_as(url: str, user: str, password: str | None) -> str:
    """`url` with its user and password replaced: the owner's password never travels
    with another login."""
    parts = urlsplit(url)
    hosts = parts.netloc.rpartition("@")[2]
    credentials = quote(user, safe="")
    if password is not None:
        credentials += ":" + quote(password, safe="")
    query = parts.query
    options = parse_qsl(query, keep_blank_values=True)
    if any(name in ("user", "password") for name, _ in options):
        query = urlencode([(n, v) for n, v in options if n not in ("user", "password")])
    return urlunsplit(parts._replace(netloc=f"{credentials}@{hosts}", query=query))


async def _init_connection(conn: asyncpg.Connection) -> None:
    # Ids are opaque strings everywhere above the database.
    await conn.set_type_codec("uuid", schema="pg_catalog", encoder=str, decoder=str, format="text")
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name,
            schema="pg_catalog",
            encoder=lambda value: msgspec.json.encode(value).decode(),
            decoder=msgspec.json.decode,
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's reset query (a round trip per request): Polku sets no session
    state beyond the startup settings, and an open transaction is still rolled back."""


async def connect(url: str, **settings: str) -> asyncpg.Connection:
    """One connection, as the URL's user."""
    conn = await asyncpg.connect(url, server_settings=_server_settings(settings))
    await _init_connection(conn)
    return conn


async def create_pool(
    url: str, *, min_size: int = 2, max_size: int = 20, **settings: str
) -> asyncpg.Pool:
    """A pool of connections as the URL's user."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        # No idle-expiry timer to arm and cancel on every release.
        max_inactive_connection_lifetime=0,
        server_settings=_server_settings(settings),
    )
    return pool


def _server_settings(extra: dict[str, str]) -> dict[str, Any]:
    # No JIT: Polku's queries run for milliseconds, and a server built with LLVM (as
    # Debian's is) compiles any whose estimated cost passes jit_above_cost, spending
    # 50 ms to save a few (the stalled list took 96 ms with it, 6 ms without).
    return {"application_name": "polku", "timezone": "UTC", "jit": "off", **extra}
