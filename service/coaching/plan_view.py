"""A plan as the API shows it, read in one audited statement: its goals with their
latest levels, the GAS summary, the continuation plan and the meetings; also one goal,
and the GAS summary on its own."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn, cast

import asyncpg
import msgspec

from db.pool import FairPool
from service.base import audit
from service.base.batching import READS_IN_FLIGHT, READS_PER_BATCH, Coalescer
from service.base.errors import ClientOutOfReach
from service.base.identity import Actor
from service.base.ids import is_id
from service.coaching import gas
from service.coaching.access import plan_not_found
from service.coaching.meetings import meeting_out
from service.coaching.sql import queries
from service.coaching.types import (
    LEVEL_NAMES,
    ContinuationOut,
    GasGoal,
    GasOut,
    GasPoint,
    GoalLevels,
    GoalOut,
    PlanOut,
    Rater,
    RatingOut,
)


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
    client_ratings: list[RatingOut]

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


# read_plans and read_gas give a plan's parts as JSON text, decoded here straight into
# their types: about 40 µs for a plan's goals where decoding to dicts and converting
# took 65 (bench/README, run 6).
_GOALS = msgspec.json.Decoder(list[_GoalRow])
_MEETINGS = msgspec.json.Decoder(list[_MeetingRow])
_CONTINUATION = msgspec.json.Decoder(ContinuationOut)
_GAS_GOALS = msgspec.json.Decoder(list[_GasGoalRow])
_GAS_RATINGS = msgspec.json.Decoder(list[_GasRatingRow])


async def _refuse(conn: asyncpg.Connection, plan_id: str, action: str) -> NoReturn:
    """A plan that was not read: unknown (404), or out of reach (the audited 404)."""
    plan = await queries.plan(conn, id=plan_id) if is_id(plan_id) else None
    if plan is None:
        raise plan_not_found()
    raise ClientOutOfReach(plan["client_id"], action)


def _gas_out(ids: list[str], goals: list[gas.Goal], ratings: list[gas.Rating]) -> GasOut:
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


def _goal_out(goal: _GoalRow, latest: int) -> GoalOut:
    return GoalOut(
        id=goal.id,
        title=goal.title,
        weight=goal.weight,
        baseline=goal.baseline,
        levels={name: goal.levels[name] for name in LEVEL_NAMES},
        latest_level=latest,
        ratings=goal.ratings,
        client_ratings=goal.client_ratings,
        version=goal.version,
    )


def _gas_summary(row: asyncpg.Record, rater: Rater) -> GasOut:
    goals = _GAS_GOALS.decode(row["goals"])
    index = {goal.id: position for position, goal in enumerate(goals)}
    ratings = _GAS_RATINGS.decode(row["ratings"])
    summary = _gas_out(
        [goal.id for goal in goals],
        [gas.Goal(weight=goal.weight, baseline=goal.baseline) for goal in goals],
        [gas.Rating(goal=index[r.goal_id], level=r.level, rated_on=r.rated_on) for r in ratings],
    )
    summary.ratings = rater
    return summary


async def read_goal(conn: asyncpg.Connection, goal_id: str) -> GoalOut:
    """One goal with its latest level; the caller has checked reach and audited."""
    row = await queries.goal(conn, id=goal_id)
    goal = msgspec.convert(dict(row), _GoalRow)
    rated = [gas.Rating(goal=0, level=r.level, rated_on=r.rated_on) for r in goal.ratings]
    return _goal_out(goal, gas.latest_levels([goal.model()], rated)[0])


async def read_plan(conn: asyncpg.Connection, actor: Actor, plan_id: str) -> PlanOut:
    """The plan as the answer to an edit, which audited itself."""
    rows = await queries.read_plans(
        conn, viewers=[actor.id], ids=[plan_id], request_ids=[actor.request_id], action=None
    )
    if not rows:
        await _refuse(conn, plan_id, "plan.read")
    return _plan_out(rows[0])


def _plan_out(row: asyncpg.Record) -> PlanOut:
    goals = _GOALS.decode(row["goals"])
    ratings = [
        gas.Rating(goal=position, level=r.level, rated_on=r.rated_on)
        for position, goal in enumerate(goals)
        for r in goal.ratings
    ]
    summary = _gas_out([g.id for g in goals], [g.model() for g in goals], ratings)
    meetings = _MEETINGS.decode(row["meetings"])
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
        if row["continuation"] is None
        else _CONTINUATION.decode(row["continuation"]),
        meetings=[meeting_out(msgspec.structs.asdict(m)) for m in meetings],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class PlanReads:
    """Plan reads and GAS summaries, read often, answered together as client reads are
    (service/clients/records.py): reads that arrive while others are on their way to
    the database share the next statement, each with its own audit row."""

    def __init__(self, pool: FairPool) -> None:
        self._pool = pool
        self._plans: Coalescer[tuple[Actor, str], asyncpg.Record | None] = Coalescer(
            self._plans_together, in_flight=READS_IN_FLIGHT, max_batch=READS_PER_BATCH
        )
        self._gas: Coalescer[tuple[Actor, str, Rater], asyncpg.Record | None] = Coalescer(
            self._gas_together, in_flight=READS_IN_FLIGHT, max_batch=READS_PER_BATCH
        )

    async def plan(self, actor: Actor, plan_id: str) -> PlanOut:
        row = await self._plans((actor, plan_id)) if is_id(plan_id) else None
        if row is None:
            await self._refuse(actor, plan_id, "plan.read")
        return _plan_out(row)

    async def gas_summary(self, actor: Actor, plan_id: str, rater: Rater = "staff") -> GasOut:
        """Scored from the staff's ratings, or from the client's own when `rater` says so."""
        row = await self._gas((actor, plan_id, rater)) if is_id(plan_id) else None
        if row is None:
            await self._refuse(actor, plan_id, "gas.read")
        return _gas_summary(row, rater)

    async def _plans_together(self, asked: list[tuple[Actor, str]]) -> list[asyncpg.Record | None]:
        async with self._pool.acquire() as proxy:
            return await plans_together(cast(asyncpg.Connection, proxy), asked)

    async def _gas_together(
        self, asked: list[tuple[Actor, str, Rater]]
    ) -> list[asyncpg.Record | None]:
        async with self._pool.acquire() as proxy:
            return await gas_together(cast(asyncpg.Connection, proxy), asked)

    async def _refuse(self, actor: Actor, plan_id: str, action: str) -> NoReturn:
        """Not read: 404, and the refusal audited when the plan is there but its client
        is out of the actor's reach."""
        async with self._pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            try:
                await _refuse(conn, plan_id, action)
            except ClientOutOfReach as refusal:
                await audit.log_refusal(conn, actor, refusal)
                raise


