"""Reminder times and quiet hours, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.notifications.rules import (
    BACKOFF,
    RETRY_FOR,
    before,
    out_of_quiet_hours,
    parse_offset,
    plan_reminders,
    quiet_until,
    retry_at,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def test_offsets() -> None:
    assert parse_offset("P1D") == (1, timedelta())
    assert parse_offset("PT2H") == (0, timedelta(hours=2))
    assert parse_offset("P1DT12H30M") == (1, timedelta(hours=12, minutes=30))
    for bad in ["P", "PT", "1D", "P1W", "PT2S"]:
        with pytest.raises(ValueError, match="not a duration"):
            parse_offset(bad)


def test_a_day_before_is_the_same_wall_time_across_the_clock_change() -> None:
    # Session Sunday 2027-03-28 10:00 EEST; the day before is Saturday 10:00 EET.
    start = helsinki(2027, 3, 28, 10)
    assert before(start, "P1D", HELSINKI) == helsinki(2027, 3, 27, 10)
    assert start - before(start, "P1D", HELSINKI) == timedelta(hours=23)
    assert before(start, "PT2H", HELSINKI) == start - timedelta(hours=2)


def test_quiet_hours_move_to_eight_in_the_morning() -> None:
    assert out_of_quiet_hours(helsinki(2027, 5, 3, 22, 30), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert out_of_quiet_hours(helsinki(2027, 5, 4, 3, 0), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert out_of_quiet_hours(helsinki(2027, 5, 4, 7, 59), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert out_of_quiet_hours(helsinki(2027, 5, 4, 8, 0), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert out_of_quiet_hours(helsinki(2027, 5, 4, 20, 59), HELSINKI) == helsinki(
        2027, 5, 4, 20, 59
    )


def test_quiet_hours_follow_the_client_zone() -> None:
    stockholm = ZoneInfo("Europe/Stockholm")
    # 21:30 in Helsinki is 20:30 in Stockholm: not night there.
    at = helsinki(2027, 5, 4, 21, 30)
    assert out_of_quiet_hours(at, stockholm) == at


def test_sms_reminders_shift_out_of_the_night_but_never_past_the_start() -> None:
    # An 08:30 session: PT2H would be 06:30; SMS waits until 08:00, e-mail does not.
    start = helsinki(2027, 5, 4, 8, 30)
    planned = plan_reminders(
        starts_at=start,
        offsets=["PT2H"],
        channels=["email", "sms"],
        zone=HELSINKI,
        now=helsinki(2027, 5, 1, 12),
    )
    assert [(p.channel, p.at) for p in planned] == [
        ("email", helsinki(2027, 5, 4, 6, 30)),
        ("sms", helsinki(2027, 5, 4, 8, 0)),
    ]
    # A 07:30 session: the shifted SMS would come after the start, so there is none.
    early = helsinki(2027, 5, 4, 7, 30)
    planned = plan_reminders(
        starts_at=early,
        offsets=["PT2H"],
        channels=["sms"],
        zone=HELSINKI,
        now=helsinki(2027, 5, 1, 12),
    )
    assert planned == []


def test_reminders_already_in_the_past_are_not_planned() -> None:
    start = datetime(2027, 5, 4, 7, 0, tzinfo=UTC)
    planned = plan_reminders(
        starts_at=start,
        offsets=["P1D", "PT2H"],
        channels=["email"],
        zone=HELSINKI,
        now=start - timedelta(hours=5),
    )
    assert [p.offset for p in planned] == ["PT2H"]


def test_an_sms_falling_due_at_night_waits_for_the_morning() -> None:
    assert quiet_until("sms", helsinki(2027, 5, 3, 23, 10), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert quiet_until("sms", helsinki(2027, 5, 4, 7, 59), HELSINKI) == helsinki(2027, 5, 4, 8)
    assert quiet_until("sms", helsinki(2027, 5, 4, 8, 0), HELSINKI) is None
    assert quiet_until("sms", helsinki(2027, 5, 4, 20, 59), HELSINKI) is None
    assert quiet_until("email", helsinki(2027, 5, 3, 23, 10), HELSINKI) is None


def test_retries_back_off_wait_out_the_night_and_end() -> None:
    evening = helsinki(2027, 5, 3, 19, 30)
    until = evening + RETRY_FOR
    assert retry_at(1, "sms", evening, HELSINKI, until) == evening + BACKOFF[0]
    assert [retry_at(n, "email", evening, HELSINKI, until) for n in (2, 3, 4)] == [
        evening + timedelta(minutes=5),
        evening + timedelta(minutes=15),
        evening + timedelta(hours=1),
    ]
    # After the fourth try the wait stays an hour.
    assert retry_at(20, "email", evening, HELSINKI, until) == evening + timedelta(hours=1)
    # An hour on from 20:30 is night: the SMS waits until 08:00.
    late = helsinki(2027, 5, 3, 20, 30)
    assert retry_at(4, "sms", late, HELSINKI, until) == helsinki(2027, 5, 4, 8)
    assert retry_at(4, "email", late, HELSINKI, until) == late + timedelta(hours=1)


def test_the_last_retry_falls_on_the_deadline_and_none_after() -> None:
    now = helsinki(2027, 5, 4, 12)
    until = now + timedelta(minutes=20)
    assert retry_at(4, "email", now, HELSINKI, until) == until
    assert retry_at(4, "email", until, HELSINKI, until) is None
    assert retry_at(1, "email", until + timedelta(seconds=1), HELSINKI, until) is None
    # An SMS whose deadline falls at night has its last try in the morning.
    night = helsinki(2027, 5, 4, 23)
    assert retry_at(4, "sms", night - timedelta(minutes=30), HELSINKI, night) == helsinki(
        2027, 5, 5, 8
    )
