"""Pure rules of closing and retention."""

from __future__ import annotations

from datetime import date

# Act 703/2023 on client data in social welfare: services to working-age people are
# kept ten years after the case closes.
RETENTION_YEARS = 10


def retention_until(closed_on: date) -> date:
    """Ten years after the day the relationship closed (29 February closes on 28 February
    ten years on when that year has no leap day)."""
    year = closed_on.year + RETENTION_YEARS
    try:
        return closed_on.replace(year=year)
    except ValueError:
        return closed_on.replace(year=year, day=28)


def closing_day_problem(closed_on: date, created_on: date, today: date) -> str | None:
    """Why a relationship cannot be closed on that day, or None when it can."""
    if closed_on > today:
        return "cannot be in the future"
    if closed_on < created_on:
        return f"cannot be before the client was recorded ({created_on.isoformat()})"
    return None
