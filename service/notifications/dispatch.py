"""Handing due messages from PostgreSQL to the queue. Redis holds only near-term jobs:
if it loses them, the next pass hands them over again."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import asyncpg

from service.notifications.outbox import queries
from service.notifications.rules import MAX_ATTEMPTS

BATCH = 1000
SEND_JOB = "send_message"


def job_id(message_id: str, attempts: int) -> str:
    """One queue job per message and attempt: enqueuing it again is a no-op, while a
    retry after a dead worker gets a job of its own (the dead one's may linger in Redis)."""
    return f"message:{message_id}:{attempts}"


async def dispatch_due(
    pool: asyncpg.Pool, queue: Any, requeue_after: timedelta, max_batches: int = 50
) -> int:
    """Enqueue due messages, a batch at a time until none are left (or max_batches);
    returns how many were handed over."""
    async with pool.acquire() as conn:
        await queries.release_expired_claims(conn, max_attempts=MAX_ATTEMPTS)
    handed = 0
    for _ in range(max_batches):
        count = await _dispatch_batch(pool, queue, requeue_after)
        handed += count
        if count < BATCH:
            break
    return handed


async def _dispatch_batch(pool: asyncpg.Pool, queue: Any, requeue_after: timedelta) -> int:
    async with pool.acquire() as conn, conn.transaction():
        rows = await queries.due_messages(conn, requeue_after=requeue_after, limit=BATCH)
        ids = [row["id"] for row in rows]
        for start in range(0, len(rows), 100):
            await asyncio.gather(
                *(
                    queue.enqueue_job(
                        SEND_JOB, row["id"], _job_id=job_id(row["id"], row["attempts"])
                    )
                    for row in rows[start : start + 100]
                )
            )
        if ids:
            await queries.mark_enqueued(conn, ids=ids)
    return len(ids)
