"""Weekly session schedules in local wall time: a 10:00 group stays at 10:00 when the
clocks change, and a week that falls on a Finnish public holiday moves one week on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.base.clock import is_finnish_public_holiday, local_instant

WEEK = timedelta(weeks=1)
# A programme that keeps meeting a holiday week after week still ends: this many
# weeks of searching is far beyond any real calendar.
MAX_SKIPPED_WEEKS = 26


@dataclass(frozen=True)
class PlannedSession:
    number: int
    local_date: date
    starts_at: datetime
    ends_at: datetime
    theme: str | None


def plan_sessions(
    *,
    first_session_date: date,
    start_time: time,
    duration_minutes: int,
    weeks: int,
    timezone: str,
    skip_public_holidays: bool = True,
    themes: list[str] | None = None,
    is_holiday: Callable[[date], bool] = is_finnish_public_holiday,
) -> list[PlannedSession]:
    """`weeks` sessions, one a week from `first_session_date`, skipping holiday weeks."""
    zone = ZoneInfo(timezone)
    themes = themes or []
    sessions: list[PlannedSession] = []
    day = first_session_date
    skipped = 0
    while len(sessions) < weeks:
        if skip_public_holidays and is_holiday(day):
            skipped += 1
            if skipped > MAX_SKIPPED_WEEKS:
                raise ValueError("too many holiday weeks in a row to plan this programme")
        else:
            starts_at = local_instant(day, start_time, zone)
            number = len(sessions) + 1
            sessions.append(
                PlannedSession(
                    number=number,
                    local_date=day,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=duration_minutes),
                    theme=themes[number - 1] if number <= len(themes) else None,
                )
            )
        day += WEEK
    return sessions
