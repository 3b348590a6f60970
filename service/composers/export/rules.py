"""Pure rules of access requests: when one is due and what state it is in."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

RequestStatus = Literal["open", "late", "answered"]


def due_on(received_on: date) -> date:
    """One calendar month after the day received (GDPR art. 12(3)); a month without that
    day ends on its last day (31 January → 28 or 29 February), as periods in months do
    under Regulation 1182/71."""
    year, month = (
        (received_on.year + 1, 1)
        if received_on.month == 12
        else (
            received_on.year,
            received_on.month + 1,
        )
    )
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(received_on.day, last))


def status(due: date, answered: bool, today: date) -> RequestStatus:
    """Answered, or waiting: open up to and on its due day, late after it."""
    if answered:
        return "answered"
    return "late" if today > due else "open"
