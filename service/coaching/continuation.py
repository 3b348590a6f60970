"""The continuation plan: the next step a coaching plan leads to, written by its editors."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import require_match
from service.base.identity import Actor
from service.coaching.access import client_of_plan, require_editor
from service.coaching.sql import queries
from service.coaching.types import ContinuationIn, ContinuationOut


async def set_continuation(
    conn: asyncpg.Connection,
    actor: Actor,
    plan_id: str,
    data: ContinuationIn,
    if_match: str | None = None,
) -> ContinuationOut:
    """Write the plan's next step. With If-Match (the continuation's ETag, or "0" before
    there is one) a write based on an older version is refused, as for plans and goals."""
    client_id = await client_of_plan(conn, actor, plan_id, "continuation.set")
    await require_editor(conn, actor, plan_id)
    if if_match is not None:
        await queries.lock_plan(conn, id=plan_id)  # the first two writes take turns too
        require_match(if_match, await queries.continuation_version(conn, plan_id=plan_id))
    row = await queries.put_continuation(
        conn,
        plan_id=plan_id,
        next_step=data.next_step,
        description=data.description.strip(),
        target_date=data.target_date,
        updated_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "continuation.set",
        client_id=client_id,
        subject=("plan", plan_id),
        detail={"next_step": data.next_step},
    )
    return msgspec.convert(dict(row), ContinuationOut)
