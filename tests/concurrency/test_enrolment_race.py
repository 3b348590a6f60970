"""Many staff enrolling at the same moment never overfill a group."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from httpx import AsyncClient

from tests.api.programmes import create_programme, enrol
from tests.factories import Factory


@pytest.mark.parametrize("attempt", range(3))
async def test_fifty_enrolments_for_the_last_place(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, attempt: int
) -> None:
    coach = await make.staff("coach")
    contacts = [await make.staff("referrer") for _ in range(5)]
    programme = await create_programme(api, coach, capacity=3, contact_ids=[c.id for c in contacts])
    for _ in range(2):
        await enrol(api, coach, programme["id"], await make.client(coach))
    clients = [(contacts[i % 5], await make.client(contacts[i % 5])) for i in range(50)]

    answers = await asyncio.gather(
        *(enrol(api, person, programme["id"], client_id) for person, client_id in clients)
    )

    assert [a.status_code for a in answers] == [201] * 50
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("enrolled") == 1
    positions = sorted(
        a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted"
    )
    assert positions == list(range(1, 50))
    enrolled = await db.fetchval(
        "SELECT count(*) FROM enrolments WHERE programme_id = $1 AND status = 'enrolled'",
        programme["id"],
    )
    assert enrolled == 3


async def test_simultaneous_withdrawals_promote_each_waiting_client_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=5)
    enrolments = [
        (await enrol(api, coach, programme["id"], await make.client(coach))).json()
        for _ in range(10)
    ]
    await asyncio.gather(
        *(
            api.post(
                f"/api/v1/enrolments/{e['id']}/withdraw",
                json={"reason": "x"},
                headers=coach.headers,
            )
            for e in enrolments[:5]
        )
    )
    rows = await db.fetch(
        "SELECT status, count(*) AS n FROM enrolments WHERE programme_id = $1 GROUP BY status",
        programme["id"],
    )
    assert {r["status"]: r["n"] for r in rows} == {"enrolled": 5, "withdrawn": 5}
