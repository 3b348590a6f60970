"""The list of plans across clients (`GET /api/v1/plans`): a coach's plans, or every plan
of the clients the caller reaches, with what a list screen shows of each."""

from __future__ import annotations

from datetime import date

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.identity import Actor
from service.base.pagination import LATEST_DAY_FIRST, CursorId, Page, decode_cursor, page_of
from service.coaching import gas
from service.coaching.sql import queries
from service.coaching.types import PlanListItem, PlanStatus


class _Goal(msgspec.Struct):
    id: str
    weight: float
    baseline: int


class _Rating(msgspec.Struct):
    goal_id: str
    level: int
    rated_on: date


def plan_status(ends_on: date | None, today: date) -> PlanStatus:
    """Open until its last day has passed (Finnish dates)."""
    return "open" if ends_on is None or ends_on >= today else "ended"


def _item(row: asyncpg.Record, today: date) -> PlanListItem:
    goals = msgspec.convert(row["goals"], list[_Goal])
    ratings = msgspec.convert(row["ratings"], list[_Rating])
    index = {goal.id: position for position, goal in enumerate(goals)}
    summary = gas.summarise(
        [gas.Goal(weight=goal.weight, baseline=goal.baseline) for goal in goals],
        [gas.Rating(goal=index[r.goal_id], level=r.level, rated_on=r.rated_on) for r in ratings],
    )
    return PlanListItem(
        id=row["id"],
        client_id=row["client_id"],
        client_name=row["client_name"],
        kind=row["kind"],
        status=plan_status(row["ends_on"], today),
        coach_ids=list(row["coach_ids"]),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        goal_count=len(goals),
        last_rated_on=max((r.rated_on for r in ratings), default=None),
        t_score=summary.t_score,
        version=row["version"],
    )


async def list_plans(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    mine: bool,
    status: PlanStatus | None,
    limit: int,
    cursor: str | None,
) -> Page[PlanListItem]:
    """Newest first; with `mine`, the plans the caller coaches (of clients they reach)."""
    after_starts_on, after_id = decode_cursor(cursor, tuple[date, CursorId], first=LATEST_DAY_FIRST)
    today = clock.today_in_finland()
    rows = await queries.plans_in_reach(
        conn,
        viewer=actor.id,
        mine=mine,
        status=status,
        today=today,
        after_starts_on=after_starts_on,
        after_id=after_id,
        limit=limit + 1,
    )
    page = page_of([_item(row, today) for row in rows], limit, lambda p: (p.starts_on, p.id))
    await audit.log_for_clients(conn, actor, "plan.list", [p.client_id for p in page.items])
    return page
