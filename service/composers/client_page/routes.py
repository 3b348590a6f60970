"""HTTP routes of the client's page: staff give and revoke the link and read the
answers (/api/v1); the client reads the page and answers (/p/…, HTML).

The /p/ routes are left out of the OpenAPI document: they are HTML pages for clients
behind a bearer secret, not an API for programs, and they answer HTML even when they
refuse (a problem+json would mean nothing to a client on a phone)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any, cast

import asyncpg
from litestar import Request, Response, Router, delete, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath
from redis.asyncio import Redis

from db.pool import FairPool
from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor, client_address
from service.base.problems import problems
from service.base.settings import Settings
from service.client_page import links, sessions
from service.client_page.types import PageLinkOut, RsvpList
from service.composers.client_page import (
    answering,
    limits,
    page,
    page_cache,
    page_links,
    personal,
    personal_code,
    rsvp_lists,
    staff_routes,
)
from service.composers.client_page.personal_visit import Outcome
from service.composers.feeds.cache import RenderedFeed

AppSettings = NamedDependency[Settings]

_STYLE_HASH = base64.b64encode(hashlib.sha256(page.STYLE.encode()).digest()).decode()
# On every /p/ answer: nothing runs, nothing loads from anywhere, the only style is the
# page's own (by its hash), forms post only back here; never cached, indexed or named
# in a Referer (the path is the secret).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}


def _html(status: int, body: str | bytes, location: str | None = None) -> Response[Any]:
    headers = dict(PAGE_HEADERS)
    if location is not None:
        headers["Location"] = location
    return Response(body, status_code=status, media_type="text/html", headers=headers)


@post(
    "/clients/{client_id:str}/page-link",
    responses=problems(401, 403, 404, 409),
    summary="A new link to the client's own page; any earlier one stops working",
)
async def create_page_link(
    client_id: PathId, conn: Conn, actor: CurrentActor, settings: AppSettings
) -> PageLinkOut:
    """A new link to the client's own page.

    Any earlier link stops working at once; 409 without a valid client_page consent.
    """
    return await page_links.give_link(conn, settings, actor, client_id)


@delete("/clients/{client_id:str}/page-link", responses=problems(401, 404))
async def revoke_page_link(client_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    """Revoke the client's page link.

    The page answers 404 from now on.
    """
    await page_links.revoke_link(conn, actor, client_id)


@get(
    "/sessions/{session_id:str}/rsvps",
    responses=problems(401, 404),
    summary="The latest answer of each client in your reach, given on their page",
)
async def session_rsvps(session_id: PathId, conn: Conn, actor: CurrentActor) -> RsvpList:
    """The latest answer of each client in your reach to a session.

    Given on their page or by SMS reply.
    """
    return await rsvp_lists.session_rsvps(conn, actor, session_id)


@get(
    "/meetings/{meeting_id:str}/rsvps",
    responses=problems(401, 404),
    summary="The client's latest answer to the meeting, given on their page",
)
async def meeting_rsvps(meeting_id: PathId, conn: Conn, actor: CurrentActor) -> RsvpList:
    """The client's latest answer to a meeting.

    Given on their page or by SMS reply.
    """
    return await rsvp_lists.meeting_rsvps(conn, actor, meeting_id)


@get("/p/{token:str}", include_in_schema=False)
async def read_page(
    token: FromPath[str], settings: AppSettings, request: Request[Any, Any, Any]
) -> Response[Any]:
    """From memory while nothing on the page has changed (page_cache.py): then no
    database connection is taken at all, and mostly no Redis round trip either
    (kept_reads.py)."""
    asked_language = request.query_params.get("lang")
    pool: FairPool = request.app.state.read_pool
    cache, key = page_cache.page_cache(request), page_cache.key(token, asked_language)
    cached = cache.get(key)
    if cached is not None and (
        limits.counted_here(request, token) or limits.handed_over_behind(request, token)
    ):
        return _html(200, cached.body)
    refused = await limits.admit(request, pool, token, asked_language)
    if refused is not None:
        return _too_many(refused)
    if cached is not None:
        return _html(200, cached.body)
    async with cache.one_at_a_time(key):
        cached = cache.get(key)  # made by the request this one waited for
        if cached is not None:
            return _html(200, cached.body)
        reading = cache.reading()
        async with pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            link = await links.open_link(conn, token)
            if link is None:
                await limits.missed(request)
                return _html(404, page.not_found(asked_language))
            rendering = await page.read_page(conn, settings, token, link, asked_language)
        body = rendering.html.encode()
        seconds = page_cache.seconds_until(rendering.changes_at)
        cache.put(key, RenderedFeed(body), reading, for_at_most=seconds)
    return _html(200, body)


@post("/p/{token:str}/rsvp", include_in_schema=False)
async def post_answer(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[str]:
    form = await request.form()
    fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    refused = await limits.admit(request, conn, token, fields.get("lang"))
    if refused is not None:
        return _too_many(refused)
    request_id = request.scope.get("state", {}).get("request_id")
    outcome = await answering.answer(conn, token, fields, request_id)
    if outcome.status == 404:  # no such link, or nothing of the client's by that id
        await limits.missed(request)
    return _html(outcome.status, outcome.html, outcome.location)


def _too_many(refused: limits.TooMany) -> Response[str]:
    response = _html(429, refused.html)
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


routers = [
    # A path's methods share one router: Litestar 2 gives each router its own OPTIONS.
    api_router("clients", [create_page_link, revoke_page_link]),
    api_router("programmes", [session_rsvps]),
    api_router("coaching", [meeting_rsvps]),
    Router(path="/", route_handlers=[read_page, post_answer]),
    *staff_routes.routers,
]


# The personal part, behind a one-time code (issue 17, point 4) -------------------------


async def _personal(request: Request[Any, Any, Any], outcome: Outcome) -> Response[Any]:
    """The outcome as an HTML page (or the JSON download) with the /p/ headers, and the
    personal part's cookie when a right code opened it: HttpOnly, SameSite=Strict,
    Secure when the request came over HTTPS, for /p/ only. A 404 counts against the
    address as the page's own misses do (limits.py)."""
    if outcome.status == 404:
        await limits.missed(request)
    headers = dict(PAGE_HEADERS) | outcome.extra
    if outcome.location is not None:
        headers["Location"] = outcome.location
    if outcome.retry_after is not None:
        headers["Retry-After"] = str(outcome.retry_after)
    cookies = []
    if outcome.cookie is not None:
        cookies.append(
            Cookie(
                key=sessions.COOKIE,
                value=outcome.cookie,
                path="/p/",
                max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        )
    if outcome.json is not None:
        return Response(
            outcome.json,
            status_code=outcome.status,
            media_type="application/json",
            headers=headers,
        )
    return Response(
        outcome.html,
        status_code=outcome.status,
        media_type="text/html",
        headers=headers,
        cookies=cookies,
    )


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


async def _admitted_form(
    request: Request[Any, Any, Any], conn: asyncpg.Connection, token: str
) -> tuple[dict[str, str], Response[Any] | None]:
    """A personal-part form, and the 429 page when the link or the address is over its
    limit (limits.py)."""
    form = await _form(request)
    refused = await limits.admit(request, conn, token, form.get("lang"))
    return form, None if refused is None else _too_many(refused)


def _request_id(request: Request[Any, Any, Any]) -> str | None:
    request_id: str | None = request.scope.get("state", {}).get("request_id")
    return request_id


@get("/p/{token:str}/me", include_in_schema=False)
async def read_personal(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    refused = await limits.admit(request, conn, token, request.query_params.get("lang"))
    if refused is not None:
        return _too_many(refused)
    outcome = await personal.read_me(
        conn,
        token,
        request.query_params.get("lang"),
        request.cookies.get(sessions.COOKIE),
        request.query_params.get("sent"),
        _request_id(request),
    )
    return await _personal(request, outcome)


@post("/p/{token:str}/code", include_in_schema=False)
async def send_code(
    token: FromPath[str], conn: Conn, redis: NamedDependency[Redis], request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    outcome = await personal_code.send_code(
        conn, redis, token, form, client_address(request), _request_id(request)
    )
    return await _personal(request, outcome)


@post("/p/{token:str}/verify", include_in_schema=False)
async def verify_code(
    token: FromPath[str], conn: Conn, redis: NamedDependency[Redis], request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    outcome = await personal_code.verify_code(
        conn, redis, token, form, client_address(request), _request_id(request)
    )
    return await _personal(request, outcome)


@post("/p/{token:str}/me/rating", include_in_schema=False)
async def rate_own_goal(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    cookie = request.cookies.get(sessions.COOKIE)
    outcome = await personal.rate_goal(conn, token, form, cookie, _request_id(request))
    return await _personal(request, outcome)


@post("/p/{token:str}/me/follow-up", include_in_schema=False)
async def answer_follow_up(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    cookie = request.cookies.get(sessions.COOKIE)
    outcome = await personal.answer_follow_up(conn, token, form, cookie, _request_id(request))
    return await _personal(request, outcome)


@get("/p/{token:str}/me/assessments/{request_id:str}", include_in_schema=False)
async def assessment_form(
    token: FromPath[str], request_id: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    refused = await limits.admit(request, conn, token, request.query_params.get("lang"))
    if refused is not None:
        return _too_many(refused)
    outcome = await personal.assessment_form(
        conn,
        token,
        request.query_params.get("lang"),
        request_id,
        request.cookies.get(sessions.COOKIE),
        _request_id(request),
    )
    return await _personal(request, outcome)


@post("/p/{token:str}/me/assessments/{request_id:str}", include_in_schema=False)
async def answer_assessment(
    token: FromPath[str], request_id: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    cookie = request.cookies.get(sessions.COOKIE)
    outcome = await personal.answer_assessment(
        conn, token, request_id, form, cookie, _request_id(request)
    )
    return await _personal(request, outcome)


@get("/p/{token:str}/me/questionnaires/{round_id:str}", include_in_schema=False)
async def questionnaire_form(
    token: FromPath[str], round_id: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    refused = await limits.admit(request, conn, token, request.query_params.get("lang"))
    if refused is not None:
        return _too_many(refused)
    outcome = await personal.questionnaire_form(
        conn,
        token,
        request.query_params.get("lang"),
        round_id,
        request.cookies.get(sessions.COOKIE),
        _request_id(request),
    )
    return await _personal(request, outcome)


@post("/p/{token:str}/me/questionnaires/{round_id:str}", include_in_schema=False)
async def answer_questionnaire(
    token: FromPath[str], round_id: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    form, refused_page = await _admitted_form(request, conn, token)
    if refused_page is not None:
        return refused_page
    cookie = request.cookies.get(sessions.COOKIE)
    outcome = await personal.answer_questionnaire(
        conn, token, round_id, form, cookie, _request_id(request)
    )
    return await _personal(request, outcome)


@get("/p/{token:str}/me/data", include_in_schema=False)
async def my_data_page(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    refused = await limits.admit(request, conn, token, request.query_params.get("lang"))
    if refused is not None:
        return _too_many(refused)
    outcome = await personal.my_data_page(
        conn,
        token,
        request.query_params.get("lang"),
        request.cookies.get(sessions.COOKIE),
        _request_id(request),
    )
    return await _personal(request, outcome)


@get("/p/{token:str}/my-data.json", include_in_schema=False)
async def my_data_json(
    token: FromPath[str], conn: Conn, request: Request[Any, Any, Any]
) -> Response[Any]:
    refused = await limits.admit(request, conn, token, None)
    if refused is not None:
        return _too_many(refused)
    cookie = request.cookies.get(sessions.COOKIE)
    outcome = await personal.my_data_json(conn, token, cookie, _request_id(request))
    return await _personal(request, outcome)


routers.append(
    Router(
        path="/",
        route_handlers=[
            read_personal,
            send_code,
            verify_code,
            rate_own_goal,
            answer_follow_up,
            assessment_form,
            answer_assessment,
            questionnaire_form,
            answer_questionnaire,
            my_data_page,
            my_data_json,
        ],
    )
)
