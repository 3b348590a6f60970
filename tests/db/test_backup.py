"""A backup restored into a fresh data directory holds every record and the audit trail,
and the app's login role reads it as before."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from httpx import AsyncClient

from db.backup import BackupError, backup, restore
from db.embedded import EmbeddedServers
from db.migrate import pending_migrations, set_app_password
from db.pool import APP_ROLE, connect, login_as
from service.base.settings import Settings
from tests.conftest import embedded_backups_only
from tests.factories import Factory
from tests.workers.test_messages import enrolled_client

TABLES = ["organisations", "staff", "clients", "consents", "enrolments", "messages"]


async def _contents(conn: asyncpg.Connection) -> dict[str, list]:
    contents = {
        table: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY id")]  # noqa: S608
        for table in TABLES
    }
    contents["audit_events"] = [
        tuple(r) for r in await conn.fetch("SELECT * FROM audit_events ORDER BY id")
    ]
    contents["schema_migrations"] = [
        tuple(r) for r in await conn.fetch("SELECT version, checksum FROM schema_migrations")
    ]
    return contents


@embedded_backups_only
@pytest.mark.slow
async def test_a_backup_restored_into_a_new_data_directory_holds_everything(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, settings: Settings, tmp_path: Path
) -> None:
    coach, _, client_id = await enrolled_client(api, make)
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)).is_success
    before = await _contents(db)
    assert before["audit_events"] and all(before.values())

    assert settings.database_url is not None
    file = tmp_path / "polku.backup"
    backup(settings.database_url, file)

    with EmbeddedServers(tmp_path / "fresh") as fresh:
        await restore(fresh.database_url, file)
        conn = await connect(fresh.database_url)
        try:
            assert await _contents(conn) == before
            assert await pending_migrations(conn) == []
            await set_app_password(conn, "restored-secret")
        finally:
            await conn.close()
        app = await connect(login_as(fresh.database_url, APP_ROLE, "restored-secret"))
        try:
            name = await app.fetchval("SELECT first_name FROM clients WHERE id = $1", client_id)
            assert name == "Anna"
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute("DELETE FROM audit_events")
        finally:
            await app.close()

        with pytest.raises(BackupError, match="not empty"):
            await restore(fresh.database_url, file)


async def test_a_missing_file_is_refused_before_anything_happens(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url is not None
    with pytest.raises(BackupError, match="is not a file"):
        await restore(settings.database_url, tmp_path / "nothing-here")
