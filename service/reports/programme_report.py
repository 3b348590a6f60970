"""One group's report: who took part, who finished, who left and why, and attendance
per session. Facilitators and admins, who may see the people anyway, get exact
figures; the organisation's analysts get them with small groups suppressed."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.base import audit
from service.base.errors import Forbidden, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.reports import disclosure
from service.reports.figures import reasons, suppression
from service.reports.sql import queries
from service.reports.types import (
    Attendance,
    ProgrammeEnrolment,
    ProgrammeReport,
    SessionCounts,
    SessionFigures,
    SessionStatus,
    SessionWithoutWorker,
    WithoutWorker,
)

MARKS = ("present", "remote", "absent", "excused")


def _enrolment(
    counts: asyncpg.Record, dropout_reasons: list[asyncpg.Record], status: str, suppress: bool
) -> ProgrammeEnrolment:
    places = disclosure.table(
        {"enrolled": counts["enrolled"], "dropped_out": counts["dropped_out"]}, suppress=suppress
    )
    completed = counts["enrolled"] if status == "completed" else 0
    return ProgrammeEnrolment(
        participants=disclosure.total(counts["participants"], suppress=suppress),
        enrolled=places["enrolled"],
        completed=places["enrolled"] if completed else disclosure.Figure(value=0),
        dropped_out=places["dropped_out"],
        waitlisted=disclosure.total(counts["waitlisted"], suppress=suppress),
        left_waiting_list=disclosure.total(counts["left_waiting_list"], suppress=suppress),
        # The reasons add up to the drop-outs: hidden with them.
        dropout_reasons=reasons(
            {row["reason"] or "no reason given": row["people"] for row in dropout_reasons},
            suppress=suppress,
            total_hidden=places["dropped_out"].suppressed,
        ),
    )


def _session(row: asyncpg.Record, suppress: bool) -> SessionFigures:
    status: SessionStatus = "held" if row["held"] else "upcoming"
    if row["status"] == "cancelled":
        status = "cancelled"
    held = status == "held"
    cells = {mark: row[mark] for mark in MARKS}
    cells["unrecorded"] = row["unrecorded"] if held else 0
    # A group is small: to those who may not see its people, a session shows only its
    # rate, as marks of one or two people would point at them (and a rate beside hidden
    # marks would give them back).
    shown = (
        dict.fromkeys(cells, disclosure.HIDDEN)
        if suppress
        else disclosure.table(cells, suppress=False)
    )
    attended = row["present"] + row["remote"]
    recorded = attended + row["absent"] + row["excused"]
    _, rate = disclosure.yes_no(attended, recorded, suppress=suppress)
    return SessionFigures(
        id=row["id"],
        number=row["number"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        theme=row["theme"],
        status=status,
        moved=row["moved"],
        attendance_rate=rate,
        workers_present=row["workers_present"],
        **shown,
    )


def _attendance(rows: list[asyncpg.Record], suppress: bool) -> Attendance:
    held = [row for row in rows if row["held"]]
    attended = sum(row["present"] + row["remote"] for row in held)
    recorded = attended + sum(row["absent"] + row["excused"] for row in held)
    attended_figure, rate = disclosure.yes_no(attended, recorded, suppress=suppress)
    return Attendance(
        rate=rate,
        recorded=disclosure.total(recorded, suppress=suppress),
        attended=attended_figure,
    )


def _without_worker(rows: list[asyncpg.Record]) -> WithoutWorker:
    missed = [
        SessionWithoutWorker(id=row["id"], number=row["number"], starts_at=row["starts_at"])
        for row in rows
        if row["status"] != "cancelled" and row["held"] and row["workers_present"] == 0
    ]
    return WithoutWorker(count=len(missed), sessions=missed)


def _session_counts(rows: list[asyncpg.Record]) -> SessionCounts:
    live = [row for row in rows if row["status"] != "cancelled"]
    return SessionCounts(
        planned=len(rows),
        held=sum(1 for row in live if row["held"]),
        upcoming=sum(1 for row in live if not row["held"]),
        moved=sum(1 for row in live if row["moved"]),
        cancelled=len(rows) - len(live),
    )


async def programme_report(
    conn: asyncpg.Connection, actor: Actor, programme_id: str
) -> ProgrammeReport:
    missing = NotFound("programme not found")
    require_id(programme_id, missing)
    access = await queries.programme_report_access(conn, viewer=actor.id, programme_id=programme_id)
    programme: Any = await queries.programme(conn, id=programme_id)
    if programme is None:
        raise missing
    if access is None:
        raise Forbidden(
            "only the programme's facilitators and its organisation's admins and analysts may"
        )
    suppress = access == "suppressed"
    counts = await queries.programme_enrolment(conn, programme_id=programme_id)
    dropout_reasons = await queries.dropout_reasons(conn, programme_id=programme_id)
    sessions = await queries.session_attendance(conn, programme_id=programme_id)
    await audit.log_action(
        conn,
        actor,
        "report.programme",
        subject=("programme", programme_id),
        detail={"suppressed": suppress},
    )
    return ProgrammeReport(
        programme_id=programme["id"],
        title=programme["title"],
        organisation_id=programme["organisation_id"],
        status=programme["status"],
        starts_at=programme["starts_at"],
        ends_at=programme["ends_at"],
        capacity=programme["capacity"],
        enrolment=_enrolment(counts, dropout_reasons, programme["status"], suppress),
        attendance=_attendance(sessions, suppress),
        sessions=_session_counts(sessions),
        per_session=[_session(row, suppress) for row in sessions],
        held_without_worker=_without_worker(sessions),
        suppression=suppression(suppress),
    )
