"""The ESF+ participant monitoring export: one row per participant with what EU ESF+
monitoring asks at entry (gender, age band, labour-market status, education) and at
exit (dates, situation on leaving), as a CSV that Excel with Finnish settings opens
as it is: UTF-8 with a byte-order mark, semicolons, CRLF line ends.

No names, no free text: codes, dates and Polku's own client id, by which the
organisation's admin can correct a record. Every export is audited per client."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from service.base import audit, clock
from service.base.clock import HELSINKI, today_in_finland
from service.base.identity import Actor
from service.clients import disclosure
from service.reports import cohort
from service.reports.access import report_organisations
from service.reports.sql import queries
from service.reports.support import euros_text, per_participant

COLUMNS = [
    "participant_id",
    "gender",
    "age_band_at_entry",
    "labour_market_status_at_entry",
    "unemployed_at_entry",
    "long_term_unemployed_at_entry",
    "inactive_at_entry",
    "employed_at_entry",
    "education_level_at_entry",
    # Special-category entry data: yes, no, declined (asked, chose not to answer) or
    # not_asked; ESF+ counts those who declined apart from those never asked.
    "disability",
    "minority",
    "homeless_or_housing_exclusion",
    "entry_date",
    "exit_date",
    "status_at_exit",
    "in_education_or_training_at_exit",
    "in_employment_at_exit",
    # From the exit records (POST /clients/{id}/exits): ESF+ common result indicators.
    "situation_upon_leaving",
    "job_searching_upon_leaving",  # EECR01
    "in_employment_upon_leaving",  # EECR04 (employed or self-employed)
    # From the answered six-month follow-up: ESF+ longer-term results.
    "situation_six_months_after_leaving",
    # Where the participant lives (ESF+ monitoring asks it: kotikunta); blank for a
    # client under non-disclosure (turvakielto).
    "home_municipality",
    # Not an ESF+ indicator: what participant support (tickets, rides, meals) at the
    # organisations' sessions in the period came to, in euros with a decimal comma
    # (Excel with Finnish settings reads it as a number), 0,00 when none. Last, so that
    # the columns before it keep their places (docs/participant-support.md).
    "participant_support_eur",
]
_EMPLOYED = {"employed", "self_employed"}
_UNEMPLOYED = {"unemployed", "long_term_unemployed"}
_INACTIVE = {"inactive", "in_education"}  # ESF+ counts those in education as inactive


def age_band(birth_date: date | None, on: date) -> str:
    """ESF+ age groups: below 18, 18–29, 30–54, 55 and above."""
    if birth_date is None:
        return "unknown"
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 18:
        return "under_18"
    if age < 30:
        return "18_29"
    if age < 55:
        return "30_54"
    return "55_plus"


@dataclass(frozen=True)
class Participation:
    """A place in a group or a coaching plan, as far as the export needs it."""

    starts_on: date
    ends_on: date | None  # None while it goes on
    labour_market_status: str | None  # at its start
    education_level: str | None


@dataclass(frozen=True)
class ClientRecord:
    id: str
    gender: str | None
    birth_date: date | None
    upon_leaving: str | None = None
    six_months: str | None = None
    disability: str | None = None
    minority: str | None = None
    homelessness: str | None = None
    home_municipality: str | None = None
    non_disclosure: bool = False
    support_eur: Decimal | None = None


def _municipality(client: ClientRecord) -> str:
    if "home_municipality" in disclosure.withheld_from_others(client.non_disclosure):
        return ""
    return client.home_municipality or ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def participant_row(
    client: ClientRecord,
    participations: Sequence[Participation],
    next_step: str | None,
    last_day: date,
) -> list[str]:
    """One participant's row. They have left when every participation has ended by the
    period's last day; their situation on leaving is their continuation plan's step."""
    entry = min(participations, key=lambda p: p.starts_on)
    ends = [p.ends_on for p in participations]
    left = None
    if all(end is not None and end <= last_day for end in ends):
        left = max(end for end in ends if end is not None)
    status = entry.labour_market_status
    step = (next_step or "not_recorded") if left else ""
    return [
        client.id,
        client.gender or "unknown",
        age_band(client.birth_date, entry.starts_on),
        status or "unknown",
        _flag(status in _UNEMPLOYED),
        _flag(status == "long_term_unemployed"),
        _flag(status in _INACTIVE),
        _flag(status == "employed"),
        entry.education_level or "unknown",
        client.disability or "not_asked",
        client.minority or "not_asked",
        client.homelessness or "not_asked",
        entry.starts_on.isoformat(),
        left.isoformat() if left else "",
        step,
        _flag(bool(left) and step == "education"),
        _flag(bool(left) and step == "employment"),
        client.upon_leaving or "",
        _flag(client.upon_leaving == "job_seeking"),
        _flag(client.upon_leaving in _EMPLOYED),
        client.six_months or "",
        _municipality(client),
        euros_text(client.support_eur).replace(".", ","),
    ]


def write_csv(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _finnish_day(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()


def _place(row: Any, now: datetime) -> Participation:
    """A place in a group ends when the client leaves it, or the group is cancelled or ends."""
    end = row["withdrawn_at"] or row["programme_cancelled_at"]
    if end is None and row["programme_ends_at"] <= now:
        end = row["programme_ends_at"]
    return Participation(
        starts_on=_finnish_day(row["enrolled_at"]),
        ends_on=None if end is None else _finnish_day(end),
        labour_market_status=row["labour_market_status_at_entry"],
        education_level=row["education_level_at_entry"],
    )


def _plan(row: Any, today: date) -> Participation:
    ends_on = row["ends_on"]
    return Participation(
        starts_on=row["starts_on"],
        ends_on=ends_on if ends_on is not None and ends_on < today else None,
        labour_market_status=row["labour_market_status_at_entry"],
        education_level=row["education_level_at_entry"],
    )


async def esf_participants(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    first_day: date | None,
    last_day: date | None,
    organisation_id: str | None,
) -> tuple[bytes, cohort.ReportPeriod]:
    organisation_ids = await report_organisations(conn, actor, organisation_id, "admin")
    period = cohort.report_period(first_day, last_day)
    people = await cohort.gather(conn, organisation_ids, period)
    now, today = clock.now(), today_in_finland()
    participations: dict[str, list[Participation]] = defaultdict(list)
    for row in people.enrolments:
        participations[row["client_id"]].append(_place(row, now))
    for row in people.plans:
        participations[row["client_id"]].append(_plan(row, today))
    next_step = await cohort.next_steps(conn, people)
    support = await per_participant(conn, sorted(participations), organisation_ids, period)
    clients = [
        ClientRecord(
            id=row["id"],
            gender=row["gender"],
            birth_date=row["birth_date"],
            upon_leaving=row["upon_leaving"],
            six_months=row["six_months"],
            disability=row["disability"],
            minority=row["minority"],
            homelessness=row["homelessness"],
            home_municipality=row["home_municipality"],
            non_disclosure=row["non_disclosure"],
            support_eur=support.get(str(row["id"])),
        )
        for row in await queries.participant_rows(conn, client_ids=sorted(participations))
    ]
    rows = sorted(
        (
            participant_row(
                client, participations[client.id], next_step.get(client.id), period.last_day
            )
            for client in clients
        ),
        key=lambda row: (row[COLUMNS.index("entry_date")], row[0]),
    )
    await audit.log_for_clients(conn, actor, "report.esf_export", [client.id for client in clients])
    await cohort.log_report(
        conn, actor, "esf-export", organisation_ids, period, participants=len(rows)
    )
    return write_csv(rows), period
