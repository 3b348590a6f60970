"""Who an organisation-wide report is about: the organisations in view, the period, and
the participants — everyone who held a place in one of the organisations' groups that
met in the period, or had a coaching plan with one of their coaches that ran in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from service.base import audit
from service.base.clock import DAY, HELSINKI, today_in_finland
from service.base.errors import InvalidInput
from service.base.fields import require_in_range
from service.base.identity import Actor
from service.reports.sql import queries

LONGEST_PERIOD = timedelta(days=366 * 10)


@dataclass(frozen=True)
class ReportPeriod:
    """Whole Finnish days, first to last."""

    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), HELSINKI)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + DAY, time(), HELSINKI)


def report_period(first_day: date | None, last_day: date | None) -> ReportPeriod:
    """The days asked for; by default the year up to today (or up to `to`)."""
    require_in_range("from", first_day)
    require_in_range("to", last_day)
    last = last_day or today_in_finland()
    first = first_day or last - timedelta(days=364)
    if first > last:
        raise InvalidInput("from", "must not be after `to`")
    if last - first > LONGEST_PERIOD:
        raise InvalidInput("from", "a report covers at most ten years")
    return ReportPeriod(first, last)


async def log_report(
    conn: asyncpg.Connection,
    actor: Actor,
    report: str,
    organisation_ids: list[str],
    period: ReportPeriod,
    **detail: object,
) -> None:
    """Who asked for which organisation-wide figures, over what period."""
    await audit.log_action(
        conn,
        actor,
        f"report.{report.replace('-', '_')}",
        subject=("report", report),
        detail={
            "organisation_ids": organisation_ids,
            "from": period.first_day.isoformat(),
            "to": period.last_day.isoformat(),
            **detail,
        },
    )


@dataclass(frozen=True)
class Cohort:
    enrolments: Sequence[Any]
    plans: Sequence[Any]

    @property
    def participants(self) -> set[str]:
        return {row["client_id"] for row in self.enrolments} | {
            row["client_id"] for row in self.plans
        }


async def gather(
    conn: asyncpg.Connection, organisation_ids: list[str], period: ReportPeriod
) -> Cohort:
    enrolments = await queries.cohort_enrolments(
        conn,
        organisation_ids=organisation_ids,
        period_start=period.start,
        period_end=period.end,
    )
    plans = await queries.cohort_plans(
        conn,
        organisation_ids=organisation_ids,
        first_day=period.first_day,
        last_day=period.last_day,
    )
    return Cohort(enrolments=enrolments, plans=plans)


async def next_steps(conn: asyncpg.Connection, people: Cohort) -> dict[str, str]:
    """Each participant's next step: the latest continuation plan of their plans here."""
    client_of = {row["id"]: row["client_id"] for row in people.plans}
    latest: dict[str, tuple[datetime, str]] = {}
    for row in await queries.continuations(conn, plan_ids=sorted(client_of)):
        client = client_of[row["plan_id"]]
        if client not in latest or row["updated_at"] > latest[client][0]:
            latest[client] = (row["updated_at"], row["next_step"])
    return {client: step for client, (_, step) in latest.items()}
