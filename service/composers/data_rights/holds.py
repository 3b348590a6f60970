"""Legal holds: a record kept past its retention (a lawsuit, an appeal, an authority's
request), placed and lifted by the admins of the client's own organisation, each with
its reason in the audit trail. A client under a hold is never erased."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict, Forbidden
from service.base.identity import Actor
from service.base.reach import require_reach
from service.composers.data_rights.sql import queries
from service.composers.data_rights.types import LegalHold, LegalHoldIn, LegalHoldList


async def _require_own_admin(
    conn: asyncpg.Connection, actor: Actor, client_id: str, action: str, *, lock: bool
) -> None:
    await require_reach(conn, actor, client_id, action, lock=lock, roles=("admin",))
    facts = await queries.closing_facts(conn, client_id=client_id, viewer=actor.id)
    if facts["organisation_id"] != actor.organisation_id:
        raise Forbidden("only the admins of the client's own organisation")


async def place(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: LegalHoldIn
) -> LegalHold:
    # The client row locked: a retention pass erasing the client waits, or is waited for.
    await _require_own_admin(conn, actor, client_id, "legal_hold.place", lock=True)
    row = await queries.place_hold(
        conn, client_id=client_id, reason=data.reason, placed_by=actor.id
    )
    if row is None:
        raise Conflict("a legal hold stands already; lift it first to change its reason")
    await audit.log_action(
        conn,
        actor,
        "legal_hold.place",
        client_id=client_id,
        subject=("legal_hold", row["id"]),
        detail={"reason": data.reason},
    )
    return msgspec.convert(dict(row), LegalHold)


async def lift(
    conn: asyncpg.Connection, actor: Actor, client_id: str, reason: str | None
) -> LegalHold | None:
    """Lift the standing hold; None when none stood (nothing changes, nothing audited)."""
    await _require_own_admin(conn, actor, client_id, "legal_hold.lift", lock=True)
    row = await queries.lift_hold(conn, client_id=client_id, lifted_by=actor.id)
    if row is None:
        return None
    await audit.log_action(
        conn,
        actor,
        "legal_hold.lift",
        client_id=client_id,
        subject=("legal_hold", row["id"]),
        detail={"reason": reason, "hold_reason": row["reason"]},
    )
    return msgspec.convert(dict(row), LegalHold)


async def list_holds(conn: asyncpg.Connection, actor: Actor, client_id: str) -> LegalHoldList:
    await _require_own_admin(conn, actor, client_id, "legal_hold.list", lock=False)
    rows = await queries.holds(conn, client_id=client_id)
    await audit.log_action(conn, actor, "legal_hold.list", client_id=client_id)
    return LegalHoldList(items=[msgspec.convert(dict(row), LegalHold) for row in rows])
