"""What the client does with their own coaching on their page: reads the goals of their
open plans and rates one themselves (kept apart from the staff's ratings, rated_by
"client"), and fills in the assessments a coach asked for (answered_by "client"); and
what a coach does to ask (POST /plans/{id}/assessment-requests). The caller finds the
client from their page link and audits with the client as the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import InvalidInput
from service.base.identity import Actor
from service.base.ids import is_id
from service.coaching import gas
from service.coaching.access import client_of_plan, require_editor
from service.coaching.instruments import Instrument, score
from service.coaching.sql import queries
from service.coaching.types import (
    AssessmentRequestIn,
    AssessmentRequestOut,
    GoalLevels,
    RatingOut,
)


async def request_assessment(
    conn: asyncpg.Connection, actor: Actor, plan_id: str, data: AssessmentRequestIn
) -> AssessmentRequestOut:
    """Ask the plan's client to fill in the instrument's newest version on their page."""
    client_id = await client_of_plan(conn, actor, plan_id, "assessment_request.create")
    await require_editor(conn, actor, plan_id)
    instrument = await queries.instrument(conn, key=data.instrument, version=None)
    if instrument is None:
        raise InvalidInput("instrument", "no such instrument (see GET /api/v1/instruments)")
    if instrument["definition"]["scoring"] != "domain_mean":
        # A profile comparison rates a person against a job: a worker's assessment.
        raise InvalidInput("instrument", "is not a self-assessment the client can fill in")
    request_id = await queries.insert_assessment_request(
        conn,
        plan_id=plan_id,
        client_id=client_id,
        instrument_id=instrument["id"],
        requested_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "assessment_request.create",
        client_id=client_id,
        subject=("assessment_request", str(request_id)),
        detail={"instrument": instrument["key"], "version": instrument["version"]},
    )
    row = await queries.assessment_request(conn, id=request_id)
    return msgspec.convert(dict(row), AssessmentRequestOut)


class _ClientGoalRow(msgspec.Struct):
    id: str
    plan_id: str
    title: str
    weight: float
    baseline: int
    levels: GoalLevels
    version: int
    ratings: list[RatingOut]
    client_ratings: list[RatingOut]


@dataclass(frozen=True)
class ClientGoal:
    id: str
    title: str
    levels: dict[int, str]
    staff_level: int  # the latest staff rating, or the baseline
    own_level: int | None  # the client's latest own rating
    own_rated_on: date | None


def _latest(baseline: int, ratings: list[RatingOut]) -> int:
    model = [gas.Goal(weight=1.0, baseline=baseline)]
    rated = [gas.Rating(goal=0, level=r.level, rated_on=r.rated_on) for r in ratings]
    return gas.latest_levels(model, rated)[0]


async def goals_of(conn: asyncpg.Connection, client_id: str) -> list[ClientGoal]:
    rows = await queries.client_open_goals(conn, client_id=client_id, today=today_in_finland())
    goals = []
    for row in rows:
        goal = msgspec.convert(dict(row), _ClientGoalRow)
        levels = msgspec.to_builtins(goal.levels)
        own = goal.client_ratings
        goals.append(
            ClientGoal(
                id=goal.id,
                title=goal.title,
                levels={int(level): text for level, text in levels.items()},
                staff_level=_latest(goal.baseline, goal.ratings),
                own_level=_latest(goal.baseline, own) if own else None,
                own_rated_on=max(r.rated_on for r in own) if own else None,
            )
        )
    return goals


async def rate_own_goal(
    conn: asyncpg.Connection, client_id: str, goal_id: str, level: int
) -> str | None:
    """The client's own rating of a goal on one of their open plans, today; its id, or
    None when the goal is not theirs."""
    today = today_in_finland()
    if not is_id(goal_id):
        return None
    if level not in (-2, -1, 0, 1, 2):
        raise InvalidInput("level", "levels run from -2 to +2")
    if await queries.client_goal(conn, client_id=client_id, goal_id=goal_id, today=today) is None:
        return None
    rating_id: Any = await queries.insert_client_rating(
        conn, goal_id=goal_id, level=level, rated_on=today
    )
    return str(rating_id)


@dataclass(frozen=True)
class AskedAssessment:
    id: str
    instrument: Instrument


async def asked_of(conn: asyncpg.Connection, client_id: str) -> list[AskedAssessment]:
    """The assessments the client has been asked to fill in and has not yet."""
    rows = await queries.client_requests(conn, client_id=client_id)
    return [
        AskedAssessment(
            id=str(row["id"]), instrument=msgspec.convert(row["definition"], Instrument)
        )
        for row in rows
    ]


async def asked(
    conn: asyncpg.Connection, client_id: str, request_id: str
) -> AskedAssessment | None:
    """One open request of the client's, or None."""
    if not is_id(request_id):
        return None
    row = await queries.lock_client_request(conn, client_id=client_id, id=request_id)
    if row is None or row["assessment_id"] is not None:
        return None
    return AskedAssessment(id=request_id, instrument=msgspec.convert(row["definition"], Instrument))


async def answer_asked(
    conn: asyncpg.Connection, client_id: str, request_id: str, answers: dict[str, Any]
) -> str | None:
    """Save the client's answers as an assessment (answered_by "client"); its id, or
    None when the request is not open. InvalidInput names an answer that is missing or
    out of range."""
    if not is_id(request_id):
        return None
    row = await queries.lock_client_request(conn, client_id=client_id, id=request_id)
    if row is None or row["assessment_id"] is not None:
        return None
    scores = score(msgspec.convert(row["definition"], Instrument), answers)
    assessment_id = await queries.insert_client_assessment(
        conn,
        client_id=client_id,
        instrument_id=row["instrument_id"],
        assessed_on=today_in_finland(),
        answers=answers,
        scores=scores,
    )
    await queries.answer_request(conn, id=request_id, assessment_id=assessment_id)
    return str(assessment_id)
