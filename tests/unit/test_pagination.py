from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.errors import InvalidInput
from service.pagination import decode_cursor, encode_cursor, page_of


def test_cursor_round_trips_its_sort_key() -> None:
    key = (datetime(2027, 3, 11, 8, tzinfo=UTC), "c0ffee00-0000-0000-0000-000000000000")
    assert decode_cursor(encode_cursor(*key), tuple[datetime, str]) == key


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
        decode_cursor(cursor, tuple[datetime, str])
    assert raised.value.errors[0].field == "cursor"


def test_page_of_cuts_the_extra_row_into_a_cursor() -> None:
    page = page_of([1, 2, 3], 2, lambda n: (n,))
    assert page.items == [1, 2]
    assert decode_cursor(page.next_cursor, tuple[int]) == (2,)
    assert page_of([1, 2], 2, lambda n: (n,)).next_cursor is None
