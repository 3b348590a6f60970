"""The API's Redis client, whose pool hands out connections side by side.

redis-py 5.3 (arq holds us below 6) checks each connection it hands out while holding
one lock for the whole pool, and the check itself waits a turn of the event loop. Under
load every Redis call thus queued behind the others, one loop turn each: fifty page
reads that missed the kept page together waited 20 ms to a second for their rate-limit
count, each later than the last (bench/README, run 5; redis/redis-py#3692). Taking a
connection touches no await, so it needs no lock in one event loop; only the check and
a new connection's handshake wait, each on its own connection."""

from __future__ import annotations

from typing import Any

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection


class SideBySidePool(ConnectionPool):
    async def get_connection(
        self, command_name: Any = None, *keys: Any, **options: Any
    ) -> AbstractConnection:
        connection: AbstractConnection = self.get_available_connection()  # type: ignore[no-untyped-call]
        try:
            await self.ensure_connection(connection)
        except BaseException:
            await self.release(connection)
            raise
        return connection


def connect(url: str, timeout_seconds: float) -> Redis:
    """A client for `url` whose calls give up after `timeout_seconds` (connecting too)."""
    pool = SideBySidePool.from_url(
        url, socket_connect_timeout=timeout_seconds, socket_timeout=timeout_seconds
    )
    return Redis.from_pool(pool)
