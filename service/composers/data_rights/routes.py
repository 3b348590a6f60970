"""HTTP routes of closing a client relationship and of legal holds."""

from __future__ import annotations

from typing import Annotated

from litestar import delete, get, post
from litestar.params import JSONBody, QueryParameter

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor
from service.base.problems import problems
from service.composers.data_rights import closing, holds
from service.composers.data_rights.types import (
    CloseIn,
    Closure,
    LegalHold,
    LegalHoldIn,
    LegalHoldList,
)

LiftReason = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=1000,
        description="Why the hold is lifted, kept in the audit trail",
    ),
]


@post(
    "/clients/{client_id:str}/close",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
    summary="Close the client relationship: retention runs ten years from its last day",
    description=(
        "For the client's responsible workers and its organisation's admins. Ends reach "
        "through every relationship but the organisation's admins, cancels messages not "
        "yet sent and open six-month follow-ups, revokes the client's page and calendar-feed "
        "links, and sets `retention_until` to `closed_on` + 10 years (Act 703/2023), after "
        "which the record is erased unless a legal hold stands. `closed_on` may not be in "
        "the future nor before the client was recorded; 409 when it is closed already."
    ),
)
async def close_client(
    client_id: PathId, data: JSONBody[CloseIn], conn: Conn, actor: CurrentActor
) -> Closure:
    return await closing.close_client(conn, actor, client_id, data)


@post(
    "/clients/{client_id:str}/legal-hold",
    status_code=201,
    responses=problems(401, 403, 404, 409, 422),
    summary="Keep the client's record past its retention (admins of its organisation)",
    description="409 when a hold stands already. The reason is kept in the audit trail.",
)
async def place_legal_hold(
    client_id: PathId, data: JSONBody[LegalHoldIn], conn: Conn, actor: CurrentActor
) -> LegalHold:
    return await holds.place(conn, actor, client_id, data)


@delete(
    "/clients/{client_id:str}/legal-hold",
    responses=problems(401, 403, 404, 422),
    summary="Lift the legal hold (admins of the client's organisation)",
    description=(
        "204 whether or not a hold stood (lifting is idempotent; only a lift is audited). "
        "Once lifted, retention erases a record past its day."
    ),
)
async def lift_legal_hold(
    client_id: PathId, conn: Conn, actor: CurrentActor, reason: LiftReason = None
) -> None:
    await holds.lift(conn, actor, client_id, reason)


@get(
    "/clients/{client_id:str}/legal-holds",
    responses=problems(401, 403, 404),
    summary="The client's legal holds, standing and lifted (admins of its organisation)",
)
async def list_legal_holds(client_id: PathId, conn: Conn, actor: CurrentActor) -> LegalHoldList:
    """The client's legal holds, standing and lifted.

    For the admins of the client's organisation: a standing hold keeps the record past its
    retention, whatever its date."""
    return await holds.list_holds(conn, actor, client_id)


routers = [
    api_router("clients", [close_client]),
    # A path's methods share one router: Litestar 2 gives each router its own OPTIONS.
    api_router("clients", [place_legal_hold, lift_legal_hold]),
    api_router("clients", [list_legal_holds]),
]
