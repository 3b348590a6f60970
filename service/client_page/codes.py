"""One-time codes that open the personal part of a client's page: six digits, valid
for ten minutes, five tries; after the fifth wrong one the link takes no code and no
try for a pause. Stored as digests salted with the code's own id; the digits travel in
the row only until the message carrying them is composed (migration 0023)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import asyncpg

from service.base import clock
from service.base.tokens import digest
from service.client_page.sql import queries

CODE_LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
PAUSE = timedelta(minutes=15)


def _code_digest(code_id: str, code: str) -> bytes:
    return digest(f"{code_id}:{code}")


async def paused_until(conn: asyncpg.Connection, link_id: str) -> datetime | None:
    """Until when the link is paused after too many wrong tries, if it is now."""
    until: datetime | None = await queries.pause_of(conn, link_id=link_id, now=clock.now())
    return until


async def issue(conn: asyncpg.Connection, link_id: str, channel: str) -> tuple[str, str]:
    """A new code for the link (any earlier open one stops working): its id and digits."""
    now = clock.now()
    await queries.retire_codes(conn, link_id=link_id, now=now)
    code_id = str(uuid.uuid4())
    code = f"{secrets.randbelow(1_000_000):06d}"
    await queries.insert_code(
        conn,
        id=code_id,
        link_id=link_id,
        code_hash=_code_digest(code_id, code),
        code_text=code,
        channel=channel,
        now=now,
        expires_at=now + CODE_LIFETIME,
    )
    return code_id, code


@dataclass(frozen=True)
class Verdict:
    outcome: Literal["right", "wrong", "expired", "none", "paused"]
    tries_left: int = 0
    paused_until: datetime | None = None


async def verify(conn: asyncpg.Connection, link_id: str, given: str) -> Verdict:
    """Try `given` against the link's open code."""
    pause = await paused_until(conn, link_id)
    if pause is not None:
        return Verdict("paused", paused_until=pause)
    code = await queries.open_code(conn, link_id=link_id)
    if code is None:
        return Verdict("none")
    now = clock.now()
    if code["expires_at"] <= now:
        return Verdict("expired")
    cleaned = given.strip().replace(" ", "")
    if len(cleaned) == 6 and cleaned.isdigit():
        right = secrets.compare_digest(_code_digest(str(code["id"]), cleaned), code["code_hash"])
        if right:
            await queries.use_code(conn, id=code["id"], now=now)
            return Verdict("right")
    tries = await queries.wrong_try(
        conn, id=code["id"], max_tries=MAX_TRIES, now=now, paused_until=now + PAUSE
    )
    if tries >= MAX_TRIES:
        return Verdict("paused", paused_until=now + PAUSE)
    return Verdict("wrong", tries_left=MAX_TRIES - tries)
