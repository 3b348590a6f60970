"""The arq worker: periodic jobs over PostgreSQL, with Redis carrying only near-term work."""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import timedelta
from typing import Any

import httpx
from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker, func

from db.pool import create_pool
from service.accounts import signing_in
from service.base import audit, heartbeat, idempotency, tracing
from service.base.settings import Settings
from service.composers.data_rights import retention
from service.notifications.dispatch import SEND_JOB, dispatch_due
from service.notifications.sender import DELIVERY_TIMEOUT_SECONDS, Sender
from service.notifications.smtp import SmtpPool, SmtpServer
from service.outcomes import follow_ups
from workers.queue import BatchClaimingArqWorker

logger = logging.getLogger("polku.worker")

# Expired and revoked tokens are kept this long for investigating incidents.
TOKEN_RETENTION = timedelta(days=7)
# A send job: delivery, with time to spare for reading and recording the message.
SEND_JOB_TIMEOUT_SECONDS = DELIVERY_TIMEOUT_SECONDS + 30


async def purge_tokens(ctx: dict[str, Any]) -> int:
    async with ctx["pool"].acquire() as conn:
        purged = await signing_in.purge_expired_tokens(conn, TOKEN_RETENTION)
    if purged:
        logger.info("purged %d expired access tokens", purged)
    return purged


async def purge_idempotency_keys(ctx: dict[str, Any]) -> int:
    """Answers kept for Idempotency-Key repeats can hold client data: they go within ten
    minutes of no longer counting (24 hours)."""
    async with ctx["pool"].acquire() as conn:
        purged = await idempotency.purge_expired(conn)
    if purged:
        logger.info("purged %d idempotency keys", purged)
    return purged


async def ask_follow_ups(ctx: dict[str, Any]) -> int:
    """The six-month follow-up questions due by today, each asked once (hourly, so a
    worker that was away catches up; an SMS asked at night waits for the morning)."""
    async with ctx["pool"].acquire() as conn:
        asked = await follow_ups.ask_due(conn)
    if asked:
        logger.info("asked %d follow-up questions", asked)
    return asked


async def erase_past_retention(ctx: dict[str, Any]) -> int:
    """Clients past their retention and under no legal hold, erased (daily, at night;
    at startup too, so a worker that was away catches up). Batches of their own
    transactions: nobody's request waits on it."""
    async with ctx["pool"].acquire() as conn:
        done = await retention.run(conn)
    return done.erased


async def make_audit_months(ctx: dict[str, Any]) -> int:
    """The audit trail's months made three ahead (daily, and at startup), so that no
    audited write finds no month to go to."""
    async with ctx["pool"].acquire() as conn:
        made = await audit.make_months_ahead(conn)
    if made:
        logger.info("made %d months of the audit trail", made)
    return made


async def dispatch_messages(ctx: dict[str, Any]) -> int:
    """Hand due messages to the queue (every few seconds)."""
    settings: Settings = ctx["settings"]
    return await dispatch_due(ctx["pool"], ctx["redis"], settings.requeue_after)


async def send_message(ctx: dict[str, Any], message_id: str) -> str:
    sender: Sender = ctx["sender"]
    return await sender.send(message_id)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    assert settings.app_login_url is not None
    ctx["pool"] = await create_pool(settings.app_login_url, min_size=1, max_size=20)
    ctx["http"] = httpx.AsyncClient()
    ctx["smtp"] = (
        SmtpPool(SmtpServer.from_url(settings.smtp_url, settings.mail_from))
        if settings.smtp_url
        else None
    )
    ctx["sender"] = Sender(ctx["pool"], settings, ctx["http"], ctx["smtp"])
    ctx["heartbeat"] = asyncio.create_task(heartbeat.keep_beating(ctx["pool"]))
    # What is built so far lives as long as the worker: keep it out of the collector's
    # full passes, which otherwise walk it again and again while messages go out.
    gc.collect()
    gc.freeze()


async def shutdown(ctx: dict[str, Any]) -> None:
    if "heartbeat" in ctx:
        await heartbeat.stop(ctx["heartbeat"])
    if ctx.get("smtp") is not None:
        await ctx["smtp"].close()
    if "http" in ctx:
        await ctx["http"].aclose()
    if "pool" in ctx:
        await ctx["pool"].close()
    if ctx.get("tracer") is not None:  # the spans not sent yet go now
        await asyncio.to_thread(ctx["tracer"].shutdown)


def cron_jobs() -> list[Any]:
    """Fresh each time: arq keeps each cron job's next run on the object itself."""
    return [
        cron(purge_tokens, minute=set(range(0, 60, 10)), run_at_startup=True, unique=True),
        cron(
            purge_idempotency_keys,
            minute=set(range(5, 60, 10)),
            run_at_startup=True,
            unique=True,
        ),
        cron(dispatch_messages, second=set(range(0, 60, 5)), run_at_startup=True, unique=True),
        cron(ask_follow_ups, minute=15, run_at_startup=True, unique=True),
        cron(erase_past_retention, hour=2, minute=40, run_at_startup=True, unique=True),
        cron(make_audit_months, hour=1, minute=20, run_at_startup=True, unique=True),
    ]


def create_worker(settings: Settings, **options: Any) -> Worker:
    """The worker: periodic jobs, and message sends that never outlive their claim
    (Settings.send_lease)."""
    assert settings.redis_url is not None
    timeout = min(SEND_JOB_TIMEOUT_SECONDS, settings.send_lease.total_seconds())
    return BatchClaimingArqWorker(
        # No result kept: the message row is the record, and its claim stops repeats.
        functions=[func(send_message, name=SEND_JOB, timeout=timeout, max_tries=1, keep_result=0)],
        cron_jobs=cron_jobs(),
        on_startup=startup,
        on_shutdown=shutdown,
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        ctx={"settings": settings, "tracer": tracing.from_settings(settings, "worker")},
        # Sends wait on SMTP most of the time: many at once, and the queue polled often.
        **{"max_jobs": 100, "poll_delay": 0.05, **options},
    )
