"""The waits kept by the writes (migration 0039's open_paths) always equal what their
definition (client_open_paths) says of the rows they come from: after each kind of
change, and when two transactions change the same client at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient

from db.pool import connect
from service.base.settings import Settings
from tests.api.coaching import create_plan
from tests.factories import Factory, Person

KEPT = (
    "SELECT kind, since, referral_id, programme_id, plan_id FROM open_paths "
    "WHERE client_id = $1 ORDER BY 1, 2, 3, 4, 5"
)
DEFINED = (
    "SELECT kind, since, referral_id, programme_id, plan_id FROM client_open_paths($1) "
    "ORDER BY 1, 2, 3, 4, 5"
)

EXIT_RECORDED = (
    "INSERT INTO exits (client_id, plan_id, left_on, situation, recorded_by) "
    "VALUES ($1, $2, '2026-10-31', 'education', $3)"
)
CONTINUATION_PLANNED = (
    "INSERT INTO continuation_plans (plan_id, next_step, description) "
    "VALUES ($1, 'education', 'Ammattikoulu')"
)


async def kept_and_defined(db: asyncpg.Connection, client_id: str) -> tuple[list[Any], list[Any]]:
    kept = [tuple(row) for row in await db.fetch(KEPT, client_id)]
    defined = [tuple(row) for row in await db.fetch(DEFINED, client_id)]
    return kept, defined


async def kinds(db: asyncpg.Connection, client_id: str) -> list[str]:
    kept, defined = await kept_and_defined(db, client_id)
    assert kept == defined
    return [row[0] for row in kept]


@pytest.fixture
async def ended_plan(api: AsyncClient, make: Factory) -> tuple[Person, str, str]:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    plan = await create_plan(api, coach, client_id, ends_on="2026-10-31")
    return coach, client_id, plan["id"]


async def test_waits_follow_each_kind_of_change(
    db: asyncpg.Connection, ended_plan: tuple[Person, str, str]
) -> None:
    coach, client_id, plan_id = ended_plan
    # An ended plan: no continuation plan, no exit recorded.
    assert sorted(await kinds(db, client_id)) == ["exit_due", "no_continuation"]

    await db.execute(CONTINUATION_PLANNED, plan_id)
    assert await kinds(db, client_id) == ["exit_due"]

    await db.execute(EXIT_RECORDED, client_id, plan_id, coach.id)
    assert await kinds(db, client_id) == []

    # The plan moves on: its new end has no exit yet.
    await db.execute("UPDATE plans SET ends_on = '2026-11-30' WHERE id = $1", plan_id)
    assert await kinds(db, client_id) == ["exit_due"]

    await db.execute("DELETE FROM continuation_plans WHERE plan_id = $1", plan_id)
    assert sorted(await kinds(db, client_id)) == ["exit_due", "no_continuation"]

    await db.execute("DELETE FROM exits WHERE client_id = $1", client_id)
    await db.execute("UPDATE plans SET ends_on = NULL WHERE id = $1", plan_id)
    assert await kinds(db, client_id) == []


@pytest.fixture
async def second(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(settings.database_url)
    yield conn
    await conn.close()


@pytest.mark.parametrize("first_commits", [True, False], ids=["in-order", "reversed"])
async def test_two_transactions_on_one_client_leave_its_waits_right(
    db: asyncpg.Connection,
    second: asyncpg.Connection,
    ended_plan: tuple[Person, str, str],
    first_commits: bool,
) -> None:
    """Each transaction's refresh sees only its own change until the other commits: the
    later one must wait and see both, or the rows of a stale snapshot stay."""
    coach, client_id, plan_id = ended_plan
    one = db.transaction()
    await one.start()
    await db.execute(EXIT_RECORDED, client_id, plan_id, coach.id)
    other = second.transaction()
    await other.start()
    blocked = asyncio.create_task(second.execute(CONTINUATION_PLANNED, plan_id))
    await asyncio.sleep(0.3)
    assert not blocked.done()  # waits for the first transaction's lock on the client
    if first_commits:
        await one.commit()
        await blocked
        await other.commit()
        assert await kinds(db, client_id) == []
    else:
        await one.rollback()
        await blocked
        await other.commit()
        assert await kinds(db, client_id) == ["exit_due"]
