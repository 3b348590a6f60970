"""The audit trail: every read and write of client-level data appends an event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import asyncpg

from service.base.ids import is_id
from service.base.nul import NUL

if TYPE_CHECKING:
    from service.base.errors import ClientOutOfReach
    from service.base.identity import Actor

_INSERT = """
INSERT INTO audit_events
    (actor_id, action, client_id, subject_type, subject_id, outcome, request_id, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""

_INSERT_MANY = """
INSERT INTO audit_events (actor_id, action, client_id, request_id)
SELECT $1, $2, client_id, $4 FROM unnest($3::uuid[]) AS client_id
"""


async def log_action(
    conn: asyncpg.Connection,
    actor: Actor | None,
    action: str,
    *,
    client_id: str | None = None,
    subject: tuple[str, str] | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Append one event; `actor` None means the system (worker, command line)."""
    subject_type, subject_id = subject or (None, None)
    await conn.execute(
        _INSERT,
        actor.id if actor else None,
        action,
        client_id,
        subject_type,
        subject_id,
        outcome,
        actor.request_id if actor else request_id,
        detail,
    )


async def log_refusal(
    conn: asyncpg.Connection, actor: Actor | None, refusal: ClientOutOfReach
) -> None:
    """The evidence of a refused attempt on a client (or on something that is no id,
    kept as asked for, but with NUL, which text cannot hold, written as \\u0000)."""
    known = is_id(refusal.client_id)
    asked_for = refusal.client_id[:100].replace(NUL, "\\u0000")
    await log_action(
        conn,
        actor,
        refusal.action,
        client_id=refusal.client_id if known else None,
        subject=None if known else ("client", asked_for),
        outcome="denied",
    )


async def log_for_clients(
    conn: asyncpg.Connection, actor: Actor, action: str, client_ids: Sequence[str]
) -> None:
    """One event per client, for lists, searches and changes that touch many clients."""
    if client_ids:
        await conn.execute(_INSERT_MANY, actor.id, action, list(client_ids), actor.request_id)


async def attribute_changes(conn: asyncpg.Connection, actor: Actor) -> None:
    """Name the actor, for the rest of the transaction, as the one who changes rows whose
    history a trigger keeps (client_record_changes, migration 0031)."""
    await conn.execute("SELECT set_config('polku.actor_id', $1, true)", actor.id)


# The trail is kept one table per month (migration 0040); the worker makes the months
# ahead. Less than this left, and readiness says so while writes still work.
MONTHS_AHEAD_WARNING = timedelta(days=31)


async def make_months_ahead(conn: asyncpg.Connection) -> int:
    """This month and the next three, those not made yet; how many were made."""
    made: int = await conn.fetchval("SELECT ensure_audit_months()")
    return made


async def months_left(conn: asyncpg.Connection) -> timedelta | None:
    """How long until the trail has no month to write to (None: no month at all)."""
    left: timedelta | None = await conn.fetchval("SELECT audit_months_end() - now()")
    return left
