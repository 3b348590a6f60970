"""Goal Attainment Scaling: the summary T-score of a set of weighted goals.

    T = 50 + 10 · Σ wᵢxᵢ / √((1 − ρ) Σ wᵢ² + ρ (Σ wᵢ)²),  ρ = 0.3

(Kiresuk & Sherman). xᵢ is a goal's level, −2 … +2, and a goal not yet rated
counts at its baseline. The arithmetic is decimal to 40 digits, with weights
taken as written (0.1 is one tenth, not the nearest binary fraction), so the
result rounds half up to two decimals exactly as by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

import msgspec

RHO = 0.3
_DIGITS = Context(prec=40)
_CENTS = Decimal("0.01")


# Structs, not dataclasses: a plan read makes one per rating, and a frozen dataclass
# takes eight times as long to make.
class Goal(msgspec.Struct, frozen=True):
    weight: float
    baseline: int


class Rating(msgspec.Struct, frozen=True):
    goal: int  # index into the goals
    level: int
    rated_on: date


class _Scale:
    """The weights of one set of goals, ready to score levels against."""

    def __init__(self, weights: Sequence[float], rho: float) -> None:
        if not weights:
            raise ValueError("GAS needs at least one goal")
        if any(w <= 0 for w in weights):
            raise ValueError("goal weights are positive")
        self.weights = [Decimal(repr(float(w))) for w in weights]
        r = Decimal(repr(float(rho)))
        squares = sum(w * w for w in self.weights)
        self.spread = ((1 - r) * squares + r * sum(self.weights) ** 2).sqrt(_DIGITS)

    def weighted(self, levels: Sequence[int]) -> Decimal:
        """Σ wᵢxᵢ, once the levels are known to be valid."""
        if len(levels) != len(self.weights):
            raise ValueError("every goal needs a level")
        if any(level not in (-2, -1, 0, 1, 2) for level in levels):
            raise ValueError("levels run from -2 to +2")
        return sum((w * x for w, x in zip(self.weights, levels, strict=True)), Decimal(0))

    def t_of(self, weighted: Decimal) -> float:
        exact = 50 + 10 * _DIGITS.divide(weighted, self.spread)
        return float(exact.quantize(_CENTS, rounding=ROUND_HALF_UP))

    def score(self, levels: Sequence[int]) -> float:
        return self.t_of(self.weighted(levels))


@functools.lru_cache(maxsize=4096)
def _scale_of(weights: tuple[float, ...]) -> _Scale:
    """The scale of these weights at ρ = 0.3, made once: plans share few sets of weights,
    and an outcome report scores a thousand plans, each scale a forty-digit square root."""
    return _Scale(weights, RHO)


@functools.lru_cache(maxsize=16_384)
def _t(weights: tuple[float, ...], levels: tuple[int, ...]) -> float:
    """A T-score at ρ = 0.3, kept: a plan's history scores the same few sets of levels
    again and again, and every read of the plan scores its whole history."""
    return _scale_of(weights).score(levels)


def t_score(weights: Sequence[float], levels: Sequence[int], rho: float = RHO) -> float:
    return _Scale(weights, rho).score(levels)


def t_scores(weights: Sequence[float], *level_sets: Sequence[int]) -> list[float]:
    """The T-scores of one set of goals at several moments (baseline, now, …)."""
    kept = tuple(weights)
    return [_t(kept, tuple(levels)) for levels in level_sets]


def _by_day(ratings: Sequence[Rating]) -> list[Rating]:
    # A stable sort: of two ratings on the same day, the one given later wins.
    return sorted(ratings, key=lambda rating: rating.rated_on)


def latest_levels(goals: Sequence[Goal], ratings: Sequence[Rating]) -> list[int]:
    """Each goal's most recent level, or its baseline."""
    levels = [goal.baseline for goal in goals]
    for rating in _by_day(ratings):
        levels[rating.goal] = rating.level
    return levels


def history(goals: Sequence[Goal], ratings: Sequence[Rating]) -> list[tuple[date, float]]:
    """The T-score at the end of each day on which something was rated."""
    return _walk(goals, ratings)[1]


def _walk(
    goals: Sequence[Goal], ratings: Sequence[Rating]
) -> tuple[list[int], list[tuple[date, float]]]:
    """Through the ratings by day once: each goal's latest level, and the T-score at the
    end of each day on which something was rated."""
    weights = tuple(goal.weight for goal in goals)
    levels = [goal.baseline for goal in goals]
    points: list[tuple[date, float]] = []
    ordered = _by_day(ratings)
    for position, rating in enumerate(ordered):
        levels[rating.goal] = rating.level
        last_of_day = (
            position + 1 == len(ordered) or ordered[position + 1].rated_on != rating.rated_on
        )
        if last_of_day:
            points.append((rating.rated_on, _t(weights, tuple(levels))))
    return levels, points


class Summary(msgspec.Struct, frozen=True):
    baseline_t_score: float | None
    t_score: float | None
    latest_levels: list[int]
    history: list[tuple[date, float]]


def summarise(goals: Sequence[Goal], ratings: Sequence[Rating]) -> Summary:
    """The T-score at baseline and now, each goal's latest level, and the history."""
    if not goals:
        return Summary(None, None, [], [])
    latest, points = _walk(goals, ratings)
    weights = tuple(goal.weight for goal in goals)
    return Summary(
        baseline_t_score=_t(weights, tuple(goal.baseline for goal in goals)),
        t_score=_t(weights, tuple(latest)),
        latest_levels=latest,
        history=points,
    )
