"""`polku worker --check` for a container's healthcheck; `polku backup` and `polku
restore` from one data directory into a new one."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncpg
import pytest

from db.embedded import EmbeddedServers
from db.pool import connect
from service.base.heartbeat import this_host
from tests.cli.test_cli import run
from tests.conftest import embedded_backups_only
from tests.factories import Factory


async def test_worker_check_asks_for_a_worker_on_this_host(
    db: asyncpg.Connection, external_env: dict[str, str]
) -> None:
    silent = await asyncio.to_thread(run, ["worker", "--check"], external_env)
    assert silent.returncode == 1
    assert silent.stderr.strip().splitlines() == [
        f"polku: no worker on {this_host()} heard from in the last minute"
    ]
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('elsewhere:1', 'elsewhere', now(), now())"
    )
    assert (await asyncio.to_thread(run, ["worker", "--check"], external_env)).returncode == 1
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ($1, $2, now(), now())",
        f"{this_host()}:1",
        this_host(),
    )
    assert (await asyncio.to_thread(run, ["worker", "--check"], external_env)).returncode == 0


@embedded_backups_only
@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_backup_then_restore_into_a_new_data_directory(
    make: Factory, external_env: dict[str, str], tmp_path: Path
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach, first_name="Varmuus")
    file = tmp_path / "polku.backup"
    made = await asyncio.to_thread(run, ["backup", str(file)], external_env, 120)
    assert made.returncode == 0, made.stderr
    assert file.stat().st_size > 0

    fresh = tmp_path / "fresh"
    elsewhere = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    elsewhere |= {"POLKU_DATA_DIR": str(fresh), "POLKU_APP_DB_PASSWORD": "restored-secret"}
    restored = await asyncio.to_thread(run, ["restore", str(file)], elsewhere, 180)
    assert restored.returncode == 0, restored.stderr
    again = await asyncio.to_thread(run, ["restore", str(file)], elsewhere, 180)
    assert again.returncode == 1
    assert "not empty" in again.stderr

    with EmbeddedServers(fresh) as urls:
        conn = await connect(urls.database_url)
        try:
            name = await conn.fetchval("SELECT first_name FROM clients WHERE id = $1", client_id)
        finally:
            await conn.close()
    assert name == "Varmuus"
