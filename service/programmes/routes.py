"""HTTP routes for programmes, sessions, enrolment, attendance and the attention list."""

from __future__ import annotations

from litestar import delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, FromDate, IdQuery, Limit, Page, ToDate
from service.base.problems import problems
from service.programmes import (
    attendance,
    enrolment,
    feedback,
    memos,
    participants,
    programmes,
    sessions,
    support_routes,
    workers_present,
)
from service.programmes.kinds import Kind
from service.programmes.types import (
    AttentionOut,
    CancelIn,
    EnrolmentIn,
    EnrolmentListItem,
    EnrolmentOut,
    FeedbackIn,
    FeedbackOut,
    MemoIn,
    MemoOut,
    ParticipantIn,
    ParticipantOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    ProgrammeStatus,
    ProgrammeSummary,
    SessionChangeOut,
    SessionOut,
    SessionPatch,
    WithdrawIn,
    WorkersPresentIn,
    WorkersPresentOut,
)


@post("/programmes", responses=problems(401, 403, 422))
async def create_programme(
    data: JSONBody[ProgrammeIn], conn: Conn, actor: CurrentActor
) -> ProgrammeOut:
    return await programmes.create_programme(conn, actor, data)


@get("/programmes", responses=problems(401, 422), summary="Programmes meeting in a period")
async def list_programmes(
    conn: Conn,
    actor: CurrentActor,
    status: FromQuery[ProgrammeStatus | None] = None,
    kind: FromQuery[Kind | None] = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
    organisation_id: IdQuery = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ProgrammeSummary]:
    return await programmes.list_programmes(
        conn,
        status=status,
        kind=kind,
        from_date=from_date,
        to_date=to_date,
        organisation_id=organisation_id,
        limit=limit,
        cursor=cursor,
    )


@get("/programmes/{programme_id:str}", responses=problems(401, 404))
async def get_programme(programme_id: PathId, conn: Conn, actor: CurrentActor) -> ProgrammeOut:
    return await programmes.get_programme(conn, programme_id)


@patch("/programmes/{programme_id:str}", responses=problems(401, 403, 404, 409, 422))
async def update_programme(
    programme_id: PathId, data: JSONBody[ProgrammePatch], conn: Conn, actor: CurrentActor
) -> ProgrammeOut:
    return await programmes.update_programme(conn, actor, programme_id, data)


@post(
    "/programmes/{programme_id:str}/cancel",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
    summary="Cancel every future session",
)
async def cancel_programme(
    programme_id: PathId, data: JSONBody[CancelIn], conn: Conn, actor: CurrentActor
) -> ProgrammeOut:
    return await programmes.cancel_programme(conn, actor, programme_id, data.reason)


@get("/sessions/{session_id:str}", responses=problems(401, 404))
async def get_session(session_id: PathId, conn: Conn, actor: CurrentActor) -> SessionOut:
    return await sessions.get_session(conn, session_id)


@patch("/sessions/{session_id:str}", responses=problems(401, 403, 404, 409, 422))
async def update_session(
    session_id: PathId, data: JSONBody[SessionPatch], conn: Conn, actor: CurrentActor
) -> SessionOut:
    return await sessions.update_session(conn, actor, session_id, data)


