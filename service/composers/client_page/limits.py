"""How often the client's page answers (GET /p/{token}, POST /p/{token}/rsvp), so that
nobody can guess links by trying or wear a forwarded link out.

Per address: generous enough for a family sharing a phone, or a mobile operator putting
many phones behind one address (a page read and an answer or two per visit), yet every
unknown, revoked or expired link from that address counts as fifteen requests, so
the address is stopped after about twenty wrong links in ten minutes. Per link (by its
digest, never the secret itself): more than any person reading and answering their
page needs. Over either, the page answers 429 with Retry-After and a short page saying
to wait: in the client's language when the link is theirs, else in all three."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from litestar import Request
from redis.asyncio import Redis

from db.pool import FairPool
from service.base.identity import client_address
from service.base.rate_limit import Count, Limit, count_each, hit
from service.client_page import links
from service.composers.client_page import page, texts
from service.composers.client_page.kept_reads import BATCH, KeptReads
from service.composers.client_page.sql import queries

logger = logging.getLogger("polku.page")

PER_ADDRESS = Limit("client-page:address", limit=300, window_seconds=600)
PER_LINK = Limit("client-page:link", limit=120, window_seconds=600)
# What a link that opens nothing adds to the request itself: 15 in all, so twenty such
# use up an address's window.
MISS_WEIGHT = 14

WORDS = {
    "fi": {
        "too_many_title": "Odota hetki",
        "too_many": "Sivua on avattu nyt monta kertaa peräkkäin. "
        "Odota {minutes} min ja yritä sitten uudelleen.",
    },
    "sv": {
        "too_many_title": "Vänta en stund",
        "too_many": "Sidan har öppnats många gånger i rad. "
        "Vänta {minutes} min och försök sedan igen.",
    },
    "en": {
        "too_many_title": "Please wait a moment",
        "too_many": "This page has been opened many times in a row. "
        "Wait {minutes} min, then try again.",
    },
}


@dataclass(frozen=True)
class TooMany:
    retry_after: int
    html: str


def _redis(request: Request[Any, Any, Any]) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


def _link_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def too_many_page(languages: list[str], retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return page.render(
        "too_many.html",
        languages[0],
        languages=languages,
        all_words={code: WORDS[code] for code in languages},
        minutes=minutes,
    )


def _all_languages(asked: str | None) -> list[str]:
    first = texts.language_of(asked, "fi")
    return [first, *(code for code in texts.LANGUAGES if code != first)]


def counted_here(request: Request[Any, Any, Any], token: str) -> bool:
    """For a page kept in memory: count the read on this process (kept_reads.py) when
    that is enough; False when the caller must `admit` it instead."""
    tally: KeptReads = request.app.state.kept_reads
    return tally.counted_here(client_address(request), _link_key(token))


async def _hand_over(
    redis: Redis, tally: KeptReads, address: str, link_key: str, held: dict[str, int]
) -> tuple[Count, Count]:
    """Count one read from `address`, with the reads `held` for its link, in Redis; what
    Redis answered for the address and for the link, also noted in `tally`."""
    checks = [(PER_ADDRESS, address), (PER_LINK, link_key)]
    # The link counts every read held for it; the address, its own.
    others = {other: n for other, n in held.items() if other != address}
    weights = [1 + held.get(address, 0), 1 + sum(held.values())]
    # Reads held for the link from other addresses count against those addresses too.
    checks += [(PER_ADDRESS, other) for other in others]
    weights += list(others.values())
    by_address, by_link, *_ = await count_each(redis, checks, weights)
    tally.note_room(
        address, link_key, PER_ADDRESS.limit - by_address.hits, PER_LINK.limit - by_link.hits
    )
    for subject, count, limit in (
        (f"address:{address}", by_address, PER_ADDRESS),
        (f"link:{link_key}", by_link, PER_LINK),
    ):
        if count.hits + BATCH > limit.limit:
            tally.count_exactly(subject, limit.window_seconds)
    return by_address, by_link


# Batches being handed over behind the reads that filled them, by link: one at a time
# per link (the reads meanwhile are held beyond the batch), and a read that must wait
# for Redis waits for it first, so that what Redis answers that read counts everything
# before it.
_handing_over: dict[str, asyncio.Task[None]] = {}


def handed_over_behind(request: Request[Any, Any, Any], token: str) -> bool:
    """For a page kept in memory whose read fills a batch: when both its subjects are
    far from their limits, hand the batch to Redis without making this read wait
    (kept_reads.py), and True; else False, and the caller must `admit` it."""
    tally: KeptReads = request.app.state.kept_reads
    address, link_key = client_address(request), _link_key(token)
    if not tally.far_from_limits(address, link_key):
        return False
    if link_key in _handing_over:
        tally.hold(address, link_key)
        return True
    held = tally.take(link_key)
    tally.handed_over(address, link_key, held)

    async def hand_over() -> None:
        try:
            await _hand_over(_redis(request), tally, address, link_key, held)
        except Exception as error:  # Redis away: counted with the next batch instead
            tally.hold_again(link_key, {**held, address: held.get(address, 0) + 1})
            logger.warning("page reads not handed to Redis: %s", type(error).__name__)

    task = asyncio.get_running_loop().create_task(hand_over())
    _handing_over[link_key] = task
    task.add_done_callback(lambda _: _handing_over.pop(link_key, None))
    return True


async def admit(
    request: Request[Any, Any, Any],
    db: asyncpg.Connection | FairPool,
    token: str,
    asked: str | None,
) -> TooMany | None:
    """Count the request, with the reads of the link held on this process; a refusal
    when its address or its link is over the limit."""
    tally: KeptReads = request.app.state.kept_reads
    address, link_key = client_address(request), _link_key(token)
    held = tally.take(link_key)
    behind = _handing_over.get(link_key)
    if behind is not None:
        await asyncio.shield(behind)
    by_address, by_link = await _hand_over(_redis(request), tally, address, link_key, held)
    if by_address.wait is not None:
        return TooMany(by_address.wait, too_many_page(_all_languages(asked), by_address.wait))
    if by_link.wait is None:
        return None
    wait = by_link.wait
    languages = _all_languages(asked)
    async with _connection(db) as conn:
        link = await links.open_link(conn, token)
        if link is not None:
            client = await queries.client(conn, client_id=link.client_id)
            languages = [texts.language_of(asked, client["language"])]
    return TooMany(wait, too_many_page(languages, wait))


def _connection(
    db: asyncpg.Connection | FairPool,
) -> contextlib.AbstractAsyncContextManager[asyncpg.Connection]:
    """The request's connection, or one from the pool (a page read takes none unless
    it has to)."""
    if isinstance(db, FairPool):
        return cast(contextlib.AbstractAsyncContextManager[asyncpg.Connection], db.acquire())
    return contextlib.nullcontext(db)


async def missed(request: Request[Any, Any, Any]) -> None:
    """A link that opened nothing: it counts harder against its address."""
    await hit(_redis(request), PER_ADDRESS, client_address(request), MISS_WEIGHT)
