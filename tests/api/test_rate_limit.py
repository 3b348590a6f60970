"""The Redis rate limiter (service/base/rate_limit.py) against the real Valkey: a fixed
window per limit and subject, every hit counted, the longest wait of several."""

from __future__ import annotations

from redis.asyncio import Redis

from service.base.rate_limit import Limit, hit, hit_all

THREE_A_MINUTE = Limit("test-three", 3, 60)
ONE_AN_HOUR = Limit("test-one", 1, 3600)


async def test_a_limit_allows_its_number_then_names_the_wait(redis: Redis) -> None:
    assert [await hit(redis, THREE_A_MINUTE, "a") for _ in range(3)] == [None, None, None]
    wait = await hit(redis, THREE_A_MINUTE, "a")
    assert wait is not None and 1 <= wait <= 60
    # Each subject has its own count, and refused hits count too.
    assert await hit(redis, THREE_A_MINUTE, "b") is None
    assert await redis.get("polku:rate:test-three:a") == b"4"


async def test_several_limits_answer_the_longest_wait(redis: Redis) -> None:
    checks = [(THREE_A_MINUTE, "x"), (ONE_AN_HOUR, "x")]
    assert await hit_all(redis, checks) is None
    wait = await hit_all(redis, checks)
    assert wait is not None and wait > 60  # the hour, not the minute
    await redis.delete("polku:rate:test-one:x")
    assert await hit_all(redis, checks) is None  # the third of three a minute
