"""HTTP routes for notices."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromQuery

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, Limit, Page
from service.base.problems import problems
from service.composers.notices import notices
from service.composers.notices.types import NoticeOut


@get(
    "/notices",
    responses=problems(401, 422),
    summary="Changes to your referrals made by others, and your clients' SMS messages",
)
async def list_notices(
    conn: Conn,
    actor: CurrentActor,
    unread: FromQuery[bool] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[NoticeOut]:
    """Your notices, newest first.

    Changes to your referrals made by others, and your clients' SMS messages;
    `unread=true` keeps the unread ones.
    """
    return await notices.list_notices(conn, actor, unread_only=unread, limit=limit, cursor=cursor)


@post("/notices/{notice_id:str}/read", status_code=204, responses=problems(401, 404))
async def mark_notice_read(notice_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    """Mark a notice read.

    It no longer counts in the work list's unread notices.
    """
    await notices.mark_read(conn, actor, notice_id)


routers = [api_router("notices", [list_notices, mark_notice_read])]
