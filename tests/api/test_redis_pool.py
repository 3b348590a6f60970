"""The API's Redis pool hands out connections side by side (service/base/redis_pool.py),
against the real Valkey: redis-py's own pool checks them one at a time."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError

from service.base.rate_limit import Limit, hit
from service.base.redis_pool import SideBySidePool
from service.base.settings import Settings
from tests.mail import free_port

MANY = Limit("test-many", 1_000, 60)


class WatchedPool(SideBySidePool):
    """Counts how many connections are being checked at once."""

    checking = 0
    most_at_once = 0

    async def ensure_connection(self, connection: AbstractConnection) -> None:
        self.checking += 1
        self.most_at_once = max(self.most_at_once, self.checking)
        try:
            await super().ensure_connection(connection)
        finally:
            self.checking -= 1


async def test_calls_made_together_take_their_connections_together(settings: Settings) -> None:
    assert settings.redis_url is not None
    pool = WatchedPool.from_url(settings.redis_url)
    redis = Redis.from_pool(pool)
    try:
        # New connections: each is opened while the others are.
        await asyncio.gather(*(hit(redis, MANY, "pool") for _ in range(20)))
        assert pool.most_at_once == 20
        assert await redis.get("polku:rate:test-many:pool") == b"20"
        # Kept connections: checked side by side too, and none opened anew.
        pool.most_at_once = 0
        await asyncio.gather(*(hit(redis, MANY, "pool") for _ in range(20)))
        assert pool.most_at_once == 20
        assert len(pool._available_connections) == 20
        assert await redis.get("polku:rate:test-many:pool") == b"40"
    finally:
        await redis.aclose()


async def test_a_connection_that_could_not_be_made_goes_back_to_the_pool() -> None:
    pool = SideBySidePool.from_url(
        f"redis://127.0.0.1:{free_port()}", max_connections=3, socket_connect_timeout=1
    )
    redis = Redis.from_pool(pool)
    try:
        for _ in range(2):
            results = await asyncio.gather(
                *(redis.ping() for _ in range(3)), return_exceptions=True
            )
            assert all(isinstance(result, RedisConnectionError) for result in results)
            assert all("Too many connections" not in str(result) for result in results)
            assert not pool._in_use_connections
    finally:
        await redis.aclose()


async def test_answers_come_back_to_their_own_callers(settings: Settings) -> None:
    assert settings.redis_url is not None
    redis = Redis.from_pool(SideBySidePool.from_url(settings.redis_url))
    try:
        keys = [f"polku:test:pool:{n}" for n in range(50)]
        await asyncio.gather(*(redis.set(key, key) for key in keys))
        values = await asyncio.gather(*(redis.get(key) for key in keys))
        assert values == [key.encode() for key in keys]
    finally:
        await redis.aclose()
