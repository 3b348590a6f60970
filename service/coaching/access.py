"""Who may work with a coaching plan: the roles that coach, reaching a plan's client,
and the plan's editors (its coaches and admins)."""

from __future__ import annotations

import asyncpg

from service.base.errors import Forbidden, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.reach import require_reach
from service.coaching.sql import queries

COACHING_ROLES = ("coach", "admin")


def plan_not_found() -> NotFound:
    return NotFound("plan not found")


async def client_of_plan(conn: asyncpg.Connection, actor: Actor, plan_id: str, action: str) -> str:
    """The plan's client, once the actor is known to reach them (404 otherwise)."""
    require_id(plan_id, plan_not_found())
    plan = await queries.plan(conn, id=plan_id)
    if plan is None:
        raise plan_not_found()
    await require_reach(conn, actor, plan["client_id"], action)
    client_id: str = plan["client_id"]
    return client_id


async def require_editor(conn: asyncpg.Connection, actor: Actor, plan_id: str) -> None:
    if not await queries.may_edit_plan(conn, viewer=actor.id, plan_id=plan_id):
        raise Forbidden("only the plan's coaches and admins edit it")
