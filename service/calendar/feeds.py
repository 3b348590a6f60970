"""Calendar subscription links for a client, a staff member or a programme.

A link is a bearer URL: a long random token, stored only as a digest, rotated
by asking again and gone at once when revoked. A feed shows time, place, link,
the meeting's number and theme and the organiser's phone; no health or social
detail, and no other name than the owner's, except that a staff member's own
feed names the clients of their one-to-one meetings by first name and initial.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec

from service import audit
from service.accounts.auth import Actor
from service.calendar import ics, texts
from service.calendar.cache import FeedCache, RenderedFeed
from service.calendar.store import queries, revoke_client_feeds, revoke_staff_feeds
from service.errors import Conflict, NotFound
from service.ids import require_id
from service.programmes.access import queries as programme_queries
from service.programmes.access import require_manager
from service.reach import require_reach
from service.settings import Settings
from service.tokens import digest, new_secret

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
    body = ics.feed(f"Polku: {first['owner_name']}", EMPTY_FEED_ZONE, events)
    return RenderedFeed(etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', body=body)


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
