"""Page links (the client_page_links table): issuing one, revoking it, and opening it.

A link is a bearer URL, like a calendar feed's: a long random token shown once and
stored only as its digest. A client has one live link; a new one revokes the old at
once. A link opens while it is neither revoked nor expired and the client's
client_page consent holds; revoking that consent revokes the link (migration 0020)."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import msgspec

from service.base import clock
from service.base.tokens import digest, new_secret
from service.client_page.sql import queries

TOKEN_PREFIX = "pp"
# Long enough to outlast a group of eight weeks and the weeks around it; a worker can
# always give a new link sooner.
LINK_LIFETIME = timedelta(days=90)


class OpenLink(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    client_id: str
    created_by: str
    expires_at: datetime


class IssuedLink(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    token: str
    expires_at: datetime


async def issue(conn: asyncpg.Connection, client_id: str, created_by: str) -> tuple[str, datetime]:
    """A new link's token and expiry; the client's earlier link stops working."""
    issued = await issue_link(conn, client_id, created_by)
    return issued.token, issued.expires_at


async def issue_link(conn: asyncpg.Connection, client_id: str, created_by: str) -> IssuedLink:
    """A new link (its id too); the client's earlier link stops working."""
    await queries.revoke_links(conn, client_id=client_id)
    token = new_secret(TOKEN_PREFIX)
    expires_at = clock.now() + LINK_LIFETIME
    link_id = await queries.insert_link(
        conn,
        client_id=client_id,
        token_hash=digest(token),
        created_by=created_by,
        expires_at=expires_at,
    )
    return IssuedLink(id=str(link_id), token=token, expires_at=expires_at)


async def revoke(conn: asyncpg.Connection, client_id: str) -> None:
    await queries.revoke_links(conn, client_id=client_id)


async def open_link(conn: asyncpg.Connection, token: str) -> OpenLink | None:
    """The live link behind `token`, or None (unknown, revoked, expired, no consent)."""
    if not token.startswith(f"{TOKEN_PREFIX}_") or len(token) > 100:
        return None
    row = await queries.open_link(conn, token_hash=digest(token))
    return None if row is None else msgspec.convert(dict(row), OpenLink)
