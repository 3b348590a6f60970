"""Which changes tell the API processes to drop the feeds they keep (NOTIFY
polku_calendar): each change to what reach or a feed's names read, and none of the
everyday changes that alter neither (migration 0019); and what the client's page shows
besides (migration 0028)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.pool import connect
from service.base.settings import Settings
from service.composers.feeds.cache import CHANNEL
from tests.factories import Factory

SENTINEL = "sentinel"

# (SQL, the ids it takes, in order)
WATCHED = {
    "a client's first name": ("UPDATE clients SET first_name = 'Bea' WHERE id = $1", "client"),
    "a client's surname": ("UPDATE clients SET last_name = 'Uusi' WHERE id = $1", "client"),
    "a client's language": ("UPDATE clients SET language = 'sv' WHERE id = $1", "client"),
    "a client's organisation": (
        "UPDATE clients SET organisation_id = $2 WHERE id = $1",
        "client",
        "elsewhere",
    ),
    "a staff member's name": ("UPDATE staff SET name = 'Uusi Nimi' WHERE id = $1", "coach"),
    "a staff member's phone": ("UPDATE staff SET phone = '+358 40 1' WHERE id = $1", "coach"),
    "a staff member's active flag": ("UPDATE staff SET active = false WHERE id = $1", "coach"),
    "a staff member's roles": ("UPDATE staff SET roles = '{analyst}' WHERE id = $1", "coach"),
    "a staff member's organisation": (
        "UPDATE staff SET organisation_id = $2 WHERE id = $1",
        "coach",
        "elsewhere",
    ),
    "a responsible worker added": (
        "INSERT INTO client_workers (client_id, staff_id) VALUES ($1, $2)",
        "client",
        "colleague",
    ),
    "a responsible worker removed": (
        "DELETE FROM client_workers WHERE client_id = $1 AND staff_id = $2",
        "client",
        "coach",
    ),
    "a plan's start": ("UPDATE plans SET starts_on = starts_on - 1 WHERE id = $1", "plan"),
    "a plan's end": ("UPDATE plans SET ends_on = current_date - 40 WHERE id = $1", "plan"),
    "a plan's client": ("UPDATE plans SET client_id = $2 WHERE id = $1", "plan", "other_client"),
    "a referral made": (
        "INSERT INTO referrals (client_id, programme_id, from_organisation_id,"
        " to_organisation_id, referred_by, reason)"
        " SELECT $2, programme_id, from_organisation_id, to_organisation_id,"
        " referred_by, 'toinen' FROM referrals WHERE id = $1",
        "referral",
        "other_client",
    ),
    "a referral closed": (
        "UPDATE referrals SET status = 'completed', ended_at = now() WHERE id = $1",
        "referral",
    ),
    "a referral's referrer": (
        "UPDATE referrals SET referred_by = $2 WHERE id = $1",
        "referral",
        "colleague",
    ),
    "a referral's receiving organisation": (
        "UPDATE referrals SET to_organisation_id = from_organisation_id WHERE id = $1",
        "referral",
    ),
    "a referral's programme": (
        "UPDATE referrals SET programme_id = $2 WHERE id = $1",
        "referral",
        "other_programme",
    ),
    "a referral's client": (
        "UPDATE referrals SET client_id = $2 WHERE id = $1",
        "referral",
        "other_client",
    ),
    "a referral removed": ("DELETE FROM referrals WHERE id = $1", "referral"),
    # What the client's page shows besides (migration 0028).
    "a staff member's e-mail": (
        "UPDATE staff SET email = 'uusi@polku.test' WHERE id = $1",
        "coach",
    ),
    "a client's plain language": (
        "UPDATE clients SET plain_language = NOT plain_language WHERE id = $1",
        "client",
    ),
    "a client's zone": ("UPDATE clients SET timezone = 'Europe/Stockholm' WHERE id = $1", "client"),
    "a client's answer": (
        "INSERT INTO rsvps (client_id, meeting_id, answer, via) VALUES ($1, $2, 'coming', 'page')",
        "client",
        "meeting",
    ),
}
UNWATCHED = {
    "a client's phone": ("UPDATE clients SET phone = '+358 40 2' WHERE id = $1", "client"),
    "a client's municipality": (
        "UPDATE clients SET home_municipality = 'Järvilä' WHERE id = $1",
        "client",
    ),
    "a plan's version": ("UPDATE plans SET version = version + 1 WHERE id = $1", "plan"),
    "a referral's step short of closing": (
        "UPDATE referrals SET status = 'received', answered_at = now() WHERE id = $1",
        "referral",
    ),
    "a referral's needs": ("UPDATE referrals SET needs = 'Vertaistuki' WHERE id = $1", "referral"),
}


@pytest.fixture
async def heard(settings: Settings) -> AsyncIterator[asyncio.Queue[str]]:
    """What PostgreSQL says on the feeds' channel, in order."""
    assert settings.database_url is not None
    queue: asyncio.Queue[str] = asyncio.Queue()
    conn = await connect(settings.database_url)
    await conn.add_listener(CHANNEL, lambda *args: queue.put_nowait(str(args[3])))
    try:
        yield queue
    finally:
        await conn.close()


