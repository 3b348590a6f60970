"""GAS T-scores pinned to published and hand-derived values."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.coaching.gas import Goal, Rating, history, latest_levels, t_score, t_scores


def test_two_goals_of_weight_six_rated_plus_one_and_zero() -> None:
    # Σwx = 6; (1-.3)·72 + .3·144 = 93.6; 50 + 60/√93.6 = 56.2017…
    assert t_score([6, 6], [1, 0]) == 56.20


def test_one_unweighted_goal_rated_plus_one() -> None:
    assert t_score([1], [1]) == 60.00


def test_all_goals_at_the_expected_level_is_fifty() -> None:
    assert t_score([1, 2, 3], [0, 0, 0]) == 50.00


def test_hand_derived_values() -> None:
    # Three equal goals all at -1: 50 + 10·(-3)/√(0.7·3 + 0.3·9) = 50 - 30/√4.8 = 36.3068…
    assert t_score([1, 1, 1], [-1, -1, -1]) == 36.31
    # Weights 2 and 1 at +2 and -2: Σwx = 2; √(0.7·5 + 0.3·9) = √6.2; 50 + 20/2.48998 = 58.0322…
    assert t_score([2, 1], [2, -2]) == 58.03
    # Four goals weight 1 at +2: 50 + 80/√(2.8 + 4.8) = 50 + 80/2.75681 = 79.0190…
    assert t_score([1, 1, 1, 1], [2, 2, 2, 2]) == 79.02
    # Fractional weights: 1.5 and 0.5 at +1 and -1: Σwx = 1; √(0.7·2.5 + 0.3·4) = √2.95
    assert t_score([1.5, 0.5], [1, -1]) == round(50 + 10 / math.sqrt(2.95), 2)


def test_rounding_is_half_up() -> None:
    # A single goal of any weight at +1 is exactly 60; check a value at a .xx5 boundary
    # by construction: with ρ = 0 and two unit goals at +1 and 0, T = 50 + 10/√2 = 57.0710…
    assert t_score([1, 1], [1, 0], rho=0.0) == 57.07
    assert t_score([1], [-2]) == 30.00


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one goal"):
        t_score([], [])
    with pytest.raises(ValueError, match="positive"):
        t_score([0], [1])
    with pytest.raises(ValueError, match="-2 to \\+2"):
        t_score([1], [3])


def test_unrated_goals_count_at_their_baseline() -> None:
    goals = [Goal(weight=6, baseline=-1), Goal(weight=6, baseline=-2)]
    ratings = [Rating(goal=0, level=1, rated_on=date(2027, 3, 1))]
    assert latest_levels(goals, ratings) == [1, -2]
    assert t_score([6, 6], latest_levels(goals, [])) == t_score([6, 6], [-1, -2])


def test_the_latest_rating_wins_and_history_has_a_point_per_day() -> None:
    goals = [Goal(weight=1, baseline=-1), Goal(weight=1, baseline=-1)]
    ratings = [
        Rating(goal=0, level=0, rated_on=date(2027, 3, 1)),
        Rating(goal=1, level=0, rated_on=date(2027, 3, 1)),
        Rating(goal=0, level=1, rated_on=date(2027, 4, 1)),
        Rating(goal=0, level=2, rated_on=date(2027, 4, 1)),  # same day, given later
        Rating(goal=1, level=-1, rated_on=date(2027, 2, 1)),  # entered late, dated earlier
    ]
    assert latest_levels(goals, ratings) == [2, 0]
    assert history(goals, ratings) == [
        (date(2027, 2, 1), t_score([1, 1], [-1, -1])),
        (date(2027, 3, 1), t_score([1, 1], [0, 0])),
        (date(2027, 4, 1), t_score([1, 1], [2, 0])),
    ]


@given(
    weights=st.lists(st.floats(min_value=0.1, max_value=20), min_size=1, max_size=8),
    data=st.data(),
)
def test_t_score_is_bounded_and_never_falls_when_a_goal_improves(
    weights: list[float], data: st.DataObject
) -> None:
    levels = data.draw(st.lists(st.integers(-2, 2), min_size=len(weights), max_size=len(weights)))
    score = t_score(weights, levels)
    assert 0 < score < 100
    if any(level < 2 for level in levels):
        better = list(levels)
        index = next(i for i, level in enumerate(levels) if level < 2)
        better[index] += 1
        assert t_score(weights, better) >= score  # equal only where rounding hides it


@given(
    weights=st.lists(st.integers(1, 50), min_size=1, max_size=6),
    data=st.data(),
)
def test_weights_count_as_written_so_tenths_score_like_wholes(
    weights: list[int], data: st.DataObject
) -> None:
    # Only the ratio of weights matters; 0.3 written as a weight is three tenths, so
    # weights in tenths give exactly the same T-score as the whole numbers.
    levels = data.draw(st.lists(st.integers(-2, 2), min_size=len(weights), max_size=len(weights)))
    tenths = [w / 10 for w in weights]
    assert t_score(tenths, levels) == t_score(weights, levels)


def test_history_is_empty_without_ratings() -> None:
    assert history([Goal(weight=1, baseline=-2)], []) == []


def test_scores_of_one_set_of_goals_at_several_moments() -> None:
    assert t_scores([6, 6], [-1, -1], [1, 0], [2, 2]) == [
        t_score([6, 6], [-1, -1]),
        56.20,
        t_score([6, 6], [2, 2]),
    ]
