"""Reads of kept pages held on the process: batches per address and link, handed over
whole, and exact counting near a limit."""

from __future__ import annotations

from service.composers.client_page.kept_reads import BATCH, KeptReads


def test_a_pair_runs_a_batch_ahead_then_hands_over_what_it_holds() -> None:
    tally = KeptReads()
    assert all(tally.counted_here("10.0.0.1", "L") for _ in range(BATCH - 1))
    assert not tally.counted_here("10.0.0.1", "L")
    assert tally.counted_here("10.0.0.2", "L")  # another address has its own batch
    assert tally.take("L") == {"10.0.0.1": BATCH - 1, "10.0.0.2": 1}
    assert tally.take("L") == {}
    assert tally.counted_here("10.0.0.1", "L")


def test_near_a_limit_every_read_is_counted_exactly() -> None:
    tally = KeptReads()
    tally.count_exactly("link:L", 60)
    assert not tally.counted_here("10.0.0.1", "L")
    assert tally.counted_here("10.0.0.1", "M")
    tally.count_exactly("address:10.0.0.1", 0)  # a window that has ended
    assert tally.counted_here("10.0.0.1", "M")


def test_a_full_batch_goes_behind_the_read_only_with_room_for_two_more_known() -> None:
    tally = KeptReads()
    assert not tally.far_from_limits("10.0.0.1", "L")  # nothing known yet: wait
    tally.note_room("10.0.0.1", "L", 4 * BATCH, 2 * BATCH)
    assert tally.far_from_limits("10.0.0.1", "L")
    tally.note_room("10.0.0.1", "L", 4 * BATCH, 2 * BATCH - 1)  # the latest answer counts
    assert not tally.far_from_limits("10.0.0.1", "L")


def test_the_room_known_shrinks_with_every_read_counted_here_since() -> None:
    tally = KeptReads()
    assert tally.counted_here("10.0.0.1", "L")  # held, not in the answer below
    tally.note_room("10.0.0.1", "L", 4 * BATCH, 2 * BATCH)
    assert not tally.far_from_limits("10.0.0.1", "L")  # 2 × BATCH - 1
    tally.note_room("10.0.0.1", "L", 4 * BATCH, 3 * BATCH + 1)  # 3 × BATCH
    tally.handed_over("10.0.0.1", "L", tally.take("L"))  # the one held and the one filling
    assert tally.far_from_limits("10.0.0.1", "L")  # 3 × BATCH - 2
    for _ in range(BATCH - 2):
        assert tally.counted_here("10.0.0.1", "L")
    assert tally.far_from_limits("10.0.0.1", "L")  # 2 × BATCH
    tally.hold("10.0.0.1", "L")
    assert not tally.far_from_limits("10.0.0.1", "L")  # 2 × BATCH - 1


def test_reads_redis_never_counted_are_held_again() -> None:
    tally = KeptReads()
    assert tally.counted_here("10.0.0.1", "L")
    taken = tally.take("L")
    tally.hold_again("L", {**taken, "10.0.0.2": 1})
    assert tally.take("L") == {"10.0.0.1": 1, "10.0.0.2": 1}
