"""A small fixed-window rate limiter on Redis: at most `limit` hits per key in a window.

Every hit counts, allowed or not, so hammering a limit does not reset it. A hit can
weigh more than one (a miss counting harder than a hit). The keys are the caller's to
choose; they must not carry personal data (hash anything that is). Losing Redis loses
only the counts."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.core import AsyncScript


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


# One command for every key of a request: SET NX EX starts a window (rather than EXPIRE
# NX, which Redis 6 does not have), INCRBY counts, TTL says how long the window lasts.
# A script runs as a whole, and costs the API far less to send and read than a
# MULTI/EXEC of three commands per key.
_HIT = """
local keys = tonumber(ARGV[1])
local answers = {}
for index, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[1 + keys + index], 'NX')
  answers[2 * index - 1] = redis.call('INCRBY', key, ARGV[1 + index])
  answers[2 * index] = redis.call('TTL', key)
end
return answers
"""


@functools.lru_cache(maxsize=16)
def _script(redis: Redis) -> AsyncScript:
    """The script for this client: it sends the script's digest, and the script itself
    again when the server does not know it (after a restart or SCRIPT FLUSH)."""
    return redis.register_script(_HIT)


@dataclass(frozen=True)
class Count:
    """Where a subject stands in its window: its hits so far, and the seconds until
    the window ends (at least 1) when it is over its limit, else None."""

    hits: int
    wait: int | None


async def count_each(
    redis: Redis, checks: list[tuple[Limit, str]], weights: Sequence[int]
) -> list[Count]:
    """Count a hit of each weight against each (limit, subject) in one round trip."""
    keys = [f"polku:rate:{limit.name}:{subject}" for limit, subject in checks]
    windows = [limit.window_seconds for limit, _ in checks]
    answers = await _script(redis)(keys=keys, args=[len(keys), *weights, *windows])
    counts = []
    for index, (limit, _) in enumerate(checks):
        hits, ttl = int(answers[2 * index]), int(answers[2 * index + 1])
        counts.append(Count(hits, None if hits <= limit.limit else max(ttl, 1)))
    return counts


async def hit_each(
    redis: Redis, checks: list[tuple[Limit, str]], weight: int = 1
) -> list[int | None]:
    """Count a hit of `weight` against each (limit, subject) in one round trip; for
    each, as `hit` answers."""
    counts = await count_each(redis, checks, [weight] * len(checks))
    return [count.wait for count in counts]
