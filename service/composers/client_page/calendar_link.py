"""The client's calendar feed as their page offers it: the webcal link, a QR code of it
and the .ics download.

A feed link is stored only as its digest, so the page cannot show a link given earlier.
Instead the page's own feed link is derived from the page link's secret (an HMAC keyed
by it), and issued on the first visit while the client has no live feed link: whoever
holds the page link can read it, and the database holds digests only. A link a worker
gave the client stays theirs (the page does not replace it and shows none); a worker
rotating or revoking the feed link, or the calendar consent ending, ends the page's too,
and the page then derives the next one. Rotating or revoking the page link ends the feed
link it issued (migration 0022): a forwarded page link leaves no calendar behind."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import segno

from service.base.settings import Settings
from service.base.tokens import digest
from service.calendar.links import TOKEN_PREFIX
from service.client_page.links import OpenLink
from service.composers.client_page.sql import queries

# How many feed links one page link may go through (each rotation uses the next).
DERIVED_LINKS = 16


@dataclass(frozen=True)
class CalendarHelp:
    webcal_url: str
    download_url: str
    qr_svg: str


def _derived(page_token: str, number: int) -> str:
    mac = hmac.new(page_token.encode(), f"calendar feed {number}".encode(), hashlib.sha256)
    return f"{TOKEN_PREFIX}_{base64.urlsafe_b64encode(mac.digest()).decode().rstrip('=')}"


async def _feed_token(conn: asyncpg.Connection, page_token: str, link: OpenLink) -> str | None:
    candidates = [_derived(page_token, n) for n in range(DERIVED_LINKS)]
    hashes = [digest(token) for token in candidates]
    rows = await queries.client_feed_hashes(conn, client_id=link.client_id, hashes=hashes)
    known = {bytes(row["token_hash"]) for row in rows}
    live = next((bytes(row["token_hash"]) for row in rows if row["live"] and row["own"]), None)
    if live is not None:
        return candidates[hashes.index(live)] if live in hashes else None
    for token, token_hash in zip(candidates, hashes, strict=True):
        if token_hash not in known:
            try:
                await queries.insert_page_feed(
                    conn,
                    token_hash=token_hash,
                    client_id=link.client_id,
                    created_by=link.created_by,
                    page_link_id=link.id,
                )
            except asyncpg.UniqueViolationError:
                return None  # another request issued one this instant: shown next time
            return token
    return None


async def calendar_help(
    conn: asyncpg.Connection, settings: Settings, page_token: str, link: OpenLink, qr_title: str
) -> CalendarHelp | None:
    """The links and QR code, when a feed link is the page's to show (the caller has
    checked the client's calendar consent)."""
    token = await _feed_token(conn, page_token, link)
    if token is None:
        return None
    download = f"{settings.public_url.rstrip('/')}/feeds/{token}.ics"
    webcal = urlunsplit(urlsplit(download)._replace(scheme="webcal"))
    return CalendarHelp(webcal_url=webcal, download_url=download, qr_svg=qr_svg(webcal, qr_title))


# Drawing a QR code takes segno some 35 ms, far more than the rest of the page; a page
# link's feed link stays the same from read to read (derived from the page link), so
# each is drawn once. Bounded, and it holds only what the page itself shows.
@lru_cache(maxsize=1024)
def qr_svg(url: str, title: str) -> str:
    svg: str = segno.make(url, error="m").svg_inline(scale=4, title=title)
    return svg
