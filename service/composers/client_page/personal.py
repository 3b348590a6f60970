"""The personal part of the client's page, behind a one-time code: asking for the code
and giving it (rate-limited per link and per address), then the client's goals with
their own rating, the assessments asked of them and "my data". Every read and every
answer is audited with the client as the actor. HTML in, HTML out: a refusal is a short
page that says what to do, never a problem+json."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import msgspec
from redis.asyncio import Redis

from service.base import clock, rate_limit
from service.base.errors import InvalidInput
from service.base.rate_limit import Limit
from service.client_page import acting, codes, links, sessions
from service.client_page.form_tokens import form_token, is_valid
from service.client_page.links import OpenLink
from service.coaching import client_side
from service.composers.client_page import my_data, page, texts
from service.composers.client_page.sql import queries
from service.notifications.compose_code import queue_code

CODE_PER_LINK = Limit("page-code:link", 5, 3600)
CODE_PER_ADDRESS = Limit("page-code:address", 30, 3600)
VERIFY_PER_LINK = Limit("page-verify:link", 20, 900)
VERIFY_PER_ADDRESS = Limit("page-verify:address", 100, 900)
CHANNELS = ("sms", "email")
LEVELS = {str(level): level for level in (-2, -1, 0, 1, 2)}


@dataclass(frozen=True)
class Outcome:
    """A page (`html`, or `json` for the download) with its status, or a 303 to
    `location`; `cookie` is the personal part's new session secret to set."""

    status: int
    html: str = ""
    location: str | None = None
    cookie: str | None = None
    json: bytes | None = None
    retry_after: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Visit:
    token: str
    link: OpenLink
    language: str
    asked: str | None  # the ?lang= asked for, to keep in links and forms
    plain: bool
    first_name: str
    zone: ZoneInfo

    def action(self, path: str) -> str:
        """Where a form posts (the language travels in the form itself)."""
        return f"/p/{self.token}{path}"

    def url(self, path: str = "") -> str:
        """A link, keeping the language asked for."""
        query = f"?lang={self.asked}" if self.asked else ""
        return f"{self.action(path)}{query}"

    def render(self, template: str, **values: Any) -> str:
        return page.render(
            template,
            self.language,
            plain=self.plain,
            first_name=self.first_name,
            form_token=form_token(self.token, clock.now()),
            asked_language=self.asked,
            page_url=self.url(),
            me_url=self.url("/me"),
            **values,
        )

    def message(self, status: int, key: str, *, back: str | None = None, **values: Any) -> Outcome:
        text = texts.WORDS[self.language][key].format(**values)
        back_url = back or self.url("/me")
        return Outcome(
            status, page.render("message.html", self.language, message=text, back_url=back_url)
        )


async def _visit(conn: asyncpg.Connection, token: str, asked: str | None) -> _Visit | Outcome:
    link = await links.open_link(conn, token)
    if link is None:
        return Outcome(404, page.not_found(asked))
    client = await queries.client(conn, client_id=link.client_id)
    asked = asked if asked in texts.LANGUAGES else None
    return _Visit(
        token=token,
        link=link,
        language=texts.language_of(asked, client["language"]),
        asked=asked,
        plain=bool(client["plain_language"]),
        first_name=client["first_name"],
        zone=ZoneInfo(client["timezone"]),
    )


async def _opened(
    conn: asyncpg.Connection, token: str, asked: str | None, cookie: str | None
) -> _Visit | Outcome:
    """The visit when the link is live and the cookie opens its personal part; else the
    404 page, or back to where the code is asked for."""
    visit = await _visit(conn, token, asked)
    if isinstance(visit, Outcome):
        return visit
    if not await sessions.is_open(conn, visit.link.id, cookie):
        return Outcome(303, location=visit.url("/me"))
    return visit


def _address_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:32]


