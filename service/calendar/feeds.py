"""Calendar subscription links for a client, a staff member or a programme.

A link is a bearer URL: a long random token, stored only as a digest, rotated
by asking again and gone at once when revoked. A feed shows time, place, link,
the meeting's number and theme and the organiser's phone; no health or social
detail, and no other name than the owner's, except that a staff member's own
feed names the clients of their one-to-one meetings by first name and initial.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.reach import require_reach
from service.base.settings import Settings
from service.base.tokens import digest, new_secret
from service.calendar import ics, texts
from service.calendar.cache import FeedCache, RenderedFeed
from service.calendar.store import queries, revoke_client_feeds, revoke_staff_feeds
from service.programmes.access import require_manager
from service.programmes.sql import queries as programme_queries

TOKEN_PREFIX = "pf"


class FeedLinks(msgspec.Struct):
    url: str
    webcal_url: str


async def _issue(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, **owner: str | None
) -> FeedLinks:
    await queries.revoke_feeds(conn, **owner)
    token = new_secret(TOKEN_PREFIX)
    await queries.insert_feed(conn, token_hash=digest(token), created_by=actor.id, **owner)
    url = f"{settings.public_url.rstrip('/')}/feeds/{token}.ics"
    return FeedLinks(url=url, webcal_url=urlunsplit(urlsplit(url)._replace(scheme="webcal")))


async def client_feed(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, client_id: str
) -> FeedLinks:
    """A new link for the client's sessions and meetings; any earlier link stops working."""
    await require_reach(conn, actor, client_id, "calendar_feed.create", lock=True)
    if not await queries.has_calendar_consent(conn, client_id=client_id):
        raise Conflict("the client has no valid calendar_feed consent")
    links = await _issue(
        conn, settings, actor, client_id=client_id, staff_id=None, programme_id=None
    )
    await audit.log_action(conn, actor, "calendar_feed.create", client_id=client_id)
    return links


async def revoke_client_feed(conn: asyncpg.Connection, actor: Actor, client_id: str) -> None:
    await require_reach(conn, actor, client_id, "calendar_feed.revoke", lock=True)
    await revoke_client_feeds(conn, client_id)
    await audit.log_action(conn, actor, "calendar_feed.revoke", client_id=client_id)


async def staff_feed(conn: asyncpg.Connection, settings: Settings, actor: Actor) -> FeedLinks:
    return await _issue(conn, settings, actor, client_id=None, staff_id=actor.id, programme_id=None)


async def revoke_staff_feed(conn: asyncpg.Connection, actor: Actor) -> None:
    await revoke_staff_feeds(conn, actor.id)


async def programme_feed(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, programme_id: str
) -> FeedLinks:
    require_id(programme_id, NotFound("programme not found"))
    if await programme_queries.programme(conn, id=programme_id) is None:
        raise NotFound("programme not found")
    await require_manager(conn, actor, programme_id)
    return await _issue(
        conn, settings, actor, client_id=None, staff_id=None, programme_id=programme_id
    )


async def revoke_programme_feed(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    require_id(programme_id, NotFound("programme not found"))
    await require_manager(conn, actor, programme_id)
    await queries.revoke_feeds(conn, client_id=None, staff_id=None, programme_id=programme_id)


# Serving ------------------------------------------------------------------------


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


async def render_feed(pool: asyncpg.Pool, token: str) -> RenderedFeed:
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


async def read_feed(pool: asyncpg.Pool, cache: FeedCache, token: str) -> RenderedFeed:
    """The feed behind a token: from `cache` without a database connection when it is
    there, else rendered and kept."""
    token_hash = digest(token)
    cached = cache.get(token_hash)
    if cached is not None:
        return cached
    reading = cache.reading()
    rendered = await render_feed(pool, token)
    cache.put(token_hash, rendered, reading)
    return rendered


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
