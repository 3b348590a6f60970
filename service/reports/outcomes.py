"""Outcome figures for a period and organisation: what funders ask for, with no figure
describing fewer than five people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg

from service.base.identity import Actor
from service.reports import cohort, figures
from service.reports.access import report_organisations
from service.reports.disclosure import total
from service.reports.figures import AssessmentEnds, Place, RatedGoal, ReferralTimes
from service.reports.sql import queries
from service.reports.types import OutcomesReport, Period


def _one_plan_per_person(
    plans: Sequence[Any], goals_by_plan: Mapping[str, list[RatedGoal]]
) -> list[list[RatedGoal]]:
    """Each person's latest plan with a follow-up: two plans of one client are one person."""
    chosen: dict[str, tuple[tuple[date, str], list[RatedGoal]]] = {}
    for plan in plans:
        goals = goals_by_plan.get(plan["id"], [])
        if not figures.has_follow_up(goals):
            continue
        key = (plan["starts_on"], plan["id"])
        if plan["client_id"] not in chosen or key > chosen[plan["client_id"]][0]:
            chosen[plan["client_id"]] = (key, goals)
    return [goals for _, goals in chosen.values()]


async def outcomes(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    first_day: date | None,
    last_day: date | None,
    organisation_id: str | None,
) -> OutcomesReport:
    organisation_ids = await report_organisations(conn, actor, organisation_id, "analyst", "admin")
    period = cohort.report_period(first_day, last_day)
    people = await cohort.gather(conn, organisation_ids, period)
    participants = people.participants
    plan_ids = sorted({row["id"] for row in people.plans})
    enrolment_ids = [row["id"] for row in people.enrolments]

    goals_by_plan: dict[str, list[RatedGoal]] = defaultdict(list)
    for row in await queries.goal_levels(conn, plan_ids=plan_ids, last_day=period.last_day):
        goals_by_plan[row["plan_id"]].append(
            RatedGoal(weight=row["weight"], baseline=row["baseline"], level=row["level"])
        )
    next_step = await cohort.next_steps(conn, people)
    answers = [
        (row["got_support"], row["new_plans"])
        for row in await queries.feedback_given(conn, enrolment_ids=enrolment_ids)
    ]
    assessed = [
        AssessmentEnds(instrument=row["key"], first=row["first"], latest=row["latest"])
        for row in await queries.assessment_ends(
            conn, client_ids=sorted(participants), last_day=period.last_day
        )
    ]
    referrals = [
        ReferralTimes(
            status=row["status"],
            reason=row["status_reason"],
            days_to_answer=row["days_to_answer"],
            days_to_start=row["days_to_start"],
        )
        for row in await queries.organisation_referrals(
            conn,
            organisation_ids=organisation_ids,
            period_start=period.start,
            period_end=period.end,
        )
    ]
    situations = await queries.situations(conn, client_ids=sorted(participants))
    await cohort.log_report(conn, actor, "outcomes", organisation_ids, period)
    return OutcomesReport(
        period=Period(first_day=period.first_day, last_day=period.last_day),
        organisation_ids=organisation_ids,
        participants=total(len(participants)),
        completion=figures.completion(
            Place(completed=row["status"] == "enrolled")
            for row in people.enrolments
            if row["ended"]
        ),
        exits=figures.exits(participants, next_step),
        feedback=figures.feedback(answers),
        gas=figures.gas_change(_one_plan_per_person(people.plans, goals_by_plan)),
        assessments=figures.domain_changes(assessed),
        referrals=figures.referral_figures(referrals),
        upon_leaving=figures.situations(row["upon_leaving"] for row in situations),
        six_months_on=figures.six_months_on(
            [row["asked"] for row in situations], [row["six_months"] for row in situations]
        ),
        suppression=figures.suppression(True),
    )
