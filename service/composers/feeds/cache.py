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

When a rendering is missing, one request makes it (`FeedCache.one_at_a_time`): the
others that ask for it meanwhile wait for it, then find it kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import asyncpg
from litestar.connection import ASGIConnection

from service.base.listener import Listener

CHANNEL = "polku_calendar"
MAX_AGE_SECONDS = 600.0
# Below this a feed goes out as it is: gzip would save a few hundred bytes at most.
GZIP_MIN_BYTES = 2048


class RenderedFeed:
    """A feed's bytes, and the same bytes gzip-compressed: made once, the first time a
    client that takes gzip asks, and kept with the rendering.

    Each encoding has its own strong ETag. RFC 9110 (8.8.3) counts the content coding
    as part of the representation, so one strong tag for both would be wrong; a weak
    tag shared by both would be right, but subscription clients built on CalDAV code
    (which requires strong ETags, RFC 4791 5.3.4) may not send a weak one back. A client
    keeps its Accept-Encoding from fetch to fetch, so it gets back the tag it holds.
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        self.etag = f'"{digest}"'
        self.gzip_etag = f'"{digest}-gzip"'
        self.compressible = len(body) >= GZIP_MIN_BYTES

    @cached_property
    def gzipped(self) -> bytes:
        # mtime=0: the same feed compresses to the same bytes on every process.
        return gzip.compress(self.body, compresslevel=6, mtime=0)


@dataclass(frozen=True, slots=True)
class Reading:
    """When a rendering's data was read, and in which generation of the cache."""

    generation: int
    at: float


class FeedCache:
    """Renderings by key, dropped as the module says. The client's page keeps its
    renderings in one too (client_page/page_cache.py), with a shorter life."""

    def __init__(self, max_feeds: int = 20_000, max_age_seconds: float = MAX_AGE_SECONDS) -> None:
        self._entries: OrderedDict[bytes, tuple[float, RenderedFeed]] = OrderedDict()
        self._max_feeds = max_feeds
        self._max_age = max_age_seconds
        self.generation = 0
        # How many listeners are connected: one is enough to hear every change.
        self._listeners = 0
        # COMMITs under way on this process.
        self._commits = 0
        self._fetched: set[bytes] = set()
        # Keys whose rendering is being made, set when it is done.
        self._making: dict[bytes, asyncio.Event] = {}

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

    def put(
        self,
        token_hash: bytes,
        rendered: RenderedFeed,
        reading: Reading,
        for_at_most: float | None = None,
    ) -> None:
        """Keep a rendering of data read since `reading` (for at most `for_at_most`
        seconds when what it shows changes by then), unless a change has been committed
        or announced since (then it may already be stale)."""
        if self._commits or not self._listeners or reading.generation != self.generation:
            return
        age = self._max_age if for_at_most is None else min(self._max_age, for_at_most)
        self._entries[token_hash] = (reading.at + age, rendered)
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

    @contextlib.asynccontextmanager
    async def one_at_a_time(self, key: bytes) -> AsyncIterator[None]:
        """Around making the rendering of `key` after `get` found none. The first to come
        makes it; whoever comes meanwhile waits until it is done, then asks `get` again,
        all of them at once, and finds it kept (or, where it could not be kept, a change
        having come meanwhile, makes their own from fresh data). Without it, every
        request that found a rendering gone (a change, its time up) made it anew at
        once: fifty readers of one page, fifty renderings, the last answered a second
        late. A lock would not do: it hands the turn to one waiter per turn of the event
        loop, and under load each turn serves everyone else first (bench/README, run 5)."""
        making = self._making.get(key)
        if making is not None:
            await making.wait()
            yield
            return
        making = self._making[key] = asyncio.Event()
        try:
            yield
        finally:
            del self._making[key]
            making.set()

    def take_fetched(self) -> list[bytes]:
        fetched, self._fetched = list(self._fetched), set()
        return fetched


def feed_cache(connection: ASGIConnection[Any, Any, Any, Any]) -> FeedCache:
    """This API process's cache (see `create_app`)."""
    cache: FeedCache = connection.app.state.feed_cache
    return cache


def committing(connection: ASGIConnection[Any, Any, Any, Any]) -> AbstractContextManager[None]:
    """Held around every COMMIT of a request (see FeedCache.committing)."""
    return feed_cache(connection).committing()


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
