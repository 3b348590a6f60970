"""The client's page kept rendered in memory, per link and asked language, like the
calendar feeds (feeds/cache.py, whose cache class it uses): dropped by every change this
process commits and by every change announced on the calendar channel (the page shows
what a feed shows, and its own additions announce themselves too: migration 0028).

What time alone changes is bounded: a rendering lives a minute at most, and never past
the moment something on it begins or ends, or its link expires."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection

from service.base import clock
from service.base.listener import Listener
from service.base.tokens import digest
from service.composers.feeds.cache import CHANNEL, FeedCache

MAX_AGE_SECONDS = 60.0


def new_cache() -> FeedCache:
    return FeedCache(max_feeds=20_000, max_age_seconds=MAX_AGE_SECONDS)


def key(token: str, asked_language: str | None) -> bytes:
    """The link's digest (never the secret itself) and the language asked for."""
    return digest(token) + (asked_language or "").encode()[:8]


def seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - clock.now()).total_seconds())


def page_cache(connection: ASGIConnection[Any, Any, Any, Any]) -> FeedCache:
    cache: FeedCache = connection.app.state.page_cache
    return cache


def committing(connection: ASGIConnection[Any, Any, Any, Any]) -> AbstractContextManager[None]:
    """Held around every COMMIT of a request (see FeedCache.committing)."""
    return page_cache(connection).committing()


def subscribe(listener: Listener, cache: FeedCache) -> None:
    listener.on(CHANNEL, cache.heard)
    listener.on_listening(cache.listening_changed)
