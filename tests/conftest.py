"""Real PostgreSQL and Valkey for every test: the embedded servers by default, or
DATABASE_URL / REDIS_URL when set. Each pytest-xdist worker gets its own
database and Redis database; every test starts from empty tables."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import fasteners
import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager
from litestar import Litestar
from redis.asyncio import Redis

from db.embedded import EmbeddedServers
from db.migrate import migrate
from db.pool import connect, create_pool
from service.app import create_app
from service.base.settings import Settings
from service.coaching.assessments import install_shipped
from service.composers.questionnaires import catalogue as questionnaire_catalogue
from tests import factories
from tests.mail import MailServer

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA_DIR = Path(os.environ.get("POLKU_TEST_DATA_DIR", ROOT / ".polku-test"))
# Rows that migrations ship (reference data) survive the per-test cleanup.
KEEP_TABLES = {"schema_migrations", "audit_events"}


def _worker_number(worker_id: str) -> int:
    return 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _with_redis_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


# Whether the suite runs on servers of the machine's (DATABASE_URL and REDIS_URL) rather
# than the embedded ones.
ON_EXTERNAL_SERVERS = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))

# Backups move between embedded servers of one PostgreSQL build. A dump of another server
# carries that server's own column options (this machine's PostgreSQL 15 sets pg_attver),
# which a fresh embedded server refuses: such servers are backed up with their own
# pg_dump and pg_restore (README, Commands).
embedded_backups_only = pytest.mark.skipif(
    ON_EXTERNAL_SERVERS, reason="a backup of an external server is restored by its own tools"
)


@pytest.fixture(scope="session")
def server_urls() -> Iterator[tuple[str, str]]:
    TEST_DATA_DIR.mkdir(parents=True, exist_ok=True)
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database_url and redis_url:
        yield database_url, redis_url
        return
    with EmbeddedServers(TEST_DATA_DIR) as urls:
        yield database_url or urls.database_url, redis_url or urls.redis_url


@pytest.fixture(scope="session")
async def settings(server_urls: tuple[str, str], worker_id: str) -> Settings:
    """A fresh, migrated database for this test process, and its own Redis database."""
    base_database_url, base_redis_url = server_urls
    number = _worker_number(worker_id)
    database = f"polku_test_{number}"
    admin = await connect(base_database_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    database_url = _with_database(base_database_url, database)
    # Roles are shared by the whole server: migrate one database at a time.
    with fasteners.InterProcessLock(str(TEST_DATA_DIR / "migrate.lock")):
        conn = await connect(database_url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
    return Settings(
        database_url=database_url,
        redis_url=_with_redis_db(base_redis_url, 1 + number % 15),
        public_url="http://polku.test",
        data_dir=str(TEST_DATA_DIR),
    )


@pytest.fixture(scope="session")
async def owner_pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """Connections as the migrating user, for setting up and inspecting data. Their
    `current_date` is Finland's, as the service's "today" is: between 22:00 and midnight
    UTC the two calendars disagree, and a test's "yesterday" must be the service's."""
    assert settings.database_url is not None
    pool = await create_pool(
        settings.database_url, min_size=1, max_size=5, timezone="Europe/Helsinki"
    )
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def table_names(owner_pool: asyncpg.Pool) -> list[str]:
    """The tables emptied before each test: a partition (a month of the audit trail) is
    emptied, or kept, with its table."""
    rows = await owner_pool.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY c.relname"
    )
    return [row["relname"] for row in rows if row["relname"] not in KEEP_TABLES]


@pytest.fixture(scope="session")
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    assert settings.redis_url is not None
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture(autouse=True)
async def _empty_database(
    request: pytest.FixtureRequest, owner_pool: asyncpg.Pool, table_names: list[str], redis: Redis
) -> None:
    await owner_pool.execute(f"TRUNCATE {', '.join(table_names)} CASCADE")
    async with owner_pool.acquire() as conn:
        await install_shipped(conn)  # as the app does when it starts
        await questionnaire_catalogue.install_shipped(conn)
    await redis.flushdb()


@pytest.fixture
async def db(owner_pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with owner_pool.acquire() as conn:
        yield conn


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture(scope="session")
async def api(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app in this event loop, so concurrent requests really run concurrently."""
    # manager.app would hand every request the same `state` dict, which
    # Litestar uses as a per-request cache; real servers copy it per request.
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as client:
            yield client


@pytest.fixture
def make(db: asyncpg.Connection) -> factories.Factory:
    return factories.Factory(db)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def worker_settings(settings: Settings, mail_server: MailServer, tmp_path: Path) -> Settings:
    """Settings for a worker that mails to the loopback server and logs SMS to a file."""
    return msgspec.structs.replace(
        settings,
        smtp_url=mail_server.url,
        sms_gateway_url=f"log:{tmp_path / 'sms.log'}",
        mail_from="Polku <polku@polku.test>",
    )
