"""Counting requests in Redis over fixed windows: how many a subject (an address, a
link's digest) has made in the current window, and how long until the window ends once
it has made too many. A request can weigh more than one (a miss counts harder than a
hit). Losing Redis loses only the counts."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True)
class Limit:
    name: str  # part of the Redis key: one counter per limit and subject
    most: int  # the weight a subject may reach within a window
    window_seconds: int


def _key(limit: Limit, subject: str) -> str:
    return f"polku:limit:{limit.name}:{subject}"


async def hit(redis: Redis, limit: Limit, subject: str, weight: int = 1) -> int | None:
    """Count a request of `weight`; the seconds to wait when the subject is over the limit
    (the request itself counted), else None."""
    [wait] = await hit_all(redis, [(limit, subject)], weight)
    return wait


async def hit_all(
    redis: Redis, counted: list[tuple[Limit, str]], weight: int = 1
) -> list[int | None]:
    """Count a request against several limits in one round trip; for each, as `hit`."""
    async with redis.pipeline(transaction=True) as pipe:
        for limit, subject in counted:
            key = _key(limit, subject)
            # SET NX EX then INCRBY rather than EXPIRE NX, which Redis 6 does not have.
            pipe.set(key, 0, ex=limit.window_seconds, nx=True)
            pipe.incrby(key, weight)
            pipe.ttl(key)
        answers = await pipe.execute()
    waits: list[int | None] = []
    for index, (limit, _) in enumerate(counted):
        total, ttl = answers[3 * index + 1], answers[3 * index + 2]
        waits.append(None if int(total) <= limit.most else max(int(ttl), 1))
    return waits
