from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

import pytest

from service.base.errors import InvalidInput
from service.base.pagination import (
    BY_NAME,
    NEWEST_FIRST,
    CursorId,
    decode_cursor,
    encode_cursor,
    page_of,
)

# What these tests decode is a cursor; the first page's key is beside the point here.
ANY_FIRST = (None,)

AN_ID = "c0ffee00-0000-0000-0000-000000000000"


def test_cursor_round_trips_its_sort_key() -> None:
    key = (datetime(2027, 3, 11, 8, tzinfo=UTC), "c0ffee00-0000-0000-0000-000000000000")
    assert decode_cursor(encode_cursor(*key), tuple[datetime, str], first=ANY_FIRST) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!",
        encode_cursor("only one"),
        # Forged moments with no UTC reading: PostgreSQL could not be asked about them.
        encode_cursor("0001-01-01T00:00:00+05:00", "c0ffee00-0000-0000-0000-000000000000"),
        encode_cursor("9999-12-31T23:59:59-05:00", "c0ffee00-0000-0000-0000-000000000000"),
    ],
)
def test_a_cursor_of_the_wrong_shape_names_the_field(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor, tuple[datetime, str], first=ANY_FIRST)
    assert raised.value.errors[0].field == "cursor"


def test_page_of_cuts_the_extra_row_into_a_cursor() -> None:
    page = page_of([1, 2, 3], 2, lambda n: (n,))
    assert page.items == [1, 2]
    assert decode_cursor(page.next_cursor, tuple[int], first=ANY_FIRST) == (2,)
    assert page_of([1, 2], 2, lambda n: (n,)).next_cursor is None


def _raw(json: bytes) -> str:
    return base64.urlsafe_b64encode(json).decode().rstrip("=")


# Cursors a caller made up, for the key types the lists use. A non-uuid id, NUL in
# text and an integer beyond bigint used to decode here and then fail in PostgreSQL
# (a 500); days out of range and bytes that are no UTF-8 must stay refused.
@pytest.mark.parametrize(
    ("cursor", "key_type"),
    [
        pytest.param(encode_cursor("a", "x"), tuple[str, CursorId], id="text-id"),
        pytest.param(
            encode_cursor("2027-03-11T08:00:00Z", "x"), tuple[datetime, CursorId], id="moment-id"
        ),
        pytest.param(encode_cursor("2027-03-11", "not-a-uuid"), tuple[date, CursorId], id="day-id"),
        pytest.param(encode_cursor("a", f"{AN_ID}\u0000"), tuple[str, CursorId], id="id-nul"),
        pytest.param(encode_cursor("a", AN_ID[:-1] + "g"), tuple[str, CursorId], id="id-not-hex"),
        pytest.param(encode_cursor("a\u0000", AN_ID), tuple[str, CursorId], id="text-nul"),
        pytest.param(
            encode_cursor("2027-03-11T08:00:00Z", "key\u0000"), tuple[datetime, str], id="key-nul"
        ),
        pytest.param(encode_cursor("key\u0000", 1), tuple[str, int], id="text-nul-int"),
        pytest.param(encode_cursor(2**63), tuple[int], id="int-above-bigint"),
        pytest.param(encode_cursor(-(2**63) - 1), tuple[int], id="int-below-bigint"),
        pytest.param(encode_cursor(2**64), tuple[int], id="int-above-uint64"),
        pytest.param(encode_cursor("instrument", 2**63), tuple[str, int], id="text-int-overflow"),
        pytest.param(
            encode_cursor("99999-01-01", AN_ID), tuple[date, CursorId], id="day-out-of-range"
        ),
        pytest.param(
            encode_cursor("+10000-01-01T00:00:00Z", AN_ID),
            tuple[datetime, CursorId],
            id="moment-out-of-range",
        ),
        pytest.param(_raw(b'["\\ud800", "x"]'), tuple[str, str], id="lone-surrogate"),
        pytest.param(_raw(b'["\xff", "x"]'), tuple[str, str], id="not-utf-8"),
    ],
)
def test_a_forged_cursor_is_refused_before_it_reaches_the_database(
    cursor: str, key_type: Any
) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor, key_type, first=ANY_FIRST)
    assert raised.value.errors[0].field == "cursor"


def test_the_bounds_are_exactly_what_the_database_takes() -> None:
    assert decode_cursor(encode_cursor(2**63 - 1), tuple[int], first=ANY_FIRST) == (2**63 - 1,)
    assert decode_cursor(encode_cursor(-(2**63)), tuple[int], first=ANY_FIRST) == (-(2**63),)
    for beyond in [2**63, -(2**63) - 1]:
        with pytest.raises(InvalidInput):
            decode_cursor(encode_cursor(beyond), tuple[int], first=ANY_FIRST)
    # PostgreSQL reads a uuid in either case; one character off the form is refused.
    assert decode_cursor(
        encode_cursor("a", AN_ID.upper()), tuple[str, CursorId], first=ANY_FIRST
    ) == (
        "a",
        AN_ID.upper(),
    )
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor("a", AN_ID + "0"), tuple[str, CursorId], first=ANY_FIRST)


def test_the_first_page_reads_after_the_key_its_order_starts_after() -> None:
    assert decode_cursor(None, tuple[str, CursorId], first=BY_NAME) == BY_NAME
    assert decode_cursor(None, tuple[datetime, CursorId], first=NEWEST_FIRST) == NEWEST_FIRST
    # Every id sorts after the first name key and before the newest-first one.
    assert BY_NAME < ("", AN_ID)
    assert (datetime.now(UTC), AN_ID) < NEWEST_FIRST
