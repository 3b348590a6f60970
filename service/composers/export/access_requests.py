"""A client's requests to see what Polku holds on them (GDPR art. 15): recorded by staff
who reach the client, due one calendar month on, listed for the organisation's admins
(open, late, answered) and answered by an admin with the export."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.fields import require_in_range
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.pagination import EARLIEST_DAY_FIRST, CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach
from service.composers.export import export, rules
from service.composers.export.sql import queries
from service.composers.export.types import (
    AccessRequestIn,
    AccessRequestList,
    AccessRequestOut,
    AnsweredRequest,
)


def _out(row: Any, today: date) -> AccessRequestOut:
    fields = dict(row)
    fields["status"] = rules.status(row["due_on"], row["answered_at"] is not None, today)
    fields["export_url"] = f"/api/v1/clients/{row['client_id']}/export"
    return msgspec.convert(fields, AccessRequestOut)


async def record(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: AccessRequestIn
) -> AccessRequestOut:
    await require_reach(conn, actor, client_id, "access_request.create", lock=True)
    today = today_in_finland()
    require_in_range("received_on", data.received_on)
    if data.received_on > today:
        raise InvalidInput("received_on", "cannot be in the future")
    row = await queries.insert_request(
        conn,
        client_id=client_id,
        received_on=data.received_on,
        due_on=rules.due_on(data.received_on),
        recorded_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "access_request.create",
        client_id=client_id,
        subject=("access_request", row["id"]),
    )
    return _out(row, today)


async def client_requests(
    conn: asyncpg.Connection, actor: Actor, client_id: str
) -> AccessRequestList:
    """The client's requests, newest first, for anyone who reaches them: whether the
    one they recorded has been answered."""
    await require_reach(conn, actor, client_id, "access_request.list")
    rows = await queries.client_requests(conn, client_id=client_id)
    await audit.log_action(conn, actor, "access_request.list", client_id=client_id)
    today = today_in_finland()
    return AccessRequestList(items=[_out(row, today) for row in rows])


async def list_requests(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    status: rules.RequestStatus | None,
    limit: int,
    cursor: str | None,
) -> Page[AccessRequestOut]:
    """The admin's organisation's requests by due day: one status, or all of them."""
    actor.require_role("admin")
    after_due, after_id = decode_cursor(cursor, tuple[date, CursorId], first=EARLIEST_DAY_FIRST)
    today = today_in_finland()
    rows = await queries.organisation_requests(
        conn,
        organisation_id=actor.organisation_id,
        waiting=status in {None, "open", "late"},
        due_from=today if status == "open" else None,
        due_before=today if status == "late" else None,
        answered=status in {None, "answered"},
        after_due=after_due,
        after_id=after_id,
        limit=limit + 1,
    )
    page = page_of([_out(row, today) for row in rows], limit, lambda q: (q.due_on, q.id))
    await audit.log_for_clients(
        conn, actor, "access_request.list", sorted({q.client_id for q in page.items})
    )
    return page


async def answer(conn: asyncpg.Connection, actor: Actor, request_id: str) -> AnsweredRequest:
    """Answer with the export: the request records when, by whom and the export's
    SHA-256; the answer carries the export itself."""
    client_id = await queries.request_client(conn, id=request_id) if is_id(request_id) else None
    if client_id is None:
        raise NotFound("access request not found")
    document = await export.export(conn, actor, client_id, purpose="access_request")
    encoded = msgspec.json.encode(document)
    digest = hashlib.sha256(encoded).digest()
    row = await queries.answer_request(
        conn, id=request_id, answered_by=actor.id, export_sha256=digest
    )
    if row is None:
        raise Conflict("the access request has been answered already")
    await audit.log_action(
        conn,
        actor,
        "access_request.answer",
        client_id=client_id,
        subject=("access_request", request_id),
    )
    return AnsweredRequest(
        access_request=_out(row, today_in_finland()),
        export_sha256=digest.hex(),
        export=document,
    )
