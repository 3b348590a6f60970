"""Gathering a staff member's work list (see the package)."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

from service.base import audit, clock
from service.base.clock import HELSINKI, today_in_finland
from service.base.errors import InvalidInput
from service.base.fields import require_in_range
from service.base.identity import Actor
from service.composers.questionnaires import rounds as questionnaire_rounds
from service.composers.worklist.sql import queries
from service.composers.worklist.types import (
    AccessRequestToDo,
    ExitToDo,
    FollowUpToDo,
    MeetingToDo,
    SessionToDo,
    StalledToDo,
    Worklist,
)
from service.outcomes.rules import ANSWER_WITHIN, RECORDABLE_FOR
from service.referrals import stalled
from service.reports.cohort import ReportPeriod

LONGEST = timedelta(days=31)
# Held sessions whose attendance is still to record are listed for this long.
RECORD_WITHIN = timedelta(days=14)
STALLED_SHOWN = 50


def period(first_day: date | None, last_day: date | None) -> ReportPeriod:
    """Today by default; a week or a month when asked."""
    require_in_range("from", first_day)
    require_in_range("to", last_day)
    first = first_day or today_in_finland()
    last = last_day or first
    if last < first:
        raise InvalidInput("to", "must not be before `from`")
    if last - first > LONGEST:
        raise InvalidInput("to", "a work list covers at most 31 days")
    return ReportPeriod(first, last)


async def worklist(
    conn: asyncpg.Connection, actor: Actor, first_day: date | None, last_day: date | None
) -> Worklist:
    days = period(first_day, last_day)
    now = clock.now()
    sessions = await queries.sessions(
        conn,
        viewer=actor.id,
        period_start=days.start,
        period_end=days.end,
        record_since=now - RECORD_WITHIN,
    )
    meetings = await queries.meetings(
        conn, viewer=actor.id, period_start=days.start, period_end=days.end
    )
    stalled_page = await stalled.find_stalled_paths(conn, actor, limit=STALLED_SHOWN, cursor=None)
    waiting = await queries.follow_ups_waiting(
        conn, viewer=actor.id, overdue_before=now - ANSWER_WITHIN
    )
    leaving = await queries.exits_to_record(conn, viewer=actor.id, left_since=now - RECORDABLE_FOR)
    today = today_in_finland()
    plans_ended = await queries.plans_ended(
        conn, viewer=actor.id, first_day=today - RECORDABLE_FOR, today=today
    )
    unread = await queries.unread_notices(conn, viewer=actor.id)
    late_requests = await queries.late_access_requests(conn, viewer=actor.id, today=today)
    rounds_open = await questionnaire_rounds.to_answer(conn, actor.id)
    client_ids = sorted(
        {row["client_id"] for row in [*meetings, *waiting, *leaving, *plans_ended, *late_requests]}
        | {path.client_id for path in stalled_page.items}
    )
    names = {
        row["id"]: row["name"] for row in await queries.display_names(conn, client_ids=client_ids)
    }
    await audit.log_for_clients(conn, actor, "worklist.read", client_ids)
    return Worklist(
        first_day=days.first_day,
        last_day=days.last_day,
        sessions=[
            SessionToDo(
                id=row["id"],
                programme_id=row["programme_id"],
                title=row["title"],
                number=row["number"],
                weeks=row["weeks"],
                starts_at=row["starts_at"],
                attendance_to_record=row["to_record"],
                coming=row["coming"],
                not_coming=row["not_coming"],
            )
            for row in sessions
        ],
        meetings=[
            MeetingToDo(
                id=row["id"],
                plan_id=row["plan_id"],
                client_id=row["client_id"],
                client_name=names[row["client_id"]],
                starts_at=row["starts_at"],
                status=row["status"],
            )
            for row in meetings
        ],
        stalled=[StalledToDo(path=p, client_name=names[p.client_id]) for p in stalled_page.items],
        follow_ups=[
            FollowUpToDo(
                id=row["id"],
                client_id=row["client_id"],
                client_name=names[row["client_id"]],
                due_on=row["due_on"],
            )
            for row in waiting
        ],
        exits_to_record=[
            *(
                ExitToDo(
                    client_id=row["client_id"],
                    client_name=names[row["client_id"]],
                    left_on=row["left_at"].astimezone(HELSINKI).date(),
                    programme_id=row["programme_id"],
                    title=row["title"],
                )
                for row in leaving
            ),
            *(
                ExitToDo(
                    client_id=row["client_id"],
                    client_name=names[row["client_id"]],
                    left_on=row["ends_on"],
                    plan_id=row["plan_id"],
                    title=row["kind"],
                )
                for row in plans_ended
            ),
        ],
        unread_notices=unread,
        late_access_requests=[
            AccessRequestToDo(
                id=row["id"],
                client_id=row["client_id"],
                client_name=names[row["client_id"]],
                received_on=row["received_on"],
                due_on=row["due_on"],
            )
            for row in late_requests
        ],
        questionnaire_rounds=rounds_open,
    )
