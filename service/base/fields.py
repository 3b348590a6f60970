"""The shared field vocabulary of request and response bodies: a body that refuses unknown
fields, names, e-mail addresses, phone numbers, links, places and reasons, time zones,
and the dates and times Polku takes in (days of the years 2000 to 2100).

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
from typing import Annotated, Literal

import msgspec

from service.base.errors import InvalidInput
from service.base.problems import pattern


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body: unknown fields are refused rather than silently dropped."""


NOT_BLANK = pattern(r"\S", "must not be blank")
# Names and titles are one line: a line break or another control character in one would
# end up in calendars, messages and file names that cannot hold it.
_NOT_IN_A_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
ONE_LINE = pattern(
    rf"^[^{_NOT_IN_A_LINE}]*[^\s{_NOT_IN_A_LINE}][^{_NOT_IN_A_LINE}]*$",
    "must be one line of text, not blank, without control characters",
)

Id = Annotated[str, msgspec.Meta(max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=ONE_LINE)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]
Language = Literal["fi", "sv", "en"]
Email = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
            "must be an e-mail address such as name@example.fi",
        ),
        max_length=254,
        examples=["aino.virtanen@example.fi"],
    ),
]
Phone = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^\+?[0-9][0-9 ()-]{4,19}$",
            "must be a phone number such as +358 40 123 4567",
        ),
        examples=["+358 40 123 4567"],
    ),
]
Url = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^https?://\S+$",
            "must be a web address starting with http:// or https://",
        ),
        max_length=500,
        examples=["https://meet.example.fi/arjen-taidot"],
    ),
]
TimeZone = Annotated[
    str,
    msgspec.Meta(
        max_length=64,
        pattern=pattern(
            r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$",
            "must be an IANA time zone such as Europe/Helsinki",
        ),
        examples=["Europe/Helsinki"],
    ),
]


class Location(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    address: ShortText | None = None


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
        examples=["2026-09-01"],
        extra_json_schema={
            "description": f"a day from {FIRST_DAY} to {LAST_DAY}",
            "extra": {"pattern": DATE_PATTERN},
        },
    ),
]
InRangeDateTime = Annotated[
    datetime,
    msgspec.Meta(
        tz=True,
        examples=["2026-09-01T10:00:00+03:00"],
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
