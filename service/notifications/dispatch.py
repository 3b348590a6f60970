"""Handing due messages from PostgreSQL to the queue. Redis holds only near-term jobs:
if it loses them, the next pass hands them over again."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import asyncpg
from arq.constants import default_queue_name, expires_extra_ms, job_key_prefix
from arq.jobs import serialize_job

from service.notifications.rules import MAX_UNFINISHED_TRIES, count_shard
from service.notifications.sql import queries

logger = logging.getLogger("polku.messages")

BATCH = 1000
SEND_JOB = "send_message"


# arq's enqueue_job, for a whole batch in one round trip: each job is stored unless one
# with its id exists already, and queued only then. (enqueue_job makes three round trips
# per job, which for a batch of a thousand costs more than sending them.)
_ENQUEUE_BATCH = """
local queued = 0
for i = 2, #KEYS do
    if redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'NX', 'PX', ARGV[1]) then
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[2 * i])
        queued = queued + 1
    end
end
return queued
"""


async def enqueue_sends(queue: Any, jobs: list[tuple[str, str]]) -> int:
    """Queue a send job for each (message id, job id); returns how many were new."""
    if not jobs:
        return 0
    now_ms = int(time.time() * 1000)
    keys: list[str] = [default_queue_name]
    args: list[str | bytes] = [str(expires_extra_ms), str(now_ms)]
    for message_id, job in jobs:
        keys.append(job_key_prefix + job)
        args += [serialize_job(SEND_JOB, (message_id,), {}, None, now_ms), job]
    # Lua's ARGV[2i-1] and ARGV[2i] for KEYS[i]: payload then job id, from i = 2.
    queued: int = await queue.eval(_ENQUEUE_BATCH, len(keys), *keys, *args)
    return queued


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
        released = await queries.release_expired_claims(
            conn, max_unfinished=MAX_UNFINISHED_TRIES, shard=count_shard()
        )
    for row in released:
        if row["status"] == "failed":
            logger.warning(
                "message %s failed after %d tries: the sending was interrupted too often",
                row["id"],
                row["attempts"],
            )
        else:
            logger.info("message %s: its sending was interrupted; due again", row["id"])
    handed = 0
    for _ in range(max_batches):
        count = await _dispatch_batch(pool, queue, requeue_after)
        handed += count
        if count < BATCH:
            break
    return handed


async def _dispatch_batch(pool: asyncpg.Pool, queue: Any, requeue_after: timedelta) -> int:
    # Marked and committed before the queue has them: a worker that takes a job at once
    # finds its message free to claim, not still locked by this transaction (its claim
    # passes over locked messages). If the queue then refuses them, they are unmarked and
    # due again at the next pass; if this process dies in between, after requeue_after.
    async with pool.acquire() as conn:
        async with conn.transaction():
            rows = await queries.due_messages(conn, requeue_after=requeue_after, limit=BATCH)
            ids = [row["id"] for row in rows]
            if ids:
                await queries.mark_enqueued(conn, ids=ids)
        try:
            await enqueue_sends(
                queue, [(row["id"], job_id(row["id"], row["attempts"])) for row in rows]
            )
        except BaseException:
            await queries.unmark_enqueued(conn, ids=ids)
            raise
    return len(ids)
