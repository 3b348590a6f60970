"""With PostgreSQL or Redis out of reach, routes answer 503 problem+json with
Retry-After, never 500, and recover when the server is back.

Each test runs its own app, whose connections alone are refused and cut: the owner
connections of the test, and the suite's shared app, keep theirs."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager

from db.pool import connect
from service.app import create_app
from service.base.settings import Settings
from tests.factories import PASSWORD, Factory


@asynccontextmanager
async def _app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(msgspec.structs.replace(settings, db_pool_size=2))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as client:
            yield client


@asynccontextmanager
async def _maintenance(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """An owner connection to the server's `postgres` database: a database's own
    sessions may not close it to connections."""
    assert settings.database_url is not None
    url = urlunsplit(urlsplit(settings.database_url)._replace(path="/postgres"))
    conn = await connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def _backends(owner: asyncpg.Connection) -> set[int]:
    rows = await owner.fetch(
        "SELECT pid FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return {row["pid"] for row in rows}


async def _terminate(owner: asyncpg.Connection, pids: set[int]) -> None:
    await owner.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)


async def _terminate_all_but(owner: asyncpg.Connection, others: set[int]) -> None:
    """End every session but `others`, until none is left: a session that was starting
    when the database stopped taking connections (a pool or the listener reconnecting)
    may still finish starting after the first sweep."""
    for _ in range(100):
        left = await _backends(owner) - others
        if not left:
            await asyncio.sleep(0.05)
            if not await _backends(owner) - others:
                return
            continue
        await _terminate(owner, left)
        await asyncio.sleep(0.01)
    raise AssertionError("sessions kept coming back")


async def _until_waiting_on_a_lock(owner: asyncpg.Connection, count: int) -> None:
    for _ in range(1000):
        waiting = await owner.fetchval(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        if waiting >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the requests never came to wait on the lock")


def _assert_unavailable(response: httpx.Response, context: str) -> None:
    assert response.status_code == 503, (context, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), context
    assert int(response.headers["retry-after"]) > 0, context
    problem = response.json()
    assert problem["type"] == "urn:polku:problem:unavailable", context
    assert problem["status"] == 503, context


def _new_client() -> dict[str, str]:
    return {"first_name": "Aino", "last_name": "Järvinen"}


async def test_postgresql_refusing_or_cutting_connections_is_503_then_recovers(
    settings: Settings,
    owner_pool: asyncpg.Pool,
    db: asyncpg.Connection,
    make: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    database = await db.fetchval("SELECT current_database()")
    async with owner_pool.acquire() as locker, _maintenance(settings) as server:
        # Everything connected to the database before this app started is left alone.
        others = await _backends(db) | {await locker.fetchval("SELECT pg_backend_pid()")}
        async with _app(settings) as api:
            read = await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
            assert read.status_code == 200, read.text
            written = await api.post("/api/v1/clients", json=_new_client(), headers=coach.headers)
            assert written.status_code == 201, written.text
            caplog.set_level(logging.WARNING, logger="polku")

            # Connections that die under a request: a read and a write wait on a lock
            # while the server ends their sessions.
            async with locker.transaction():
                await locker.execute("LOCK TABLE clients IN ACCESS EXCLUSIVE MODE")
                waiting = [
                    asyncio.create_task(
                        api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
                    ),
                    asyncio.create_task(
                        api.post("/api/v1/clients", json=_new_client(), headers=coach.headers)
                    ),
                ]
                await _until_waiting_on_a_lock(db, len(waiting))
                await _terminate(db, await _backends(db) - others)
                for task in waiting:
                    _assert_unavailable(await task, "cut mid-request")

            # Connections refused: the database takes none, and the app's are cut.
            await server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            try:
                await _terminate_all_but(db, others)
                read = await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
                _assert_unavailable(read, "read refused")
                written = await api.post(
                    "/api/v1/clients", json=_new_client(), headers=coach.headers
                )
                _assert_unavailable(written, "write refused")
                login = await api.post(
                    "/api/v1/auth/token", json={"email": coach.email, "password": PASSWORD}
                )
                _assert_unavailable(login, "sign-in refused")
            finally:
                await server.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')

            read = await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
            assert read.status_code == 200, read.text
            written = await api.post("/api/v1/clients", json=_new_client(), headers=coach.headers)
            assert written.status_code == 201, written.text

        # The test's own connections were never touched.
        assert await locker.fetchval("SELECT 1") == 1
    assert await db.fetchval("SELECT 1") == 1
    lines = [record for record in caplog.records if record.name == "polku"]
    said = [record.getMessage() for record in lines if record.getMessage().startswith("503")]
    assert len(said) == 5, said
    assert all(record.exc_info is None for record in lines)
    assert "503: cannot reach the database" in said[0]
    assert any("GET /api/v1/clients/{client_id}" in line for line in said)
    for line in said:
        assert client_id not in line
        assert coach.email not in line
        assert "Aino" not in line


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_redis_out_of_reach_is_503_where_it_is_needed(
    settings: Settings, make: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    no_redis = msgspec.structs.replace(settings, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    caplog.set_level(logging.WARNING, logger="polku")
    async with _app(no_redis) as api:
        login = await api.post(
            "/api/v1/auth/token", json={"email": coach.email, "password": PASSWORD}
        )
        _assert_unavailable(login, "sign-in without Redis")
        assert "Redis" in login.json()["detail"]
        # What needs only PostgreSQL goes on.
        read = await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
        assert read.status_code == 200, read.text
    said = [record.getMessage() for record in caplog.records if record.name == "polku"]
    assert any(line.startswith("503: cannot reach Redis") for line in said), said
    assert not any(coach.email in line for line in said)
