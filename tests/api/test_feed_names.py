"""A staff member's own feed names the client of each one-to-one meeting ("Anna S.") only
while they reach the client. Every change that ends that reach, or changes the name,
reaches the feeds that API processes keep in memory: at once on the process that made
it, within a second on another (migration 0019). Both processes have the feed in memory
before the change, and hear of changes late, as busy ones would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from service.base.clock import today_in_finland
from service.base.settings import Settings
from tests.api.feeds import (
    HearsLate,
    Process,
    all_heard,
    another_process,
    feed_path,
    shown,
    within_a_second,
)
from tests.api.programmes import create_programme
from tests.api.referrals import refer
from tests.factories import Factory, Person

NAMED = ["Valmennustapaaminen: Anna S."]
UNNAMED = ["Valmennustapaaminen"]


@pytest.fixture
async def this(settings: Settings) -> AsyncIterator[Process]:
    async with another_process(settings, HearsLate()) as this:
        yield this


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[Process]:
    async with another_process(settings, HearsLate()) as other:
        yield other


async def coaches_a_meeting(
    db: asyncpg.Connection, coach: Person, client_id: str, *, ended_days_ago: int | None = None
) -> str:
    """A plan of the client's that `coach` coaches, open or ended `ended_days_ago`, with
    a meeting in three days."""
    today = today_in_finland()
    plan_id: str = await db.fetchval(
        "INSERT INTO plans (client_id, kind, starts_on, ends_on)"
        " VALUES ($1, 'goal_coaching', $2, $3) RETURNING id",
        client_id,
        today - timedelta(days=100),
        None if ended_days_ago is None else today - timedelta(days=ended_days_ago),
    )
    await db.execute(
        "INSERT INTO plan_coaches (plan_id, staff_id) VALUES ($1, $2)", plan_id, coach.id
    )
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    await db.execute(
        "INSERT INTO meetings (plan_id, starts_at, ends_at) VALUES ($1, $2, $3)",
        plan_id,
        starts_at,
        starts_at + timedelta(hours=1),
    )
    return plan_id


async def own_feed(where: Process, staff: Person) -> str:
    return feed_path(await where.api.post("/api/v1/me/calendar-feed", headers=staff.headers))


async def kept_showing(path: str, summaries: list[str], *processes: Process) -> None:
    """Each process shows `summaries` and keeps the feed in memory."""
    await all_heard()
    for where in processes:
        assert await shown(where.api, path) == summaries
        assert where.keeps(path)


async def soon_showing(path: str, summaries: list[str], this: Process, other: Process) -> None:
    """`this` made the change and shows it at once; `other` within a second."""
    assert await shown(this.api, path) == summaries
    await within_a_second(lambda: _shows(other, path, summaries), f"not {summaries}")


async def everywhere_soon(path: str, summaries: list[str], *processes: Process) -> None:
    """A change made by neither process: both show it within a second."""
    for where in processes:
        await within_a_second(
            lambda where=where: _shows(where, path, summaries), f"not {summaries}"
        )


async def _shows(where: Process, path: str, summaries: list[str]) -> bool:
    return await shown(where.api, path) == summaries


async def test_a_new_surname_leaves_no_old_initial(
    this: Process, other: Process, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach, first_name="Anna", last_name="Salainen")
    await coaches_a_meeting(db, coach, client_id)
    path = await own_feed(this, coach)
    await kept_showing(path, NAMED, this, other)

    changed = await this.api.patch(
        f"/api/v1/clients/{client_id}", json={"last_name": "Uusitalo"}, headers=coach.headers
    )
    assert changed.status_code == 200, changed.text

    await soon_showing(path, ["Valmennustapaaminen: Anna U."], this, other)


async def test_a_role_that_does_not_work_with_clients_names_no_one(
    this: Process, other: Process, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    client_id = await make.client(coach, first_name="Anna", last_name="Salainen")
    await coaches_a_meeting(db, coach, client_id)
    path = await own_feed(this, coach)
    await kept_showing(path, NAMED, this, other)

    changed = await this.api.patch(
        f"/api/v1/users/{coach.id}", json={"roles": ["analyst"]}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text

    await soon_showing(path, UNNAMED, this, other)


async def test_a_responsible_worker_added_and_removed(
    this: Process, other: Process, make: Factory, db: asyncpg.Connection
) -> None:
    """The coach's plan ended 40 days ago, so only being responsible lets them reach."""
    worker = await make.staff("coach")
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen")
    await coaches_a_meeting(db, coach, client_id, ended_days_ago=40)
    path = await own_feed(this, coach)
    await kept_showing(path, UNNAMED, this, other)

    added = await this.api.post(
        f"/api/v1/clients/{client_id}/workers", json={"staff_id": coach.id}, headers=worker.headers
    )
    assert added.status_code == 201, added.text
    await soon_showing(path, NAMED, this, other)
    await kept_showing(path, NAMED, this, other)

    removed = await this.api.delete(
        f"/api/v1/clients/{client_id}/workers/{coach.id}", headers=worker.headers
    )
    assert removed.status_code == 204, removed.text
    await soon_showing(path, UNNAMED, this, other)


async def test_a_plan_ended_more_than_30_days_ago_names_no_one(
    this: Process, other: Process, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen")
    plan_id = await coaches_a_meeting(db, coach, client_id)
    path = await own_feed(this, coach)
    await kept_showing(path, NAMED, this, other)

    ended = (today_in_finland() - timedelta(days=40)).isoformat()
    changed = await this.api.patch(
        f"/api/v1/plans/{plan_id}",
        json={"ends_on": ended},
        headers={**admin.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text

    await soon_showing(path, UNNAMED, this, other)


async def test_a_referral_gives_the_name_and_its_end_takes_it(
    this: Process, other: Process, make: Factory, db: asyncpg.Connection
) -> None:
    """A municipal worker refers their client to a group of an NGO; a coach of the NGO,
    whose plan with the client ended 40 days ago, reaches the client through it."""
    county = await make.organisation("wellbeing_county")
    worker = await make.staff("referrer", organisation_id=county)
    coach = await make.staff("coach")
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen")
    await make.consent(client_id, "data_sharing", worker, organisation_ids=[coach.organisation_id])
    await coaches_a_meeting(db, coach, client_id, ended_days_ago=40)
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    group = await create_programme(this.api, colleague)
    path = await own_feed(this, coach)
    await kept_showing(path, UNNAMED, this, other)

    referred = await refer(this.api, worker, client_id, programme_id=group["id"])
    assert referred.status_code == 201, referred.text
    await soon_showing(path, NAMED, this, other)
    await kept_showing(path, NAMED, this, other)

    # Closed 31 days ago: its sides' reach has run out (a correction, or time passing,
    # which itself announces nothing: see test_feed_lifetime.py).
    await db.execute(
        "UPDATE referrals SET status = 'cancelled', ended_at = now() - interval '31 days'"
        " WHERE id = $1",
        referred.json()["id"],
    )
    await everywhere_soon(path, UNNAMED, this, other)
