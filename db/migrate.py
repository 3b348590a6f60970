"""Applies the plain SQL files in db/migrations/ in order.

Each file runs in its own transaction and is recorded with its SHA-256, so a
second run is a no-op and a file edited after it was applied is refused. An
advisory lock keeps two processes (two API replicas starting at once) from
migrating the same database together.

Migrations run as the owner of the schema (the user in DATABASE_URL), which makes and
keeps the login role polku_app that the API and the worker use.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import scramp

from db.pool import APP_ROLE

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 0x706F6C6B75  # "polku"


class MigrationError(RuntimeError):
    """The database and the migration files disagree; the message says how."""


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        if not _FILE_NAME.match(path.name):
            raise MigrationError(f"{path.name}: migration files are named NNNN_description.sql")
        migrations.append(Migration(path.stem, path.read_text(encoding="utf-8")))
    numbers = [m.version[:4] for m in migrations]
    if len(set(numbers)) != len(numbers):
        raise MigrationError("two migration files share a number")
    return migrations


async def pending_migrations(
    conn: asyncpg.Connection, migrations: list[Migration] | None = None
) -> list[Migration]:
    """The migrations not yet applied, after checking the applied ones are unchanged."""
    migrations = load_migrations() if migrations is None else migrations
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    applied: dict[str, str] = {}
    if exists:
        rows = await conn.fetch("SELECT version, checksum FROM schema_migrations")
        applied = {row["version"]: row["checksum"] for row in rows}
    known = {m.version for m in migrations}
    unknown = sorted(set(applied) - known)
    if unknown:
        raise MigrationError(
            f"the database has migration {unknown[0]}, which this code does not know; "
            "it was migrated by a newer Polku"
        )
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded is not None and recorded != migration.checksum:
            raise MigrationError(
                f"migration {migration.version} was edited after it was applied "
                f"(recorded sha256 {recorded[:12]}, file {migration.checksum[:12]}); "
                "restore the file and add a new migration for the change"
            )
    return [m for m in migrations if m.version not in applied]


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations; returns the versions applied now."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        applied_now = []
        pending = await pending_migrations(conn, migrations)
        if pending:
            await _check_role_rights(conn)
        for migration in pending:
            async with conn.transaction():
                try:
                    await conn.execute(migration.sql)
                except asyncpg.PostgresError as error:
                    raise MigrationError(
                        f"migration {migration.version} failed: {error}"
                    ) from error
                await conn.execute(
                    "INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)",
                    migration.version,
                    migration.checksum,
                )
            applied_now.append(migration.version)
        return applied_now
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def _check_role_rights(conn: asyncpg.Connection) -> None:
    """A new database needs a user that may create roles: its first migration creates
    polku_app (or finds it, but PostgreSQL checks the right to create it first)."""
    row = await conn.fetchrow(
        """
        SELECT quote_ident(current_user) AS me, rolsuper OR rolcreaterole AS may_create_roles,
               NOT EXISTS (SELECT FROM schema_migrations) AS new_database
        FROM pg_roles WHERE rolname = current_user
        """
    )
    assert row is not None  # current_user is always a role
    if row["new_database"] and not row["may_create_roles"]:
        raise MigrationError(
            f"{row['me']} (the user in DATABASE_URL) may not create roles, and the first "
            f"migration of a database creates or finds the login role {APP_ROLE}: an "
            f"administrator runs ALTER ROLE {row['me']} CREATEROLE (and, where {APP_ROLE} "
            f"exists already, GRANT {APP_ROLE} TO {row['me']} WITH ADMIN OPTION), or migrates "
            "this database once as a superuser; then run polku migrate again"
        )


async def set_app_password(conn: asyncpg.Connection, password: str) -> None:
    """Give polku_app this password. It is sent as a SCRAM-SHA-256 verifier, as psql's
    \\password does, so that the password itself never reaches the server's logs."""
    try:
        salt, stored_key, server_key, iterations = scramp.ScramMechanism(
            "SCRAM-SHA-256"
        ).make_auth_info(password)
    except scramp.ScramException as error:
        raise MigrationError(f"POLKU_APP_DB_PASSWORD: {error}") from error
    encoded = [base64.b64encode(part).decode() for part in (salt, stored_key, server_key)]
    verifier = f"SCRAM-SHA-256${iterations}:{encoded[0]}${encoded[1]}:{encoded[2]}"
    try:
        # A verifier is base64 and punctuation, never a quote: safe to spell out.
        await conn.execute(f"ALTER ROLE {APP_ROLE} PASSWORD '{verifier}'")
    except asyncpg.InsufficientPrivilegeError as error:
        me = await conn.fetchval("SELECT current_user")
        raise MigrationError(
            f"{me} may not set the password of {APP_ROLE}: an administrator sets it "
            f"(in psql: \\password {APP_ROLE}) and POLKU_APP_DB_PASSWORD stays unset "
            "where polku migrate runs"
        ) from error
