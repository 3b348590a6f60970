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

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import asyncpg

from service.base.listener import Listener

CHANNEL = "polku_calendar"
MAX_AGE_SECONDS = 600.0


@dataclass(frozen=True)
class RenderedFeed:
    etag: str
    body: bytes


class FeedCache:
    def __init__(self, max_feeds: int = 20_000) -> None:
        self._entries: OrderedDict[bytes, tuple[float, RenderedFeed]] = OrderedDict()
        self._max_feeds = max_feeds
        self.generation = 0
        # How many listeners (one per app) are connected: one is enough to hear every change.
        self._listeners = 0
        self._fetched: set[bytes] = set()

    @property
    def listening(self) -> bool:
        return self._listeners > 0

    def listening_changed(self, listening: bool) -> None:
        # Changes may have gone unheard while no one listened.
        self._listeners += 1 if listening else -1
        self.invalidate()

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


def subscribe(listener: Listener, feed_cache: FeedCache = cache) -> None:
    """Keep `feed_cache` honest through the app's listener."""
    listener.on(CHANNEL, feed_cache.invalidate)
    listener.on_listening(feed_cache.listening_changed)
    listener.add_chore(lambda conn: _note_fetches(conn, feed_cache))


async def _note_fetches(conn: asyncpg.Connection, feed_cache: FeedCache) -> None:
    fetched = feed_cache.take_fetched()
    if fetched:
        await conn.execute(
            "UPDATE calendar_feeds SET last_fetched_at = now() WHERE token_hash = ANY($1)",
            fetched,
        )
