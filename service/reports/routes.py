"""HTTP routes for reports."""

from __future__ import annotations

from litestar import Response, get

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import FromDate, IdQuery, ToDate
from service.base.problems import problems
from service.reports import esf, outcomes, programme_report, support
from service.reports.support_types import SupportReport
from service.reports.types import OutcomesReport, ProgrammeReport


@get(
    "/reports/programmes/{programme_id:str}",
    responses=problems(401, 403, 404),
    summary="A group's enrolment, completion, drop-outs and attendance",
)
async def get_programme_report(
    programme_id: PathId, conn: Conn, actor: CurrentActor
) -> ProgrammeReport:
    return await programme_report.programme_report(conn, actor, programme_id)


@get(
    "/reports/outcomes",
    responses=problems(401, 403, 422),
    summary="Outcome figures for a period; figures about fewer than 5 people suppressed",
)
async def get_outcomes(
    conn: Conn,
    actor: CurrentActor,
    from_date: FromDate = None,
    to_date: ToDate = None,
    organisation_id: IdQuery = None,
) -> OutcomesReport:
    return await outcomes.outcomes(
        conn, actor, first_day=from_date, last_day=to_date, organisation_id=organisation_id
    )


@get(
    "/reports/esf-participants.csv",
    responses=problems(401, 403, 422),
    media_type="text/csv",
    summary="ESF+ participant monitoring data at entry and exit (CSV for Excel, admins)",
)
async def get_esf_participants(
    conn: Conn,
    actor: CurrentActor,
    from_date: FromDate = None,
    to_date: ToDate = None,
    organisation_id: IdQuery = None,
) -> Response[bytes]:
    body, period = await esf.esf_participants(
        conn, actor, first_day=from_date, last_day=to_date, organisation_id=organisation_id
    )
    filename = f"esf-participants-{period.first_day}-{period.last_day}.csv"
    return Response(
        content=body,
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@get(
    "/reports/support",
    responses=problems(401, 403, 422),
    summary="What participant support cost, by programme and kind (exact euros)",
)
async def get_support_report(
    conn: Conn,
    actor: CurrentActor,
    from_date: FromDate = None,
    to_date: ToDate = None,
    organisation_id: IdQuery = None,
) -> SupportReport:
    return await support.support_report(
        conn, actor, first_day=from_date, last_day=to_date, organisation_id=organisation_id
    )


routers = [
    api_router(
        "reports", [get_programme_report, get_outcomes, get_esf_participants, get_support_report]
    ),
]
