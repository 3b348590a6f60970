"""HTTP routes for programmes, sessions, enrolment, attendance and the attention list."""

from __future__ import annotations

from litestar import delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, FromDate, IdQuery, Limit, Mine, Page, ToDate
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
    """Create a group programme and its sessions.

    Weekly sessions at the same local time, skipping public holidays unless told not to;
    reminders go out at the offsets given.
    """
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
    mine: Mine = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ProgrammeSummary]:
    """Programmes with a session in the period, in start order.

    Every staff member may read the catalogue of groups; `mine=true` keeps the groups you
    facilitate. Each item names its facilitators and its next session.
    """
    return await programmes.list_programmes(
        conn,
        actor,
        mine=mine,
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
    """One programme with its sessions.

    The catalogue of groups is open to every staff member; who is in a group is not here.
    """
    return await programmes.get_programme(conn, programme_id)


@patch("/programmes/{programme_id:str}", responses=problems(401, 403, 404, 409, 422))
async def update_programme(
    programme_id: PathId, data: JSONBody[ProgrammePatch], conn: Conn, actor: CurrentActor
) -> ProgrammeOut:
    """Change a programme.

    Its facilitators, managers and details (facilitators and admins of the organisation).
    """
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
    """Cancel every future session.

    Enrolled clients are told on their consented channels, with the reason.
    """
    return await programmes.cancel_programme(conn, actor, programme_id, data.reason)


@get("/sessions/{session_id:str}", responses=problems(401, 404))
async def get_session(session_id: PathId, conn: Conn, actor: CurrentActor) -> SessionOut:
    """One session.

    Its time, place, theme and status.
    """
    return await sessions.get_session(conn, session_id)


@patch("/sessions/{session_id:str}", responses=problems(401, 403, 404, 409, 422))
async def update_session(
    session_id: PathId, data: JSONBody[SessionPatch], conn: Conn, actor: CurrentActor
) -> SessionOut:
    """Move a session or change its place or theme.

    Invites and reminders follow the change.
    """
    return await sessions.update_session(conn, actor, session_id, data)


@get(
    "/sessions/{session_id:str}/changes",
    responses=problems(401, 403, 404, 422),
    summary="The session's history: who changed what, when and why",
)
async def list_session_changes(
    session_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[SessionChangeOut]:
    """The session's history: who changed what, when and why.

    Oldest first.
    """
    return await sessions.session_changes(conn, actor, session_id, limit=limit, cursor=cursor)


@post(
    "/sessions/{session_id:str}/cancel",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
)
async def cancel_session(
    session_id: PathId, data: JSONBody[CancelIn], conn: Conn, actor: CurrentActor
) -> SessionOut:
    """Cancel one session.

    Enrolled clients are told on their consented channels, with the reason.
    """
    return await sessions.cancel_session(conn, actor, session_id, data.reason)


@post("/programmes/{programme_id:str}/enrolments", responses=problems(401, 403, 404, 409, 422))
async def enrol(
    programme_id: PathId, data: JSONBody[EnrolmentIn], conn: Conn, actor: CurrentActor
) -> EnrolmentOut:
    """Enrol a client in a programme.

    `enrolled` while there is room, else `waitlisted` with a position; never more
    enrolled than the capacity.
    """
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
    """The programme's enrolments.

    Only clients in your reach are listed.
    """
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
    """Withdraw an enrolment.

    A freed place goes to the first on the waiting list.
    """
    return await enrolment.withdraw(conn, actor, enrolment_id, data.reason)


@put(
    "/enrolments/{enrolment_id:str}/feedback",
    responses=problems(401, 403, 404, 409, 422),
    summary="The client's feedback when the group ends",
)
async def record_feedback(
    enrolment_id: PathId, data: JSONBody[FeedbackIn], conn: Conn, actor: CurrentActor
) -> FeedbackOut:
    """The client's feedback when the group ends.

    Whether they got the support they needed and made new plans.
    """
    return await feedback.record_feedback(conn, actor, enrolment_id, data)


@get("/enrolments/{enrolment_id:str}/feedback", responses=problems(401, 404))
async def read_feedback(enrolment_id: PathId, conn: Conn, actor: CurrentActor) -> FeedbackOut:
    """The feedback recorded for an enrolment.

    404 for a client outside your reach.
    """
    return await feedback.read_feedback(conn, actor, enrolment_id)


@get(
    "/attention",
    responses=problems(401, 422),
    summary="Your clients who need attention (repeated absence)",
)
async def needs_attention(
    conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[AttentionOut]:
    """Your clients who need attention (repeated absence).

    One item per client and group, with the reason and since when.
    """
    return await attendance.needs_attention(conn, actor, limit=limit, cursor=cursor)


@post(
    "/programmes/{programme_id:str}/participants",
    responses=problems(401, 403, 404, 409, 422),
    summary="Add a staff member who takes part in the group (not runs it)",
)
async def add_participant(
    programme_id: PathId, data: JSONBody[ParticipantIn], conn: Conn, actor: CurrentActor
) -> ParticipantOut:
    """Add a staff member who takes part in a co-development group as an equal.

    Only co-development groups take staff participants (422 naming `staff_id` otherwise); a
    facilitator or a participant already there answers 409. Taking part gives no reach into
    the group's clients."""
    return await participants.add_participant(conn, actor, programme_id, data.staff_id)


@get(
    "/programmes/{programme_id:str}/participants",
    responses=problems(401, 404, 422),
    summary="Staff who take part in the group as participants",
)
async def list_participants(
    programme_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[ParticipantOut]:
    """Staff who take part in the group as participants, not as its facilitators.

    Readable by the group's facilitators and participants and the organisation's admins."""
    return await participants.list_participants(conn, programme_id, limit=limit, cursor=cursor)


@delete(
    "/programmes/{programme_id:str}/participants/{staff_id:str}",
    responses=problems(401, 403, 404),
    summary="A staff participant no longer takes part",
)
async def remove_participant(
    programme_id: PathId, staff_id: PathId, conn: Conn, actor: CurrentActor
) -> None:
    """A staff participant no longer takes part in the group.

    The group's facilitators and the organisation's admins may remove one."""
    await participants.remove_participant(conn, actor, programme_id, staff_id)


@put(
    "/sessions/{session_id:str}/memo",
    responses=problems(401, 403, 404, 409, 422),
    summary="The facilitators' memo of the meeting, shared with everyone taking part",
)
async def write_memo(
    session_id: PathId, data: JSONBody[MemoIn], conn: Conn, actor: CurrentActor
) -> MemoOut:
    """Write the facilitators' memo of a meeting that has started.

    A memo is shared with the group, so one naming a client of the group in full or holding
    a personal identity code is refused with 422 on `text`, saying what was found and where
    but not repeating it."""
    return await memos.write_memo(conn, actor, session_id, data)


@get("/sessions/{session_id:str}/memo", responses=problems(401, 403, 404))
async def read_memo(session_id: PathId, conn: Conn, actor: CurrentActor) -> MemoOut:
    """The facilitators' memo of a meeting.

    Shared with everyone taking part: facilitators, contacts, staff participants and admins;
    clients read the latest memos on their own page."""
    return await memos.read_memo(conn, actor, session_id)


@put(
    "/sessions/{session_id:str}/workers-present",
    responses=problems(401, 403, 404, 409, 422),
    summary="Which workers came to the session",
)
async def record_workers_present(
    session_id: PathId, data: JSONBody[WorkersPresentIn], conn: Conn, actor: CurrentActor
) -> WorkersPresentOut:
    """Record which workers came to a session that has started.

    Replaces the session's list with the staff ids given."""
    return await workers_present.record_workers(conn, actor, session_id, data)


@get("/sessions/{session_id:str}/workers-present", responses=problems(401, 403, 404))
async def read_workers_present(
    session_id: PathId, conn: Conn, actor: CurrentActor
) -> WorkersPresentOut:
    """The workers who were present at a session.

    The group's report lists the sessions held with none present."""
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
