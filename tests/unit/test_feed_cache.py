"""The feed cache of one API process."""

from __future__ import annotations

import time

from service.calendar.cache import MAX_AGE_SECONDS, FeedCache, Reading, RenderedFeed

SMALL = RenderedFeed('"1"', b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def listening() -> FeedCache:
    cache = FeedCache()
    cache.listening_changed(True)
    return cache


def test_nothing_is_served_or_kept_while_a_commit_is_under_way() -> None:
    cache = listening()
    cache.put(b"feed", SMALL, cache.reading())
    reading = cache.reading()
    with cache.committing():
        assert cache.get(b"feed") is None
        cache.put(b"other", SMALL, cache.reading())
    assert cache.get(b"feed") is None  # forgotten once it committed
    assert cache.get(b"other") is None
    cache.put(b"feed", SMALL, reading)  # read before the commit
    assert cache.get(b"feed") is None
    cache.put(b"feed", SMALL, cache.reading())
    assert cache.get(b"feed") is SMALL


def test_a_rendering_lives_its_time_from_when_its_data_was_read() -> None:
    """What time alone ends (reach 30 days after a plan) shows no longer than this."""
    cache = listening()
    cache.put(b"feed", SMALL, cache.reading())
    assert cache.get(b"feed") is SMALL
    read_long_ago = Reading(cache.generation, time.monotonic() - MAX_AGE_SECONDS - 0.001)
    cache.put(b"feed", SMALL, read_long_ago)
    assert cache.get(b"feed") is None


def test_nothing_is_kept_while_no_one_listens() -> None:
    cache = FeedCache()
    cache.put(b"feed", SMALL, cache.reading())
    assert cache.get(b"feed") is None
