"""Gathering a staff member's work list (see the package)."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.clock import today_in_finland
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
    today = today_in_finland()
    stalled_page = await stalled.find_stalled_paths(conn, actor, limit=STALLED_SHOWN, cursor=None)
    day = await queries.day(
        conn,
        viewer=actor.id,
        period_start=days.start,
        period_end=days.end,
        record_since=now - RECORD_WITHIN,
        overdue_before=now - ANSWER_WITHIN,
        left_since=now - RECORDABLE_FOR,
        first_day=today - RECORDABLE_FOR,
        today=today,
        stalled_clients=[path.client_id for path in stalled_page.items],
    )
    rounds_open = await questionnaire_rounds.to_answer(conn, actor.id)
    names: dict[str, str] = day["names"]
    await audit.log_for_clients(conn, actor, "worklist.read", sorted(names))
    return Worklist(
        first_day=days.first_day,
        last_day=days.last_day,
        sessions=msgspec.convert(day["sessions"], list[SessionToDo]),
        meetings=msgspec.convert(day["meetings"], list[MeetingToDo]),
        stalled=[StalledToDo(path=p, client_name=names[p.client_id]) for p in stalled_page.items],
        follow_ups=msgspec.convert(day["follow_ups"], list[FollowUpToDo]),
        exits_to_record=msgspec.convert(day["exits_to_record"], list[ExitToDo]),
        unread_notices=day["unread_notices"],
        late_access_requests=msgspec.convert(day["late_access_requests"], list[AccessRequestToDo]),
        questionnaire_rounds=rounds_open,
    )
