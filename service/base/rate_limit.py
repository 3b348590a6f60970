"""A small fixed-window rate limiter on Redis: at most `limit` hits per key in a window.

Every hit counts, allowed or not, so hammering a limit does not reset it. A hit can
weigh more than one (a miss counting harder than a hit). The keys are the caller's to
choose; they must not carry personal data (hash anything that is). Losing Redis loses
only the counts."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_seconds: int


async def hit(redis: Redis, limit: Limit, subject: str, weight: int = 1) -> int | None:
    """Count one hit of `subject` against `limit`: None while within it, else the
    seconds until the window ends (at least 1)."""
    [wait] = await hit_each(redis, [(limit, subject)], weight)
    return wait


async def hit_all(redis: Redis, checks: list[tuple[Limit, str]]) -> int | None:
    """Count a hit against each (limit, subject); the longest wait if any is over."""
    waits = [wait for wait in await hit_each(redis, checks) if wait is not None]
    return max(waits) if waits else None


async def hit_each(
    redis: Redis, checks: list[tuple[Limit, str]], weight: int = 1
) -> list[int | None]:
    """Count a hit of `weight` against each (limit, subject) in one round trip; for
    each, as `hit` answers."""
    async with redis.pipeline(transaction=True) as pipe:
        for limit, subject in checks:
            key = f"polku:rate:{limit.name}:{subject}"
            # SET NX EX then INCRBY rather than EXPIRE NX, which Redis 6 does not have.
            pipe.set(key, 0, ex=limit.window_seconds, nx=True)
            pipe.incrby(key, weight)
            pipe.ttl(key)
        answers = await pipe.execute()
    waits: list[int | None] = []
    for index, (limit, _) in enumerate(checks):
        count, ttl = answers[3 * index + 1], answers[3 * index + 2]
        waits.append(None if int(count) <= limit.limit else max(int(ttl), 1))
    return waits
