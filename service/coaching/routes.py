"""HTTP routes for coaching plans, goals, GAS, meetings, notes, assessments and the CV."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Request, Response, get, patch, post, put
from litestar.enums import MediaType
from litestar.params import FromQuery, HeaderParameter, JSONBody, QueryParameter

from service.base.errors import etag
from service.base.fields import Language
from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor, signed_in
from service.base.pagination import Cursor, Limit, Mine, Page
from service.base.problems import problems
from service.coaching import (
    assessments,
    continuation,
    cv,
    goals,
    meetings,
    notes,
    plan_list,
    plan_view,
    plans,
)
from service.coaching.client_side import request_assessment as ask_client
from service.coaching.instruments import Instrument
from service.coaching.types import (
    AssessmentIn,
    AssessmentOut,
    AssessmentRequestIn,
    AssessmentRequestOut,
    ContinuationIn,
    ContinuationOut,
    GasOut,
    GoalIn,
    GoalOut,
    GoalPatch,
    MeetingCancelIn,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    NoteIn,
    NoteOut,
    PlanIn,
    PlanListItem,
    PlanOut,
    PlanPatch,
    PlanStatus,
    PlanSummary,
    Rater,
    RatingIn,
    RatingOut,
    StrengthsCvIn,
    StrengthsCvOut,
)

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match", max_length=100, description="The ETag the document was read with"
    ),
]


Versioned = TypeVar("Versioned", PlanOut, GoalOut, StrengthsCvOut, ContinuationOut)


def _tagged(document: Versioned, status_code: int = 200) -> Response[Versioned]:
    """The document with its ETag, which edits send back as If-Match."""
    return Response(document, status_code=status_code, headers={"ETag": etag(document.version)})


# Plans ------------------------------------------------------------------------------


@post("/clients/{client_id:str}/plans", responses=problems(401, 403, 404, 422))
async def create_plan(
    client_id: PathId, data: JSONBody[PlanIn], conn: Conn, actor: CurrentActor
) -> Response[PlanOut]:
    """Start a coaching plan for the client.

    Goal or job coaching, with its coaches; coaches from another organisation need the
    client's data_sharing consent covering theirs.
    """
    return _tagged(await plans.create_plan(conn, actor, client_id, data), 201)


@get("/clients/{client_id:str}/plans", responses=problems(401, 404, 422))
async def list_client_plans(
    client_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[PlanSummary]:
    """The client's coaching plans, newest first.

    404 for a client outside your reach.
    """
    return await plans.list_plans(conn, actor, client_id, limit=limit, cursor=cursor)


@get("/plans", responses=problems(401, 422), summary="Plans of the clients you reach")
async def list_plans(
    conn: Conn,
    actor: CurrentActor,
    mine: Mine = False,
    status: FromQuery[PlanStatus | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[PlanListItem]:
    """Plans of every client you reach, newest first; `mine=true` keeps those you coach.

    Each item names the client by first name and surname initial and carries the goal
    count, the day of the last rating and the GAS T-score of the latest ratings;
    `status` is `open` (no end, or an end still to come) or `ended`.
    """
    return await plan_list.list_plans(
        conn, actor, mine=mine, status=status, limit=limit, cursor=cursor
    )


@get(
    "/plans/{plan_id:str}",
    responses=problems(401, 404),
    summary="A plan with its goals, ratings, GAS summary, continuation and meetings",
)
async def get_plan(plan_id: PathId, request: Request[Any, Any, Any]) -> Response[PlanOut]:
    # Read often: like the client read, it takes its caller without dependency
    # injection and shares statements with reads arriving with it.
    """One plan with its goals, ratings, GAS summary, continuation and meetings.

    The ETag header is the version to send back as If-Match when changing it.
    """
    reads: plan_view.PlanReads = request.app.state.plan_reads
    return _tagged(await reads.plan(signed_in(request), plan_id))


@patch("/plans/{plan_id:str}", responses=problems(401, 403, 404, 412, 422, 428))
async def update_plan(
    plan_id: PathId,
    data: JSONBody[PlanPatch],
    conn: Conn,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response[PlanOut]:
    """Change a plan's dates or coaches.

    Needs If-Match with the ETag the plan was read with (412 if it changed since).
    """
    return _tagged(await plans.update_plan(conn, actor, plan_id, data, if_match))


# Goals and GAS ------------------------------------------------------------------------


@post("/plans/{plan_id:str}/goals", responses=problems(401, 403, 404, 422))
async def add_goal(
    plan_id: PathId, data: JSONBody[GoalIn], conn: Conn, actor: CurrentActor
) -> Response[GoalOut]:
    """Add a GAS goal to a plan.

    `levels` maps each level "-2" to "2" to what it means for this client; the
    baseline is -2 or -1 and the weight greater than 0.
    """
    return _tagged(await goals.add_goal(conn, actor, plan_id, data), 201)


@get("/goals/{goal_id:str}", responses=problems(401, 404))
async def get_goal(goal_id: PathId, conn: Conn, actor: CurrentActor) -> Response[GoalOut]:
    """One goal with its levels and ratings.

    The ETag header is the version to send back as If-Match when changing it.
    """
    return _tagged(await goals.get_goal(conn, actor, goal_id))


@patch("/goals/{goal_id:str}", responses=problems(401, 403, 404, 412, 422, 428))
async def update_goal(
    goal_id: PathId,
    data: JSONBody[GoalPatch],
    conn: Conn,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response[GoalOut]:
    """Change a goal's title, weight or levels.

    Needs If-Match with the ETag the goal was read with.
    """
    return _tagged(await goals.update_goal(conn, actor, goal_id, data, if_match))


@post("/goals/{goal_id:str}/ratings", responses=problems(401, 403, 404, 422))
async def rate_goal(
    goal_id: PathId, data: JSONBody[RatingIn], conn: Conn, actor: CurrentActor
) -> RatingOut:
    """Rate a goal: the level reached on a day.

    A level from -2 to 2 with an optional note; the latest rating counts in the GAS
    summary.
    """
    return await goals.rate_goal(conn, actor, goal_id, data)


@get(
    "/plans/{plan_id:str}/gas",
    responses=problems(401, 404, 422),
    summary="GAS summary T-score at baseline, now, and after each rating day",
)
async def gas_summary(
    plan_id: PathId,
    request: Request[Any, Any, Any],
    ratings: Annotated[
        Rater,
        QueryParameter(
            description="Whose ratings to score: the staff's (default) or the client's own"
        ),
    ] = "staff",
) -> GasOut:
    """The plan's GAS T-score at baseline, now, and after each rating day.

    T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²), ρ = 0.3, rounded to two decimals;
    `ratings=client` scores the client's own ratings instead of the staff's.
    """
    reads: plan_view.PlanReads = request.app.state.plan_reads
    return await reads.gas_summary(signed_in(request), plan_id, ratings)


@put("/plans/{plan_id:str}/continuation", responses=problems(401, 403, 404, 412, 422))
async def set_continuation(
    plan_id: PathId,
    data: JSONBody[ContinuationIn],
    conn: Conn,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response[ContinuationOut]:
    """Set the plan's continuation: the next step after coaching.

    Education, employment, work trial, rehabilitation, another service or none, with
    a description and a target date.
    """
    return _tagged(await continuation.set_continuation(conn, actor, plan_id, data, if_match))


# Meetings -------------------------------------------------------------------------------


@post("/plans/{plan_id:str}/meetings", responses=problems(401, 403, 404, 422))
async def create_meeting(
    plan_id: PathId, data: JSONBody[MeetingIn], conn: Conn, actor: CurrentActor
) -> MeetingOut:
    """Plan a one-to-one meeting.

    It shows in the calendars and gets reminders like a group session.
    """
    return await meetings.create_meeting(conn, actor, plan_id, data)


@patch("/meetings/{meeting_id:str}", responses=problems(401, 403, 404, 409, 422))
async def update_meeting(
    meeting_id: PathId, data: JSONBody[MeetingPatch], conn: Conn, actor: CurrentActor
) -> MeetingOut:
    """Move a meeting or change its place.

    Invites and reminders follow the change.
    """
    return await meetings.update_meeting(conn, actor, meeting_id, data)


@post(
    "/meetings/{meeting_id:str}/cancel",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
)
async def cancel_meeting(
    meeting_id: PathId, data: JSONBody[MeetingCancelIn], conn: Conn, actor: CurrentActor
) -> MeetingOut:
    """Cancel a meeting.

    The client is told on their consented channel.
    """
    return await meetings.cancel_meeting(conn, actor, meeting_id, data.reason)


# Confidential notes ----------------------------------------------------------------------


@post("/plans/{plan_id:str}/notes", responses=problems(401, 403, 404, 422))
async def add_note(
    plan_id: PathId, data: JSONBody[NoteIn], conn: Conn, actor: CurrentActor
) -> NoteOut:
    """Add a confidential note to a plan.

    Only the plan's coaches and admins can read it.
    """
    return await notes.add_note(conn, actor, plan_id, data)


@get(
    "/plans/{plan_id:str}/notes",
    responses=problems(401, 403, 404, 422),
    summary="Confidential notes: the plan's coaches and admins only; every read audited",
)
async def read_notes(
    plan_id: PathId, conn: Conn, actor: CurrentActor, limit: Limit = 50, cursor: Cursor = None
) -> Page[NoteOut]:
    """The plan's confidential notes, newest first.

    The plan's coaches and admins only; every read audited.
    """
    return await notes.read_notes(conn, actor, plan_id, limit=limit, cursor=cursor)


# Instruments and assessments -------------------------------------------------------------


@get("/instruments", responses=problems(401, 422), summary="Assessment instruments")
async def list_instruments(
    conn: Conn,
    actor: CurrentActor,
    every_version: Annotated[
        bool, QueryParameter(description="Also the older versions, not just the newest")
    ] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Instrument]:
    """Assessment instruments.

    The newest version of each, or every version with `every_version=true`.
    """
    return await assessments.list_instruments(
        conn, every_version=every_version, limit=limit, cursor=cursor
    )


@post(
    "/instruments",
    responses=problems(401, 403, 409, 422),
    summary="Add an instrument or a new version of one (admins)",
)
async def add_instrument(data: JSONBody[Instrument], conn: Conn, actor: CurrentActor) -> Instrument:
    """Add an instrument or a new version of one (admins).

    Assessments made with an older version keep their meaning and scores.
    """
    return await assessments.add_instrument(conn, actor, data)


@post("/clients/{client_id:str}/assessments", responses=problems(401, 403, 404, 422))
async def record_assessment(
    client_id: PathId, data: JSONBody[AssessmentIn], conn: Conn, actor: CurrentActor
) -> AssessmentOut:
    """Record an assessment of the client.

    The answers are scored per domain of the instrument.
    """
    return await assessments.record_assessment(conn, actor, client_id, data)


@get(
    "/clients/{client_id:str}/assessments",
    responses=problems(401, 404, 422),
    summary="Assessments, oldest first, each with its domains' change since the first",
)
async def list_assessments(
    client_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    instrument: Annotated[str | None, QueryParameter(max_length=64)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AssessmentOut]:
    """The client's assessments, oldest first.

    Each with its domains' change since the first assessment with the same instrument.
    """
    return await assessments.list_assessments(
        conn, actor, client_id, instrument=instrument, limit=limit, cursor=cursor
    )


@post(
    "/plans/{plan_id:str}/assessment-requests",
    responses=problems(401, 403, 404, 422),
    summary="Ask the plan's client to fill in an instrument on their own page",
)
async def request_assessment(
    plan_id: PathId, data: JSONBody[AssessmentRequestIn], conn: Conn, actor: CurrentActor
) -> AssessmentRequestOut:
    """Ask the plan's client to fill in an instrument on their own page.

    The request shows in the personal part of the client's page.
    """
    return await ask_client(conn, actor, plan_id, data)


# Strengths CV ------------------------------------------------------------------------------


@put("/clients/{client_id:str}/strengths-cv", responses=problems(401, 403, 404, 412, 422))
async def put_cv(
    client_id: PathId,
    data: JSONBody[StrengthsCvIn],
    conn: Conn,
    actor: CurrentActor,
    if_match: IfMatch = None,
) -> Response[StrengthsCvOut]:
    """Write the client's strengths CV.

    Summary, strengths, skills, experience and interests; If-Match with the ETag
    once it exists.
    """
    return _tagged(await cv.put_cv(conn, actor, client_id, data, if_match))


@get("/clients/{client_id:str}/strengths-cv", responses=problems(401, 404))
async def get_cv(client_id: PathId, conn: Conn, actor: CurrentActor) -> Response[StrengthsCvOut]:
    """The client's strengths CV.

    The ETag header is the version to send back as If-Match.
    """
    return _tagged(await cv.get_cv(conn, actor, client_id))


@get(
    "/clients/{client_id:str}/strengths-cv.html",
    media_type=MediaType.HTML,
    responses=problems(401, 404, 422),
    summary="The strengths CV as a page that prints on one A4 sheet",
)
async def cv_page(
    client_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    language: FromQuery[Language | None] = None,
) -> str:
    """The strengths CV as a page that prints on one A4 sheet.

    In the client's language unless `language` says otherwise.
    """
    return await cv.cv_page(conn, actor, client_id, language)


routers = [
    api_router(
        "coaching",
        [
            create_plan,
            list_client_plans,
            list_plans,
            get_plan,
            update_plan,
            add_goal,
            get_goal,
            update_goal,
            rate_goal,
            gas_summary,
            set_continuation,
            create_meeting,
            update_meeting,
            cancel_meeting,
            add_note,
            read_notes,
        ],
    ),
    api_router(
        "assessments",
        [
            list_instruments,
            add_instrument,
            record_assessment,
            list_assessments,
            request_assessment,
            put_cv,
            get_cv,
            cv_page,
        ],
    ),
]
