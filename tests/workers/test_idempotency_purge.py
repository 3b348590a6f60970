"""The worker forgets Idempotency-Key answers once they no longer count."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from tests.factories import Factory
from workers.main import create_worker


async def test_answers_older_than_24_hours_are_purged(
    settings: Settings, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    for key, name in [("old", "Aino"), ("new", "Eino")]:
        response = await api.post(
            "/api/v1/clients",
            json={"first_name": name, "last_name": "Virtanen"},
            headers={**coach.headers, "Idempotency-Key": key},
        )
        assert response.status_code == 201, response.text
    await db.execute(
        "UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 minute' "
        "WHERE body LIKE '%Aino%'"
    )

    worker = create_worker(settings, burst=True, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()

    bodies = await db.fetch("SELECT convert_from(body, 'UTF8') AS body FROM idempotency_keys")
    assert [("Eino" in row["body"]) for row in bodies] == [True]
