"""The worker's batch claim starts each queued job once, as arq's own claim does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix
from arq.cron import cron
from arq.jobs import serialize_job
from arq.worker import func

from service.base.settings import Settings
from workers.queue import BatchClaimingArqWorker

RAN: list[str] = []


async def note(ctx: dict[str, Any], name: str) -> None:
    RAN.append(name)


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[ArqRedis]:
    assert settings.redis_url is not None
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    RAN.clear()
    yield pool
    await pool.aclose()


def _worker(queue: ArqRedis, max_jobs: int = 10) -> BatchClaimingArqWorker:
    return BatchClaimingArqWorker(
        functions=[func(note, name="note", keep_result=0)],
        redis_pool=queue,
        max_jobs=max_jobs,
        handle_signals=False,
    )


async def _queue(queue: ArqRedis, job_id: str, *, due_in_ms: int = -1) -> None:
    score = int(time.time() * 1000) + due_in_ms
    await queue.set(job_key_prefix + job_id, serialize_job("note", (job_id,), {}, None, score))
    await queue.zadd(default_queue_name, {job_id: score})


async def _run_started(worker: BatchClaimingArqWorker) -> list[str]:
    started = sorted(worker.tasks)
    await asyncio.gather(*worker.tasks.values())
    worker.tasks.clear()  # as arq's poll loop forgets finished jobs
    return started


async def test_a_job_held_deferred_or_gone_is_not_started(queue: ArqRedis) -> None:
    await _queue(queue, "free")
    await _queue(queue, "held")
    await queue.psetex(in_progress_key_prefix + "held", 60_000, b"1")
    await _queue(queue, "later", due_in_ms=60_000)
    worker = _worker(queue)
    await worker.start_jobs([b"free", b"held", b"later", b"gone"])
    assert await _run_started(worker) == ["free"]
    assert RAN == ["free"]
    # Done and dequeued, as arq finishes a job; the held one is left to its holder.
    assert await queue.zrange(default_queue_name, 0, -1) == [b"held", b"later"]
    assert await queue.exists(in_progress_key_prefix + "free") == 0


async def test_a_claim_lasts_as_long_as_its_job_may_run_not_the_longest_cron_job(
    queue: ArqRedis,
) -> None:
    """A job picked by a worker that is then killed is free again ten seconds after its
    own timeout, not after arq's one claim for all, which is the crons' five minutes."""
    await _queue(queue, "one")
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow(ctx: dict[str, Any], name: str) -> None:
        started.set()
        await release.wait()

    async def nightly(ctx: dict[str, Any]) -> None:
        pass

    worker = BatchClaimingArqWorker(
        functions=[func(slow, name="note", timeout=20, keep_result=0)],
        cron_jobs=[cron(nightly, hour=2, unique=True)],
        redis_pool=queue,
        handle_signals=False,
    )
    assert worker.in_progress_timeout_s == 310  # the cron job's, arq's default
    assert worker.claim_seconds(f"{worker.cron_jobs[0].name}:1796169600000") == 310
    await worker.start_jobs([b"one"])
    await started.wait()
    ttl = await queue.pttl(in_progress_key_prefix + "one")
    release.set()
    await _run_started(worker)
    assert 25_000 < ttl <= 30_000


async def test_no_more_start_than_there_are_free_slots_and_the_rest_stay_free(
    queue: ArqRedis,
) -> None:
    for name in ("a", "b", "c"):
        await _queue(queue, name)
    worker = _worker(queue, max_jobs=2)
    await worker.start_jobs([b"a", b"b", b"c"])
    assert sorted(worker.tasks) == ["a", "b"]
    assert await queue.exists(in_progress_key_prefix + "c") == 0
    await _run_started(worker)
    await worker.start_jobs([b"c"])
    assert await _run_started(worker) == ["c"]
    assert sorted(RAN) == ["a", "b", "c"]


async def test_two_workers_picking_the_same_jobs_run_each_once(queue: ArqRedis) -> None:
    names = [f"job{i}" for i in range(50)]
    for name in names:
        await _queue(queue, name)
    picked = [name.encode() for name in names]
    first, second = _worker(queue, max_jobs=100), _worker(queue, max_jobs=100)
    await asyncio.gather(first.start_jobs(picked), second.start_jobs(picked[::-1]))
    started_first, started_second = await _run_started(first), await _run_started(second)
    assert not set(started_first) & set(started_second)
    assert sorted(RAN) == sorted(names)
