"""Small-group suppression: no figure may describe fewer than five people.

A count from 1 to 4 is hidden (primary suppression). A zero describes no one
and is shown, except in a table of one to four people, where "none of them" says
something of each: such a table is hidden whole, and so is a share of so few.
Hiding one cell of a table is not enough when the table's total is shown: the
cell is the total minus the others. So while the hidden cells of a
table could be worked out, alone or together as fewer than five people, the
smallest shown non-zero cell is hidden too (secondary suppression). A figure
derived from cells (a sum, a share) is hidden when it would tell apart hidden
cells; a statistic over people (a median, a mean) is hidden when it rests on
fewer than five.

Pure functions: the reports call them with plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import msgspec

THRESHOLD = 5


class Figure(msgspec.Struct, frozen=True):
    """A number in a report; `suppressed` says it was hidden to protect a small group."""

    # A count is an int and stays one in the JSON (msgspec writes the value it holds).
    # Typed `float` alone, which takes ints, so that the schema says "number" once:
    # `int | float` made every integer match two branches of a oneOf.
    value: float | None
    suppressed: bool = False


HIDDEN = Figure(value=None, suppressed=True)


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def hidden_cells(cells: Mapping[str, int]) -> set[str]:
    """The cells of one table (whose total is shown) that must be hidden."""
    if is_small(sum(cells.values())):
        return set(cells)
    hidden = {key for key, count in cells.items() if is_small(count)}

    def recoverable() -> bool:
        return len(hidden) == 1 or sum(cells[key] for key in hidden) < THRESHOLD

    while hidden and recoverable():
        shown = [key for key, count in cells.items() if key not in hidden and count > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda key: (cells[key], key)))
    return hidden


def count(value: int, *, hide: bool) -> Figure:
    return HIDDEN if hide else Figure(value=value)


def table(cells: Mapping[str, int], *, suppress: bool = True) -> dict[str, Figure]:
    """Each cell as a figure, hidden by the rules above when `suppress` is set."""
    hidden = hidden_cells(cells) if suppress else set()
    return {key: count(value, hide=key in hidden) for key, value in cells.items()}


def total(value: int, *, suppress: bool = True) -> Figure:
    return count(value, hide=suppress and is_small(value))


def reveals(components: Collection[str], hidden: Collection[str]) -> bool:
    """Whether a figure built from `components` of a table would tell apart its hidden
    cells: it covers some of them but not all (all of them together can be worked
    out from the total anyway)."""
    covered = set(components) & set(hidden)
    return bool(covered) and covered != set(hidden)


def derived(
    cells: Mapping[str, int], components: Collection[str], *, suppress: bool = True
) -> Figure:
    """The sum of some cells of a table."""
    value = sum(cells[key] for key in components)
    if not suppress:
        return Figure(value=value)
    hide = is_small(value) or reveals(components, hidden_cells(cells))
    return count(value, hide=hide)


def share(part: int, whole: int, *, hidden: bool = False, suppress: bool = True) -> Figure:
    """part / whole, rounded to three decimals; hidden with the part it reveals, and
    when the whole is fewer than five people."""
    if hidden or (suppress and is_small(whole)):
        return HIDDEN
    return Figure(value=round(part / whole, 3) if whole else None)


def yes_no(yes: int, answers: int, *, suppress: bool = True) -> tuple[Figure, Figure]:
    """How many said yes and their share of the answers: a two-cell table, so a
    share of 9 in 10 is hidden as surely as the 1 who said no."""
    hidden = hidden_cells({"yes": yes, "no": answers - yes}) if suppress else set()
    hide = "yes" in hidden or (suppress and is_small(answers))
    return count(yes, hide=hide), share(yes, answers, hidden=hide, suppress=suppress)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def statistic(
    values: Sequence[float],
    fraction: float = 0.5,
    *,
    suppress: bool = True,
    digits: int = 2,
    least: int = THRESHOLD,
) -> Figure:
    """A percentile (the median by default) of values that each describe one person,
    over at least `least` of them (a high percentile of few is nearly one person's)."""
    if not values:
        return Figure(value=None)
    if suppress and len(values) < max(least, THRESHOLD):
        return HIDDEN
    return Figure(value=round(percentile(values, fraction), digits))


def mean(values: Sequence[float], *, suppress: bool = True, digits: int = 2) -> Figure:
    if not values:
        return Figure(value=None)
    if suppress and len(values) < THRESHOLD:
        return HIDDEN
    return Figure(value=round(math.fsum(values) / len(values), digits))
