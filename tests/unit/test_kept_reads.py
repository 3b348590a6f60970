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
