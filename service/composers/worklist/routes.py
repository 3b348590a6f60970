"""HTTP route of the work list."""

from __future__ import annotations

from litestar import get

from service.base.http import Conn, api_router
from service.base.identity import CurrentActor
from service.base.pagination import FromDate, ToDate
from service.base.problems import problems
from service.composers.worklist import worklist
from service.composers.worklist.types import Worklist


@get(
    "/me/worklist",
    responses=problems(401, 422),
    summary="Your day or week in one answer: sessions, meetings, stalled paths, follow-ups",
)
async def my_worklist(
    conn: Conn,
    actor: CurrentActor,
    from_date: FromDate = None,
    to_date: ToDate = None,
) -> Worklist:
    """Your day or week in one answer.

    Your sessions with attendance still to record and the clients' answers, your
    meetings, stalled referrals, exits and follow-ups due, unread notices; clients by
    first name and surname initial, only those in your reach. `from`/`to` default to
    today.
    """
    return await worklist.worklist(conn, actor, from_date, to_date)


routers = [api_router("worklist", [my_worklist])]
