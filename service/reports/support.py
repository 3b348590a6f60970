"""The support report: what participant support (bus tickets, rides, taxis, meals)
cost, by programme and kind, for a period and the organisations in view.

Who: admins and analysts, as for the outcome figures. Which support: what was given
at the organisations' sessions that began in the period (the session's day counts,
not the day it was entered).

Disclosure: the number of participants supported is a count of people, so from 1 to
4 it is hidden, as in the other reports. Amounts and numbers of entries are shown as
they are: they are the organisation's costs, which the funder needs exact to the
cent, and the report names no one; an amount is never divided by a hidden count (no
"cost per participant" figure), so no count can be worked back from the money.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from db.queries import load_queries
from service.base.identity import Actor
from service.reports import cohort
from service.reports.access import report_organisations
from service.reports.disclosure import total
from service.reports.figures import suppression
from service.reports.support_types import KindCost, ProgrammeCost, SupportReport
from service.reports.types import Period

queries = load_queries(Path(__file__).with_name("support.sql"))

KIND_ORDER = ("bus_ticket", "ride", "taxi", "meal", "other")
CENT = Decimal("0.01")


def euros_text(amount: Decimal | None) -> str:
    return str((amount or Decimal(0)).quantize(CENT))


def _kind(row: Any) -> KindCost:
    return KindCost(
        kind=row["kind"],
        entries=row["entries"],
        amount_eur=euros_text(row["amount_eur"]),
        participants=total(row["participants"]),
    )


def _by_kind(rows: Sequence[Any]) -> list[KindCost]:
    return [_kind(row) for row in sorted(rows, key=lambda row: KIND_ORDER.index(row["kind"]))]


def build_report(rows: Sequence[Any], period: Period, organisation_ids: list[str]) -> SupportReport:
    """The report from the grouped sums (support_costs)."""
    per_programme = [r for r in rows if not r["all_programmes"] and r["all_kinds"]]
    programme_kinds = [r for r in rows if not r["all_programmes"] and not r["all_kinds"]]
    kinds = [r for r in rows if r["all_programmes"] and not r["all_kinds"]]
    grand = next((r for r in rows if r["all_programmes"] and r["all_kinds"]), None)
    programmes = [
        ProgrammeCost(
            programme_id=str(row["programme_id"]),
            title=row["title"],
            entries=row["entries"],
            amount_eur=euros_text(row["amount_eur"]),
            participants=total(row["participants"]),
            by_kind=_by_kind(
                [k for k in programme_kinds if k["programme_id"] == row["programme_id"]]
            ),
        )
        for row in sorted(per_programme, key=lambda r: (r["title"], str(r["programme_id"])))
    ]
    return SupportReport(
        period=period,
        organisation_ids=organisation_ids,
        entries=grand["entries"] if grand else 0,
        amount_eur=euros_text(grand["amount_eur"] if grand else None),
        participants=total(grand["participants"] if grand else 0),
        by_kind=_by_kind(kinds),
        programmes=programmes,
        suppression=suppression(True),
    )


async def support_report(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    first_day: date | None,
    last_day: date | None,
    organisation_id: str | None,
) -> SupportReport:
    organisation_ids = await report_organisations(conn, actor, organisation_id, "analyst", "admin")
    period = cohort.report_period(first_day, last_day)
    rows = await queries.support_costs(
        conn,
        organisation_ids=organisation_ids,
        period_start=period.start,
        period_end=period.end,
    )
    await cohort.log_report(conn, actor, "support", organisation_ids, period)
    return build_report(
        rows, Period(first_day=period.first_day, last_day=period.last_day), organisation_ids
    )


async def per_participant(
    conn: asyncpg.Connection,
    client_ids: list[str],
    organisation_ids: list[str],
    period: cohort.ReportPeriod,
) -> dict[str, Decimal]:
    """Each participant's support total in the period (the ESF+ export's column)."""
    rows = await queries.support_per_participant(
        conn,
        client_ids=client_ids,
        organisation_ids=organisation_ids,
        period_start=period.start,
        period_end=period.end,
    )
    return {str(row["client_id"]): row["amount_eur"] for row in rows}
