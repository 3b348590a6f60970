"""The owner migrates, polku_app logs in: on a PostgreSQL server of these tests' own,
with password authentication as compose's PostgreSQL has, where polku_app can be
broken on purpose without disturbing the servers other tests share."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager

from db.embedded import EmbeddedServers
from db.migrate import Migration, MigrationError, load_migrations, migrate, set_app_password
from db.pool import connect, login_as
from service.app import create_app
from service.base.settings import Settings

pytestmark = pytest.mark.slow

POLKU = str(Path(sys.executable).parent / "polku")
OWNER_PASSWORD = "owner password 1"  # a test server's
APP_PASSWORD = "app: p@ss/word"  # characters a URL must escape
BEFORE_APP_LOGIN = [m for m in load_migrations() if m.version < "0016"]
FROM_APP_LOGIN = [m.version for m in load_migrations() if m.version >= "0016"]


@dataclass(frozen=True)
class Server:
    trusted_url: str  # the superuser by the local socket, before passwords were required
    redis_url: str
    data_dir: Path

    def owner_url(
        self, database: str, user: str = "postgres", password: str = OWNER_PASSWORD
    ) -> str:
        url = login_as(self.trusted_url, user, password)
        return url.replace("/polku?", f"/{database}?", 1)

    def address(self, database: str) -> str:
        """Where the database is, with no login: what compose gives the API and the worker."""
        parts = urlsplit(self.trusted_url)
        return urlunsplit(parts._replace(netloc="", path=f"/{database}"))


@pytest.fixture(scope="module")
async def server(settings: Settings, worker_id: str) -> AsyncIterator[Server]:
    # Beside the shared test servers: the server's own system user cannot reach into
    # pytest's temporary folders, which every pytest run closes to other users.
    data_dir = settings.data_path / f"password-server-{worker_id}"
    shutil.rmtree(data_dir, ignore_errors=True)
    servers = EmbeddedServers(data_dir)
    urls = servers.start()
    try:
        conn = await connect(urls.database_url)
        try:
            await conn.execute(f"ALTER ROLE postgres PASSWORD '{OWNER_PASSWORD}'")
            pgdata = Path(await conn.fetchval("SHOW data_directory"))
            (pgdata / "pg_hba.conf").write_text("local all all scram-sha-256\n")
            assert await conn.fetchval("SELECT pg_reload_conf()")
        finally:
            await conn.close()
        # Whichever of these tests runs first, polku_app exists, as any migrated server has it.
        await _migrate(login_as(urls.database_url, "postgres", OWNER_PASSWORD))
        yield Server(urls.database_url, urls.redis_url, data_dir)
    finally:
        servers.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
async def superuser(server: Server) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(server.owner_url("polku"))
    yield conn
    await conn.close()


async def _database(superuser: asyncpg.Connection, name: str, owner: str = "postgres") -> None:
    await superuser.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await superuser.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')


async def _migrate(url: str, migrations: list[Migration] | None = None) -> list[str]:
    conn = await connect(url)
    try:
        return await migrate(conn, migrations)
    finally:
        await conn.close()


def _polku(server: Server, args: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLKU_", "DATABASE_"))}
    # Should the command not take the servers it is given, it finds this one, not ./.polku.
    env["POLKU_DATA_DIR"] = str(server.data_dir)
    return subprocess.run(
        [POLKU, *args], env={**env, **environment}, capture_output=True, text=True, timeout=60
    )


async def test_a_database_from_before_logs_in_as_polku_app_with_the_password_migrate_set(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await _database(superuser, "earlier")
    owner_url = server.owner_url("earlier")
    await _migrate(owner_url, BEFORE_APP_LOGIN)
    await superuser.execute("ALTER ROLE polku_app NOLOGIN PASSWORD NULL")  # as 0001 made it

    migrated = _polku(
        server,
        ["migrate"],
        DATABASE_URL=owner_url,
        REDIS_URL=server.redis_url,
        POLKU_APP_DB_PASSWORD=APP_PASSWORD,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == f"applied {', '.join(FROM_APP_LOGIN)}"
    again = _polku(server, ["migrate"], DATABASE_URL=owner_url, REDIS_URL=server.redis_url)
    assert again.stdout.strip() == "database is up to date", again.stderr

    owner = await connect(owner_url)
    owners = await owner.fetch(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
    )
    await owner.close()
    assert [row["tableowner"] for row in owners] == ["postgres"]
    settings = Settings(
        database_url=server.address("earlier"),
        redis_url=server.redis_url,
        app_db_password=APP_PASSWORD,
    )
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as api:
            health = await api.get("/health")
        assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert await app.state.pool.fetchval("SELECT session_user") == "polku_app"


async def test_polku_app_logs_in_with_its_own_password_only(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await set_app_password(superuser, APP_PASSWORD)
    right = Settings(database_url=server.owner_url("polku"), app_db_password=APP_PASSWORD)
    assert right.app_login_url is not None
    conn = await connect(right.app_login_url)
    assert await conn.fetchval("SELECT session_user") == "polku_app"
    await conn.close()
    # Nor is the owner's password, which DATABASE_URL holds, offered for polku_app.
    for password in ("wrong", None):
        wrong = msgspec.structs.replace(right, app_db_password=password)
        assert wrong.app_login_url is not None
        with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.InterfaceError)):
            await connect(wrong.app_login_url)


def test_the_api_alone_needs_no_owner_login_and_cannot_migrate(server: Server) -> None:
    app_url = server.owner_url("polku", user="polku_app", password=APP_PASSWORD)
    settings = Settings(app_database_url=app_url, redis_url=server.redis_url)
    assert not settings.uses_embedded_servers
    assert settings.app_login_url == app_url
    environment = {"POLKU_APP_DATABASE_URL": app_url, "REDIS_URL": server.redis_url}
    refused = _polku(server, ["migrate"], **environment)
    assert refused.returncode == 1
    assert "set DATABASE_URL" in refused.stderr


async def test_a_user_that_may_not_create_roles_is_told_what_to_do(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await superuser.execute("DROP ROLE IF EXISTS plain_owner")
    await superuser.execute(f"CREATE ROLE plain_owner LOGIN PASSWORD '{OWNER_PASSWORD}'")
    await _database(superuser, "plain", owner="plain_owner")
    with pytest.raises(MigrationError, match="ALTER ROLE plain_owner CREATEROLE"):
        await _migrate(server.owner_url("plain", user="plain_owner"))


async def test_polku_app_loses_every_right_it_must_not_have(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await _database(superuser, "rights")
    owner_url = server.owner_url("rights")
    await _migrate(owner_url, BEFORE_APP_LOGIN)
    await superuser.execute(
        "ALTER ROLE polku_app NOLOGIN SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS"
    )
    await _migrate(owner_url)
    role = await superuser.fetchrow(
        "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, "
        "rolbypassrls FROM pg_roles WHERE rolname = 'polku_app'"
    )
    assert tuple(role) == (True, False, False, False, False, False)


async def test_polku_app_may_belong_to_no_role(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await _database(superuser, "member")
    owner_url = server.owner_url("member")
    await _migrate(owner_url, BEFORE_APP_LOGIN)
    await superuser.execute("GRANT pg_write_all_data TO polku_app")
    try:
        with pytest.raises(MigrationError, match="REVOKE pg_write_all_data FROM polku_app"):
            await _migrate(owner_url)
    finally:
        await superuser.execute("REVOKE pg_write_all_data FROM polku_app")
    assert await _migrate(owner_url) == FROM_APP_LOGIN


async def test_an_owner_that_may_not_fix_polku_app_is_told_who_can(
    server: Server, superuser: asyncpg.Connection
) -> None:
    await superuser.execute("DROP ROLE IF EXISTS keeper")
    await superuser.execute(f"CREATE ROLE keeper LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")
    await superuser.execute("GRANT polku_app TO keeper WITH ADMIN OPTION")
    await _database(superuser, "keeper", owner="keeper")
    owner_url = server.owner_url("keeper", user="keeper")
    await _migrate(owner_url, BEFORE_APP_LOGIN)
    await superuser.execute("ALTER ROLE keeper NOCREATEROLE")
    await superuser.execute("ALTER ROLE polku_app NOLOGIN")
    told = "An administrator runs ALTER ROLE polku_app LOGIN, or gives keeper CREATEROLE"
    with pytest.raises(MigrationError, match=told):
        await _migrate(owner_url)
    await superuser.execute("ALTER ROLE polku_app LOGIN")  # as the administrator is told
    assert await _migrate(owner_url) == FROM_APP_LOGIN
