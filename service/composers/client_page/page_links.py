"""Staff give a client their page link, or revoke it: only for a client in reach and,
to give one, with a valid client_page consent."""

from __future__ import annotations

import asyncpg

from service.base import audit
from service.base.errors import Conflict
from service.base.identity import Actor
from service.base.reach import require_reach
from service.base.settings import Settings
from service.client_page import links
from service.client_page.types import PageLinkOut
from service.composers.client_page.sql import queries


def page_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/p/{token}"


async def give_link(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, client_id: str
) -> PageLinkOut:
    """A new link to the client's page; any earlier link stops working at once."""
    await require_reach(conn, actor, client_id, "client_page.link_create", lock=True)
    if not await queries.has_page_consent(conn, client_id=client_id):
        raise Conflict(
            "the client has no valid client_page consent, or the client relationship is closed"
        )
    token, expires_at = await links.issue(conn, client_id, actor.id)
    await audit.log_action(conn, actor, "client_page.link_create", client_id=client_id)
    return PageLinkOut(url=page_url(settings, token), expires_at=expires_at)


async def revoke_link(conn: asyncpg.Connection, actor: Actor, client_id: str) -> None:
    await require_reach(conn, actor, client_id, "client_page.link_revoke", lock=True)
    await links.revoke(conn, client_id)
    await audit.log_action(conn, actor, "client_page.link_revoke", client_id=client_id)
