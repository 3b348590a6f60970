"""`polku retention run [--dry-run]` against the test servers, and the worker's daily job."""

from __future__ import annotations

import asyncio
import json

import asyncpg

from tests.cli.test_cli import run
from tests.factories import Factory
from workers.main import cron_jobs, erase_past_retention


async def _due_client(db: asyncpg.Connection, make: Factory) -> str:
    worker = await make.staff("coach")
    client_id = await make.client(worker, first_name="Raili")
    await db.execute(
        "UPDATE clients SET closed_on = current_date - 4018, closed_at = now(), "
        "retention_until = current_date - 365 WHERE id = $1",
        client_id,
    )
    return client_id


async def test_dry_run_then_run(
    db: asyncpg.Connection, make: Factory, external_env: dict[str, str]
) -> None:
    client_id = await _due_client(db, make)
    dry = await asyncio.to_thread(run, ["retention", "run", "--dry-run"], external_env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "would erase 1 client(s); 0 past retention kept by a hold",
        client_id,
    ]
    assert await db.fetchval("SELECT first_name FROM clients WHERE id = $1", client_id) == "Raili"

    done = await asyncio.to_thread(run, ["retention", "run", "--json"], external_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "dry_run": False,
        "erased": 1,
        "client_ids": [client_id],
        "held": 0,
        "failed": [],
    }
    assert await db.fetchval("SELECT first_name FROM clients WHERE id = $1", client_id) == ""


async def test_the_worker_erases_daily(
    db: asyncpg.Connection, make: Factory, owner_pool: asyncpg.Pool
) -> None:
    assert "cron:erase_past_retention" in {job.name for job in cron_jobs()}
    client_id = await _due_client(db, make)
    assert await erase_past_retention({"pool": owner_pool}) == 1
    assert await db.fetchval("SELECT erased_at FROM clients WHERE id = $1", client_id)
