"""Rendered feeds kept in memory, dropped the moment PostgreSQL says something changed.

Calendar apps poll their feeds over and over while the data rarely changes, so
each API process keeps the rendered bytes per token. Triggers NOTIFY on every
change that can touch a feed (a moved session, a revoked link, a withdrawn
consent, …) when it commits; a listener drops the whole cache on each one. If the
listening connection is lost, nothing is cached until it is back, so a revoked
link never outlives its revocation. Entries also expire after a while, for what
time alone changes (a consent's last day passing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import asyncpg

from db.pool import connect

logger = logging.getLogger("polku.calendar")

CHANNEL = "polku_calendar"
MAX_AGE_SECONDS = 600.0
FETCH_NOTE_SECONDS = 300.0


@dataclass(frozen=True)
class RenderedFeed:
    etag: str
    body: bytes


class FeedCache:
    def __init__(self, max_feeds: int = 20_000) -> None:
        self._entries: OrderedDict[bytes, tuple[float, RenderedFeed]] = OrderedDict()
        self._max_feeds = max_feeds
        self.generation = 0
        self.listening = False
        self._fetched: set[bytes] = set()

    def get(self, token_hash: bytes) -> RenderedFeed | None:
        entry = self._entries.get(token_hash)
        if entry is None or not self.listening:
            return None
        if entry[0] < time.monotonic():
            del self._entries[token_hash]
            return None
        self._fetched.add(token_hash)
        return entry[1]

    def put(self, token_hash: bytes, rendered: RenderedFeed, generation: int) -> None:
        """Keep a rendering made from data read during `generation`, unless a change
        has been announced since (then it may already be stale)."""
        if not self.listening or generation != self.generation:
            return
        self._entries[token_hash] = (time.monotonic() + MAX_AGE_SECONDS, rendered)
        if len(self._entries) > self._max_feeds:
            self._entries.popitem(last=False)

    def invalidate(self, *_: Any) -> None:
        self._entries.clear()
        self.generation += 1

    def take_fetched(self) -> list[bytes]:
        fetched, self._fetched = list(self._fetched), set()
        return fetched


cache = FeedCache()


async def listen(database_url: str, feed_cache: FeedCache = cache) -> None:
    """Keep `feed_cache` honest for as long as the app runs (a background task)."""
    delay = 1.0
    while True:
        conn: asyncpg.Connection | None = None
        try:
            conn = await connect(database_url)
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _, lost=lost: lost.set())
            await conn.add_listener(CHANNEL, feed_cache.invalidate)
            feed_cache.invalidate()
            feed_cache.listening = True
            delay = 1.0
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), FETCH_NOTE_SECONDS)
                await _note_fetches(conn, feed_cache)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            logger.warning("calendar cache listener lost its connection: %s", error)
        finally:
            feed_cache.listening = False
            feed_cache.invalidate()
            if conn is not None and not conn.is_closed():
                await conn.close()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 30.0)


async def _note_fetches(conn: asyncpg.Connection, feed_cache: FeedCache) -> None:
    fetched = feed_cache.take_fetched()
    if fetched and not conn.is_closed():
        await conn.execute(
            "UPDATE calendar_feeds SET last_fetched_at = now() WHERE token_hash = ANY($1)",
            fetched,
        )
