"""Coaching plans: starting one for a client with its coaches, listing a client's
plans, reading one, and changing its dates or coaches."""

from __future__ import annotations

from datetime import date

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import InvalidInput, require_match
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.pagination import LATEST_DAY_FIRST, CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach, require_sharing_with_staff
from service.coaching.access import COACHING_ROLES, client_of_plan, require_editor
from service.coaching.plan_view import read_plan
from service.coaching.sql import queries
from service.coaching.types import PlanIn, PlanOut, PlanPatch, PlanSummary


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
    return await read_plan(conn, actor, plan_id)


async def list_plans(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, limit: int, cursor: str | None
) -> Page[PlanSummary]:
    await require_reach(conn, actor, client_id, "plan.list")
    after_starts_on, after_id = decode_cursor(cursor, tuple[date, CursorId], first=LATEST_DAY_FIRST)
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
    return await read_plan(conn, actor, plan_id)
