"""HTTP routes for the delivery log."""

from __future__ import annotations

from litestar import get

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, Limit, Page
from service.base.problems import problems
from service.notifications import delivery_log
from service.notifications.types import MessageOut


@get(
    "/clients/{client_id:str}/messages",
    responses=problems(401, 404, 422),
    summary="The client's delivery log, newest first",
)
async def client_messages(
    client_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[MessageOut]:
    """The client's delivery log, newest first.

    Each message's kind, channel, status, when it was due and when it went.
    """
    return await delivery_log.client_messages(conn, actor, client_id, limit=limit, cursor=cursor)


routers = [api_router("notifications", [client_messages])]
