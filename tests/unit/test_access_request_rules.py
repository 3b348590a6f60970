"""Access requests: due one calendar month on, open until then, late after."""

from __future__ import annotations

from datetime import date

import pytest

from service.composers.export.rules import due_on, status


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 3, 10), date(2027, 4, 10)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 12, 15), date(2028, 1, 15)),
        (date(2027, 12, 31), date(2028, 1, 31)),
    ],
)
def test_due_one_calendar_month_on(received: date, due: date) -> None:
    assert due_on(received) == due


def test_open_on_its_due_day_late_after_and_answered_whenever() -> None:
    due = date(2027, 4, 10)
    assert status(due, False, date(2027, 4, 10)) == "open"
    assert status(due, False, date(2027, 4, 11)) == "late"
    assert status(due, True, date(2027, 6, 1)) == "answered"
