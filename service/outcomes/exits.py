"""Exit records: the situation upon leaving a group or a plan, recordable for four weeks,
the latest counting; each schedules (or moves) the client's six-month follow-up in the
same transaction."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import InvalidInput
from service.base.identity import Actor
from service.base.reach import require_reach
from service.outcomes import rules
from service.outcomes.sql import queries
from service.outcomes.types import ExitIn, ExitList, ExitOut


async def record_exit(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: ExitIn
) -> ExitOut:
    await require_reach(conn, actor, client_id, "exit.create", lock=True)
    if data.programme_id is not None and data.plan_id is not None:
        raise InvalidInput("plan_id", "give programme_id or plan_id, not both")
    if why := rules.recordable(data.left_on, today_in_finland()):
        raise InvalidInput("left_on", why)
    if not await queries.client_left(
        conn, client_id=client_id, programme_id=data.programme_id, plan_id=data.plan_id
    ):
        field = "programme_id" if data.programme_id is not None else "plan_id"
        raise InvalidInput(field, "is not a group or plan of this client")
    row = await queries.insert_exit(
        conn,
        client_id=client_id,
        programme_id=data.programme_id,
        plan_id=data.plan_id,
        left_on=data.left_on,
        situation=data.situation,
        recorded_by=actor.id,
    )
    await queries.schedule_follow_up(
        conn, client_id=client_id, exit_id=row["id"], due_on=rules.follow_up_due(data.left_on)
    )
    await audit.log_action(
        conn,
        actor,
        "exit.create",
        client_id=client_id,
        subject=("exit", row["id"]),
        detail={"situation": data.situation},
    )
    return msgspec.convert(dict(row), ExitOut)


async def list_exits(conn: asyncpg.Connection, actor: Actor, client_id: str) -> ExitList:
    await require_reach(conn, actor, client_id, "exit.list")
    rows = await queries.exits(conn, client_id=client_id)
    await audit.log_action(conn, actor, "exit.list", client_id=client_id)
    return ExitList(items=[msgspec.convert(dict(row), ExitOut) for row in rows])
