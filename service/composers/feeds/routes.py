"""HTTP routes for calendar subscription links and the feeds behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, Router, delete, post, route
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.enums import HttpMethod, ParamType
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Operation, Parameter, Schema
from litestar.params import FromPath
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.base.errors import NotFound
from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.problems import problems
from service.base.settings import Settings
from service.composers.feeds import links, serving
from service.composers.feeds.cache import GZIP_MIN_BYTES, feed_cache

AppSettings = NamedDependency[Settings]


def without_body_for_head(app: ASGIApp) -> ASGIApp:
    """HEAD answers what GET would, headers and all (Content-Length of the body GET
    would send), without the body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "HEAD":
            await app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                more = message.get("more_body", False)
                message = {"type": "http.response.body", "body": b"", "more_body": more}
            await send(message)

        await app(scope, receive, send_without_body)

    return middleware


@post(
    "/clients/{client_id:str}/calendar-feed",
    responses=problems(401, 403, 404, 409),
    summary="A new subscription link for the client; any earlier one stops working",
)
async def create_client_feed(
    client_id: PathId, conn: Conn, actor: CurrentActor, settings: AppSettings
) -> links.FeedLinks:
    """A new calendar subscription link for the client.

    Any earlier link stops working; needs the client's calendar_feed consent.
    """
    return await links.client_feed(conn, settings, actor, client_id)


@delete("/clients/{client_id:str}/calendar-feed", responses=problems(401, 404))
async def revoke_client_feed(client_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    """Revoke the client's calendar link.

    The link answers 404 from now on.
    """
    await links.revoke_client_feed(conn, actor, client_id)


@post("/me/calendar-feed", responses=problems(401), summary="Your own calendar link")
async def create_staff_feed(
    conn: Conn, actor: CurrentActor, settings: AppSettings
) -> links.FeedLinks:
    """Your own calendar link.

    Your sessions and meetings; any earlier link of yours stops working.
    """
    return await links.staff_feed(conn, settings, actor)


@delete("/me/calendar-feed", responses=problems(401))
async def revoke_staff_feed(conn: Conn, actor: CurrentActor) -> None:
    """Revoke your own calendar link.

    The link answers 404 from now on.
    """
    await links.revoke_staff_feed(conn, actor)


@post("/programmes/{programme_id:str}/calendar-feed", responses=problems(401, 403, 404))
async def create_programme_feed(
    programme_id: PathId, conn: Conn, actor: CurrentActor, settings: AppSettings
) -> links.FeedLinks:
    """A calendar link to the programme's sessions.

    For the group's facilitators and managers; any earlier one stops working.
    """
    return await links.programme_feed(conn, settings, actor, programme_id)


@delete("/programmes/{programme_id:str}/calendar-feed", responses=problems(401, 403, 404))
async def revoke_programme_feed(programme_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    """Revoke the programme's calendar link.

    The link answers 404 from now on.
    """
    await links.revoke_programme_feed(conn, actor, programme_id)


# Read straight from the request: as Litestar parameters these two cost a tenth of a
# fetch served from memory. FeedOperation puts them in the OpenAPI document.
_REQUEST_HEADERS = {b"if-none-match": "If-None-Match", b"accept-encoding": "Accept-Encoding"}
_REQUEST_HEADER_DOCS = [
    Parameter(
        name="If-None-Match",
        param_in=ParamType.HEADER,
        schema=Schema(type=OpenAPIType.STRING),
        description="ETags of copies the client holds (`*`, or a list, weak or strong)",
    ),
    Parameter(
        name="Accept-Encoding",
        param_in=ParamType.HEADER,
        schema=Schema(type=OpenAPIType.STRING),
        description=f"`gzip` gets a feed of {GZIP_MIN_BYTES} bytes or more compressed",
    ),
]


@dataclass
class FeedOperation(Operation):
    def __post_init__(self) -> None:
        self.parameters = [*(self.parameters or []), *_REQUEST_HEADER_DOCS]


def request_headers(scope: Scope) -> dict[str, str]:
    """If-None-Match and Accept-Encoding, each line of one joined as one list."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in _REQUEST_HEADERS:
            key, text = _REQUEST_HEADERS[name], value.decode("latin-1")
            found[key] = f"{found[key]}, {text}" if key in found else text
    return found


_FEED_HEADERS = [
    # Documentation only: the route sets them (value: what they look like).
    ResponseHeader(name=name, value=value, description=description, documentation_only=True)
    for name, value, description in [
        ("ETag", '"…"', "A strong tag of the feed as it is now, in this encoding"),
        ("Cache-Control", "private, no-cache", "Ask again each time, with If-None-Match"),
        ("Vary", "Accept-Encoding", "The encoding follows Accept-Encoding"),
        ("Content-Encoding", "gzip", "When the feed is compressed"),
    ]
]


@route(
    "/feeds/{filename:str}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    tags=["calendar"],
    summary="An RFC 5545 calendar behind a subscription link (…/feeds/TOKEN.ics)",
    description="HEAD answers as GET would, without the body.",
    responses={
        304: ResponseSpec(None, description="If-None-Match names the feed as it is now"),
        **problems(404),
    },
    response_headers=_FEED_HEADERS,
    media_type="text/calendar",
    middleware=[without_body_for_head],
    operation_class=FeedOperation,
)
async def read_feed(filename: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    """An RFC 5545 calendar behind a subscription link (…/feeds/TOKEN.ics).

    With an ETag, and 304 on If-None-Match; 404 for an unknown or revoked link.
    """
    if not filename.endswith(".ics"):
        raise NotFound("no such calendar feed")
    rendered = await serving.read_feed(
        request.app.state.read_pool, feed_cache(request), filename.removesuffix(".ics")
    )
    headers = request_headers(request.scope)
    answer = serving.answer(rendered, headers.get("If-None-Match"), headers.get("Accept-Encoding"))
    return Response(
        answer.body, status_code=answer.status, headers=answer.headers, media_type="text/calendar"
    )


routers = [
    api_router(
        "calendar",
        [
            create_client_feed,
            revoke_client_feed,
            create_staff_feed,
            revoke_staff_feed,
            create_programme_feed,
            revoke_programme_feed,
        ],
    ),
    Router(path="/", route_handlers=[read_feed]),
]
