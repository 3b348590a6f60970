"""The rules of exits and follow-ups, as plain functions (no I/O).

ESF+ asks for the situation upon leaving within four weeks of leaving, the latest
event counting; the longer-term result six months on."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Situation = Literal[
    "employed", "self_employed", "education", "job_seeking", "training", "inactive", "unknown"
]
RECORDABLE_FOR = timedelta(weeks=4)
FOLLOW_UP_AFTER_MONTHS = 6
# A question nobody answered in this long becomes the responsible worker's to ask.
ANSWER_WITHIN = timedelta(days=14)
# The numbers the SMS question offers: working, studying, looking for work, other.
REPLY_NUMBERS: dict[str, Situation] = {
    "1": "employed",
    "2": "education",
    "3": "job_seeking",
    "4": "inactive",
}


def recordable(left_on: date, today: date) -> str | None:
    """Why an exit on `left_on` cannot be recorded today, or None."""
    if left_on > today:
        return "cannot be in the future"
    if today - left_on > RECORDABLE_FOR:
        return (
            "is more than four weeks ago: the situation upon leaving is recorded within four weeks"
        )
    return None


def follow_up_due(left_on: date) -> date:
    """Six calendar months after leaving; the month's last day when it is shorter."""
    month = left_on.month - 1 + FOLLOW_UP_AFTER_MONTHS
    year, month = left_on.year + month // 12, month % 12 + 1
    return date(year, month, min(left_on.day, calendar.monthrange(year, month)[1]))


def reply_situation(text: str) -> Situation | None:
    """The situation a reply to the follow-up question names: one of its numbers alone,
    with spaces or punctuation around it."""
    return REPLY_NUMBERS.get(text.strip().strip(".!,;:)").strip())
