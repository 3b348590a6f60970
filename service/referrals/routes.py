"""HTTP routes for the service catalogue, referrals and stalled paths."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.pagination import Cursor, IdQuery, Limit, Mine, Page, Search
from service.base.problems import problems
from service.referrals import catalogue, referrals, stalled
from service.referrals.lifecycle import Status
from service.referrals.types import (
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    StalledPage,
    StatusIn,
)

CategoryQuery = Annotated[str | None, QueryParameter(max_length=100)]


@post("/services", responses=problems(401, 403, 422), summary="Add a service to the catalogue")
async def create_service(data: JSONBody[ServiceIn], conn: Conn, actor: CurrentActor) -> ServiceOut:
    """Add a service to the catalogue.

    HSDS-shaped: organisation, name, description, category, eligibility, contact and
    location.
    """
    return await catalogue.create_service(conn, actor, data)


@get("/services", responses=problems(401, 422), summary="Search the catalogue")
async def search_services(
    conn: Conn,
    actor: CurrentActor,
    q: Search = None,
    category: CategoryQuery = None,
    include_inactive: FromQuery[bool] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ServiceOut]:
    """Search the service catalogue.

    `q` matches every word, `category` narrows it; inactive services only when asked.
    """
    return await catalogue.search_services(
        conn,
        q=q,
        category=category,
        include_inactive=include_inactive,
        limit=limit,
        cursor=cursor,
    )


@get("/services/{service_id:str}", responses=problems(401, 404))
async def get_service(service_id: PathId, conn: Conn, actor: CurrentActor) -> ServiceOut:
    """One service of the catalogue.

    404 for an unknown id.
    """
    return await catalogue.get_service(conn, service_id)


@patch("/services/{service_id:str}", responses=problems(401, 403, 404, 422))
async def update_service(
    service_id: PathId, data: JSONBody[ServicePatch], conn: Conn, actor: CurrentActor
) -> ServiceOut:
    """Change a service of the catalogue.

    Only the fields sent change.
    """
    return await catalogue.update_service(conn, actor, service_id, data)


@post(
    "/referrals",
    responses=problems(401, 403, 404, 409, 422),
    summary="Refer a client to a programme or a service",
)
async def create_referral(
    data: JSONBody[ReferralIn], conn: Conn, actor: CurrentActor
) -> ReferralOut:
    """Refer a client to a programme or a service.

    Across organisations it needs the client's data_sharing consent covering the
    receiving one (422 naming `consent_id` otherwise).
    """
    return await referrals.create_referral(conn, actor, data)


@get(
    "/referrals",
    responses=problems(401, 422),
    summary="Referrals you are a side of; with stalled=true, where your clients' paths stopped",
)
async def list_referrals(
    conn: Conn,
    actor: CurrentActor,
    status: FromQuery[Status | None] = None,
    client_id: IdQuery = None,
    direction: FromQuery[Literal["incoming", "outgoing"] | None] = None,
    stalled_only: Annotated[bool, QueryParameter(name="stalled")] = False,
    mine: Mine = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReferralPage | StalledPage:
    """Referrals you are a side of and whose client you reach, newest first.

    `mine=true` keeps those you are a side of in person (you referred, or you facilitate
    the group referred to), leaving out those of your organisation as a whole.
    `stalled=true` answers instead where your clients' paths stopped, with the reason.
    """
    if stalled_only:
        return await stalled.stalled_paths(conn, actor, limit=limit, cursor=cursor)
    return await referrals.list_referrals(
        conn,
        actor,
        status=status,
        client_id=client_id,
        direction=direction,
        mine=mine,
        limit=limit,
        cursor=cursor,
    )


@get("/referrals/{referral_id:str}", responses=problems(401, 404))
async def get_referral(referral_id: PathId, conn: Conn, actor: CurrentActor) -> ReferralOut:
    """One referral with its status history.

    404 for a referral you are not a side of or whose client you do not reach.
    """
    return await referrals.get_referral(conn, actor, referral_id)


@post(
    "/referrals/{referral_id:str}/status",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
    summary="Move a referral on (FHIR Task statuses); 409 names the moves allowed",
)
async def change_status(
    referral_id: PathId, data: JSONBody[StatusIn], conn: Conn, actor: CurrentActor
) -> ReferralOut:
    """Move a referral on (FHIR Task statuses).

    An illegal move answers 409 naming the moves allowed; `rejected` needs a reason;
    accepting a referral to a programme enrols the client (or waitlists them).
    """
    return await referrals.change_status(conn, actor, referral_id, data)


routers = [
    api_router(
        "referrals",
        [
            create_service,
            search_services,
            get_service,
            update_service,
            create_referral,
            list_referrals,
            get_referral,
            change_status,
        ],
    )
]
