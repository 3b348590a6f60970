"""Fetching a feed link over and over while it is rotated: once the rotation has committed,
no fetch that starts gets the old feed, though the process had it in memory (issue 16,
point 5). The rotation has committed once the POST has answered, and already once
another database session sees the old link revoked, which may be a little earlier. The
process hears of changes late, as a busy one would, so it cannot count on PostgreSQL's
word of its own change arriving in time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from service.base.settings import Settings
from tests.api.feeds import (
    HearsLate,
    Process,
    all_heard,
    another_process,
    feed_path,
    token_hash,
)
from tests.api.test_calendar import client_in_group
from tests.factories import Factory

FETCHERS = 4
# A few times over, for the fetches to fall at different moments of the COMMIT.
ROUNDS = 5


@pytest.fixture
async def slow(settings: Settings) -> AsyncIterator[Process]:
    async with another_process(settings, HearsLate()) as slow:
        yield slow


async def test_no_fetch_after_the_rotation_committed_gets_the_old_feed(
    slow: Process, make: Factory, db: asyncpg.Connection
) -> None:
    api = slow.api
    coach, _, client_id = await client_in_group(api, make)
    url = f"/api/v1/clients/{client_id}/calendar-feed"
    new = feed_path(await api.post(url, headers=coach.headers))
    too_late: list[int] = []
    for _ in range(ROUNDS):
        old = new
        await all_heard()
        assert (await api.get(old)).status_code == 200
        assert slow.keeps(old)
        fetched: list[tuple[float, int]] = []  # (when a fetch started, its status)
        done = asyncio.Event()

        async def fetch(
            old: str = old, fetched: list[tuple[float, int]] = fetched, done: asyncio.Event = done
        ) -> None:
            while not done.is_set():
                started = time.monotonic()
                fetched.append((started, (await api.get(old)).status_code))
                await asyncio.sleep(0)

        async def committed(old: str = old) -> float:
            """When another session first sees the old link revoked."""
            while await db.fetchval(
                "SELECT revoked_at IS NULL FROM calendar_feeds WHERE token_hash = $1",
                token_hash(old),
            ):
                pass
            return time.monotonic()

        fetchers = [asyncio.create_task(fetch()) for _ in range(FETCHERS)]
        watcher = asyncio.create_task(committed())
        await asyncio.sleep(0.005)
        new = feed_path(await api.post(url, headers=coach.headers))
        answered = time.monotonic()
        fetched.append((answered, (await api.get(old)).status_code))
        seen = await watcher
        done.set()
        await asyncio.gather(*fetchers)

        assert 200 in [code for started, code in fetched if started < seen]
        too_late += [code for started, code in fetched if started > min(seen, answered)]
    stale = too_late.count(200)
    assert stale == 0, f"{stale} of {len(too_late)} fetches after the commit answered 200"
