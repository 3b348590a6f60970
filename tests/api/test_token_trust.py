"""Changes to an account reach every API process within a second: two apps in one test
stand for two processes, each with its own cache of verified tokens and its own
listener. The other one trusts a verified token for a minute, so only PostgreSQL's
notification can make it let go in time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager
from httpx import AsyncClient

from service.app import create_app
from service.base import listener
from service.base.identity import TokenCache
from service.base.settings import Settings
from tests.factories import Factory, Person

WITHIN_SECONDS = 1.0


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[AsyncClient]:
    """Another API process, listening, whose cache would trust a token for a minute."""
    app = create_app(msgspec.structs.replace(settings, db_pool_size=2))
    cache = TokenCache(trust_seconds=60)
    app.state.token_cache = cache
    async with LifespanManager(app):
        deadline = time.monotonic() + 10
        while not cache.listening:
            assert time.monotonic() < deadline, "the other process never started listening"
            await asyncio.sleep(0.01)
        transport = httpx.ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://polku.test") as client:
            yield client


async def within_a_second(check: Callable[[], Awaitable[bool]]) -> float:
    """Seconds until `check` holds; fails if that takes longer than WITHIN_SECONDS."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < WITHIN_SECONDS, "still trusted after a second"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def roles(client: AsyncClient, person: Person) -> list[str] | int:
    response = await client.get("/api/v1/me", headers=person.headers)
    return response.json()["roles"] if response.status_code == 200 else response.status_code


async def two_admins(make: Factory) -> tuple[Person, Person]:
    first = await make.staff("admin")
    return first, await make.staff("admin", organisation_id=first.organisation_id)


async def test_a_demoted_admin_loses_admin_powers_on_every_process(
    api: AsyncClient, other: AsyncClient, make: Factory
) -> None:
    admin, demoted = await two_admins(make)
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    for client in (api, other):  # both processes now trust the token, roles and all
        assert await roles(client, demoted) == ["admin"]

    changed = await api.patch(
        f"/api/v1/users/{demoted.id}", json={"roles": ["coach"]}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text

    assert await roles(api, demoted) == ["coach"]  # at once where the change was made
    await within_a_second(lambda: _has_roles(other, demoted, ["coach"]))
    refused = await other.patch(
        f"/api/v1/users/{coach.id}", json={"roles": ["admin"]}, headers=demoted.headers
    )
    assert refused.status_code == 403


async def _has_roles(client: AsyncClient, person: Person, expected: list[str]) -> bool:
    return await roles(client, person) == expected


async def _refused(client: AsyncClient, person: Person) -> bool:
    return await roles(client, person) == 401


async def test_a_deactivation_signs_out_on_every_process(
    api: AsyncClient, other: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    for client in (api, other):
        assert await roles(client, coach) == ["coach"]
    changed = await api.patch(
        f"/api/v1/users/{coach.id}", json={"active": False}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert await roles(api, coach) == 401
    await within_a_second(lambda: _refused(other, coach))


async def test_a_password_reset_and_a_logout_reach_every_process(
    api: AsyncClient, other: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    assert await roles(other, coach) == ["coach"]
    reset = await api.patch(
        f"/api/v1/users/{coach.id}",
        json={"password": "a fresh start for Aino"},
        headers=admin.headers,
    )
    assert reset.status_code == 200, reset.text
    await within_a_second(lambda: _refused(other, coach))

    assert await roles(other, admin) == ["admin"]
    assert (await api.post("/api/v1/auth/logout", headers=admin.headers)).status_code == 204
    await within_a_second(lambda: _refused(other, admin))


async def listener_pids(db: asyncpg.Connection) -> set[int]:
    # By name: the last query of a listening connection is not always its LISTEN (the
    # listener runs chores on it every few minutes).
    rows = await db.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = $1",
        listener.APPLICATION_NAME,
    )
    return {row["pid"] for row in rows}


async def test_the_listener_comes_back_after_losing_its_connection(
    api: AsyncClient, other: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    admin, demoted = await two_admins(make)
    # One per app; the second app may have started just now and be connecting still.
    deadline = time.monotonic() + 10
    while len(lost := await listener_pids(db)) < 2:
        assert time.monotonic() < deadline, f"listeners: {len(lost)}, expected one per app"
        await asyncio.sleep(0.05)
    assert len(lost) == 2
    for pid in lost:
        await db.execute("SELECT pg_terminate_backend($1)", pid)
    deadline = time.monotonic() + 10
    while len(await listener_pids(db) - lost) < len(lost):
        assert time.monotonic() < deadline, "the listeners did not reconnect"
        await asyncio.sleep(0.05)

    assert await roles(other, demoted) == ["admin"]
    changed = await api.patch(
        f"/api/v1/users/{demoted.id}", json={"roles": ["coach"]}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    await within_a_second(lambda: _has_roles(other, demoted, ["coach"]))
