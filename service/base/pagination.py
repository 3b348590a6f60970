"""Keyset pagination: lists answer {items, next_cursor} and take limit and cursor."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

from service.base.errors import InvalidInput
from service.base.fields import DATE_PATTERN
from service.base.ids import Id
from service.base.nul import NUL

T = TypeVar("T")

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="How many items at most")]
Cursor = Annotated[
    str | None, QueryParameter(max_length=512, description="next_cursor of the previous page")
]

Mine = Annotated[
    bool,
    QueryParameter(description="Only what is yours: your own groups, clients, referrals, plans"),
]
Search = Annotated[str | None, QueryParameter(max_length=200, description="Words to look for")]
IdQuery = Annotated[str | None, QueryParameter(max_length=64)]
# The range is checked by the service that reads the period (service.base.fields).
FromDate = Annotated[
    date | None,
    QueryParameter(
        name="from", description="First day (Finnish)", schema_extra={"pattern": DATE_PATTERN}
    ),
]
ToDate = Annotated[
    date | None,
    QueryParameter(
        name="to", description="Last day (Finnish)", schema_extra={"pattern": DATE_PATTERN}
    ),
]


# The id in a cursor's sort key (`tuple[datetime, CursorId]`): a forged one is refused
# here, naming the cursor, instead of failing as uuid input in PostgreSQL.
CursorId = Id

_BIGINT = range(-(2**63), 2**63)


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(*key: Any) -> str:
    """An opaque cursor for the sort key of the last item on a page."""
    return base64.urlsafe_b64encode(msgspec.json.encode(key)).decode().rstrip("=")


# The key before the first item, for each way a list is sorted: the first page reads
# "after" it, so every list asks PostgreSQL one and the same row comparison, which its
# indexes answer, whether or not a cursor came.
FIRST_ID = "00000000-0000-0000-0000-000000000000"
LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff"
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)
BY_NAME = ("", FIRST_ID)  # (name, id) ascending
BY_KEY = ("", 0)  # (text key, number) ascending
OLDEST_FIRST = (EARLIEST, FIRST_ID)  # (moment, id) ascending
OLDEST_FIRST_BY_KEY = (EARLIEST, "")  # (moment, text key) ascending
NEWEST_FIRST = (LATEST, LAST_ID)  # (moment, id) descending
EARLIEST_DAY_FIRST = (date.min, FIRST_ID)  # (day, id) ascending
LATEST_DAY_FIRST = (date.max, LAST_ID)  # (day, id) descending
LOWEST_FIRST = (-(2**63),)  # (bigint,) ascending
HIGHEST_FIRST = (2**63 - 1,)  # (bigint,) descending


def decode_cursor(cursor: str | None, key_type: Any, *, first: tuple[Any, ...]) -> Any:
    """The sort key to read after: the one a cursor stands for, or `first` on the first page.

    Whatever a caller sends here goes on to PostgreSQL, so every part of the key must
    be something it takes: ids in their form (`CursorId`), text without NUL, integers
    that fit a bigint, moments with a UTC reading.
    """
    if cursor is None:
        return first
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = msgspec.json.decode(raw, type=key_type)
        for part in key if isinstance(key, tuple) else (key,):
            if isinstance(part, datetime):
                # A forged moment such as 0001-01-01T00:00+05:00 has no UTC reading.
                part.astimezone(UTC)
            elif isinstance(part, str) and NUL in part:
                raise ValueError("NUL in a cursor")
            elif isinstance(part, int) and part not in _BIGINT:
                raise OverflowError("cursor beyond bigint")
    except (binascii.Error, ValueError, OverflowError, msgspec.DecodeError) as error:
        raise InvalidInput("cursor", "not a cursor this list gave out") from error
    return key


def page_of(rows: list[T], limit: int, cursor_of: Any) -> Page[T]:
    """Cut one extra fetched row off and turn it into the next cursor."""
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    items = rows[:limit]
    return Page(items=items, next_cursor=encode_cursor(*cursor_of(items[-1])))
