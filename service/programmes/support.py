"""Participant support: what a participant was given at a group session so that taking
part cost them nothing (a bus ticket, a ride, a taxi, a meal), by whom, and the
programme's list with its totals.

Who: the group's facilitators and its organisation's admins record support for a
client enrolled in the group; a mistaken entry is deleted by the one who gave it or an
admin. The list shows, to any member of staff, the entries about the clients they
reach, and its totals count exactly those entries: a total that counted entries the
viewer cannot see would, beside the list, tell what the hidden clients were given. The
organisation-wide figures are the support report (service/reports/support.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from db.queries import load_queries
from service.base import audit
from service.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.pagination import OLDEST_FIRST, CursorId, decode_cursor, encode_cursor
from service.base.reach import require_reach
from service.programmes.access import require_manager, require_programme
from service.programmes.support_rules import KINDS, as_text, euros, initials_name
from service.programmes.support_types import (
    KindTotal,
    ProgrammeSupport,
    SupportIn,
    SupportOut,
    SupportTotals,
)

queries = load_queries(Path(__file__).with_name("support.sql"))


def _entry(row: Any) -> SupportOut:
    return SupportOut(
        id=str(row["id"]),
        programme_id=str(row["programme_id"]),
        session_id=str(row["session_id"]),
        session_number=row["session_number"],
        session_date=row["session_date"],
        client_id=str(row["client_id"]),
        client_name=initials_name(row["first_name"], row["last_name"]),
        kind=row["kind"],
        amount_eur=as_text(row["amount_eur"]),
        note=row["note"],
        given_by=str(row["given_by"]),
        given_by_name=row["given_by_name"],
        given_at=row["given_at"],
    )


async def give_support(
    conn: asyncpg.Connection, actor: Actor, session_id: str, data: SupportIn
) -> SupportOut:
    """Record what a participant was given at the session."""
    missing = NotFound("session not found")
    require_id(session_id, missing)
    session = await queries.support_session(conn, id=session_id)
    if session is None:
        raise missing
    amount = euros(data.amount_eur)
    await require_reach(conn, actor, data.client_id, "support.write")
    await require_manager(conn, actor, str(session["programme_id"]))
    if session["status"] == "cancelled":
        raise Conflict("the session was cancelled: nobody was given anything at it")
    if not await queries.enrolled_at_session(conn, session_id=session_id, client_id=data.client_id):
        raise InvalidInput("client_id", "must be a client with a place in the group")
    note = data.note.strip() if data.note else None
    entry_id = await queries.insert_support(
        conn,
        programme_id=session["programme_id"],
        session_id=session_id,
        client_id=data.client_id,
        kind=data.kind,
        amount_eur=amount,
        note=note or None,
        given_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "support.write",
        client_id=data.client_id,
        subject=("participant_support", str(entry_id)),
        detail={"session_id": session_id, "kind": data.kind, "amount_eur": as_text(amount)},
    )
    rows = await queries.support_items(
        conn,
        programme_id=session["programme_id"],
        viewer=actor.id,
        ids=[entry_id],
        after_starts=OLDEST_FIRST[0],
        after_id=OLDEST_FIRST[1],
        limit=1,
    )
    return _entry(rows[0])


async def delete_support(conn: asyncpg.Connection, actor: Actor, support_id: str) -> None:
    """Delete a mistaken entry: the one who gave it, or an admin of the programme's
    organisation. The audit trail keeps what was deleted (kind, amount, session)."""
    missing = NotFound("support entry not found")
    require_id(support_id, missing)
    entry = await queries.support_entry(conn, id=support_id)
    if entry is None:
        raise missing
    client_id = str(entry["client_id"])
    await require_reach(conn, actor, client_id, "support.delete")
    if str(entry["given_by"]) != actor.id and not await queries.is_programme_admin(
        conn, viewer=actor.id, programme_id=entry["programme_id"]
    ):
        raise Forbidden("only the one who gave it and the organisation's admins may delete it")
    await queries.delete_support(conn, id=support_id)
    await audit.log_action(
        conn,
        actor,
        "support.delete",
        client_id=client_id,
        subject=("participant_support", support_id),
        detail={
            "session_id": str(entry["session_id"]),
            "kind": entry["kind"],
            "amount_eur": as_text(entry["amount_eur"]),
            "given_by": str(entry["given_by"]),
        },
    )


def _totals(rows: list[Any]) -> SupportTotals:
    by_kind = {row["kind"]: row for row in rows if row["kind"] is not None}
    grand = next((row for row in rows if row["kind"] is None), None)
    return SupportTotals(
        entries=grand["entries"] if grand else 0,
        participants=grand["participants"] if grand else 0,
        amount_eur=as_text(grand["amount_eur"] if grand else Decimal(0)),
        by_kind=[
            KindTotal(
                kind=by_kind[kind]["kind"],
                entries=by_kind[kind]["entries"],
                amount_eur=as_text(by_kind[kind]["amount_eur"]),
            )
            for kind in KINDS
            if kind in by_kind
        ],
    )


async def programme_support(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, *, limit: int, cursor: str | None
) -> ProgrammeSupport:
    await require_programme(conn, programme_id)
    after_starts, after_id = decode_cursor(cursor, tuple[datetime, CursorId], first=OLDEST_FIRST)
    rows = await queries.support_items(
        conn,
        programme_id=programme_id,
        viewer=actor.id,
        ids=None,
        after_starts=after_starts,
        after_id=after_id,
        limit=limit + 1,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["starts_at"], str(rows[-1]["id"]))
    items = [_entry(row) for row in rows]
    totals = _totals(await queries.support_totals(conn, programme_id=programme_id, viewer=actor.id))
    await audit.log_for_clients(
        conn, actor, "support.list", sorted({item.client_id for item in items})
    )
    return ProgrammeSupport(
        programme_id=programme_id, items=items, next_cursor=next_cursor, totals=totals
    )
