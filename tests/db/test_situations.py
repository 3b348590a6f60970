"""A client's situations as the reports count them (migration 0042's situations_of):
the latest exit, the latest answered follow-up, and whether one was asked."""

from __future__ import annotations

import asyncpg

from tests.factories import Factory

SITUATIONS = "SELECT upon_leaving, six_months, asked FROM situations_of($1)"


async def exit_of(db: asyncpg.Connection, client_id: str, by: str, situation: str, at: str) -> str:
    exit_id: str = await db.fetchval(
        "INSERT INTO exits (client_id, left_on, situation, recorded_by, recorded_at) "
        "VALUES ($1, $4::text::timestamptz::date, $2, $3, $4::text::timestamptz) RETURNING id",
        client_id,
        situation,
        by,
        at,
    )
    return exit_id


async def follow_up(
    db: asyncpg.Connection,
    client_id: str,
    exit_id: str,
    status: str,
    answer: tuple[str, str] | None,
) -> None:
    situation, answered_at = answer or (None, None)
    await db.execute(
        "INSERT INTO follow_ups (client_id, exit_id, due_on, status, situation, source, "
        "answered_at) VALUES ($1, $2, current_date, $3, $4, $5, $6::text::timestamptz)",
        client_id,
        exit_id,
        status,
        situation,
        "client" if answer else None,
        answered_at,
    )


async def test_a_client_never_followed_up_is_one_row_of_nothing_asked(
    db: asyncpg.Connection, make: Factory
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    assert tuple(await db.fetchrow(SITUATIONS, client_id)) == (None, None, False)
    await exit_of(db, client_id, coach.id, "job_seeking", "2026-05-01 12:00+03")
    assert tuple(await db.fetchrow(SITUATIONS, client_id)) == ("job_seeking", None, False)


async def test_the_latest_exit_and_the_latest_answer_count(
    db: asyncpg.Connection, make: Factory
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    later = await exit_of(db, client_id, coach.id, "education", "2026-06-01 12:00+03")
    earlier = await exit_of(db, client_id, coach.id, "job_seeking", "2026-03-01 12:00+02")
    # Two answers, the later one given first; a cancelled question says nothing.
    await follow_up(db, client_id, later, "answered", ("employed", "2026-11-20 09:00+02"))
    await follow_up(db, client_id, earlier, "answered", ("inactive", "2026-09-01 09:00+03"))
    await follow_up(db, client_id, later, "cancelled", None)
    assert tuple(await db.fetchrow(SITUATIONS, client_id)) == ("education", "employed", True)


async def test_only_a_question_sent_counts_as_asked(db: asyncpg.Connection, make: Factory) -> None:
    coach = await make.staff("coach")
    waiting, sent = await make.client(coach), await make.client(coach)
    for client_id in (waiting, sent):
        exit_id = await exit_of(db, client_id, coach.id, "training", "2026-05-01 12:00+03")
        await follow_up(db, client_id, exit_id, "cancelled", None)
        await follow_up(
            db, client_id, exit_id, "scheduled" if client_id == waiting else "asked", None
        )
    assert tuple(await db.fetchrow(SITUATIONS, waiting)) == ("training", None, False)
    assert tuple(await db.fetchrow(SITUATIONS, sent)) == ("training", None, True)
