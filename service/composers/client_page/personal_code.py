"""Asking for the one-time code that opens the personal part of a client's page and
giving it: the form token checked, rate limits per link and per address (a polite 429
page), the code sent on a channel the client has consented to, five tries then a
pause, and a right code setting the personal part's cookie. Each step is audited with
the client as the actor."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import asyncpg
from redis.asyncio import Redis

from service.base import clock, rate_limit
from service.base.rate_limit import Limit
from service.client_page import acting, codes, sessions
from service.client_page.form_tokens import is_valid
from service.composers.client_page import texts
from service.composers.client_page.personal_visit import Outcome, Visit, begin
from service.composers.client_page.sql import queries
from service.notifications.compose_code import queue_code

CODE_PER_LINK = Limit("page-code:link", 5, 3600)
CODE_PER_ADDRESS = Limit("page-code:address", 30, 3600)
VERIFY_PER_LINK = Limit("page-verify:link", 20, 900)
VERIFY_PER_ADDRESS = Limit("page-verify:address", 100, 900)
CHANNELS = ("sms", "email")


def _address_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:32]


async def _limited(
    redis: Redis, visit: Visit, address: str, per_link: Limit, per_address: Limit
) -> Outcome | None:
    wait = await rate_limit.hit_all(
        redis, [(per_address, _address_key(address)), (per_link, visit.link.id)]
    )
    if wait is None:
        return None
    refused = visit.message(429, "too_many")
    return Outcome(429, refused.html, retry_after=wait)


async def _channels(conn: asyncpg.Connection, client_id: str) -> list[str]:
    row = await queries.code_channels(conn, client_id=client_id)
    return [channel for channel in CHANNELS if row[channel]]


async def code_page(
    conn: asyncpg.Connection, visit: Visit, status: int = 200, notice: str | None = None
) -> Outcome:
    channels = await _channels(conn, visit.link.client_id)
    html = visit.render(
        "personal_code.html",
        channels=channels,
        notice=notice,
        code_url=visit.action("/code"),
        verify_url=visit.action("/verify"),
    )
    return Outcome(status, html)


async def send_code(
    conn: asyncpg.Connection,
    redis: Redis,
    token: str,
    form: Mapping[str, str],
    address: str,
    request_id: str | None,
) -> Outcome:
    visit = await begin(conn, token, form.get("lang"))
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    refused = await _limited(redis, visit, address, CODE_PER_LINK, CODE_PER_ADDRESS)
    if refused is not None:
        return refused
    pause = await codes.paused_until(conn, visit.link.id)
    if pause is not None:
        return _paused(visit, pause)
    channels = await _channels(conn, visit.link.client_id)
    asked_channel = form.get("channel")
    channel = asked_channel if asked_channel in channels else (channels[0] if channels else None)
    if channel is None:
        return visit.message(409, "no_channel", back=visit.url())
    code_id, _ = await codes.issue(conn, visit.link.id, channel)
    await queue_code(conn, visit.link.client_id, channel, code_id)
    await acting.audit(
        conn,
        visit.link.client_id,
        "client_page.code_send",
        request_id=request_id,
        detail={"channel": channel},
    )
    sent = f"sent={channel}" if not visit.asked else f"lang={visit.asked}&sent={channel}"
    return Outcome(303, location=f"/p/{token}/me?{sent}")


def _paused(visit: Visit, until: Any) -> Outcome:
    seconds = max(int((until - clock.now()).total_seconds()), 1)
    minutes = -(-seconds // 60)
    refused = visit.message(429, "paused", minutes=minutes)
    return Outcome(429, refused.html, retry_after=seconds)


async def verify_code(
    conn: asyncpg.Connection,
    redis: Redis,
    token: str,
    form: Mapping[str, str],
    address: str,
    request_id: str | None,
) -> Outcome:
    visit = await begin(conn, token, form.get("lang"))
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    refused = await _limited(redis, visit, address, VERIFY_PER_LINK, VERIFY_PER_ADDRESS)
    if refused is not None:
        return refused
    verdict = await codes.verify(conn, visit.link.id, form.get("code", "")[:20])
    words = texts.WORDS[visit.language]
    client_id = visit.link.client_id
    if verdict.outcome != "right":
        await acting.audit(
            conn,
            client_id,
            "client_page.code_verify",
            request_id=request_id,
            detail={"outcome": verdict.outcome},
        )
    if verdict.outcome == "paused":
        return _paused(visit, verdict.paused_until)
    if verdict.outcome == "wrong":
        return await code_page(
            conn, visit, 400, words["wrong_code"].format(tries=verdict.tries_left)
        )
    if verdict.outcome == "expired":
        return await code_page(conn, visit, 410, words["code_expired"])
    if verdict.outcome == "none":
        return await code_page(conn, visit, 400, words["no_code"])
    secret = await sessions.open_session(conn, visit.link.id)
    await acting.audit(
        conn,
        client_id,
        "client_page.code_verify",
        request_id=request_id,
        detail={"outcome": "right"},
    )
    return Outcome(303, location=visit.url("/me"), cookie=secret)
