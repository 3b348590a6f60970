"""Where clients' paths have stopped: referrals nobody answered within five working
days, accepted referrals the client never started within fourteen days, groups and
coaching plans that ended with no next step, and repeated absence."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from service.base import audit
from service.base.clock import (
    DAY,
    HELSINKI,
    add_working_days,
    latest_start_before,
    today_in_finland,
)
from service.base.identity import Actor
from service.base.pagination import OLDEST_FIRST_BY_KEY, decode_cursor, page_of
from service.referrals.sql import queries
from service.referrals.types import StalledPage, StalledPath

ANSWER_WITHIN_WORKING_DAYS = 5
START_WITHIN = timedelta(days=14)


def stalled_since(reason: str, since: datetime) -> date:
    """The first day on which the wait counts as a break."""
    day = since.astimezone(HELSINKI).date()
    if reason == "no_answer":
        return add_working_days(day, ANSWER_WITHIN_WORKING_DAYS) + DAY
    if reason == "not_started":
        return (since + START_WITHIN).astimezone(HELSINKI).date()
    return day


def _detail(row: Any) -> str:
    name = row["name"]
    if row["reason"] == "no_answer":
        return f"Referral to {name}: no answer within {ANSWER_WITHIN_WORKING_DAYS} working days"
    if row["reason"] == "not_started":
        return f"Referral to {name} accepted, but not started within 14 days"
    if row["reason"] == "no_continuation":
        if row["plan_id"] is not None:
            return f"The {name} plan ended with no continuation plan"
        return f"{name} ended with no next step"
    return f"Absent from {name} twice in a row without an excuse"


async def stalled_paths(
    conn: asyncpg.Connection, actor: Actor, *, limit: int, cursor: str | None
) -> StalledPage:
    """A page of the actor's clients' stalled paths; the read is logged."""
    page = await find_stalled_paths(conn, actor, limit=limit, cursor=cursor)
    await audit.log_for_clients(
        conn, actor, "referral.stalled", sorted({item.client_id for item in page.items})
    )
    return page


async def find_stalled_paths(
    conn: asyncpg.Connection, actor: Actor, *, limit: int, cursor: str | None
) -> StalledPage:
    """The page alone, for a caller that logs its whole read once (the work list)."""
    today = today_in_finland()
    after_since, after_key = decode_cursor(cursor, tuple[datetime, str], first=OLDEST_FIRST_BY_KEY)
    rows = await queries.stalled_paths(
        conn,
        viewer=actor.id,
        answered_by=latest_start_before(today, ANSWER_WITHIN_WORKING_DAYS),
        today=today,
        after_since=after_since,
        after_key=after_key,
        limit=limit + 1,
    )
    keys = {}
    items = []
    for row in rows:
        item = StalledPath(
            reason=row["reason"],
            detail=_detail(row),
            client_id=row["client_id"],
            since=row["since"],
            stalled_since=stalled_since(row["reason"], row["since"]),
            referral_id=row["referral_id"],
            programme_id=row["programme_id"],
            plan_id=row["plan_id"],
        )
        keys[id(item)] = row["key"]
        items.append(item)
    page = page_of(items, limit, lambda item: (item.since, keys[id(item)]))
    return StalledPage(items=page.items, next_cursor=page.next_cursor)
