"""HTTP routes for exits and follow-ups."""

from __future__ import annotations

from litestar import get, post, put
from litestar.params import JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.problems import problems
from service.outcomes import exits, follow_ups
from service.outcomes.types import ExitIn, ExitList, ExitOut, FollowUpIn, FollowUpList, FollowUpOut


@post(
    "/clients/{client_id:str}/exits",
    responses=problems(401, 404, 422),
    summary="The situation upon leaving a group or plan (within four weeks; the latest counts)",
)
async def record_exit(
    client_id: PathId, data: JSONBody[ExitIn], conn: Conn, actor: CurrentActor
) -> ExitOut:
    """The situation upon leaving a group or plan.

    Recorded up to four weeks after leaving; the latest counts; schedules the
    follow-up six months on.
    """
    return await exits.record_exit(conn, actor, client_id, data)


@get("/clients/{client_id:str}/exits", responses=problems(401, 404))
async def list_exits(client_id: PathId, conn: Conn, actor: CurrentActor) -> ExitList:
    """The client's recorded exits.

    Newest first, each with its situation upon leaving.
    """
    return await exits.list_exits(conn, actor, client_id)


@get(
    "/clients/{client_id:str}/follow-ups",
    responses=problems(401, 404),
    summary="The follow-ups six months after leaving: asked, answered or overdue",
)
async def list_follow_ups(client_id: PathId, conn: Conn, actor: CurrentActor) -> FollowUpList:
    """The follow-ups six months after leaving.

    Asked, answered or overdue.
    """
    return await follow_ups.list_follow_ups(conn, actor, client_id)


@put(
    "/follow-ups/{follow_up_id:str}",
    responses=problems(401, 404, 422),
    summary="Record the situation six months on, as the client told it or a worker found",
)
async def record_follow_up(
    follow_up_id: PathId, data: JSONBody[FollowUpIn], conn: Conn, actor: CurrentActor
) -> FollowUpOut:
    """Record the situation six months on.

    As the client told it or a worker found it out.
    """
    return await follow_ups.record_answer(conn, actor, follow_up_id, data)


routers = [api_router("outcomes", [record_exit, list_exits, list_follow_ups, record_follow_up])]
