"""HTTP routes for participant support (tickets, rides, meals) at group sessions."""

from __future__ import annotations

from litestar import delete, get, post
from litestar.params import JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, Limit
from service.base.problems import problems
from service.programmes import support
from service.programmes.support_types import ProgrammeSupport, SupportIn, SupportOut


@post(
    "/sessions/{session_id:str}/support",
    responses=problems(401, 403, 404, 409, 422),
    summary="Record what a participant was given at a session (ticket, ride, meal)",
)
async def give_support(
    session_id: PathId, data: JSONBody[SupportIn], conn: Conn, actor: CurrentActor
) -> SupportOut:
    return await support.give_support(conn, actor, session_id, data)


@delete(
    "/support/{support_id:str}",
    responses=problems(401, 403, 404),
    summary="Delete a mistaken support entry (its giver or an admin)",
)
async def delete_support(support_id: PathId, conn: Conn, actor: CurrentActor) -> None:
    await support.delete_support(conn, actor, support_id)


@get(
    "/programmes/{programme_id:str}/support",
    responses=problems(401, 404, 422),
    summary="The programme's participant support: entries in your reach and their totals",
)
async def programme_support(
    programme_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProgrammeSupport:
    return await support.programme_support(conn, actor, programme_id, limit=limit, cursor=cursor)


routers = [api_router("participant support", [give_support, delete_support, programme_support])]
