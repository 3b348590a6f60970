"""No message is lost or sent twice: double enqueues, a flushed Redis, a killed worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from httpx import AsyncClient
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from service.base.settings import Settings
from service.notifications.dispatch import SEND_JOB, dispatch_due
from service.notifications.rules import MAX_UNFINISHED_TRIES
from service.notifications.sender import Sender
from service.notifications.smtp import SmtpPool, SmtpServer
from tests.cli.test_cli import _free_port
from tests.factories import Factory
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker

POLKU = str(Path(sys.executable).parent / "polku")


async def invites(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch("SELECT id, status, attempts FROM messages WHERE kind = 'invite'")


async def test_the_same_message_enqueued_twice_is_sent_once(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    await enrolled_client(api, make)
    [invite] = await invites(db)
    assert worker_settings.redis_url is not None
    queue = await create_pool(RedisSettings.from_dsn(worker_settings.redis_url))
    try:
        for job_id in ["duplicate-1", "duplicate-2", "duplicate-3"]:
            await queue.enqueue_job(SEND_JOB, invite["id"], _job_id=job_id)
    finally:
        await queue.aclose()
    await run_worker(worker_settings)
    assert len(mail_server.mailbox.to("anna@example.org")) == 1
    assert [(r["status"], r["attempts"]) for r in await invites(db)] == [("sent", 1)]


async def test_a_flushed_redis_loses_nothing(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
    redis: Redis,
) -> None:
    await enrolled_client(api, make)
    assert worker_settings.redis_url is not None
    queue = await create_pool(RedisSettings.from_dsn(worker_settings.redis_url))
    pool = await _pool(worker_settings)
    try:
        assert await dispatch_due(pool, queue, timedelta(minutes=1)) == 1
        await redis.flushdb()  # the queued job is gone
        # Handed over a moment ago: not handed again yet ...
        assert await dispatch_due(pool, queue, timedelta(minutes=1)) == 0
        # ... but once requeue_after has passed, it is.
        assert await dispatch_due(pool, queue, timedelta(0)) == 1
    finally:
        await queue.aclose()
        await pool.close()
    await run_worker(msgspec.structs.replace(worker_settings, requeue_after=timedelta(0)))
    assert len(mail_server.mailbox.to("anna@example.org")) == 1
    assert [r["status"] for r in await invites(db)] == ["sent"]


async def test_a_message_asked_for_twice_in_one_batch_is_claimed_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    """A worker claims together what its jobs ask for at once; two jobs of one message
    (a job per attempt) may be among them, and only the first gets it."""
    await enrolled_client(api, make)
    [invite] = await invites(db)
    pool = await _pool(worker_settings)
    try:
        async with httpx.AsyncClient() as http:
            sender = Sender(pool, worker_settings, http)
            claimed = await sender._claim_batch([invite["id"], invite["id"]])
    finally:
        await pool.close()
    assert [row is not None for row in claimed] == [True, False]
    assert [(r["status"], r["attempts"]) for r in await invites(db)] == [("sending", 1)]


async def test_sends_at_once_each_go_once(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    """Twelve sends of one message at once, one worker: the claims and the record of the
    outcome are batched, and the message still goes once."""
    await enrolled_client(api, make)
    [invite] = await invites(db)
    pool = await _pool(worker_settings)
    smtp = SmtpPool(SmtpServer.from_url(mail_server.url))
    try:
        async with httpx.AsyncClient() as http:
            sender = Sender(pool, worker_settings, http, smtp)
            outcomes = await asyncio.gather(*(sender.send(invite["id"]) for _ in range(12)))
    finally:
        await smtp.close()
        await pool.close()
    assert sorted(outcomes) == ["not due, or handled already"] * 11 + ["sent"]
    assert len(mail_server.mailbox.to("anna@example.org")) == 1
    assert [(r["status"], r["attempts"]) for r in await invites(db)] == [("sent", 1)]


class _Watched:
    """The real queue, noting whether the messages it is handed were marked as handed
    over, and committed, by the time it got them."""

    def __init__(self, queue: ArqRedis, db: asyncpg.Connection) -> None:
        self._queue = queue
        self._db = db
        self.marked_before: list[bool] = []

    async def eval(self, *args: Any) -> Any:
        marked = await self._db.fetchval(
            "SELECT bool_and(enqueued_at IS NOT NULL) FROM messages WHERE kind = 'invite'"
        )
        self.marked_before.append(marked)
        return await self._queue.eval(*args)


async def test_a_message_is_marked_handed_over_before_a_worker_can_take_it(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    """A worker that takes the job at once finds the message committed and free: its
    claim passes over messages locked by someone else."""
    await enrolled_client(api, make)
    assert worker_settings.redis_url is not None
    queue = await create_pool(RedisSettings.from_dsn(worker_settings.redis_url))
    pool = await _pool(worker_settings)
    try:
        watched = _Watched(queue, db)
        assert await dispatch_due(pool, watched, timedelta(minutes=1)) == 1
    finally:
        await queue.aclose()
        await pool.close()
    assert watched.marked_before == [True]


async def test_messages_a_queue_refused_are_due_at_the_next_pass(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    await enrolled_client(api, make)
    pool = await _pool(worker_settings)
    nowhere = Redis(port=_free_port(), socket_connect_timeout=1)
    try:
        with pytest.raises(RedisConnectionError):
            await dispatch_due(pool, nowhere, timedelta(minutes=1))
        [row] = await db.fetch("SELECT enqueued_at FROM messages WHERE kind = 'invite'")
        assert row["enqueued_at"] is None
        assert worker_settings.redis_url is not None
        queue = await create_pool(RedisSettings.from_dsn(worker_settings.redis_url))
        try:
            assert await dispatch_due(pool, queue, timedelta(minutes=1)) == 1
        finally:
            await queue.aclose()
    finally:
        await nowhere.aclose()
        await pool.close()


async def _pool(settings: Settings) -> asyncpg.Pool:
    from db.pool import create_pool as create_db_pool

    assert settings.app_login_url is not None
    return await create_db_pool(settings.app_login_url, max_size=2)


@pytest.mark.slow
async def test_a_worker_killed_mid_send_neither_loses_nor_doubles(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    await enrolled_client(api, make)
    assert worker_settings.database_url and worker_settings.redis_url
    env = {
        **os.environ,
        "DATABASE_URL": worker_settings.database_url,
        "REDIS_URL": worker_settings.redis_url,
        "SMTP_URL": mail_server.url,
        "POLKU_SEND_LEASE": "PT2S",
        "POLKU_REQUEUE_AFTER": "PT1S",
        "POLKU_LOG_LEVEL": "WARNING",
    }
    mail_server.mailbox.stall.clear()  # hold the first SMTP conversation at RCPT
    first = subprocess.Popen([POLKU, "worker"], env=env)  # noqa: ASYNC220
    try:
        stalled = await asyncio.to_thread(mail_server.mailbox.stalled.wait, 30)
        assert stalled, "the worker never reached the SMTP server"
        [row] = await invites(db)
        assert row["status"] == "sending"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    mail_server.mailbox.stall.set()

    second = subprocess.Popen([POLKU, "worker"], env=env)  # noqa: ASYNC220
    try:
        for _ in range(300):
            [row] = await invites(db)
            if row["status"] == "sent":
                break
            await asyncio.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(15)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    await asyncio.sleep(0.5)  # anything still in flight would arrive now
    assert len(mail_server.mailbox.to("anna@example.org")) == 1


async def test_a_send_that_always_hangs_ends_failed(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    """Each try hangs until its job is cancelled (arq's timeout, a worker stopping); the
    claim runs out and the message is due again, but only as many times as tries allow."""
    await enrolled_client(api, make)
    [invite] = await invites(db)
    mail_server.mailbox.stall.clear()  # every SMTP conversation hangs at RCPT
    assert worker_settings.redis_url is not None
    queue = await create_pool(RedisSettings.from_dsn(worker_settings.redis_url))
    pool = await _pool(worker_settings)
    smtp = SmtpPool(SmtpServer.from_url(mail_server.url))
    try:
        async with httpx.AsyncClient() as http:
            sender = Sender(pool, worker_settings, http, smtp)
            for _ in range(MAX_UNFINISHED_TRIES):
                mail_server.mailbox.stalled.clear()
                sending = asyncio.create_task(sender.send(invite["id"]))
                assert await asyncio.to_thread(mail_server.mailbox.stalled.wait, 10)
                sending.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await sending
                await db.execute(
                    "UPDATE messages SET claimed_until = now() - interval '1 second' WHERE id = $1",
                    invite["id"],
                )
                await dispatch_due(pool, queue, timedelta(minutes=1))
    finally:
        await smtp.close()
        await queue.aclose()
        await pool.close()
    row = await db.fetchrow(
        "SELECT status, attempts, status_reason FROM messages WHERE id = $1", invite["id"]
    )
    assert (row["status"], row["attempts"]) == ("failed", MAX_UNFINISHED_TRIES)
    assert row["status_reason"] == f"the sending was interrupted {MAX_UNFINISHED_TRIES} times"
    assert mail_server.mailbox.messages == []


async def test_a_send_that_hangs_past_its_deadline_is_tried_again_later(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    await enrolled_client(api, make)
    [invite] = await invites(db)
    mail_server.mailbox.stall.clear()
    pool = await _pool(worker_settings)
    smtp = SmtpPool(SmtpServer.from_url(mail_server.url))
    try:
        async with httpx.AsyncClient() as http:
            sender = Sender(pool, worker_settings, http, smtp, deadline=0.5)
            assert await sender.send(invite["id"]) == "retry"
    finally:
        await smtp.close()
        await pool.close()
    row = await db.fetchrow(
        "SELECT status, attempts, status_reason FROM messages WHERE id = $1", invite["id"]
    )
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["status_reason"] == "the mail server did not answer within 0.5 seconds"


async def test_a_message_sent_again_after_a_crash_keeps_its_message_id(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    """The narrow window where delivery is at least once: the mail server took the message,
    and the worker died before it recorded so. The copy carries the same Message-ID."""
    await enrolled_client(api, make)
    [invite] = await invites(db)
    mail_server.mailbox.reply.clear()
    pool = await _pool(worker_settings)
    smtp = SmtpPool(SmtpServer.from_url(mail_server.url))
    try:
        async with httpx.AsyncClient() as http:
            sending = asyncio.create_task(
                Sender(pool, worker_settings, http, smtp).send(invite["id"])
            )
            assert await asyncio.to_thread(mail_server.mailbox.kept.wait, 10)
            sending.cancel()  # the worker is gone before the server's answer
            with pytest.raises(asyncio.CancelledError):
                await sending
    finally:
        await smtp.close()
        await pool.close()
    mail_server.mailbox.reply.set()
    await db.execute(
        "UPDATE messages SET claimed_until = now() - interval '1 second' WHERE id = $1",
        invite["id"],
    )
    await run_worker(worker_settings)
    assert [(r["status"], r["attempts"]) for r in await invites(db)] == [("sent", 2)]
    first, again = mail_server.mailbox.to("anna@example.org")
    assert first["Message-ID"] == again["Message-ID"] == f"<{invite['id']}@polku>"
