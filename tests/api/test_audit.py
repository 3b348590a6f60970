"""The audit trail: admins read it; nobody, not even the owner role, rewrites it."""

from __future__ import annotations

import asyncpg
import pytest
from httpx import AsyncClient
from litestar import Litestar

from tests.factories import Factory


async def test_admin_reads_who_saw_what(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    trail = await api.get(f"/api/v1/clients/{client_id}/audit", headers=admin.headers)
    assert trail.status_code == 200
    events = trail.json()["items"]
    assert [(e["action"], e["actor_name"]) for e in events] == [("client.read", worker.name)]
    assert events[0]["request_id"]


async def test_audit_trail_is_for_admins(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    response = await api.get(f"/api/v1/clients/{client_id}/audit", headers=worker.headers)
    assert response.status_code == 403


async def test_application_role_cannot_change_or_delete_audit_rows(
    app: Litestar, api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    async with app.state.pool.acquire() as conn:
        assert await conn.fetchval("SELECT current_user") == "polku_app"
        for statement in [
            "DELETE FROM audit_events",
            "UPDATE audit_events SET action = 'nothing'",
            "TRUNCATE audit_events",
        ]:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)


async def test_even_the_owner_cannot_rewrite_audit_rows_by_accident(
    db: asyncpg.Connection, make: Factory, api: AsyncClient
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await db.execute("DELETE FROM audit_events WHERE client_id = $1", client_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await db.execute("UPDATE audit_events SET outcome = 'ok' WHERE client_id = $1", client_id)
    remaining = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE client_id = $1", client_id
    )
    assert remaining == 1


async def test_reads_and_changes_use_their_own_commit_modes(
    app: Litestar, api: AsyncClient
) -> None:
    """Changes always wait for the disk; read audits follow POLKU_READ_AUDIT_COMMIT."""
    await api.get("/health")  # the pools live in the app's event loop, which is this one
    async with app.state.pool.acquire() as conn:
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
    async with app.state.read_pool.acquire() as conn:
        assert await conn.fetchval("SHOW synchronous_commit") == "off"