async def _world(db: asyncpg.Connection, make: Factory) -> dict[str, str]:
    coach = await make.staff("coach")
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    elsewhere = await make.organisation()
    client = await make.client(coach, first_name="Anna", last_name="Salainen")
    other_client = await make.client(coach)
    plan: str = await db.fetchval(
        "INSERT INTO plans (client_id, kind, starts_on) VALUES ($1, 'goal_coaching',"
        " current_date - 100) RETURNING id",
        client,
    )
    await db.execute("INSERT INTO plan_coaches VALUES ($1, $2)", plan, coach.id)
    meeting: str = await db.fetchval(
        "INSERT INTO meetings (plan_id, starts_at, ends_at) VALUES"
        " ($1, now() + interval '1 day', now() + interval '25 hours') RETURNING id",
        plan,
    )
    programme, other_programme = [await _programme(db, elsewhere) for _ in range(2)]
    referral: str = await db.fetchval(
        "INSERT INTO referrals (client_id, programme_id, from_organisation_id,"
        " to_organisation_id, referred_by, reason) VALUES ($1, $2, $3, $4, $5, 'x') RETURNING id",
        client,
        programme,
        coach.organisation_id,
        elsewhere,
        coach.id,
    )
    return {
        "coach": coach.id,
        "colleague": colleague.id,
        "elsewhere": elsewhere,
        "client": client,
        "other_client": other_client,
        "plan": plan,
        "meeting": meeting,
        "referral": referral,
        "other_programme": other_programme,
    }


async def _programme(db: asyncpg.Connection, organisation_id: str) -> str:
    programme_id: str = await db.fetchval(
        """
        INSERT INTO programmes (organisation_id, title, first_session_date, start_time,
            duration_minutes, weeks, timezone, capacity, location_name, skip_public_holidays,
            starts_at, ends_at)
        VALUES ($1, 'Ryhmä', current_date, '10:00', 60, 8, 'Europe/Helsinki', 10, 'Paikka',
            true, now(), now() + interval '60 days')
        RETURNING id
        """,
        organisation_id,
    )
    return programme_id


async def _told_after(
    db: asyncpg.Connection, heard: asyncio.Queue[str], change: tuple[str, ...], ids: dict[str, str]
) -> list[str]:
    """What the channel says about `change` (the tables it names), committed on its own."""
    await _said_so_far(db, heard)
    sql, *names = change
    await db.execute(sql, *(ids[name] for name in names))
    return await _said_so_far(db, heard)


async def _said_so_far(db: asyncpg.Connection, heard: asyncio.Queue[str]) -> list[str]:
    # Notifications arrive in commit order: whatever comes before the sentinel came first.
    await db.execute("SELECT pg_notify($1, $2)", CHANNEL, SENTINEL)
    said = []
    while (payload := await asyncio.wait_for(heard.get(), 5)) != SENTINEL:
        said.append(payload)
    return said


@pytest.mark.parametrize("change", sorted(WATCHED))
async def test_a_change_that_can_touch_a_feed_is_announced(
    db: asyncpg.Connection, make: Factory, heard: asyncio.Queue[str], change: str
) -> None:
    ids = await _world(db, make)
    words = WATCHED[change][0].split()
    table = words[1] if words[0] == "UPDATE" else words[2]
    assert await _told_after(db, heard, WATCHED[change], ids) == [table]


@pytest.mark.parametrize("change", sorted(UNWATCHED))
async def test_an_everyday_change_leaves_the_feeds_alone(
    db: asyncpg.Connection, make: Factory, heard: asyncio.Queue[str], change: str
) -> None:
    ids = await _world(db, make)
    assert await _told_after(db, heard, UNWATCHED[change], ids) == []
