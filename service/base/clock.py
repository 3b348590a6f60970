"""The one clock: every "now" and "today", the Finnish calendar (which decides dates
such as a consent's last day, a holiday week of a group, and when a referral has
waited too long), and wall times read in a zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HELSINKI = ZoneInfo("Europe/Helsinki")
DAY = timedelta(days=1)


def now() -> datetime:
    """This moment, in UTC."""
    return datetime.now(UTC)


def today_in_finland() -> date:
    return datetime.now(HELSINKI).date()


@lru_cache(maxsize=64)
def _finnish_holidays(year: int) -> frozenset[date]:
    # Includes Midsummer Eve and Christmas Eve, on which Finland does not work either.
    return frozenset(holidays.country_holidays("FI", years=year))


def is_finnish_public_holiday(day: date) -> bool:
    return day in _finnish_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_finnish_public_holiday(day)


@lru_cache(maxsize=4096)
def add_working_days(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself does not count). Kept: a
    stalled-paths list asks it of two hundred referrals, most sent on the same days."""
    if count < 0:
        raise ValueError("count working days forward")
    while count:
        day += DAY
        if is_working_day(day):
            count -= 1
    return day


def latest_start_before(today: date, working_days: int) -> date:
    """The last day something may have started and still have had `working_days` full
    working days to be answered before `today`: anything started on or before it and
    still unanswered is overdue today."""
    day = today - DAY
    while add_working_days(day, working_days) >= today:
        day -= DAY
    return day


def local_instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in `zone` shows `wall_time` on `day`, as UTC.

    On the night clocks spring forward a wall time may not exist; it is read as
    the same number of minutes after the change, as a clock on the wall would
    be set. Where clocks fall back, the earlier (summer time) reading is used.
    """
    wall = datetime.combine(day, wall_time, tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        gap = wall.replace(fold=1).utcoffset() - wall.replace(fold=0).utcoffset()  # type: ignore[operator]
        instant = (wall + abs(gap)).astimezone(UTC)
    return instant
