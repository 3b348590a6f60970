"""The dates and times Polku takes in: days of the years 2000 to 2100.

Python's dates end at the years 1 and 9999, and a week on, a day on or a local time
near either end overflows. No group, plan, rating, meeting or consent is dated that
far out, so a date outside this range is refused with a 422 naming the field. The
OpenAPI document carries the range as a pattern, so generated requests keep to it.

msgspec cannot bound a date, so a request body with these fields derives from
`DatedBody`, which checks them once decoded; a query parameter is checked by the
service that reads it (`require_in_range`).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from functools import cache
from typing import Annotated

import msgspec

from service.accounts.types import Body
from service.base.errors import InvalidInput

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = f"must be between {FIRST_DAY} and {LAST_DAY}"

_YEAR = r"(20\d\d|2100)"
_DAY = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIME = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
_OFFSET = r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
DATE_PATTERN = f"^{_DAY}$"
DATETIME_PATTERN = f"^{_DAY}T{_TIME}{_OFFSET}$"

InRangeDate = Annotated[
    date,
    msgspec.Meta(
        extra_json_schema={
            "description": f"a day from {FIRST_DAY} to {LAST_DAY}",
            "extra": {"pattern": DATE_PATTERN},
        }
    ),
]
InRangeDateTime = Annotated[
    datetime,
    msgspec.Meta(
        tz=True,
        extra_json_schema={
            "description": f"with its UTC offset, on a day from {FIRST_DAY} to {LAST_DAY}",
            "extra": {"pattern": DATETIME_PATTERN},
        },
    ),
]


def in_range(value: date) -> bool:
    # A datetime counts by its wall date in its own offset, as it was written.
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def require_in_range(field: str, value: date | None) -> None:
    if value is not None and not in_range(value):
        raise InvalidInput(field, OUT_OF_RANGE)


# Names the zone database answers to that are not places: the server's own zone, a
# placeholder, and the POSIX and leap-second copies of real zones.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})
NOT_A_ZONE = "must be an IANA time zone such as Europe/Helsinki"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - _NOT_PLACES)


def require_time_zone(field: str, name: str) -> zoneinfo.ZoneInfo:
    """The zone a place keeps its clocks in, by its IANA name; anything else is refused
    (a zone the server would read from its own settings, or one that counts leap
    seconds, would put every time in that calendar off)."""
    if name not in _zones():
        raise InvalidInput(field, NOT_A_ZONE)
    return zoneinfo.ZoneInfo(name)


class DatedBody(Body):
    """A request body whose date and datetime fields must lie in the range."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, date) and not in_range(value):
                # service.base.errors names the field from this wording.
                raise ValueError(f"field `{name}` {OUT_OF_RANGE}")
