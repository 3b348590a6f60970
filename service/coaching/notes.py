"""Confidential notes on a coaching plan: written and read only by the plan's coaches
and admins, and every read is audited with the notes it showed."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Forbidden
from service.base.identity import Actor
from service.base.pagination import NEWEST_FIRST, CursorId, Page, decode_cursor, page_of
from service.coaching.access import client_of_plan, require_editor
from service.coaching.sql import queries
from service.coaching.types import NoteIn, NoteOut


async def add_note(conn: asyncpg.Connection, actor: Actor, plan_id: str, data: NoteIn) -> NoteOut:
    client_id = await client_of_plan(conn, actor, plan_id, "note.create")
    await require_editor(conn, actor, plan_id)
    note = await queries.insert_note(conn, plan_id=plan_id, body=data.body, author_id=actor.id)
    await audit.log_action(
        conn, actor, "note.create", client_id=client_id, subject=("note", note["id"])
    )
    return NoteOut(
        id=note["id"],
        body=data.body,
        author_id=actor.id,
        author_name=actor.name,
        created_at=note["created_at"],
    )


async def read_notes(
    conn: asyncpg.Connection, actor: Actor, plan_id: str, *, limit: int, cursor: str | None
) -> Page[NoteOut]:
    """Confidential: only the plan's coaches and admins, and every read is audited."""
    client_id = await client_of_plan(conn, actor, plan_id, "note.read")
    if not await queries.may_edit_plan(conn, viewer=actor.id, plan_id=plan_id):
        await audit.log_action(
            conn,
            actor,
            "note.read",
            client_id=client_id,
            subject=("plan", plan_id),
            outcome="denied",
        )
        raise Forbidden("confidential notes are for the plan's coaches and admins")
    after_created_at, after_id = decode_cursor(
        cursor, tuple[datetime, CursorId], first=NEWEST_FIRST
    )
    rows = await queries.plan_notes(
        conn,
        plan_id=plan_id,
        after_created_at=after_created_at,
        after_id=after_id,
        limit=limit + 1,
    )
    notes = page_of(
        [msgspec.convert(dict(row), NoteOut) for row in rows],
        limit,
        lambda n: (n.created_at, n.id),
    )
    await audit.log_action(
        conn,
        actor,
        "note.read",
        client_id=client_id,
        subject=("plan", plan_id),
        detail={"notes": [note.id for note in notes.items]},
    )
    return notes
