"""Migrations: applied once, in order, with checksums; edited ones are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from db.migrate import Migration, MigrationError, load_migrations, migrate, pending_migrations
from db.pool import connect
from service.settings import Settings


@pytest.fixture
async def scratch(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """An empty database of its own, dropped afterwards."""
    assert settings.database_url is not None
    admin = await connect(settings.database_url, as_app=False)
    name = f"{await admin.fetchval('SELECT current_database()')}_scratch"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = settings.database_url.replace(
        f"/{await admin.fetchval('SELECT current_database()')}", f"/{name}", 1
    )
    conn = await connect(url, as_app=False)
    try:
        yield conn
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_migrate_twice_is_a_no_op(scratch: asyncpg.Connection) -> None:
    first = await migrate(scratch)
    assert first == [m.version for m in load_migrations()]
    assert await migrate(scratch) == []
    recorded = await scratch.fetch("SELECT version, checksum FROM schema_migrations")
    assert {r["version"]: r["checksum"] for r in recorded} == {
        m.version: m.checksum for m in load_migrations()
    }


async def test_an_edited_applied_migration_is_refused(scratch: asyncpg.Connection) -> None:
    migrations = [Migration("0001_one", "CREATE TABLE one (id int);")]
    await migrate(scratch, migrations)
    edited = [Migration("0001_one", "CREATE TABLE one (id bigint);")]
    with pytest.raises(MigrationError, match="0001_one was edited after it was applied"):
        await migrate(scratch, edited)


async def test_a_failing_migration_leaves_nothing_half_done(scratch: asyncpg.Connection) -> None:
    migrations = [
        Migration("0001_good", "CREATE TABLE good (id int);"),
        Migration("0002_bad", "CREATE TABLE half (id int); SELECT no_such_function();"),
    ]
    with pytest.raises(MigrationError, match="0002_bad failed"):
        await migrate(scratch, migrations)
    assert await scratch.fetchval("SELECT to_regclass('good') IS NOT NULL")
    assert await scratch.fetchval("SELECT to_regclass('half') IS NULL")
    assert [m.version for m in await pending_migrations(scratch, migrations)] == ["0002_bad"]


async def test_a_database_from_newer_code_is_refused(scratch: asyncpg.Connection) -> None:
    await migrate(scratch, [Migration("0001_one", "SELECT 1;"), Migration("0002_two", "SELECT 2;")])
    with pytest.raises(MigrationError, match="0002_two, which this code does not know"):
        await migrate(scratch, [Migration("0001_one", "SELECT 1;")])


def test_migration_files_are_numbered_and_unique(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0001_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="share a number"):
        load_migrations(tmp_path)
    (tmp_path / "0001_b.sql").unlink()
    (tmp_path / "two.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_description"):
        load_migrations(tmp_path)
