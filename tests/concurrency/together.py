"""Reads made to arrive together: the read pool held while they start, so they pile up
and are answered in shared statements once it is let go."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import asyncpg
from litestar import Litestar

Answer = TypeVar("Answer")


async def answered_together(
    app: Litestar, reads: list[Coroutine[Any, Any, Answer]]
) -> list[Answer]:
    """Every read's answer, in order; none answered while the pool was held."""
    pool: asyncpg.Pool = app.state.read_pool
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        started = [asyncio.ensure_future(read) for read in reads]
        await asyncio.sleep(0.3)
        assert not any(r.done() for r in started)  # nobody answered without the database
    finally:
        for conn in held:
            await pool.release(conn)
    return list(await asyncio.gather(*started))
