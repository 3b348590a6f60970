"""Calendar subscription links for a client, a staff member or a programme: who may
ask for one, and revoking it. A link is rotated by asking again and gone at once when
revoked (service/calendar/links.py keeps them)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict
from service.base.identity import Actor
from service.base.reach import require_reach
from service.base.settings import Settings
from service.calendar import links
from service.composers.feeds.sql import queries
from service.programmes.access import require_manager, require_programme


class FeedLinks(msgspec.Struct):
    url: str
    webcal_url: str


async def _issue(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, **owner: str
) -> FeedLinks:
    token = await links.issue(conn, actor.id, **owner)
    url = f"{settings.public_url.rstrip('/')}/feeds/{token}.ics"
    return FeedLinks(url=url, webcal_url=urlunsplit(urlsplit(url)._replace(scheme="webcal")))


async def client_feed(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, client_id: str
) -> FeedLinks:
    """A new link for the client's sessions and meetings; any earlier link stops working."""
    await require_reach(conn, actor, client_id, "calendar_feed.create", lock=True)
    if not await queries.has_calendar_consent(conn, client_id=client_id):
        raise Conflict(
            "the client has no valid calendar_feed consent, or the client relationship is closed"
        )
    issued = await _issue(conn, settings, actor, client_id=client_id)
    await audit.log_action(conn, actor, "calendar_feed.create", client_id=client_id)
    return issued


async def revoke_client_feed(conn: asyncpg.Connection, actor: Actor, client_id: str) -> None:
    await require_reach(conn, actor, client_id, "calendar_feed.revoke", lock=True)
    await links.revoke_client_feeds(conn, client_id)
    await audit.log_action(conn, actor, "calendar_feed.revoke", client_id=client_id)


async def staff_feed(conn: asyncpg.Connection, settings: Settings, actor: Actor) -> FeedLinks:
    return await _issue(conn, settings, actor, staff_id=actor.id)


async def revoke_staff_feed(conn: asyncpg.Connection, actor: Actor) -> None:
    await links.revoke_staff_feeds(conn, actor.id)


async def programme_feed(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, programme_id: str
) -> FeedLinks:
    await require_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    return await _issue(conn, settings, actor, programme_id=programme_id)


async def revoke_programme_feed(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    await require_programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    await links.revoke_programme_feeds(conn, programme_id)