async def _limited(
    redis: Redis, visit: _Visit, address: str, per_link: Limit, per_address: Limit
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


async def _code_page(
    conn: asyncpg.Connection, visit: _Visit, status: int = 200, notice: str | None = None
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


async def read_me(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    cookie: str | None,
    sent: str | None,
    request_id: str | None,
) -> Outcome:
    """The personal part, or the page that asks for the code."""
    visit = await _visit(conn, token, asked)
    if isinstance(visit, Outcome):
        return visit
    if not await sessions.is_open(conn, visit.link.id, cookie):
        words = texts.WORDS[visit.language]
        notice = words[f"code_sent_{sent}"] if sent in CHANNELS else None
        return await _code_page(conn, visit, notice=notice)
    client_id = visit.link.client_id
    goals = await client_side.goals_of(conn, client_id)
    asked_of = await client_side.asked_of(conn, client_id)
    await acting.audit(conn, client_id, "client_page.personal_read", request_id=request_id)
    html = visit.render(
        "personal.html",
        goals=goals,
        assessments=asked_of,
        rating_url=visit.action("/me/rating"),
        assessment_url=lambda request: visit.url(f"/me/assessments/{request.id}"),
        my_data_url=visit.url("/me/data"),
        json_url=visit.action("/my-data.json"),
    )
    return Outcome(200, html)


async def send_code(
    conn: asyncpg.Connection,
    redis: Redis,
    token: str,
    form: Mapping[str, str],
    address: str,
    request_id: str | None,
) -> Outcome:
    visit = await _visit(conn, token, form.get("lang"))
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


def _paused(visit: _Visit, until: Any) -> Outcome:
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
    visit = await _visit(conn, token, form.get("lang"))
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
        return await _code_page(
            conn, visit, 400, words["wrong_code"].format(tries=verdict.tries_left)
        )
    if verdict.outcome == "expired":
        return await _code_page(conn, visit, 410, words["code_expired"])
    if verdict.outcome == "none":
        return await _code_page(conn, visit, 400, words["no_code"])
    secret = await sessions.open_session(conn, visit.link.id)
    await acting.audit(
        conn,
        client_id,
        "client_page.code_verify",
        request_id=request_id,
        detail={"outcome": "right"},
    )
    return Outcome(303, location=visit.url("/me"), cookie=secret)


async def rate_goal(
    conn: asyncpg.Connection,
    token: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await _opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    level = LEVELS.get(form.get("level", ""))
    if level is None:
        return visit.message(400, "bad_form")
    goal_id = form.get("goal_id", "")
    rating_id = await client_side.rate_own_goal(conn, visit.link.client_id, goal_id, level)
    if rating_id is None:
        return visit.message(404, "unknown_goal")
    await acting.audit(
        conn,
        visit.link.client_id,
        "goal.rate",
        subject=("goal", goal_id),
        request_id=request_id,
        detail={"level": level, "rated_by": "client"},
    )
    return Outcome(303, location=visit.url("/me"))


async def assessment_form(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    request_path_id: str,
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await _opened(conn, token, asked, cookie)
    if isinstance(visit, Outcome):
        return visit
    found = await client_side.asked(conn, visit.link.client_id, request_path_id)
    if found is None:
        return visit.message(404, "unknown_assessment")
    await acting.audit(
        conn,
        visit.link.client_id,
        "assessment_request.read",
        subject=("assessment_request", found.id),
        request_id=request_id,
    )
    html = visit.render(
        "assessment.html",
        instrument=found.instrument,
        post_url=visit.action(f"/me/assessments/{found.id}"),
    )
    return Outcome(200, html)


async def answer_assessment(
    conn: asyncpg.Connection,
    token: str,
    request_path_id: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await _opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    answers: dict[str, Any] = {}
    for name, value in form.items():
        if name.startswith("a.") and len(name) <= 80:
            key = name.removeprefix("a.")
            answers[key] = int(value) if value.lstrip("-").isdigit() and len(value) <= 4 else value
    back = visit.url(f"/me/assessments/{request_path_id}")
    if not await client_side.asked(conn, visit.link.client_id, request_path_id):
        return visit.message(404, "unknown_assessment")
    try:
        assessment_id = await client_side.answer_asked(
            conn, visit.link.client_id, request_path_id, answers
        )
    except InvalidInput:
        return visit.message(400, "answer_all", back=back)
    if assessment_id is None:
        return visit.message(404, "unknown_assessment")
    await acting.audit(
        conn,
        visit.link.client_id,
        "assessment.create",
        subject=("assessment", assessment_id),
        request_id=request_id,
        detail={"answered_by": "client", "request": request_path_id},
    )
    return Outcome(303, location=visit.url("/me"))


async def my_data_page(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await _opened(conn, token, asked, cookie)
    if isinstance(visit, Outcome):
        return visit
    data = await my_data.my_data(conn, visit.link.client_id)
    await acting.audit(
        conn, visit.link.client_id, "client_page.my_data_read", request_id=request_id
    )
    html = visit.render(
        "my_data.html",
        data=data,
        zone=visit.zone,
        json_url=visit.action("/my-data.json"),
        referral_state=my_data.referral_state,
        what_was_done=lambda action: texts.what_was_done(visit.language, action),
    )
    return Outcome(200, html)


async def my_data_json(
    conn: asyncpg.Connection, token: str, cookie: str | None, request_id: str | None
) -> Outcome:
    visit = await _opened(conn, token, None, cookie)
    if isinstance(visit, Outcome):
        return visit
    data = await my_data.my_data(conn, visit.link.client_id)
    await acting.audit(
        conn, visit.link.client_id, "client_page.my_data_download", request_id=request_id
    )
    return Outcome(
        200,
        json=msgspec.json.encode(data),
        extra={"Content-Disposition": 'attachment; filename="polku-my-data.json"'},
    )
