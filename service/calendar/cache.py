"""Rendered feeds kept in memory, dropped the moment anything they show may have changed.

Calendar apps poll their feeds over and over while the data rarely changes, so each API
process (each app) keeps the rendered bytes per token. They are dropped

* by every change this process commits: while its COMMIT is under way nothing is
  served from memory or kept, and when the COMMIT returns everything is forgotten
  (`FeedCache.committing`, around every write transaction in service/http.py). So the
  first fetch here after the change committed reads what it committed, whatever the
  change was, and a rotated or revoked link is dead here the moment it is dead in the
  database;
* by every change committed anywhere else that can touch a feed (a moved session, a
  revoked link, a withdrawn consent, a removed responsible worker, …): triggers
  NOTIFY when it commits, and the listener drops everything on each one. If the
  listening connection is lost, nothing is kept until it is back.

What time alone changes (a consent's last day passing; reach ending 30 days after a
group, a plan or a referral) is announced by nothing: a rendering is kept for at most
MAX_AGE_SECONDS from the moment its data was read.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection

from service.listener import Listener

CHANNEL = "polku_calendar"
MAX_AGE_SECONDS = 600.0


@dataclass(frozen=True)
class RenderedFeed:
    etag: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Reading:
    """When a rendering's data was read, and in which generation of the cache."""

    generation: int
    at: float


class FeedCache:
    def __init__(self, max_feeds: int = 20_000) -> None:
        self._entries: OrderedDict[bytes, tuple[float, RenderedFeed]] = OrderedDict()
        self._max_feeds = max_feeds
        self.generation = 0
        # How many listeners are connected: one is enough to hear every change.
        self._listeners = 0
        # COMMITs under way on this process.
        self._commits = 0
        self._fetched: set[bytes] = set()

    @property
    def listening(self) -> bool:
        return self._listeners > 0

    def listening_changed(self, listening: bool) -> None:
        # Changes may have gone unheard while no one listened.
        self._listeners += 1 if listening else -1
        self.invalidate()

    def get(self, token_hash: bytes) -> RenderedFeed | None:
        if self._commits or not self._listeners:
            return None
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[token_hash]
            return None
        self._fetched.add(token_hash)
        return entry[1]

    def reading(self) -> Reading:
        """Taken before reading a feed's data, for `put`."""
        return Reading(self.generation, time.monotonic())

    def put(self, token_hash: bytes, rendered: RenderedFeed, reading: Reading) -> None:
        """Keep a rendering of data read since `reading`, unless a change has been
        committed or announced since (then it may already be stale)."""
        if self._commits or not self._listeners or reading.generation != self.generation:
            return
        self._entries[token_hash] = (reading.at + MAX_AGE_SECONDS, rendered)
        if len(self._entries) > self._max_feeds:
            self._entries.popitem(last=False)

    def invalidate(self) -> None:
        self._entries.clear()
        self.generation += 1

    def heard(self, _table: str) -> None:
        """PostgreSQL says a change that can touch a feed has committed somewhere."""
        self.invalidate()

    @contextlib.contextmanager
    def committing(self) -> Iterator[None]:
        """Around a COMMIT on this process: the moment it lands in the database falls
        somewhere inside, so until it returns every fetch reads the database, and
        afterwards nothing rendered before it is served or kept."""
        self._commits += 1
        try:
            yield
        finally:
            self._commits -= 1
            self.invalidate()

    def take_fetched(self) -> list[bytes]:
        fetched, self._fetched = list(self._fetched), set()
        return fetched


def feed_cache(connection: ASGIConnection[Any, Any, Any, Any]) -> FeedCache:
    """This API process's cache (see `create_app`)."""
    cache: FeedCache = connection.app.state.feed_cache
    return cache


def subscribe(listener: Listener, cache: FeedCache) -> None:
    """Keep `cache` honest through the app's listener."""
    listener.on(CHANNEL, cache.heard)
    listener.on_listening(cache.listening_changed)
    listener.add_chore(lambda conn: _note_fetches(conn, cache))


async def _note_fetches(conn: asyncpg.Connection, cache: FeedCache) -> None:
    fetched = cache.take_fetched()
    if fetched:
        await conn.execute(
            "UPDATE calendar_feeds SET last_fetched_at = now() WHERE token_hash = ANY($1)",
            fetched,
        )
