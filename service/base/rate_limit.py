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
    key = _key(limit, subject)
    async with redis.pipeline(transaction=True) as pipe:
        # SET NX EX then INCRBY rather than EXPIRE NX, which Redis 6 does not have.
        pipe.set(key, 0, ex=limit.window_seconds, nx=True)
        pipe.incrby(key, weight)
        pipe.ttl(key)
        _, total, ttl = await pipe.execute()
    if int(total) <= limit.most:
        return None
    return max(int(ttl), 1)
