"""The API and the worker log in as polku_app, a role with no way back to the owner's
rights: not by RESET ROLE, SET ROLE or SET SESSION AUTHORIZATION."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from httpx import AsyncClient
from litestar import Litestar

from service.base.settings import Settings
from tests.factories import Factory
from workers.main import shutdown, startup

# A refusal of the right itself, not the audit trigger's "append-only".
REFUSAL = r"permission denied|must be owner|must be superuser"
# Each runs after RESET ROLE, in a transaction that is rolled back whatever happens.
REFUSED = [
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "ALTER TABLE audit_events OWNER TO polku_app",
    "UPDATE audit_events SET action = 'nothing'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "DROP TABLE audit_events",
    "CREATE ROLE polku_intruder LOGIN SUPERUSER",
    "CREATE ROLE polku_intruder",
]


@pytest.fixture
async def worker_pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """The pool the worker's own start-up makes."""
    ctx = {"settings": settings}
    await startup(ctx)
    try:
        yield ctx["pool"]
    finally:
        await shutdown(ctx)


async def _owner(db: asyncpg.Connection) -> str:
    owner: str = await db.fetchval(
        "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename = 'audit_events'"
    )
    return owner


async def _assert_no_way_back(conn: asyncpg.Connection, owner: str) -> None:
    login = await conn.fetchrow(
        "SELECT current_user, session_user, rolsuper, rolcreaterole, rolcreatedb, "
        "rolreplication, rolbypassrls FROM pg_roles WHERE rolname = session_user"
    )
    assert tuple(login) == ("polku_app", "polku_app", False, False, False, False, False)
    assert owner != "polku_app"
    for statement in [
        f'SET ROLE "{owner}"',
        f'SET SESSION AUTHORIZATION "{owner}"',
        *REFUSED,
    ]:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("RESET ROLE")
            assert await conn.fetchval("SELECT current_user") == "polku_app"
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match=REFUSAL):
                await conn.execute(statement)
        finally:
            await transaction.rollback()


async def test_the_api_logs_in_as_polku_app_with_no_way_back_to_the_owner(
    app: Litestar, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)).is_success
    assert await db.fetchval("SELECT count(*) FROM audit_events") > 0
    owner = await _owner(db)
    for pool in (app.state.pool, app.state.read_pool):
        async with pool.acquire() as conn:
            await _assert_no_way_back(conn, owner)
    assert await db.fetchval(
        "SELECT bool_and(tgenabled = 'O') FROM pg_trigger "
        "WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal"
    )


async def test_the_worker_logs_in_as_polku_app_with_no_way_back_to_the_owner(
    worker_pool: asyncpg.Pool, db: asyncpg.Connection
) -> None:
    owner = await _owner(db)
    async with worker_pool.acquire() as conn:
        await _assert_no_way_back(conn, owner)
