"""A small fixed-window rate limiter on Redis: at most `limit` hits per key in a window.

Every hit counts, allowed or not, so hammering a limit does not reset it. The keys are
the caller's to choose; they must not carry personal data (hash anything that is)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_seconds: int


async def hit(redis: Redis, limit: Limit, subject: str) -> int | None:
    """Count one hit of `subject` against `limit`: None while within it, else the
    seconds until the window ends (at least 1)."""
    key = f"polku:rate:{limit.name}:{subject}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=limit.window_seconds, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    if int(count) <= limit.limit:
        return None
    return max(int(ttl), 1)


async def hit_all(redis: Redis, checks: list[tuple[Limit, str]]) -> int | None:
    """Count a hit against each (limit, subject); the longest wait if any is over."""
    waits = [wait for limit, subject in checks if (wait := await hit(redis, limit, subject))]
    return max(waits) if waits else None
