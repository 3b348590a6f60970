"""Serving calendar feeds: what each event says, the rendered feed and its cache, and the
HTTP answer (304, gzip).

A feed shows time, place, link, the meeting's number and theme and the organiser's
phone; no health or social detail, and no other name than the owner's, except that a
staff member's own feed names the clients of their one-to-one meetings by first name
and initial.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from db.pool import FairPool
from service.base.errors import NotFound
from service.base.tokens import digest
from service.calendar import ics, texts
from service.composers.feeds.cache import FeedCache, RenderedFeed
from service.composers.feeds.sql import queries

# Each meeting brings its own zone; a feed with none still names one.
EMPTY_FEED_ZONE = "Europe/Helsinki"


def feed_event(row: Mapping[str, Any], language: str, *, coach: bool) -> ics.SingleEvent:
    """A group session (it has a title), or a one-to-one meeting: titled by language and,
    in a coach's own feed, by the client's first name and surname initial. A coach's
    feed leaves out whom to call (themselves, or a colleague they know)."""
    place = ", ".join(part for part in (row["location_name"], row["location_address"]) if part)
    url, phone = row["online_url"], None if coach else row["phone"]
    if row["title"] is not None:
        kind, title = "session", row["title"]
        description = texts.session(
            language,
            number=row["number"],
            total=row["weeks"],
            theme=row["theme"],
            url=url,
            phone=phone,
        )
    else:
        kind = "meeting"
        title = texts.meeting_title(language, row["client_first_name"], row["client_last_name"])
        description = texts.meeting(language, url=url, phone=phone, coach=coach)
    return ics.SingleEvent(
        uid=ics.uid(kind, row["id"]),
        title=title,
        zone=row["timezone"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        location=place or None,
        url=url,
        description=description or None,
        sequence=row["sequence"],
        changed_at=row["changed_at"],
    )


async def render_feed(pool: FairPool, token: str) -> RenderedFeed:
    """The feed behind a token as ICS bytes; NotFound for an unknown or revoked token,
    or a client whose calendar consent has ended."""
    async with pool.acquire() as conn:
        rows = await queries.feed_events(conn, token_hash=digest(token))
    if not rows:
        raise NotFound("no such calendar feed")
    first = rows[0]
    coach = first["staff_id"] is not None
    events = [
        feed_event(row, first["language"], coach=coach) for row in rows if row["id"] is not None
    ]
    return RenderedFeed(ics.feed(f"Polku: {first['owner_name']}", EMPTY_FEED_ZONE, events))


async def read_feed(pool: FairPool, cache: FeedCache, token: str) -> RenderedFeed:
    """The feed behind a token: from `cache` without a database connection when it is
    there, else rendered and kept."""
    token_hash = digest(token)
    cached = cache.get(token_hash)
    if cached is None:
        async with cache.one_at_a_time(token_hash):
            cached = cache.get(token_hash)  # made by the request this one waited for
            if cached is None:
                reading = cache.reading()
                cached = await render_feed(pool, token)
                cache.put(token_hash, cached, reading)
    return cached


# Answering ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def answer(
    rendered: RenderedFeed, if_none_match: str | None, accept_encoding: str | None
) -> FeedAnswer:
    """What a GET of the feed answers: gzip when the feed is large enough and the client
    takes it, 304 when If-None-Match names the tag of what would be sent."""
    gzipped = rendered.compressible and accepts_gzip(accept_encoding or "")
    etag = rendered.gzip_etag if gzipped else rendered.etag
    # The encoding depends on Accept-Encoding, so any cache must tell requests apart by it.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if if_none_match is not None and none_match(if_none_match, etag):
        return FeedAnswer(304, headers, b"")
    if gzipped:
        return FeedAnswer(200, {**headers, "Content-Encoding": "gzip"}, rendered.gzipped)
    return FeedAnswer(200, headers, rendered.body)


_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")


def none_match(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (RFC 9110 13.1.2): `*`, or a list of
    entity tags compared weakly, so `W/"x"` names `"x"`."""
    if header.strip() == "*":
        return True
    return etag in _ENTITY_TAG.findall(header)


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 12.5.3): named, or as x-gzip,
    with a weight above 0; else covered by `*` with a weight above 0. A weight that is no
    qvalue counts as 0."""
    named: float | None = None
    anything: float | None = None
    for item in header.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            named = max(named or 0.0, _weight(parameters))
        elif coding == "*":
            anything = _weight(parameters)
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _weight(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _QVALUE.fullmatch(value) else 0.0
    return 1.0
