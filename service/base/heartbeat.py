"""Worker heartbeats: each worker process records that it is alive every few seconds,
so readiness and the container healthcheck can tell a worker that runs from one that
hangs or is gone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import datetime, timedelta

import asyncpg

from service.base import clock

logger = logging.getLogger("polku.worker")

BEAT_EVERY_SECONDS = 10.0
# A worker not heard from for this long counts as gone: six beats missed.
ALIVE_WITHIN = timedelta(minutes=1)
# Rows of workers gone this long are deleted by the next beat of any worker.
FORGET_AFTER = timedelta(days=1)

_BEAT = """
INSERT INTO worker_heartbeats (worker, host, started_at, seen_at)
VALUES ($1, $2, $3, now())
ON CONFLICT (worker) DO UPDATE SET seen_at = now()
"""
_FORGET = "DELETE FROM worker_heartbeats WHERE seen_at < now() - $1::interval"
_LAST_SEEN = "SELECT max(seen_at) FROM worker_heartbeats WHERE $1::text IS NULL OR host = $1"


def this_host() -> str:
    return socket.gethostname()


async def beat(pool: asyncpg.Pool, worker: str, started_at: datetime) -> None:
    async with pool.acquire() as conn:
        await conn.execute(_BEAT, worker, this_host(), started_at)
        await conn.execute(_FORGET, FORGET_AFTER)


async def keep_beating(pool: asyncpg.Pool) -> None:
    """Beat until cancelled; a beat that fails (the database away for a moment) is
    logged and the next one tried, so the worker itself keeps running."""
    worker, started_at = f"{this_host()}:{os.getpid()}", clock.now()
    while True:
        try:
            await beat(pool, worker, started_at)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            logger.warning("heartbeat not recorded: %s", type(error).__name__)
        await asyncio.sleep(BEAT_EVERY_SECONDS)


async def stop(beating: asyncio.Task[None]) -> None:
    beating.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await beating


async def last_seen(conn: asyncpg.Connection, *, host: str | None = None) -> datetime | None:
    """When a worker (on `host`, or anywhere) was last heard from."""
    seen: datetime | None = await conn.fetchval(_LAST_SEEN, host)
    return seen


def alive(seen: datetime | None) -> bool:
    return seen is not None and clock.now() - seen <= ALIVE_WITHIN
