"""The client's answers to ESF+ entry questions that are special-category (a
disability, a minority, homelessness): each "yes", "no" or "declined" (asked, chose not
to answer), or not asked (null). Apart from the client record, read and written only
through their own operations, each audited."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.identity import Actor
from service.base.reach import require_reach
from service.clients.sql import queries
from service.clients.types import EsfEntryIn, EsfEntryOut


async def record(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: EsfEntryIn
) -> EsfEntryOut:
    await require_reach(conn, actor, client_id, "esf_entry.record", lock=True)
    row = await queries.record_esf_entry(
        conn,
        client_id=client_id,
        disability=data.disability,
        minority=data.minority,
        homelessness=data.homelessness,
        recorded_by=actor.id,
    )
    await audit.log_action(conn, actor, "esf_entry.record", client_id=client_id)
    return msgspec.convert(dict(row), EsfEntryOut)


async def read(conn: asyncpg.Connection, actor: Actor, client_id: str) -> EsfEntryOut:
    await require_reach(conn, actor, client_id, "esf_entry.read")
    row = await queries.esf_entry(conn, client_id=client_id)
    await audit.log_action(conn, actor, "esf_entry.read", client_id=client_id)
    if row is None:
        return EsfEntryOut(client_id=client_id)
    return msgspec.convert(dict(row), EsfEntryOut)
