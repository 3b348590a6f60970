"""The feed cache of one API process, and how a feed answers a request: ETags, encodings,
conditional requests."""

from __future__ import annotations

import asyncio
import gzip
import time

import pytest

from service.composers.feeds.cache import (
    GZIP_MIN_BYTES,
    MAX_AGE_SECONDS,
    FeedCache,
    Reading,
    RenderedFeed,
)
from service.composers.feeds.serving import accepts_gzip, answer, none_match

SMALL = RenderedFeed(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
LARGE = RenderedFeed(b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 200)


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


async def read_through(
    cache: FeedCache, reader: int, made: list[int], change_while_making: bool
) -> RenderedFeed:
    """A reader as the routes read: from the cache, else made once for everyone asking;
    with `change_while_making`, the first to make it hears of a change meanwhile."""
    kept = cache.get(b"feed")
    if kept is not None:
        return kept
    async with cache.one_at_a_time(b"feed"):
        kept = cache.get(b"feed")
        if kept is not None:
            return kept
        reading = cache.reading()
        made.append(reader)
        await asyncio.sleep(0)
        if reader == 0 and change_while_making:
            cache.heard("sessions")
        rendered = RenderedFeed(f"reader {reader}".encode())
        cache.put(b"feed", rendered, reading)
        return rendered


async def test_who_comes_while_a_rendering_is_made_waits_and_takes_it() -> None:
    cache = listening()
    made: list[int] = []
    answers = await asyncio.gather(
        *(read_through(cache, reader, made, change_while_making=False) for reader in range(5))
    )
    assert made == [0]
    assert {answer.body for answer in answers} == {b"reader 0"}


async def test_who_waited_for_a_rendering_that_could_not_be_kept_makes_their_own() -> None:
    """A change heard while the first reader made the rendering: it is not kept, and
    those who waited read anew rather than take what was made before the change."""
    cache = listening()
    made: list[int] = []
    answers = await asyncio.gather(
        *(read_through(cache, reader, made, change_while_making=True) for reader in range(5))
    )
    assert made == [0, 1, 2, 3, 4]
    assert [answer.body for answer in answers] == [f"reader {n}".encode() for n in range(5)]


def test_a_feed_is_compressed_once_and_always_to_the_same_bytes() -> None:
    assert LARGE.compressible and not SMALL.compressible
    assert len(LARGE.body) >= GZIP_MIN_BYTES > len(SMALL.body)
    assert LARGE.gzipped is LARGE.gzipped
    assert gzip.decompress(LARGE.gzipped) == LARGE.body
    assert RenderedFeed(LARGE.body).gzipped == LARGE.gzipped  # on another process too
    assert LARGE.etag != LARGE.gzip_etag
    assert LARGE.etag.startswith('"') and LARGE.gzip_etag.startswith('"')


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZip;Q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("gzip;q=0.001", True),
        ("", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("*, gzip;q=0", False),
        ("gzip;q=2", False),
        ("gzip;q=nan", False),
        ("gzip;q=", False),
        ("gzips", False),
        (";;,,;=", False),
    ],
)
def test_accept_encoding(header: str, takes: bool) -> None:
    assert accepts_gzip(header) is takes


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", W/"abc"', True),
        ('W/"x",W/"abc" , "y"', True),
        ("*", True),
        (" * ", True),
        ('"abc-gzip"', False),
        ('"x", "y"', False),
        ("abc", False),
        ('"ab"c"', False),
        ('"a,b", "abc"', True),
        ("", False),
        ('W/"', False),
        ('"*"', False),
    ],
)
def test_if_none_match(header: str, matches: bool) -> None:
    assert none_match(header, '"abc"') is matches


def test_what_a_get_answers() -> None:
    plain = answer(LARGE, None, None)
    assert (plain.status, plain.body) == (200, LARGE.body)
    assert plain.headers["ETag"] == LARGE.etag
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in plain.headers

    packed = answer(LARGE, None, "gzip, deflate")
    assert (packed.status, packed.body) == (200, LARGE.gzipped)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["ETag"] == LARGE.gzip_etag

    assert answer(LARGE, LARGE.gzip_etag, "gzip").status == 304
    assert answer(LARGE, LARGE.etag, "gzip").status == 200  # a copy in another encoding
    assert answer(SMALL, SMALL.etag, "gzip").status == 304  # too small to compress
    not_modified = answer(LARGE, f"W/{LARGE.etag}", None)
    assert (not_modified.status, not_modified.body) == (304, b"")
    assert not_modified.headers["ETag"] == LARGE.etag
