"""The demo's coaching: the completed group's clients coached through it and on to a next
step, and the feed client's goal-coaching plan ahead of the upcoming group."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from service.base.clock import HELSINKI
from service.coaching import assessments, goals, meetings, plans
from service.coaching.continuation import set_continuation
from service.coaching.instruments import shipped
from service.coaching.types import (
    AssessmentIn,
    ContinuationIn,
    GoalIn,
    MeetingIn,
    PlanIn,
    RatingIn,
    goal_levels,
)
from service.composers.demo.backdating import (
    BACKDATE_ASSESSMENT,
    BACKDATE_CONTINUATION,
    BACKDATE_PLAN,
    BACKDATE_RATING,
    at,
)
from service.composers.demo.cast import COACH, GOALS, OLOHUONE
from service.composers.demo.seeder import Seeder


def answers_of(base: int, overall: int) -> dict[str, int]:
    """Work-ability self-assessment answers: every 1–5 item at `base`, the 0–10 overall
    item at `overall`."""
    instrument = next(i for i in shipped() if i.key == "work_ability")
    return {item.key: overall if item.domain == "overall" else base for item in instrument.items}


async def coached_through_group(
    seed: Seeder,
    client_id: str,
    first: date,
    middle: date,
    last: date,
    goal: tuple[str, float, tuple[str, ...]],
    levels: tuple[int, int],
    number: int,
) -> str:
    """A goal-coaching plan through the group: one goal rated at mid-point and at the
    end, a work-ability self-assessment at the start and at the end. Returns the plan."""
    coach = seed.people[COACH]
    plan = await plans.create_plan(
        seed.conn,
        coach,
        client_id,
        PlanIn(kind="goal_coaching", coach_ids=[coach.id], starts_on=first),
    )
    await seed.conn.execute(BACKDATE_PLAN, plan.id, at(first, 12, 15 + number))
    title, weight, texts = goal
    added = await goals.add_goal(
        seed.conn,
        coach,
        plan.id,
        GoalIn(title=title, baseline=-1, weight=weight, levels=goal_levels(*texts)),
    )
    for rated_on, level in zip((middle, last), levels, strict=True):
        rating = await goals.rate_goal(
            seed.conn, coach, added.id, RatingIn(level=level, rated_on=rated_on)
        )
        await seed.conn.execute(BACKDATE_RATING, rating.id, at(rated_on, 12, number * 5))
    base = 2 + number % 2
    for assessed_on, answers in (
        (first, answers_of(base, 3 + number % 3)),
        (last, answers_of(min(base + 1, 5), 5 + number % 3)),
    ):
        recorded = await assessments.record_assessment(
            seed.conn,
            coach,
            client_id,
            AssessmentIn(instrument="work_ability", assessed_on=assessed_on, answers=answers),
        )
        await seed.conn.execute(BACKDATE_ASSESSMENT, recorded.id, at(assessed_on, 12, 30 + number))
    return plan.id


async def continuation(
    seed: Seeder, plan_id: str, next_step: tuple[str, str], decided: datetime
) -> None:
    """The plan's next step (kind, description), decided at `decided`."""
    await set_continuation(
        seed.conn,
        seed.people[COACH],
        plan_id,
        ContinuationIn(next_step=next_step[0], description=next_step[1]),  # type: ignore[arg-type]
    )
    await seed.conn.execute(BACKDATE_CONTINUATION, plan_id, decided)


async def feed_client_coaching(seed: Seeder, client_id: str) -> None:
    """A goal-coaching plan with two goals, a first rating, a self-assessment and a
    meeting next week."""
    conn, coach, today = seed.conn, seed.people[COACH], seed.today
    started = today - timedelta(days=14)
    plan = await plans.create_plan(
        conn,
        coach,
        client_id,
        PlanIn(kind="goal_coaching", coach_ids=[coach.id], starts_on=started),
    )
    await conn.execute(BACKDATE_PLAN, plan.id, at(started, 13))
    for title, weight, levels in GOALS:
        goal = await goals.add_goal(
            conn,
            coach,
            plan.id,
            GoalIn(title=title, baseline=-1, weight=weight, levels=goal_levels(*levels)),
        )
        rated_on = today - timedelta(days=1)
        rating = await goals.rate_goal(conn, coach, goal.id, RatingIn(level=0, rated_on=rated_on))
        await conn.execute(BACKDATE_RATING, rating.id, at(rated_on, 14))
    recorded = await assessments.record_assessment(
        conn,
        coach,
        client_id,
        AssessmentIn(instrument="work_ability", assessed_on=started, answers=answers_of(3, 5)),
    )
    await conn.execute(BACKDATE_ASSESSMENT, recorded.id, at(started, 13, 30))
    monday = today + timedelta(days=7 - today.weekday())
    starts_at = datetime.combine(monday, time(13, 0), HELSINKI)
    await meetings.create_meeting(
        conn,
        coach,
        plan.id,
        MeetingIn(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), location=OLOHUONE),
    )
