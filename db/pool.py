"""Connections for the API and the worker.

The API and the worker log in as polku_app (see Settings.app_login_url): a role that
owns nothing, is no superuser and belongs to no role that does, so no statement they
send can alter a table, disable the audit trigger or take the owner's rights back.
Only migrations log in as the owner in DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Generator
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


async def create_fair_pool(url: str, *, max_size: int, **settings: str) -> FairPool:
    """A pool for the API: first come, first served (FairPool)."""
    return FairPool(await create_pool(url, min_size=1, max_size=max_size, **settings))


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


class FairPool:
    """The API's pools: asyncpg's pool, its connections going to those waiting for one
    in the order they came.

    asyncpg's pool waits on an asyncio queue, where a request that arrives just as a
    connection comes back takes it ahead of the one woken for it, which then queues
    again at the back: under load a few requests wait many turns (at 50 connections the
    p99 of a plan read was 12 times its median). Here no more callers hold connections
    than the pool has, a connection that comes back is the turn of the longest waiter,
    and a newcomer queues behind those already waiting.
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._free = pool.get_max_size()
        self._waiters: deque[asyncio.Future[None]] = deque()

    def acquire(self) -> _FairAcquire:
        """`await pool.acquire()` (then `release`) or `async with pool.acquire()`."""
        return _FairAcquire(self)

    async def release(self, connection: Any) -> None:
        try:
            await self._pool.release(connection)
        finally:
            self._pass_turn()

    async def execute(self, query: str, *args: Any) -> str:
        async with self.acquire() as conn:
            result: str = await conn.execute(query, *args)
            return result

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.acquire() as conn:
            row: asyncpg.Record | None = await conn.fetchrow(query, *args)
            return row

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchval(query, *args)

    def get_size(self) -> int:
        return self._pool.get_size()

    def get_idle_size(self) -> int:
        return self._pool.get_idle_size()

    def get_max_size(self) -> int:
        return self._pool.get_max_size()

    async def close(self) -> None:
        await self._pool.close()

    async def _acquire(self) -> Any:
        await self._take_turn()
        try:
            return await self._pool.acquire()
        except BaseException:
            self._pass_turn()
            raise

    async def _take_turn(self) -> None:
        if self._free and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.cancelled():
                with contextlib.suppress(ValueError):  # already taken off by _pass_turn
                    self._waiters.remove(waiter)
            else:  # the turn came just as the caller gave up: the next one's
                self._pass_turn()
            raise

    def _pass_turn(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class _FairAcquire:
    def __init__(self, pool: FairPool) -> None:
        self._pool = pool
        self._connection: Any = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._pool._acquire().__await__()

    async def __aenter__(self) -> Any:
        self._connection = await self._pool._acquire()
        return self._connection

    async def __aexit__(self, *exc_info: object) -> None:
        await self._pool.release(self._connection)
