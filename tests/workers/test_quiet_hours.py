"""No SMS at night, however late a message falls due: a retry, or a worker that was away."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import msgspec
from httpx import AsyncClient

from service.base.settings import Settings
from tests.factories import Factory, zone_where_the_hour_is
from tests.workers.test_messages import enrolled_client, run_worker


def eight_in_the_morning(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(8), zone)


async def sms_client(api: AsyncClient, make: Factory, zone: ZoneInfo) -> tuple[dict, str]:
    _, programme, client_id = await enrolled_client(
        api,
        make,
        consents=("sms_reminders",),
        email=None,
        phone="+358 50 555 0100",
        timezone=zone.key,
    )
    return programme, client_id


def sms_sent(settings: Settings) -> bool:
    assert settings.sms_gateway_url is not None
    return Path(settings.sms_gateway_url.removeprefix("log:")).exists()


async def test_an_sms_falling_due_at_night_waits_until_eight_in_the_morning(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    zone = zone_where_the_hour_is(1, 2, 3, 4, 5)
    _, client_id = await sms_client(api, make, zone)
    await db.execute(  # due since the evening, while the worker was away
        "UPDATE messages SET scheduled_for = now() - interval '3 hours' "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    await run_worker(worker_settings)
    assert not sms_sent(worker_settings)
    row = await db.fetchrow(
        "SELECT status, attempts, scheduled_for FROM messages "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    morning = eight_in_the_morning(datetime.now(zone).date(), zone)
    assert (row["status"], row["attempts"], row["scheduled_for"]) == ("pending", 0, morning)


async def test_an_sms_reminder_is_dropped_when_the_night_lasts_until_the_session(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    zone = zone_where_the_hour_is(1, 2, 3, 4, 5)
    programme, _ = await sms_client(api, make, zone)
    session_id = programme["sessions"][0]["id"]
    await db.execute(  # an early session, in an hour: before 08:00 locally
        "UPDATE sessions SET starts_at = now() + interval '1 hour', "
        "ends_at = now() + interval '3 hours' WHERE id = $1",
        session_id,
    )
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' "
        "WHERE session_id = $1 AND kind = 'reminder'",
        session_id,
    )
    await run_worker(worker_settings)
    assert not sms_sent(worker_settings)
    rows = await db.fetch(
        "SELECT DISTINCT status, status_reason FROM messages WHERE session_id = $1", session_id
    )
    assert [(r["status"], r["status_reason"]) for r in rows] == [
        ("skipped", "quiet hours last until the session begins")
    ]


async def test_a_retry_that_would_fall_in_the_night_waits_until_the_morning(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    zone = zone_where_the_hour_is(20)
    _, client_id = await sms_client(api, make, zone)
    await db.execute(  # three tries failed already: the next wait is an hour
        "UPDATE messages SET attempts = 3, scheduled_for = now() - interval '1 minute' "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    away = msgspec.structs.replace(worker_settings, sms_gateway_url="http://127.0.0.1:9/sms")
    await run_worker(away)
    row = await db.fetchrow(
        "SELECT status, attempts, scheduled_for FROM messages "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    morning = eight_in_the_morning(datetime.now(zone).date() + timedelta(days=1), zone)
    assert (row["status"], row["attempts"], row["scheduled_for"]) == ("pending", 4, morning)
