"""Coaching plans: coaches, GAS goals and their ratings, the continuation plan, and
confidential notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NoReturn

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import ClientOutOfReach, Forbidden, InvalidInput, NotFound, require_match
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach, require_sharing_with_staff
from service.coaching import gas
from service.coaching.access import (
    COACHING_ROLES,
    client_of_plan,
    plan_not_found,
    require_editor,
)
from service.coaching.meetings import meeting_out
from service.coaching.sql import queries
from service.coaching.types import (
    ContinuationIn,
    ContinuationOut,
    GasGoal,
    GasOut,
    GasPoint,
    GoalIn,
    GoalLevels,
    GoalOut,
    GoalPatch,
    NoteIn,
    NoteOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanSummary,
    RatingIn,
    RatingOut,
)


async def _check_coaches(conn: asyncpg.Connection, ids: list[str]) -> list[str]:
    unique = sorted(set(ids))
    found = set()
    if all(is_id(i) for i in unique):
        found = {row["id"] for row in await queries.coaches_with_role(conn, ids=unique)}
    if found != set(unique):
        raise InvalidInput(
            "coach_ids", "every id must be an active staff member with the coach role"
        )
    return unique


async def create_plan(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: PlanIn
) -> PlanOut:
    await require_reach(conn, actor, client_id, "plan.create", lock=True, roles=COACHING_ROLES)
    coaches = await _check_coaches(conn, data.coach_ids)
    await require_sharing_with_staff(conn, client_id, coaches, data.consent_id)
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise InvalidInput("ends_on", "is before starts_on")
    plan_id = await queries.insert_plan(
        conn,
        client_id=client_id,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=actor.id,
    )
    await queries.replace_coaches(conn, plan_id=plan_id, staff_ids=coaches)
    await audit.log_action(
        conn, actor, "plan.create", client_id=client_id, subject=("plan", plan_id)
    )
    return await _read_plan(conn, actor, plan_id, None)


async def list_plans(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, limit: int, cursor: str | None
) -> Page[PlanSummary]:
    await require_reach(conn, actor, client_id, "plan.list")
    after_starts_on, after_id = decode_cursor(cursor, tuple[date, CursorId]) or (None, None)
    rows = await queries.client_plans(
        conn,
        client_id=client_id,
        after_starts_on=after_starts_on,
        after_id=after_id,
        limit=limit + 1,
    )
    await audit.log_action(conn, actor, "plan.list", client_id=client_id)
    plans = [msgspec.convert(dict(row), PlanSummary) for row in rows]
    return page_of(plans, limit, lambda p: (p.starts_on, p.id))


async def get_plan(conn: asyncpg.Connection, actor: Actor, plan_id: str) -> PlanOut:
    return await _read_plan(conn, actor, plan_id, "plan.read")


async def update_plan(
    conn: asyncpg.Connection, actor: Actor, plan_id: str, data: PlanPatch, if_match: str | None
) -> PlanOut:
    client_id = await client_of_plan(conn, actor, plan_id, "plan.update")
    await require_editor(conn, actor, plan_id)
    locked = await queries.lock_plan(conn, id=plan_id)
    require_match(if_match, locked["version"])
    current = await queries.plan(conn, id=plan_id)
    starts_on = current["starts_on"] if data.starts_on is msgspec.UNSET else data.starts_on
    ends_on = current["ends_on"] if data.ends_on is msgspec.UNSET else data.ends_on
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("ends_on", "is before starts_on")
    if isinstance(data.coach_ids, list):
        coaches = await _check_coaches(conn, data.coach_ids)
        await require_sharing_with_staff(conn, client_id, coaches, data.consent_id)
        await queries.replace_coaches(conn, plan_id=plan_id, staff_ids=coaches)
    await queries.update_plan(conn, id=plan_id, starts_on=starts_on, ends_on=ends_on)
    await audit.log_action(
        conn, actor, "plan.update", client_id=client_id, subject=("plan", plan_id)
    )
    return await _read_plan(conn, actor, plan_id, None)


# Goals and ratings --------------------------------------------------------------


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
    return await _read_goal(conn, goal_id)


async def _goal_client(conn: asyncpg.Connection, actor: Actor, goal_id: str, action: str) -> Any:
    require_id(goal_id, NotFound("goal not found"))
    owner = await queries.goal_owner(conn, id=goal_id)
    if owner is None:
        raise NotFound("goal not found")
    await require_reach(conn, actor, owner["client_id"], action)
    return owner


async def get_goal(conn: asyncpg.Connection, actor: Actor, goal_id: str) -> GoalOut:
    owner = await _goal_client(conn, actor, goal_id, "goal.read")
    await audit.log_action(
        conn, actor, "goal.read", client_id=owner["client_id"], subject=("goal", goal_id)
    )
    return await _read_goal(conn, goal_id)


async def update_goal(
    conn: asyncpg.Connection, actor: Actor, goal_id: str, data: GoalPatch, if_match: str | None
) -> GoalOut:
    owner = await _goal_client(conn, actor, goal_id, "goal.update")
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
    return await _read_goal(conn, goal_id)


async def rate_goal(
    conn: asyncpg.Connection, actor: Actor, goal_id: str, data: RatingIn
) -> RatingOut:
    owner = await _goal_client(conn, actor, goal_id, "goal.rate")
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


async def gas_summary(conn: asyncpg.Connection, actor: Actor, plan_id: str) -> GasOut:
    row = None
    if is_id(plan_id):
        row = await queries.read_gas(conn, viewer=actor.id, id=plan_id, request_id=actor.request_id)
    if row is None:
        await _refuse(conn, plan_id, "gas.read")
    goals = msgspec.convert(row["goals"], list[_GasGoalRow])
    index = {goal.id: position for position, goal in enumerate(goals)}
    ratings = msgspec.convert(row["ratings"], list[_GasRatingRow])
    return _gas(
        [goal.id for goal in goals],
        [gas.Goal(weight=goal.weight, baseline=goal.baseline) for goal in goals],
        [gas.Rating(goal=index[r.goal_id], level=r.level, rated_on=r.rated_on) for r in ratings],
    )


async def _refuse(conn: asyncpg.Connection, plan_id: str, action: str) -> NoReturn:
    """A plan that was not read: unknown (404), or out of reach (the audited 404)."""
    plan = await queries.plan(conn, id=plan_id) if is_id(plan_id) else None
    if plan is None:
        raise plan_not_found()
    raise ClientOutOfReach(plan["client_id"], action)


def _gas(ids: list[str], goals: list[gas.Goal], ratings: list[gas.Rating]) -> GasOut:
    summary = gas.summarise(goals, ratings)
    return GasOut(
        t_score=summary.t_score,
        baseline_t_score=summary.baseline_t_score,
        rho=gas.RHO,
        goals=[
            GasGoal(id=goal_id, weight=goal.weight, baseline=goal.baseline, latest_level=level)
            for goal_id, goal, level in zip(ids, goals, summary.latest_levels, strict=True)
        ],
        history=[GasPoint(on=day, t_score=score) for day, score in summary.history],
    )


# Continuation and notes ------------------------------------------------------------


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
    after_created_at, after_id = decode_cursor(cursor, tuple[datetime, CursorId]) or (None, None)
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


# Reading a whole plan ----------------------------------------------------------------


class _GasGoalRow(msgspec.Struct):
    id: str
    weight: float
    baseline: int


class _GasRatingRow(msgspec.Struct):
    goal_id: str
    level: int
    rated_on: date


class _GoalRow(msgspec.Struct):
    """A goal with its ratings, oldest first, as read_plan gives it."""

    id: str
    title: str
    weight: float
    baseline: int
    levels: GoalLevels
    version: int
    ratings: list[RatingOut]

    def model(self) -> gas.Goal:
        return gas.Goal(weight=self.weight, baseline=self.baseline)


class _MeetingRow(msgspec.Struct):
    id: str
    plan_id: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location_name: str | None
    location_address: str | None
    online_url: str | None
    status: str
    revision: int


def _goal_out(goal: _GoalRow, latest: int) -> GoalOut:
    return GoalOut(
        id=goal.id,
        title=goal.title,
        weight=goal.weight,
        baseline=goal.baseline,
        levels=goal.levels,
        latest_level=latest,
        ratings=goal.ratings,
        version=goal.version,
    )


async def _read_goal(conn: asyncpg.Connection, goal_id: str) -> GoalOut:
    row = await queries.goal(conn, id=goal_id)
    goal = msgspec.convert(dict(row), _GoalRow)
    rated = [gas.Rating(goal=0, level=r.level, rated_on=r.rated_on) for r in goal.ratings]
    return _goal_out(goal, gas.latest_levels([goal.model()], rated)[0])


async def _read_plan(
    conn: asyncpg.Connection, actor: Actor, plan_id: str, action: str | None
) -> PlanOut:
    """The whole plan in one statement; `action` names the audited read, or None when
    the plan is the answer to an edit that was audited already."""
    row = None
    if is_id(plan_id):
        row = await queries.read_plan(
            conn, viewer=actor.id, id=plan_id, request_id=actor.request_id, action=action
        )
    if row is None:
        await _refuse(conn, plan_id, action or "plan.read")
    goals = msgspec.convert(row["goals"], list[_GoalRow])
    ratings = [
        gas.Rating(goal=position, level=r.level, rated_on=r.rated_on)
        for position, goal in enumerate(goals)
        for r in goal.ratings
    ]
    summary = _gas([g.id for g in goals], [g.model() for g in goals], ratings)
    continuation = row["continuation"] and msgspec.convert(row["continuation"], ContinuationOut)
    meetings = msgspec.convert(row["meetings"], list[_MeetingRow])
    return PlanOut(
        id=row["id"],
        client_id=row["client_id"],
        kind=row["kind"],
        coach_ids=list(row["coach_ids"]),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        goals=[_goal_out(g, s.latest_level) for g, s in zip(goals, summary.goals, strict=True)],
        gas=summary,
        continuation=None
        if continuation is None
        else msgspec.convert(continuation, ContinuationOut),
        meetings=[meeting_out(msgspec.structs.asdict(m)) for m in meetings],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
