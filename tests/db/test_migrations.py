"""Migrations: applied once, in order, with checksums; edited ones are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from db.migrate import Migration, MigrationError, load_migrations, migrate, pending_migrations
from db.pool import connect
from service.base.settings import Settings


@pytest.fixture
async def scratch(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """An empty database of its own, dropped afterwards."""
    assert settings.database_url is not None
    admin = await connect(settings.database_url)
    name = f"{await admin.fetchval('SELECT current_database()')}_scratch"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = settings.database_url.replace(
        f"/{await admin.fetchval('SELECT current_database()')}", f"/{name}", 1
    )
    conn = await connect(url)
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


async def test_places_from_before_entry_data_keep_the_situation_found_at_upgrade(
    scratch: asyncpg.Connection,
) -> None:
    """0010 fills the entry situation of older places once; later edits of the client
    record no longer move it."""
    migrations = load_migrations()
    before = [m for m in migrations if m.version < "0010"]
    await migrate(scratch, before)
    org = await scratch.fetchval(
        "INSERT INTO organisations (name, kind) VALUES ('Askel', 'ngo') RETURNING id"
    )
    client = await scratch.fetchval(
        "INSERT INTO clients (organisation_id, first_name, last_name, labour_market_status, "
        "education_level) VALUES ($1, 'Anna', 'A', 'long_term_unemployed', 'isced_0_2') "
        "RETURNING id",
        org,
    )
    # A place recorded before 0007 existed: no entry situation.
    programme = await scratch.fetchval(
        "INSERT INTO programmes (organisation_id, title, first_session_date, start_time, "
        "duration_minutes, weeks, timezone, capacity, location_name, skip_public_holidays, "
        "starts_at, ends_at) VALUES ($1, 'Ryhmä', '2026-01-05', '10:00', 120, 8, "
        "'Europe/Helsinki', 10, 'Paikka', true, now(), now() + interval '8 weeks') RETURNING id",
        org,
    )
    await scratch.execute("ALTER TABLE enrolments DISABLE TRIGGER enrolments_entry_situation")
    await scratch.execute(
        "INSERT INTO enrolments (programme_id, client_id, status, enrolled_at) "
        "VALUES ($1, $2, 'enrolled', now())",
        programme,
        client,
    )
    await scratch.execute("ALTER TABLE enrolments ENABLE TRIGGER enrolments_entry_situation")
    await migrate(scratch, migrations)
    await scratch.execute("UPDATE clients SET labour_market_status = 'employed'")
    entry = await scratch.fetchrow(
        "SELECT labour_market_status_at_entry, education_level_at_entry FROM enrolments"
    )
    assert tuple(entry) == ("long_term_unemployed", "isced_0_2")


async def test_no_sql_function_holds_a_subquery(db: asyncpg.Connection) -> None:
    """A scalar SQL function with a subquery cannot be inlined, and PostgreSQL before 18
    plans its body again in every query that calls it (on 15, a client read took three
    times the server's time): such functions are PL/pgSQL, which keeps its plans."""
    replanned = await db.fetch(
        """
        SELECT p.proname FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
        JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'sql'
        WHERE NOT p.proretset AND p.prosrc ~* '(\\mexists\\s*\\(|\\(\\s*select\\M)'
        """
    )
    assert [row["proname"] for row in replanned] == []
