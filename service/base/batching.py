"""Concurrent single lookups answered together: one statement for many requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# For reads answered together (a client, a plan): measured on 2 cores with 50 callers,
# 2 or 8 batches in flight did less than 4.
READS_IN_FLIGHT = 4
READS_PER_BATCH = 100


class Coalescer(Generic[Item, Result]):
    """`await coalescer(item)` answers one item by running `answer` on a batch.

    A call made while fewer than `in_flight` batches run starts a batch at once,
    so a quiet server answers each call alone and without delay. Calls made while
    all of them run wait, and the next batch to start takes up to `max_batch` of
    them. Under load, that spreads a statement's fixed cost (a pool connection,
    a round trip, parsing) over everyone who asked at about the same moment.

    `answer` returns one result per item, in order. If it raises, every caller
    in that batch gets the error; later batches are not affected.
    """

    def __init__(
        self,
        answer: Callable[[list[Item]], Awaitable[Sequence[Result]]],
        *,
        in_flight: int,
        max_batch: int,
    ) -> None:
        if in_flight < 1 or max_batch < 1:
            raise ValueError("in_flight and max_batch must be at least 1")
        self._answer = answer
        self._free = in_flight
        self._max_batch = max_batch
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._running: set[asyncio.Task[None]] = set()

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._free:
            self._start_batch()
        return await future

    def _start_batch(self) -> None:
        # Callers that gave up while waiting (a dropped connection) are left out.
        waiting = [(item, future) for item, future in self._waiting if not future.done()]
        batch, self._waiting = waiting[: self._max_batch], waiting[self._max_batch :]
        if not batch:
            return
        self._free -= 1
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._answer([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"{len(results)} results for a batch of {len(batch)}")
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as error:
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        finally:
            self._free += 1
            if self._waiting:
                self._start_batch()
