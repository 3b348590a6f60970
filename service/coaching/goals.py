"""GAS goals on a coaching plan: adding, reading and changing a goal, and rating it."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import InvalidInput, NotFound, require_match
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.reach import require_reach
from service.coaching.access import client_of_plan, require_editor
from service.coaching.plan_view import read_goal
from service.coaching.sql import queries
from service.coaching.types import GoalIn, GoalOut, GoalPatch, RatingIn, RatingOut


async def _goal_owner(conn: asyncpg.Connection, actor: Actor, goal_id: str, action: str) -> Any:
    """The goal's plan and client, once the actor is known to reach the client."""
    require_id(goal_id, NotFound("goal not found"))
    owner = await queries.goal_owner(conn, id=goal_id)
    if owner is None:
        raise NotFound("goal not found")
    await require_reach(conn, actor, owner["client_id"], action)
    return owner


async def add_goal(conn: asyncpg.Connection, actor: Actor, plan_id: str, data: GoalIn) -> GoalOut:
    client_id = await client_of_plan(conn, actor, plan_id, "goal.create")
    await require_editor(conn, actor, plan_id)
    await queries.lock_plan(conn, id=plan_id)  # goal positions are numbered in order
    goal_id = await queries.insert_goal(
        conn,
        plan_id=plan_id,
        title=data.title.strip(),
        weight=data.weight,
        baseline=data.baseline,
        levels=msgspec.to_builtins(data.levels),
        created_by=actor.id,
    )
    await audit.log_action(
        conn, actor, "goal.create", client_id=client_id, subject=("goal", goal_id)
    )
    return await read_goal(conn, goal_id)


async def get_goal(conn: asyncpg.Connection, actor: Actor, goal_id: str) -> GoalOut:
    owner = await _goal_owner(conn, actor, goal_id, "goal.read")
    await audit.log_action(
        conn, actor, "goal.read", client_id=owner["client_id"], subject=("goal", goal_id)
    )
    return await read_goal(conn, goal_id)


async def update_goal(
    conn: asyncpg.Connection, actor: Actor, goal_id: str, data: GoalPatch, if_match: str | None
) -> GoalOut:
    owner = await _goal_owner(conn, actor, goal_id, "goal.update")
    await require_editor(conn, actor, owner["plan_id"])
    locked = await queries.lock_goal(conn, id=goal_id)
    require_match(if_match, locked["version"])
    current = await queries.goal(conn, id=goal_id)
    await queries.update_goal(
        conn,
        id=goal_id,
        title=current["title"] if data.title is msgspec.UNSET else data.title.strip(),
        weight=current["weight"] if data.weight is msgspec.UNSET else data.weight,
        levels=current["levels"]
        if data.levels is msgspec.UNSET
        else msgspec.to_builtins(data.levels),
    )
    await audit.log_action(
        conn, actor, "goal.update", client_id=owner["client_id"], subject=("goal", goal_id)
    )
    return await read_goal(conn, goal_id)


async def rate_goal(
    conn: asyncpg.Connection, actor: Actor, goal_id: str, data: RatingIn
) -> RatingOut:
    owner = await _goal_owner(conn, actor, goal_id, "goal.rate")
    await require_editor(conn, actor, owner["plan_id"])
    if data.rated_on > today_in_finland():
        raise InvalidInput("rated_on", "is in the future")
    row = await queries.insert_rating(
        conn,
        goal_id=goal_id,
        level=data.level,
        rated_on=data.rated_on,
        note=data.note,
        rated_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "goal.rate",
        client_id=owner["client_id"],
        subject=("goal", goal_id),
        detail={"level": data.level},
    )
    return msgspec.convert(dict(row), RatingOut)