@get(
    "/sessions/{session_id:str}/changes",
    responses=problems(401, 403, 404, 422),
    summary="The session's history: who changed what, when and why",
)
async def list_session_changes(
    session_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[SessionChangeOut]:
    return await sessions.session_changes(conn, actor, session_id, limit=limit, cursor=cursor)


@post(
    "/sessions/{session_id:str}/cancel",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
)
async def cancel_session(
    session_id: PathId, data: JSONBody[CancelIn], conn: Conn, actor: CurrentActor
) -> SessionOut:
    return await sessions.cancel_session(conn, actor, session_id, data.reason)


@post("/programmes/{programme_id:str}/enrolments", responses=problems(401, 403, 404, 409, 422))
async def enrol(
    programme_id: PathId, data: JSONBody[EnrolmentIn], conn: Conn, actor: CurrentActor
) -> EnrolmentOut:
    return await enrolment.enrol(
        conn, actor, programme_id, data.client_id, referral_id=data.referral_id
    )


@get("/programmes/{programme_id:str}/enrolments", responses=problems(401, 404, 422))
async def list_enrolments(
    programme_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[EnrolmentListItem]:
    return await enrolment.list_enrolments(conn, actor, programme_id, limit=limit, cursor=cursor)


@post(
    "/enrolments/{enrolment_id:str}/withdraw",
    status_code=200,
    responses=problems(401, 404, 409, 422),
    summary="Withdraw; a freed place goes to the first on the waiting list",
)
async def withdraw(
    enrolment_id: PathId, data: JSONBody[WithdrawIn], conn: Conn, actor: CurrentActor
) -> EnrolmentOut:
    return await enrolment.withdraw(conn, actor, enrolment_id, data.reason)


@put(
    "/enrolments/{enrolment_id:str}/feedback",
    responses=problems(401, 403, 404, 409, 422),
    summary="The client's feedback when the group ends",
)
async def record_feedback(
    enrolment_id: PathId, data: JSONBody[FeedbackIn], conn: Conn, actor: CurrentActor
) -> FeedbackOut:
    return await feedback.record_feedback(conn, actor, enrolment_id, data)


@get("/enrolments/{enrolment_id:str}/feedback", responses=problems(401, 404))
async def read_feedback(enrolment_id: PathId, conn: Conn, actor: CurrentActor) -> FeedbackOut:
    return await feedback.read_feedback(conn, actor, enrolment_id)


@get(
    "/attention",
    responses=problems(401, 422),
    summary="Your clients who need attention (repeated absence)",
)
async def needs_attention(
    conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[AttentionOut]:
    return await attendance.needs_attention(conn, actor, limit=limit, cursor=cursor)


@post(
    "/programmes/{programme_id:str}/participants",
    responses=problems(401, 403, 404, 409, 422),
    summary="Add a staff member who takes part in the group (not runs it)",
)
async def add_participant(
    programme_id: PathId, data: JSONBody[ParticipantIn], conn: Conn, actor: CurrentActor
) -> ParticipantOut:
    return await participants.add_participant(conn, actor, programme_id, data.staff_id)


@get(
    "/programmes/{programme_id:str}/participants",
    responses=problems(401, 404, 422),
    summary="Staff who take part in the group as participants",
)
async def list_participants(
    programme_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[ParticipantOut]:
    return await participants.list_participants(conn, programme_id, limit=limit, cursor=cursor)


@delete(
    "/programmes/{programme_id:str}/participants/{staff_id:str}",
    responses=problems(401, 403, 404),
    summary="A staff participant no longer takes part",
)
async def remove_participant(
    programme_id: PathId, staff_id: PathId, conn: Conn, actor: CurrentActor
) -> None:
    await participants.remove_participant(conn, actor, programme_id, staff_id)


@put(
    "/sessions/{session_id:str}/memo",
    responses=problems(401, 403, 404, 409, 422),
    summary="The facilitators' memo of the meeting, shared with everyone taking part",
)
async def write_memo(
    session_id: PathId, data: JSONBody[MemoIn], conn: Conn, actor: CurrentActor
) -> MemoOut:
    return await memos.write_memo(conn, actor, session_id, data)


@get("/sessions/{session_id:str}/memo", responses=problems(401, 403, 404))
async def read_memo(session_id: PathId, conn: Conn, actor: CurrentActor) -> MemoOut:
    return await memos.read_memo(conn, actor, session_id)


@put(
    "/sessions/{session_id:str}/workers-present",
    responses=problems(401, 403, 404, 409, 422),
    summary="Which workers came to the session",
)
async def record_workers_present(
    session_id: PathId, data: JSONBody[WorkersPresentIn], conn: Conn, actor: CurrentActor
) -> WorkersPresentOut:
    return await workers_present.record_workers(conn, actor, session_id, data)


@get("/sessions/{session_id:str}/workers-present", responses=problems(401, 403, 404))
async def read_workers_present(
    session_id: PathId, conn: Conn, actor: CurrentActor
) -> WorkersPresentOut:
    return await workers_present.read_workers(conn, actor, session_id)


routers = [
    api_router(
        "programmes",
        [
            create_programme,
            list_programmes,
            get_programme,
            update_programme,
            cancel_programme,
            get_session,
            update_session,
            list_session_changes,
            cancel_session,
            enrol,
            list_enrolments,
            withdraw,
            record_feedback,
            read_feedback,
            needs_attention,
            add_participant,
            list_participants,
            remove_participant,
            write_memo,
            read_memo,
            record_workers_present,
            read_workers_present,
        ],
    ),
    *support_routes.routers,
]
