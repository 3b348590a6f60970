"""The worker runs its periodic jobs against the real database and Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from service.base.settings import Settings
from service.notifications.dispatch import SEND_JOB
from service.notifications.sender import DELIVERY_TIMEOUT_SECONDS
from service.notifications.sms_gateway import SMS_TIMEOUT_SECONDS
from service.notifications.smtp import SMTP_TIMEOUT_SECONDS
from tests.factories import Factory
from workers.main import TOKEN_RETENTION, create_worker


async def test_token_purge_forgets_long_dead_tokens_only(
    settings: Settings, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    now = datetime.now(UTC)
    await db.execute(
        "UPDATE access_tokens SET expires_at = $1 WHERE staff_id = $2",
        now - TOKEN_RETENTION - timedelta(minutes=1),
        coach.id,
    )
    recent = await make.staff("coach")
    await db.execute(
        "UPDATE access_tokens SET expires_at = $1 WHERE staff_id = $2",
        now - timedelta(hours=1),
        recent.id,
    )
    worker = create_worker(settings, burst=True, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    remaining = await db.fetch("SELECT staff_id FROM access_tokens")
    assert [row["staff_id"] for row in remaining] == [recent.id]


async def test_a_send_job_outlasts_its_deadline_and_never_its_claim(settings: Settings) -> None:
    """The sender gives up on a slow server itself, and records it, before arq cancels
    the job; a job cancelled anyway is over before its claim runs out."""
    worker = create_worker(settings, burst=True, handle_signals=False)
    try:
        job_timeout = worker.functions[SEND_JOB].timeout_s
    finally:
        await worker.close()
    lease = settings.send_lease.total_seconds()
    assert job_timeout is not None
    assert max(SMTP_TIMEOUT_SECONDS, SMS_TIMEOUT_SECONDS) < DELIVERY_TIMEOUT_SECONDS
    assert DELIVERY_TIMEOUT_SECONDS < job_timeout <= lease
