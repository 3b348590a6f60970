"""The weekly schedule: wall time kept across DST, holiday weeks skipped, count kept."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.programmes.schedule import (
    is_finnish_public_holiday,
    local_instant,
    plan_sessions,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_thursday_group_keeps_ten_o_clock_across_the_march_change() -> None:
    sessions = plan_sessions(
        first_session_date=date(2027, 3, 11),
        start_time=time(10, 0),
        duration_minutes=120,
        weeks=8,
        timezone="Europe/Helsinki",
    )
    assert [s.local_date for s in sessions][:4] == [
        date(2027, 3, 11), date(2027, 3, 18), date(2027, 3, 25), date(2027, 4, 1),
    ]  # fmt: skip
    for session in sessions:
        local = session.starts_at.astimezone(HELSINKI)
        assert (local.weekday(), local.hour, local.minute) == (3, 10, 0)
        assert session.ends_at.astimezone(HELSINKI).hour == 12
    # Before 2027-03-28 Helsinki is UTC+2, after it UTC+3.
    assert sessions[2].starts_at == datetime(2027, 3, 25, 8, 0, tzinfo=UTC)
    assert sessions[3].starts_at == datetime(2027, 4, 1, 7, 0, tzinfo=UTC)


def test_october_change_also_keeps_wall_time() -> None:
    sessions = plan_sessions(
        first_session_date=date(2026, 10, 20),
        start_time=time(18, 0),
        duration_minutes=90,
        weeks=2,
        timezone="Europe/Helsinki",
    )
    assert [s.starts_at for s in sessions] == [
        datetime(2026, 10, 20, 15, 0, tzinfo=UTC),  # UTC+3
        datetime(2026, 10, 27, 16, 0, tzinfo=UTC),  # UTC+2 after 2026-10-25
    ]


def test_a_holiday_week_moves_one_week_on_and_the_count_is_kept() -> None:
    # Ascension Day is Thursday 2027-05-06.
    sessions = plan_sessions(
        first_session_date=date(2027, 4, 15),
        start_time=time(10, 0),
        duration_minutes=120,
        weeks=8,
        timezone="Europe/Helsinki",
    )
    days = [s.local_date for s in sessions]
    assert len(days) == 8
    assert date(2027, 5, 6) not in days
    assert days[3] == date(2027, 5, 13)
    assert days[-1] == date(2027, 6, 10)
    assert [s.number for s in sessions] == list(range(1, 9))


def test_holidays_can_be_kept_when_asked() -> None:
    sessions = plan_sessions(
        first_session_date=date(2027, 4, 15),
        start_time=time(10, 0),
        duration_minutes=120,
        weeks=8,
        timezone="Europe/Helsinki",
        skip_public_holidays=False,
    )
    assert date(2027, 5, 6) in [s.local_date for s in sessions]


def test_christmas_and_new_year_weeks_are_both_skipped() -> None:
    # Friday groups: Christmas Day 2026-12-25 and New Year's Day 2027-01-01 are holidays.
    sessions = plan_sessions(
        first_session_date=date(2026, 12, 18),
        start_time=time(9, 0),
        duration_minutes=60,
        weeks=3,
        timezone="Europe/Helsinki",
    )
    assert [s.local_date for s in sessions] == [
        date(2026, 12, 18), date(2027, 1, 8), date(2027, 1, 15),
    ]  # fmt: skip


def test_themes_attach_in_order() -> None:
    sessions = plan_sessions(
        first_session_date=date(2027, 9, 2),
        start_time=time(10, 0),
        duration_minutes=120,
        weeks=3,
        timezone="Europe/Helsinki",
        themes=["Tutustuminen", "Terveys"],
    )
    assert [s.theme for s in sessions] == ["Tutustuminen", "Terveys", None]


def test_finnish_holiday_calendar() -> None:
    assert is_finnish_public_holiday(date(2027, 12, 6))  # Independence Day
    assert is_finnish_public_holiday(date(2027, 3, 26))  # Good Friday
    assert is_finnish_public_holiday(date(2027, 6, 25))  # Midsummer Eve
    assert not is_finnish_public_holiday(date(2027, 3, 25))


def test_a_wall_time_lost_in_the_spring_change_is_read_forward() -> None:
    # 2027-03-28 03:30 does not exist in Helsinki (03:00 → 04:00).
    assert local_instant(date(2027, 3, 28), time(3, 30), HELSINKI) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )  # 04:30 EEST
    assert local_instant(date(2027, 3, 28), time(3, 30), HELSINKI).astimezone(HELSINKI).hour == 4


def test_a_repeated_autumn_wall_time_takes_the_first_reading() -> None:
    # 2027-10-31 03:30 happens twice; the first is still summer time (UTC+3).
    assert local_instant(date(2027, 10, 31), time(3, 30), HELSINKI) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


@given(
    first=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    weeks=st.integers(min_value=1, max_value=20),
    hour=st.integers(min_value=7, max_value=20),
    zone=st.sampled_from(["Europe/Helsinki", "Europe/Stockholm", "America/New_York"]),
)
def test_always_the_asked_number_of_weekly_sessions_at_the_same_wall_time(
    first: date, weeks: int, hour: int, zone: str
) -> None:
    sessions = plan_sessions(
        first_session_date=first,
        start_time=time(hour, 15),
        duration_minutes=90,
        weeks=weeks,
        timezone=zone,
    )
    assert len(sessions) == weeks
    tz = ZoneInfo(zone)
    for earlier, later in itertools.pairwise(sessions):
        assert (later.local_date - earlier.local_date).days % 7 == 0
        assert later.starts_at > earlier.starts_at
    for session in sessions:
        local = session.starts_at.astimezone(tz)
        assert (local.date(), local.hour, local.minute) == (session.local_date, hour, 15)
        assert local.weekday() == first.weekday()
        assert not is_finnish_public_holiday(session.local_date)


def test_endless_holidays_are_refused() -> None:
    with pytest.raises(ValueError, match="too many holiday weeks"):
        plan_sessions(
            first_session_date=date(2027, 1, 7),
            start_time=time(10, 0),
            duration_minutes=60,
            weeks=2,
            timezone="Europe/Helsinki",
            is_holiday=lambda day: True,
        )
