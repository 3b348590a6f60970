"""No message is lost or sent twice: double enqueues, a flushed Redis, a killed worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import msgspec
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from httpx import AsyncClient
from redis.asyncio import Redis

from service.base.settings import Settings
from service.notifications.dispatch import SEND_JOB, dispatch_due
from service.notifications.rules import MAX_UNFINISHED_TRIES
from service.notifications.sender import Sender
from service.notifications.smtp import SmtpPool, SmtpServer
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