async def plans_together(
    conn: asyncpg.Connection, asked: list[tuple[Actor, str]]
) -> list[asyncpg.Record | None]:
    """For each (actor, plan id), the plan's row if it was read (and its read audited)."""
    rows = await queries.read_plans(
        conn,
        viewers=[actor.id for actor, _ in asked],
        ids=[plan_id for _, plan_id in asked],
        request_ids=[actor.request_id for actor, _ in asked],
        action="plan.read",
    )
    return _by_number(rows, len(asked))


async def gas_together(
    conn: asyncpg.Connection, asked: list[tuple[Actor, str, Rater]]
) -> list[asyncpg.Record | None]:
    """For each (actor, plan id, rater), what its GAS summary needs if it was read (and
    its read audited)."""
    rows = await queries.read_gas(
        conn,
        viewers=[actor.id for actor, _, _ in asked],
        ids=[plan_id for _, plan_id, _ in asked],
        request_ids=[actor.request_id for actor, _, _ in asked],
        raters=[rater for _, _, rater in asked],
    )
    return _by_number(rows, len(asked))


def _by_number(rows: list[asyncpg.Record], asked: int) -> list[asyncpg.Record | None]:
    """The rows of a statement over reads numbered n from 1, in the reads' order."""
    found = {row["n"]: row for row in rows}
    return [found.get(n) for n in range(1, asked + 1)]
