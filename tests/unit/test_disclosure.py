"""Small-group suppression: primary, secondary (complementary cells), derived figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.reports.disclosure import (
    HIDDEN,
    Figure,
    derived,
    hidden_cells,
    mean,
    percentile,
    reveals,
    statistic,
    table,
    total,
    yes_no,
)


def test_counts_from_one_to_four_are_hidden_and_zero_is_shown() -> None:
    assert table({"a": 0, "b": 5, "c": 12}) == {
        "a": Figure(0),
        "b": Figure(5),
        "c": Figure(12),
    }
    assert total(4) == HIDDEN
    assert total(0) == Figure(0)
    assert total(5) == Figure(5)


def test_a_table_of_fewer_than_five_people_is_hidden_whole() -> None:
    assert hidden_cells({"a": 0, "b": 3}) == {"a", "b"}
    assert yes_no(0, 4) == (HIDDEN, HIDDEN)
    assert yes_no(0, 4, suppress=False) == (Figure(0), Figure(0.0))


def test_a_lone_hidden_cell_takes_the_smallest_other_with_it() -> None:
    # With the total (33) shown, hiding only `a` would leave it as 33 - 10 - 20.
    assert hidden_cells({"a": 3, "b": 10, "c": 20}) == {"a", "b"}


def test_zero_cells_are_never_used_to_cover_a_hidden_one() -> None:
    # Hiding `b` (0) would not help: `a` is still the total minus `c`.
    assert hidden_cells({"a": 3, "b": 0, "c": 9}) == {"a", "c"}


def test_hidden_cells_that_together_are_fewer_than_five_take_more() -> None:
    assert hidden_cells({"a": 2, "b": 1, "c": 20}) == {"a", "b", "c"}
    assert hidden_cells({"a": 2, "b": 2, "c": 5, "d": 30}) == {"a", "b", "c"}


def test_two_hidden_cells_of_five_or_more_together_are_enough() -> None:
    assert hidden_cells({"a": 2, "b": 3, "c": 20}) == {"a", "b"}


def test_nothing_small_nothing_hidden() -> None:
    assert hidden_cells({"a": 0, "b": 7, "c": 8}) == set()


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 40), min_size=1))
def test_no_hidden_cell_can_be_worked_out_from_the_total(cells: dict[str, int]) -> None:
    hidden = hidden_cells(cells)
    for key, count in cells.items():
        if 0 < count < 5:
            assert key in hidden
    if hidden and sum(cells[k] for k in hidden) > 0:
        shown_nonzero = [k for k in cells if k not in hidden and cells[k] > 0]
        # Either the hidden cells are at least two and five people together, or every
        # non-zero cell is hidden (and then the total is all there is to know).
        assert (len(hidden) >= 2 and sum(cells[k] for k in hidden) >= 5) or not shown_nonzero


def test_a_sum_that_would_split_the_hidden_cells_is_hidden() -> None:
    cells = {"education": 5, "employment": 2, "none": 1, "not_recorded": 3}
    assert hidden_cells(cells) == {"employment", "none", "not_recorded"}
    # education + employment = 7 would give employment as 7 - 5.
    assert derived(cells, ["education", "employment"]) == HIDDEN
    assert reveals(["employment"], {"employment", "none"})
    # All hidden cells together are the total minus the shown ones anyway.
    assert derived(cells, ["employment", "none", "not_recorded"]) == Figure(6)
    assert not reveals(["education"], {"employment"})


def test_sums_of_shown_cells_are_shown_unless_small() -> None:
    cells = {"a": 6, "b": 7, "c": 0}
    assert derived(cells, ["a", "b"]) == Figure(13)
    assert derived({"a": 0, "b": 3, "c": 0}, ["a", "b"]) == HIDDEN


def test_exact_tables_for_those_who_may_see_the_people() -> None:
    assert table({"a": 1, "b": 9}, suppress=False) == {"a": Figure(1), "b": Figure(9)}
    assert derived({"a": 1, "b": 9}, ["a"], suppress=False) == Figure(1)


def test_yes_no_shares_hide_a_small_no_as_well_as_a_small_yes() -> None:
    assert yes_no(9, 10) == (HIDDEN, HIDDEN)  # the one "no" would be 10 - 9
    assert yes_no(1, 10) == (HIDDEN, HIDDEN)
    assert yes_no(6, 12) == (Figure(6), Figure(0.5))
    assert yes_no(9, 9) == (Figure(9), Figure(1.0))
    assert yes_no(3, 3) == (HIDDEN, HIDDEN)
    assert yes_no(0, 0) == (Figure(0), Figure(None))
    assert yes_no(9, 10, suppress=False) == (Figure(9), Figure(0.9))


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([4, 1, 3, 2], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)
    assert percentile([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_statistics_over_fewer_than_five_people_are_hidden() -> None:
    assert statistic([1, 2, 3, 4]) == HIDDEN
    assert statistic([1, 2, 3, 4, 5]) == Figure(3)
    assert statistic([]) == Figure(None)
    assert mean([1.0, 2.0, 3.0, 4.0]) == HIDDEN
    assert mean([1.0, 2.0, 3.0, 4.0, 5.5]) == Figure(3.1)
    assert mean([1.0, 2.0], suppress=False) == Figure(1.5)
