"""Concurrent repeats of one Idempotency-Key create exactly one record."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from httpx import AsyncClient

from tests.factories import Factory

CLIENT = {"first_name": "Aino", "last_name": "Virtanen"}


@pytest.mark.parametrize("attempt", range(3))
async def test_twenty_identical_requests_create_one_record(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, attempt: int
) -> None:
    coach = await make.staff("coach")
    headers = {**coach.headers, "Idempotency-Key": f"race-{attempt}"}

    answers = await asyncio.gather(
        *(api.post("/api/v1/clients", json=CLIENT, headers=headers) for _ in range(20))
    )

    assert [a.status_code for a in answers] == [201] * 20, answers[0].text
    assert len({a.content for a in answers}) == 1
    assert await db.fetchval("SELECT count(*) FROM clients") == 1
    assert await db.fetchval("SELECT count(*) FROM client_workers") == 1
    assert (
        await db.fetchval(
            "SELECT count(*) FROM audit_events WHERE action = 'client.create' AND actor_id = $1",
            coach.id,
        )
        == 1
    )


async def test_concurrent_requests_with_different_bodies_run_one_of_them(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    headers = {**coach.headers, "Idempotency-Key": "one"}
    names = [f"Aino{n}" for n in range(10)]

    answers = await asyncio.gather(
        *(
            api.post("/api/v1/clients", json={**CLIENT, "first_name": name}, headers=headers)
            for name in names
        )
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [422] * 9
    (created,) = [a.json() for a in answers if a.status_code == 201]
    assert await db.fetchval("SELECT first_name FROM clients") == created["first_name"]
    assert await db.fetchval("SELECT count(*) FROM clients") == 1
