"""Connections for the API and the worker."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

APP_ROLE = "polku_app"


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


async def connect(url: str, *, as_app: bool = True, **settings: str) -> asyncpg.Connection:
    """One connection; as_app=False keeps the URL's own user (migrations, tests)."""
    server_settings = _server_settings(as_app, settings)
    conn = await asyncpg.connect(url, server_settings=server_settings)
    await _init_connection(conn)
    return conn


async def create_pool(
    url: str, *, min_size: int = 2, max_size: int = 20, as_app: bool = True, **settings: str
) -> asyncpg.Pool:
    """A pool whose connections act as polku_app, the role that cannot alter audit rows
    (as_app=False keeps the URL's own user)."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        # No idle-expiry timer to arm and cancel on every release.
        max_inactive_connection_lifetime=0,
        server_settings=_server_settings(as_app, settings),
    )
    return pool


def _server_settings(as_app: bool, extra: dict[str, str]) -> dict[str, Any]:
    settings = {"application_name": "polku", "timezone": "UTC", **extra}
    if as_app:
        settings["role"] = APP_ROLE
    return settings
