"""The API's pools serve those waiting for a connection in the order they came
(db/pool.py, FairPool): a newcomer does not take a connection from under the waiter it
came back for, and a waiter that gives up passes its turn on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from db.pool import FairPool, create_fair_pool
from service.base.settings import Settings


@pytest.fixture
async def one_connection(settings: Settings) -> AsyncIterator[FairPool]:
    assert settings.app_login_url is not None
    pool = await create_fair_pool(settings.app_login_url, max_size=1)
    try:
        yield pool
    finally:
        await pool.close()


async def _queued(pool: FairPool, name: str, order: list[str]) -> asyncio.Task[None]:
    async def wait_and_note() -> None:
        async with pool.acquire() as conn:
            order.append(name)
            await conn.fetchval("SELECT 1")

    task = asyncio.create_task(wait_and_note())
    await asyncio.sleep(0.01)  # it is waiting now
    return task


async def test_a_returned_connection_goes_to_the_longest_waiter_not_a_newcomer(
    one_connection: FairPool,
) -> None:
    order: list[str] = []
    held = await one_connection.acquire()
    waiting = [await _queued(one_connection, name, order) for name in ("first", "second")]

    returning = asyncio.create_task(one_connection.release(held))
    await asyncio.sleep(0)

    async def newcomer() -> None:
        async with one_connection.acquire():
            order.append("newcomer")

    # The newcomer asks just as the connection comes back, before the first waiter, woken
    # for it, has run: asyncpg's own pool gives it the connection, and the first waiter
    # goes to the back (newcomer, second, first).
    await asyncio.gather(returning, asyncio.create_task(newcomer()), *waiting)
    assert order == ["first", "second", "newcomer"]


async def test_a_waiter_that_gives_up_leaves_the_queue(one_connection: FairPool) -> None:
    order: list[str] = []
    held = await one_connection.acquire()
    leaving = await _queued(one_connection, "leaving", order)
    staying = await _queued(one_connection, "staying", order)
    leaving.cancel()
    await one_connection.release(held)
    await asyncio.wait_for(staying, 5)
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert order == ["staying"]
    await _all_turns_back(one_connection)


async def test_a_turn_that_comes_as_the_waiter_gives_up_goes_to_the_next(
    one_connection: FairPool,
) -> None:
    order: list[str] = []
    held = await one_connection.acquire()
    leaving = await _queued(one_connection, "leaving", order)
    staying = await _queued(one_connection, "staying", order)
    await one_connection.release(held)  # the turn is the first waiter's now…
    leaving.cancel()  # …which gives up before it runs
    await asyncio.wait_for(staying, 5)
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert order == ["staying"]
    await _all_turns_back(one_connection)


async def _all_turns_back(pool: FairPool) -> None:
    """The one connection can be taken again at once: no turn was lost."""
    conn = await asyncio.wait_for(pool.acquire(), 1)
    await pool.release(conn)
