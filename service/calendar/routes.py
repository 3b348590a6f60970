"""HTTP routes for calendar subscription links and the feeds behind them."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.accounts.auth import CurrentActor
from service.calendar import feeds
from service.calendar.cache import feed_cache
from service.errors import NotFound, problems
from service.http import Conn, PathId, api_router
from service.settings import Settings

AppSettings = NamedDependency[Settings]


@post(
    "/clients/{client_id:str}/calendar-feed",
    responses=problems(401, 403, 404, 409),
    summary="A new subscription link for the client; any earlier one stops working",
)
async def create_client_feed(
    client_id: PathId, conn: Conn, actor: CurrentActor, settings: AppSettings
) -> feeds.FeedLinks:
    return await feeds.client_feed(conn, settings, actor, client_id)


@delete("/clients/{client_id:str}/calendar-feed", responses=problems(401, 404))
async def revoke_client_feed(client_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    await feeds.revoke_client_feed(conn, actor, client_id)


@post("/me/calendar-feed", responses=problems(401), summary="Your own calendar link")
async def create_staff_feed(
    conn: Conn, actor: CurrentActor, settings: AppSettings
) -> feeds.FeedLinks:
    return await feeds.staff_feed(conn, settings, actor)


@delete("/me/calendar-feed", responses=problems(401))
async def revoke_staff_feed(conn: Conn, actor: CurrentActor) -> None:
    await feeds.revoke_staff_feed(conn, actor)


@post("/programmes/{programme_id:str}/calendar-feed", responses=problems(401, 403, 404))
async def create_programme_feed(
    programme_id: PathId, conn: Conn, actor: CurrentActor, settings: AppSettings
) -> feeds.FeedLinks:
    return await feeds.programme_feed(conn, settings, actor, programme_id)


@delete("/programmes/{programme_id:str}/calendar-feed", responses=problems(401, 403, 404))
async def revoke_programme_feed(programme_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    await feeds.revoke_programme_feed(conn, actor, programme_id)


@get(
    "/feeds/{filename:str}",
    tags=["calendar"],
    summary="An RFC 5545 calendar behind a subscription link (…/feeds/TOKEN.ics)",
    responses=problems(404),
    media_type="text/calendar",
)
async def read_feed(filename: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    if not filename.endswith(".ics"):
        raise NotFound("no such calendar feed")
    rendered = await feeds.read_feed(
        request.app.state.read_pool, feed_cache(request), filename.removesuffix(".ics")
    )
    headers = {"ETag": rendered.etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("if-none-match") == rendered.etag:
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=rendered.body, media_type="text/calendar", headers=headers)


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
