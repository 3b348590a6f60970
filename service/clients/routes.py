"""HTTP routes for clients, their workers, consent, audit trail and pathway."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, patch, post, put
from litestar.params import JSONBody

from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor, signed_in
from service.base.pagination import Cursor, Limit, Mine, Page, Search
from service.base.problems import problems
from service.clients import audit_trail, consents, esf_entry, records, workers
from service.clients.types import (
    AuditEventOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    ConsentIn,
    ConsentOut,
    EsfEntryIn,
    EsfEntryOut,
    RevokeIn,
    WorkerIn,
    WorkerOut,
)


@post("/clients", responses=problems(401, 403, 422))
async def create_client(data: JSONBody[ClientIn], conn: Conn, actor: CurrentActor) -> ClientOut:
    """Add a client.

    The client belongs to your organisation and you become their responsible worker.
    """
    return await records.create_client(conn, actor, data)


@get("/clients", responses=problems(401, 422), summary="Clients in your reach, by name")
async def list_clients(
    conn: Conn,
    actor: CurrentActor,
    q: Search = None,
    mine: Mine = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ClientOut]:
    """Clients you reach, sorted by name.

    `q` keeps those matching every word; `mine=true` keeps those you reach through a
    relationship of your own (responsible worker, plan coach, facilitator of their group,
    referrer), leaving out those you reach only as an admin.
    """
    return await records.list_clients(conn, actor, q=q, limit=limit, cursor=cursor, mine=mine)


@get("/clients/{client_id:str}", responses=problems(401, 404))
async def get_client(client_id: PathId, request: Request[Any, Any, Any]) -> ClientOut:
    # The hottest read in Polku: it takes its caller without dependency injection
    # (a tenth of this request) and shares statements with reads arriving with it.
    """One client's record.

    404 for a client outside your reach; every read is audited.
    """
    reads: records.ClientReads = request.app.state.client_reads
    return await reads.read(signed_in(request), client_id)


@patch("/clients/{client_id:str}", responses=problems(401, 404, 422))
async def update_client(
    client_id: PathId, data: JSONBody[ClientPatch], conn: Conn, actor: CurrentActor
) -> ClientOut:
    """Change a client's record.

    Only the fields sent change; 404 for a client outside your reach.
    """
    return await records.update_client(conn, actor, client_id, data)


@get("/clients/{client_id:str}/workers", responses=problems(401, 404))
async def list_workers(client_id: PathId, conn: Conn, actor: CurrentActor) -> list[WorkerOut]:
    """The client's responsible workers.

    Each with their organisation and since when.
    """
    return await workers.list_workers(conn, actor, client_id)


@post("/clients/{client_id:str}/workers", responses=problems(401, 403, 404, 422))
async def add_worker(
    client_id: PathId, data: JSONBody[WorkerIn], conn: Conn, actor: CurrentActor
) -> list[WorkerOut]:
    """Make a staff member a responsible worker of the client.

    From another organisation only with the client's data_sharing consent covering it
    (422 naming `consent_id` otherwise).
    """
    return await workers.add_worker(conn, actor, client_id, data)


@delete("/clients/{client_id:str}/workers/{staff_id:str}", responses=problems(401, 403, 404, 409))
async def remove_worker(
    client_id: PathId, staff_id: PathId, conn: Conn, actor: CurrentActor
) -> None:
    """Remove a responsible worker.

    Their reach through this relationship ends at once; the last one cannot be removed.
    """
    await workers.remove_worker(conn, actor, client_id, staff_id)


@post("/clients/{client_id:str}/consents", responses=problems(401, 403, 404, 422))
async def give_consent(
    client_id: PathId, data: JSONBody[ConsentIn], conn: Conn, actor: CurrentActor
) -> ConsentOut:
    """Record a consent of the client.

    Purposes: data_sharing (with the organisations named), email_reminders,
    sms_reminders, calendar_feed, client_page; valid until revoked or `valid_until`.
    """
    return await consents.give_consent(conn, actor, client_id, data)


@get("/clients/{client_id:str}/consents", responses=problems(401, 404, 422))
async def list_consents(
    client_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ConsentOut]:
    """The client's consents, newest first.

    Each says whether it holds now.
    """
    return await consents.list_consents(conn, actor, client_id, limit=limit, cursor=cursor)


@post(
    "/consents/{consent_id:str}/revoke",
    status_code=200,
    responses=problems(401, 403, 404, 409, 422),
)
async def revoke_consent(
    consent_id: PathId, conn: Conn, actor: CurrentActor, data: JSONBody[RevokeIn | None] = None
) -> ConsentOut:
    """Revoke a consent.

    What it allowed ends at once: reach across organisations, reminders on a channel,
    the calendar feed or the client's page.
    """
    return await consents.revoke_consent(conn, actor, consent_id, data or RevokeIn())


@get("/clients/{client_id:str}/audit", responses=problems(401, 403, 404, 422))
async def get_audit_trail(
    client_id: PathId,
    conn: Conn,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEventOut]:
    """Who read or changed the client's data, and when (admins).

    Newest first, with the action, the staff member and the request.
    """
    return await audit_trail.audit_trail(conn, actor, client_id, limit=limit, cursor=cursor)


@put(
    "/clients/{client_id:str}/esf-entry",
    responses=problems(401, 404, 422),
    summary="The ESF+ entry answers that are special-category: yes, no or declined",
)
async def record_esf_entry(
    client_id: PathId, data: JSONBody[EsfEntryIn], conn: Conn, actor: CurrentActor
) -> EsfEntryOut:
    """Record the special-category ESF+ entry answers.

    Disability, minority, homelessness: yes, no or declined, kept apart from the record.
    """
    return await esf_entry.record(conn, actor, client_id, data)


@get(
    "/clients/{client_id:str}/esf-entry",
    responses=problems(401, 404),
    summary="The client's special-category ESF+ entry answers (null: not asked)",
)
async def read_esf_entry(client_id: PathId, conn: Conn, actor: CurrentActor) -> EsfEntryOut:
    """The client's special-category ESF+ entry answers.

    Null when the client was not asked; every read is audited.
    """
    return await esf_entry.read(conn, actor, client_id)


routers = [
    api_router(
        "clients",
        [
            create_client,
            list_clients,
            get_client,
            update_client,
            list_workers,
            add_worker,
            remove_worker,
            give_consent,
            list_consents,
            revoke_consent,
            get_audit_trail,
            record_esf_entry,
            read_esf_entry,
        ],
    )
]
