"""Liveness and readiness: ready only with the database, Redis, current migrations, a
worker heard from in the last minute and a month of the audit trail to write to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
from httpx import AsyncClient

from service.base import heartbeat
from service.base.settings import Settings
from tests.workers.test_messages import run_worker


async def _ready(api: AsyncClient) -> tuple[int, dict]:
    response = await api.get("/health/ready")
    return response.status_code, response.json()


async def test_live_answers_whatever_else_is_missing(api: AsyncClient) -> None:
    response = await api.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_not_ready_until_a_worker_has_been_heard_from(
    api: AsyncClient, worker_settings: Settings
) -> None:
    status, body = await _ready(api)
    assert status == 503
    assert body == {
        "status": "unavailable",
        "database": "ok",
        "redis": "ok",
        "migrations": "ok",
        "worker": "unavailable",
        "audit_months": "ok",
    }
    await run_worker(worker_settings)  # its start beats once
    status, body = await _ready(api)
    assert (status, body["status"], body["worker"]) == (200, "ok", "ok")


async def test_a_worker_silent_for_a_minute_counts_as_gone(
    api: AsyncClient, db: asyncpg.Connection
) -> None:
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('elsewhere:1', 'elsewhere', now() - interval '1 hour', now() - $1::interval)",
        heartbeat.ALIVE_WITHIN - timedelta(seconds=5),
    )
    assert (await _ready(api))[1]["worker"] == "ok"
    await db.execute(
        "UPDATE worker_heartbeats SET seen_at = now() - $1::interval",
        heartbeat.ALIVE_WITHIN + timedelta(seconds=5),
    )
    status, body = await _ready(api)
    assert (status, body["worker"]) == (503, "unavailable")


async def test_a_migration_not_yet_applied_makes_the_api_not_ready(
    api: AsyncClient, db: asyncpg.Connection
) -> None:
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('w:1', 'w', now(), now())"
    )
    assert (await _ready(api))[0] == 200
    latest = await db.fetchrow(
        "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM "
        "schema_migrations) RETURNING *"
    )
    try:
        status, body = await _ready(api)
        assert (status, body["migrations"]) == (503, "pending")
    finally:
        columns = list(latest.keys())
        await db.execute(
            f"INSERT INTO schema_migrations ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(f'${n}' for n in range(1, len(columns) + 1))})",
            *latest.values(),
        )
    assert (await _ready(api))[0] == 200


async def test_old_heartbeats_are_forgotten(
    db: asyncpg.Connection, worker_settings: Settings
) -> None:
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('gone:1', 'gone', now() - interval '3 days', now() - interval '2 days')"
    )
    await run_worker(worker_settings)
    workers = await db.fetch("SELECT worker, host FROM worker_heartbeats")
    assert [r["host"] for r in workers] == [heartbeat.this_host()]


async def test_audit_months_running_out_are_said_and_none_for_now_is_not_ready(
    api: AsyncClient, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    await run_worker(worker_settings)
    this_month = f"audit_events_{datetime.now(UTC):%Y_%m}"
    ahead = await db.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_events'::regclass AND c.relname > $1",
        this_month,
    )
    try:
        for month in ahead:
            await db.execute(f"DROP TABLE {month['relname']}")
        status, body = await _ready(api)
        assert (status, body["audit_months"]) == (200, "ending")

        bounds = await db.fetchval(
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = $1", this_month
        )
        await db.execute(f"ALTER TABLE audit_events DETACH PARTITION {this_month}")
        try:
            status, body = await _ready(api)
            assert (status, body["status"], body["audit_months"]) == (
                503,
                "unavailable",
                "unavailable",
            )
        finally:
            await db.execute(f"ALTER TABLE audit_events ATTACH PARTITION {this_month} {bounds}")
        await run_worker(worker_settings)  # its start makes the months ahead again
        status, body = await _ready(api)
        assert (status, body["audit_months"]) == (200, "ok")
    finally:
        await db.execute("SELECT ensure_audit_months()")
