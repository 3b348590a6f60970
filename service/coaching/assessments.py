"""Assessments: a client's answers to an instrument, scored when they are given.

Each assessment keeps the instrument version it was made with and its scores, so a
new version of an instrument never changes an old result.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import Conflict, InvalidInput
from service.base.identity import Actor
from service.base.pagination import (
    BY_KEY,
    EARLIEST_DAY_FIRST,
    CursorId,
    Page,
    decode_cursor,
    page_of,
)
from service.base.reach import require_reach
from service.coaching.access import COACHING_ROLES
from service.coaching.instruments import Instrument, change_since, check_definition, score, shipped
from service.coaching.sql import queries
from service.coaching.types import AssessmentIn, AssessmentOut


async def install_shipped(conn: asyncpg.Connection) -> None:
    """Add the instruments shipped with Polku; versions already present stay as they are."""
    for instrument in shipped():
        await queries.add_instrument(
            conn,
            key=instrument.key,
            version=instrument.version,
            definition=msgspec.to_builtins(instrument),
            created_by=None,
        )


async def list_instruments(
    conn: asyncpg.Connection, *, every_version: bool, limit: int, cursor: str | None
) -> Page[Instrument]:
    after_key, after_version = decode_cursor(cursor, tuple[str, int], first=BY_KEY)
    rows = await queries.list_instruments(
        conn,
        every_version=every_version,
        after_key=after_key,
        after_version=after_version,
        limit=limit + 1,
    )
    items = [msgspec.convert(row["definition"], Instrument) for row in rows]
    return page_of(items, limit, lambda i: (i.key, i.version))


async def add_instrument(conn: asyncpg.Connection, actor: Actor, data: Instrument) -> Instrument:
    """A new instrument, or a new version of one; existing versions never change."""
    actor.require_role("admin")
    check_definition(data)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('instrument:' || $1))", data.key)
    latest = await queries.latest_version(conn, key=data.key)
    if latest is not None and data.version <= latest:
        raise Conflict(
            f"{data.key} already has version {latest}; a new version must be numbered "
            f"{latest + 1} or higher"
        )
    await queries.add_instrument(
        conn,
        key=data.key,
        version=data.version,
        definition=msgspec.to_builtins(data),
        created_by=actor.id,
    )
    await audit.log_action(
        conn, actor, "instrument.create", subject=("instrument", f"{data.key}:{data.version}")
    )
    return data


async def record_assessment(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: AssessmentIn
) -> AssessmentOut:
    await require_reach(conn, actor, client_id, "assessment.create", roles=COACHING_ROLES)
    if data.assessed_on > today_in_finland():
        raise InvalidInput("assessed_on", "is in the future")
    row = await queries.instrument(conn, key=data.instrument, version=data.instrument_version)
    if row is None:
        field = "instrument" if data.instrument_version is None else "instrument_version"
        raise InvalidInput(field, "no such instrument (see GET /api/v1/instruments)")
    scores = score(msgspec.convert(row["definition"], Instrument), data.answers)
    assessment_id = await queries.insert_assessment(
        conn,
        client_id=client_id,
        instrument_id=row["id"],
        assessed_on=data.assessed_on,
        answers=data.answers,
        scores=scores,
        recorded_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "assessment.create",
        client_id=client_id,
        subject=("assessment", assessment_id),
        detail={"instrument": row["key"], "version": row["version"]},
    )
    saved = await queries.assessment(conn, id=assessment_id)
    [out] = await _with_change(conn, client_id, [saved])
    return out


async def list_assessments(
    conn: asyncpg.Connection,
    actor: Actor,
    client_id: str,
    *,
    instrument: str | None,
    limit: int,
    cursor: str | None,
) -> Page[AssessmentOut]:
    await require_reach(conn, actor, client_id, "assessment.list")
    after_on, after_id = decode_cursor(cursor, tuple[date, CursorId], first=EARLIEST_DAY_FIRST)
    rows = await queries.client_assessments(
        conn,
        client_id=client_id,
        key=instrument,
        after_assessed_on=after_on,
        after_id=after_id,
        limit=limit + 1,
    )
    await audit.log_action(
        conn, actor, "assessment.list", client_id=client_id, detail={"instrument": instrument}
    )
    items = await _with_change(conn, client_id, rows)
    return page_of(items, limit, lambda a: (a.assessed_on, a.id))


async def _with_change(
    conn: asyncpg.Connection, client_id: str, rows: list[Any]
) -> list[AssessmentOut]:
    """Each assessment with its domains' change since the client's first one of the
    same instrument (None on that first one)."""
    keys = sorted({row["instrument"] for row in rows})
    firsts = {
        first["instrument"]: first
        for first in await queries.first_assessments(conn, client_id=client_id, keys=keys)
    }
    out = []
    for row in rows:
        first = firsts[row["instrument"]]
        change = None if first["id"] == row["id"] else change_since(first["scores"], row["scores"])
        out.append(
            AssessmentOut(
                id=row["id"],
                client_id=row["client_id"],
                instrument=row["instrument"],
                instrument_version=row["instrument_version"],
                assessed_on=row["assessed_on"],
                answers=row["answers"],
                scores=row["scores"],
                change_since_first=change,
                answered_by=row["answered_by"],
                created_at=row["created_at"],
            )
        )
    return out
