"""Working days in Finland: weekends and public holidays do not count."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from service.base.clock import HELSINKI, add_working_days, is_working_day, latest_start_before
from service.referrals.stalled import stalled_since


def test_five_working_days_across_easter() -> None:
    # Thursday before Easter 2027: Good Friday and Easter Monday do not count.
    assert add_working_days(date(2027, 3, 25), 5) == date(2027, 4, 5)
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday


def test_five_working_days_across_christmas() -> None:
    # 2026: Christmas Eve (Thu), Christmas Day (Fri) and the weekend do not count.
    assert add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)
    # Sent on Christmas Eve: the first working day after is the 28th.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # Across New Year and Epiphany 2027 (Wednesday).
    assert add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 8)


def test_an_ordinary_week() -> None:
    assert add_working_days(date(2026, 11, 16), 5) == date(2026, 11, 23)  # Mon → next Mon
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Fri → next Fri
    assert add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)  # Sat → next Fri


def test_a_referral_becomes_stalled_the_day_after_its_fifth_working_day() -> None:
    sent = datetime(2027, 3, 25, 14, 0, tzinfo=HELSINKI)
    assert stalled_since("no_answer", sent) == date(2027, 4, 6)
    # The day it is sent in Finland decides, even just before midnight UTC.
    late = datetime(2026, 12, 20, 22, 30, tzinfo=HELSINKI)  # Sunday evening
    assert stalled_since("no_answer", late) == date(2026, 12, 30)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)))
def test_the_cutoff_agrees_with_counting_forward(today: date) -> None:
    cutoff = latest_start_before(today, 5)
    assert add_working_days(cutoff, 5) < today
    # The day after the cutoff still has time to be answered.
    assert add_working_days(date.fromordinal(cutoff.toordinal() + 1), 5) >= today
