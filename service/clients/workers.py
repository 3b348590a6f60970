"""A client's responsible workers: who answers for them, handed over or shared."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.reach import CLIENT_WORK_ROLES, require_reach, require_sharing_with_staff
from service.clients.sql import queries
from service.clients.types import (
    WorkerIn,
    WorkerOut,
)


async def list_workers(conn: asyncpg.Connection, actor: Actor, client_id: str) -> list[WorkerOut]:
    await require_reach(conn, actor, client_id, "client.workers.read")
    rows = await queries.client_workers(conn, client_id=client_id)
    await audit.log_action(conn, actor, "client.workers.read", client_id=client_id)
    return [msgspec.convert(dict(row), WorkerOut) for row in rows]


async def add_worker(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: WorkerIn
) -> list[WorkerOut]:
    """Make another staff member responsible for the client (a hand-over, a second worker)."""
    await require_reach(conn, actor, client_id, "client.workers.add", lock=True)
    staff = await queries.active_staff(conn, id=data.staff_id) if is_id(data.staff_id) else None
    if staff is None or not set(staff["roles"]) & set(CLIENT_WORK_ROLES):
        raise InvalidInput(
            "staff_id", "unknown staff member, or one who does not work with clients"
        )
    await require_sharing_with_staff(conn, client_id, [data.staff_id], data.consent_id)
    await queries.add_client_worker(conn, client_id=client_id, staff_id=data.staff_id)
    await audit.log_action(
        conn, actor, "client.workers.add", client_id=client_id, subject=("staff", data.staff_id)
    )
    return await list_workers(conn, actor, client_id)


async def remove_worker(
    conn: asyncpg.Connection, actor: Actor, client_id: str, staff_id: str
) -> None:
    await require_reach(conn, actor, client_id, "client.workers.remove", lock=True)
    removed = is_id(staff_id) and await queries.remove_client_worker(
        conn, client_id=client_id, staff_id=staff_id
    )
    if not removed:
        workers = await queries.client_workers(conn, client_id=client_id)
        if any(worker["staff_id"] == staff_id for worker in workers):
            raise Conflict("a client always keeps at least one responsible worker")
        raise NotFound("that staff member is not responsible for this client")
    await audit.log_action(
        conn, actor, "client.workers.remove", client_id=client_id, subject=("staff", staff_id)
    )
