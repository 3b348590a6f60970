"""The referral lifecycle, checked for every pair of statuses and both sides."""

from __future__ import annotations

import itertools

import pytest

from service.referrals.lifecycle import (
    CLOSED,
    STATUSES,
    IllegalMove,
    NotYourMove,
    ReasonRequired,
    Side,
    Status,
    allowed_moves,
    check_move,
)

REFERRING: frozenset[Side] = frozenset({"referring"})
RECEIVING: frozenset[Side] = frozenset({"receiving"})
BOTH: frozenset[Side] = REFERRING | RECEIVING

# The whole table, written out by hand: (from, to) → the sides that may make the move.
LEGAL: dict[tuple[Status, Status], frozenset[Side]] = {
    ("requested", "received"): RECEIVING,
    ("requested", "cancelled"): REFERRING,
    ("received", "accepted"): RECEIVING,
    ("received", "rejected"): RECEIVING,
    ("received", "on-hold"): BOTH,
    ("received", "cancelled"): REFERRING,
    ("accepted", "in-progress"): RECEIVING,
    ("accepted", "on-hold"): BOTH,
    ("accepted", "cancelled"): REFERRING,
    ("accepted", "failed"): BOTH,
    ("in-progress", "completed"): RECEIVING,
    ("in-progress", "on-hold"): BOTH,
    ("in-progress", "cancelled"): REFERRING,
    ("on-hold", "cancelled"): REFERRING,
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_statuses(current: Status, target: Status) -> None:
    # On hold, "back" means the status it was held from; try each possibility.
    held_froms: list[Status | None] = (
        ["received", "accepted", "in-progress"] if current == "on-hold" else [None]
    )
    for held_from in held_froms:
        resuming = current == "on-hold" and target == held_from
        sides = BOTH if resuming else LEGAL.get((current, target))
        for side in (REFERRING, RECEIVING):

            def move(side: frozenset[Side] = side, held_from: Status | None = held_from) -> None:
                check_move(current, target, sides=side, held_from=held_from, reason="why")

            if sides is None:
                with pytest.raises(IllegalMove) as illegal:
                    move()
                assert illegal.value.allowed == allowed_moves(current, side, held_from)
            elif side & sides:
                move()
            else:
                with pytest.raises(NotYourMove):
                    move()


def test_closed_statuses_go_nowhere() -> None:
    for status in CLOSED:
        assert allowed_moves(status, BOTH) == []


def test_rejecting_needs_a_reason() -> None:
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            check_move("received", "rejected", sides=RECEIVING, reason=reason)
    check_move("received", "rejected", sides=RECEIVING, reason="Ryhmä on täynnä")


def test_what_each_side_may_do_next() -> None:
    assert allowed_moves("requested", RECEIVING) == ["received"]
    assert allowed_moves("requested", REFERRING) == ["cancelled"]
    assert allowed_moves("received", RECEIVING) == ["accepted", "rejected", "on-hold"]
    assert allowed_moves("accepted", REFERRING) == ["on-hold", "cancelled", "failed"]
    assert allowed_moves("on-hold", RECEIVING, held_from="accepted") == ["accepted"]
    assert allowed_moves("on-hold", REFERRING, held_from="accepted") == ["accepted", "cancelled"]


def test_an_illegal_move_names_the_allowed_ones() -> None:
    with pytest.raises(IllegalMove) as illegal:
        check_move("requested", "accepted", sides=RECEIVING)
    assert illegal.value.allowed == ["received"]
