"""The Redis rate limiter's weighed hits and its several counts in one round trip
(service/base/rate_limit.py), against the real Valkey."""

from __future__ import annotations

from redis.asyncio import Redis

from service.base.rate_limit import Limit, hit, hit_each

TEN = Limit("test-ten", 10, 60)
TWO = Limit("test-two", 2, 600)


async def test_a_heavier_hit_uses_up_the_limit_sooner(redis: Redis) -> None:
    assert await hit(redis, TEN, "a", weight=9) is None
    assert await hit(redis, TEN, "a") is None  # ten in all
    wait = await hit(redis, TEN, "a")
    assert wait is not None and 1 <= wait <= 60
    assert await redis.get("polku:rate:test-ten:a") == b"11"


async def test_each_limit_answers_for_itself(redis: Redis) -> None:
    checks = [(TEN, "x"), (TWO, "y")]
    assert await hit_each(redis, checks) == [None, None]
    assert await hit_each(redis, checks) == [None, None]
    ten, two = await hit_each(redis, checks)
    assert ten is None
    assert two is not None and 60 < two <= 600
