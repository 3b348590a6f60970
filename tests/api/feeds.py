"""Helpers for feed tests: a second API process, links, and what a feed shows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import icalendar
import msgspec
from asgi_lifespan import LifespanManager
from httpx import AsyncClient
from litestar import Litestar

from service.app import create_app
from service.base.settings import Settings
from service.base.tokens import digest
from service.composers.feeds.cache import FeedCache

WITHIN_SECONDS = 1.0
LATE_SECONDS = 0.05


class HearsLate(FeedCache):
    """The cache of a process that hears of changes a while after PostgreSQL tells it (a
    busy machine, a slow network): the process cannot rely on hearing of its own."""

    def heard(self, table: str) -> None:
        asyncio.get_running_loop().call_later(LATE_SECONDS, super().heard, table)


async def all_heard() -> None:
    """Until what a HearsLate cache was told has reached it."""
    await asyncio.sleep(2 * LATE_SECONDS)


@dataclass(frozen=True)
class Process:
    """An API process: its HTTP client and what it keeps in memory."""

    api: AsyncClient
    cache: FeedCache

    def keeps(self, path: str) -> bool:
        """Whether this process holds the feed at `path` in memory."""
        return self.cache.get(token_hash(path)) is not None


def process(app: Litestar, api: AsyncClient) -> Process:
    cache: FeedCache = app.state.feed_cache
    return Process(api, cache)


@asynccontextmanager
async def another_process(
    settings: Settings, cache: FeedCache | None = None
) -> AsyncIterator[Process]:
    """Another API process (another app in this event loop), listening."""
    app = create_app(msgspec.structs.replace(settings, db_pool_size=2))
    cache = cache or app.state.feed_cache
    app.state.feed_cache = cache
    async with LifespanManager(app):
        deadline = time.monotonic() + 10
        while not cache.listening:
            assert time.monotonic() < deadline, "the other process never started listening"
            await asyncio.sleep(0.01)
        transport = httpx.ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://polku.test") as client:
            yield Process(client, cache)


def token_hash(path: str) -> bytes:
    return digest(path.removeprefix("/feeds/").removesuffix(".ics"))


def feed_path(link: httpx.Response) -> str:
    assert link.status_code == 201, link.text
    path: str = link.json()["url"].removeprefix("http://polku.test")
    return path


async def within_a_second(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `check` holds; fail if that takes longer than WITHIN_SECONDS."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < WITHIN_SECONDS, f"after a second, still: {what}"
        await asyncio.sleep(0.02)


async def status(api: AsyncClient, path: str) -> int:
    return (await api.get(path)).status_code


def summaries(body: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


async def shown(api: AsyncClient, path: str) -> list[str]:
    """The summaries of the events the feed at `path` shows."""
    response = await api.get(path)
    assert response.status_code == 200, response.text
    return summaries(response.content)
