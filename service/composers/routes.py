"""HTTP routes of the use cases that read or act across domains."""

from __future__ import annotations

from litestar import get, patch, put
from litestar.params import JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.problems import problems
from service.clients.types import Pathway
from service.composers import pathway
from service.composers.client_page import excusing
from service.composers.client_page.excusing import AttendanceWithAnswers
from service.programmes.types import AttendanceIn


@get("/clients/{client_id:str}/pathway", responses=problems(401, 404))
async def get_pathway(client_id: PathId, conn: Conn, actor: CurrentActor) -> Pathway:
    """The client's path in time order.

    Referrals and their status changes, enrolments, attendance, coaching plans, goal
    ratings, assessments and continuation plans.
    """
    return await pathway.client_pathway(conn, actor, client_id)


@put(
    "/sessions/{session_id:str}/attendance",
    responses=problems(401, 403, 404, 409, 422),
    summary="Replace the session's attendance: whoever you reach and leave out loses their record",
)
async def record_attendance(
    session_id: PathId, data: JSONBody[AttendanceIn], conn: Conn, actor: CurrentActor
) -> AttendanceWithAnswers:
    """Replace the session's attendance.

    Whoever you reach and leave out loses their record; to change some people only,
    use PATCH.
    """
    return await excusing.record(conn, actor, session_id, data)


@patch(
    "/sessions/{session_id:str}/attendance",
    responses=problems(401, 403, 404, 409, 422),
    summary="Change the attendance of the people named; every other record stays",
)
async def change_attendance(
    session_id: PathId, data: JSONBody[AttendanceIn], conn: Conn, actor: CurrentActor
) -> AttendanceWithAnswers:
    """Change the attendance of the people named.

    Every other record stays as it was.
    """
    return await excusing.record(conn, actor, session_id, data, only_named=True)


@get(
    "/sessions/{session_id:str}/attendance",
    responses=problems(401, 404),
    summary="The session's attendance and each client's latest answer on their page",
)
async def read_attendance(
    session_id: PathId, conn: Conn, actor: CurrentActor
) -> AttendanceWithAnswers:
    """The session's attendance.

    With each client's latest answer given on their page.
    """
    return await excusing.read(conn, actor, session_id)


routers = [
    api_router("clients", [get_pathway]),
    # A path's methods share one router: Litestar 2 gives each router its own OPTIONS.
    api_router("programmes", [record_attendance, change_attendance, read_attendance]),
]
