"""HTTP routes of the use cases that read or act across domains."""

from __future__ import annotations

from litestar import get, put
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
    return await pathway.client_pathway(conn, actor, client_id)


@put("/sessions/{session_id:str}/attendance", responses=problems(401, 403, 404, 409, 422))
async def record_attendance(
    session_id: PathId, data: JSONBody[AttendanceIn], conn: Conn, actor: CurrentActor
) -> AttendanceWithAnswers:
    return await excusing.record(conn, actor, session_id, data)


@get(
    "/sessions/{session_id:str}/attendance",
    responses=problems(401, 404),
    summary="The session's attendance and each client's latest answer on their page",
)
async def read_attendance(
    session_id: PathId, conn: Conn, actor: CurrentActor
) -> AttendanceWithAnswers:
    return await excusing.read(conn, actor, session_id)


routers = [
    api_router("clients", [get_pathway]),
    # A path's methods share one router: Litestar 2 gives each router its own OPTIONS.
    api_router("programmes", [record_attendance, read_attendance]),
]
