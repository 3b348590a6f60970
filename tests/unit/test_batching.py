"""The coalescer: calls that arrive while batches run share the next one."""

from __future__ import annotations

import asyncio

import pytest

from service.base.batching import Coalescer


class Recorder:
    """An answer function that doubles its items, records each batch, and holds every
    batch until `release` is set, so a test decides when batches finish."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.running = 0
        self.most_running = 0
        self.fail_on: int | None = None

    async def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(items)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await self.release.wait()
        finally:
            self.running -= 1
        if self.fail_on in items:
            raise ValueError(f"cannot answer {self.fail_on}")
        return [item * 2 for item in items]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_lone_call_is_answered_alone_and_at_once() -> None:
    answer = Recorder()
    answer.release.set()
    coalescer = Coalescer(answer, in_flight=2, max_batch=10)
    assert await coalescer(21) == 42
    assert answer.batches == [[21]]


async def test_calls_made_while_every_slot_is_busy_share_the_next_batch() -> None:
    answer = Recorder()
    coalescer = Coalescer(answer, in_flight=1, max_batch=10)
    first = asyncio.ensure_future(coalescer(1))
    await settle()
    later = [asyncio.ensure_future(coalescer(n)) for n in (2, 3, 4)]
    await settle()
    assert answer.batches == [[1]]  # the others wait for the slot
    answer.release.set()
    assert await first == 2
    assert await asyncio.gather(*later) == [4, 6, 8]
    assert answer.batches == [[1], [2, 3, 4]]


async def test_no_more_batches_run_at_once_than_in_flight_and_none_is_larger_than_max() -> None:
    answer = Recorder()
    coalescer = Coalescer(answer, in_flight=3, max_batch=4)
    calls = [asyncio.ensure_future(coalescer(n)) for n in range(20)]
    await settle()
    answer.release.set()
    assert await asyncio.gather(*calls) == [n * 2 for n in range(20)]
    assert answer.most_running == 3
    assert max(len(batch) for batch in answer.batches) == 4
    assert sorted(n for batch in answer.batches for n in batch) == list(range(20))


async def test_an_error_reaches_the_callers_of_its_batch_only() -> None:
    answer = Recorder()
    answer.fail_on = 3
    coalescer = Coalescer(answer, in_flight=1, max_batch=2)
    calls = [asyncio.ensure_future(coalescer(n)) for n in (1, 2, 3, 4, 5)]
    await settle()
    answer.release.set()
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert answer.batches == [[1], [2, 3], [4, 5]]
    assert outcomes[0] == 2
    assert [str(o) for o in outcomes[1:3]] == ["cannot answer 3"] * 2
    assert outcomes[3:] == [8, 10]


async def test_a_caller_that_gives_up_while_waiting_is_left_out() -> None:
    answer = Recorder()
    coalescer = Coalescer(answer, in_flight=1, max_batch=10)
    first = asyncio.ensure_future(coalescer(1))
    await settle()
    gone, kept = asyncio.ensure_future(coalescer(2)), asyncio.ensure_future(coalescer(3))
    await settle()
    gone.cancel()
    answer.release.set()
    assert await first == 2
    assert await kept == 6
    assert gone.cancelled()
    assert answer.batches == [[1], [3]]


async def test_an_answer_of_the_wrong_length_is_an_error_not_a_shifted_result() -> None:
    async def short(items: list[int]) -> list[int]:
        return items[1:]

    coalescer = Coalescer(short, in_flight=1, max_batch=10)
    with pytest.raises(RuntimeError, match="0 results for a batch of 1"):
        await coalescer(1)


async def test_a_cancelled_batch_cancels_its_callers_and_frees_its_slot() -> None:
    answer = Recorder()
    coalescer = Coalescer(answer, in_flight=1, max_batch=10)
    first = asyncio.ensure_future(coalescer(1))
    await settle()
    for task in list(coalescer._running):
        task.cancel()
    await settle()
    assert first.cancelled()
    answer.release.set()
    assert await coalescer(5) == 10


def test_limits_below_one_are_refused() -> None:
    async def echo(items: list[int]) -> list[int]:
        return items

    with pytest.raises(ValueError, match="at least 1"):
        Coalescer(echo, in_flight=0, max_batch=1)
    with pytest.raises(ValueError, match="at least 1"):
        Coalescer(echo, in_flight=1, max_batch=0)
