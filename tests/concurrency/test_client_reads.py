"""Client reads that arrive together share statements, and each keeps its own answer
and its own audit row."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient
from litestar import Litestar

from tests.concurrency.together import answered_together
from tests.factories import Factory, Person

UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"


async def test_reads_arriving_together_each_get_their_own_answer_and_audit_row(
    app: Litestar, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    first, second = await make.staff("referrer"), await make.staff("coach")
    mine = {first.id: [await make.client(first) for _ in range(3)]}
    mine[second.id] = [await make.client(second) for _ in range(3)]
    await api.get("/health")  # the pools start with the app, in this event loop
    asked: list[tuple[Person, str, str]] = []  # who, which id, what they should get
    for person, other in [(first, second), (second, first)]:
        asked += [(person, client_id, "found") for client_id in mine[person.id]]
        asked += [(person, client_id, "refused") for client_id in mine[other.id]]
        asked += [(person, UNKNOWN_ID, "refused")]
    asked *= 4  # 56 reads, each client read several times by each of the two

    async def read(number: int, person: Person, client_id: str) -> tuple[int, str | None]:
        headers = {**person.headers, "X-Request-ID": f"together-{number}"}
        response = await api.get(f"/api/v1/clients/{client_id}", headers=headers)
        return response.status_code, response.json().get("id")

    answers = await answered_together(
        app, [read(n, person, client_id) for n, (person, client_id, _) in enumerate(asked)]
    )

    expected = [
        (200, client_id) if outcome == "found" else (404, None) for _, client_id, outcome in asked
    ]
    assert answers == expected
    rows = await db.fetch(
        "SELECT request_id, actor_id, client_id, outcome, occurred_at FROM audit_events "
        "WHERE request_id LIKE 'together-%'"
    )
    by_request = {row["request_id"]: row for row in rows}
    assert len(rows) == len(by_request) == len(asked)
    for n, (person, client_id, outcome) in enumerate(asked):
        row = by_request[f"together-{n}"]
        assert (row["actor_id"], row["client_id"]) == (person.id, client_id)
        assert row["outcome"] == ("ok" if outcome == "found" else "denied")
    # One statement's rows share their transaction's start time: far fewer than 56.
    statements = len({row["occurred_at"] for row in rows})
    assert statements <= 10, statements


async def test_a_failing_statement_fails_its_reads_and_the_next_reads_succeed(
    app: Litestar, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    await api.get("/health")
    # The read pool's role may not read clients for a moment: the statement fails.
    await db.execute("REVOKE SELECT ON clients FROM polku_app")
    try:
        failed = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    finally:
        await db.execute("GRANT SELECT ON clients TO polku_app")
    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("application/problem+json")
    again = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    assert again.status_code == 200
    assert again.json()["id"] == client_id
