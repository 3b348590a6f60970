"""A group that ended about seven months ago, and what became of the three who took part:
their situation upon leaving, and the follow-up six months on that Polku asked by SMS:
two answered with a number, the third did not, and is in the worker's work list."""

from __future__ import annotations

from datetime import timedelta

from service.base.clock import HELSINKI
from service.composers.demo.backdating import at, on_or_before
from service.composers.demo.cast import COACH, LEFT_EARLIER, LEFT_EARLIER_PATHS, NGO
from service.composers.demo.seeder import Seeder
from service.outcomes.rules import follow_up_due

INSERT_EXIT = """
INSERT INTO exits (client_id, programme_id, left_on, situation, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id
"""
INSERT_FOLLOW_UP = """
INSERT INTO follow_ups (client_id, exit_id, due_on, status, asked_at, situation,
                        recorded_on, source, answered_at)
VALUES ($1, $2, $3, CASE WHEN $4::text IS NULL THEN 'asked' ELSE 'answered' END, $5, $4,
        CASE WHEN $4::text IS NULL THEN NULL ELSE $6::date END,
        CASE WHEN $4::text IS NULL THEN NULL ELSE 'client' END,
        CASE WHEN $4::text IS NULL THEN NULL ELSE $7::timestamptz END)
"""
INSERT_REPLY = """
INSERT INTO inbound_sms (gateway_id, received_at, handled_as, client_id)
VALUES ($1, $2, 'follow_up', $3)
"""


async def left_half_a_year_ago(seed: Seeder) -> None:
    first = on_or_before(seed.today - timedelta(weeks=37), 2)
    programme = await seed.programme(
        "Polku eteenpäin",
        first,
        10,
        at(first - timedelta(days=45), 13),
        "Kahdeksan viikon ryhmä arjen ja työelämän taitoihin.",
    )
    # Taken in before it began (as completed_group does): until then it had not ended.
    await seed.conn.execute(
        "UPDATE programmes SET ends_at = now() + interval '1 day' WHERE id = $1",
        programme.id,
    )
    ids = []
    for number, person in enumerate(LEFT_EARLIER):
        created = at(first - timedelta(days=40 - number), 9, 30 + number * 5)
        client_id = await seed.client(person, created, shares_with=[NGO], email_reminders=False)
        requested = at(first - timedelta(days=35 - number), 11)
        await seed.accepted_into(programme, client_id, requested)
        ids.append(client_id)
    await seed.conn.execute(
        "UPDATE programmes SET ends_at = $2 WHERE id = $1", programme.id, programme.ends_at
    )
    held = [s for s in programme.sessions if s.starts_at <= seed.now]
    for session in held:
        await seed.attendance(programme, session, dict.fromkeys(ids, "present"))
    last = held[-1].starts_at.astimezone(HELSINKI).date()
    for referral in await seed.conn.fetch(
        "SELECT id FROM referrals WHERE programme_id = $1 AND status = 'in-progress'",
        programme.id,
    ):
        await seed.move(COACH, referral["id"], "completed", at(last, 15))
    coach = seed.people[COACH]
    due = follow_up_due(last)
    for number, (client_id, (upon_leaving, later)) in enumerate(
        zip(ids, LEFT_EARLIER_PATHS, strict=True)
    ):
        exit_id = await seed.conn.fetchval(
            INSERT_EXIT,
            client_id,
            programme.id,
            last,
            upon_leaving,
            coach.id,
            at(last + timedelta(days=2), 14, number * 10),
        )
        answered = at(due, 18, 20 + number * 7)
        await seed.conn.execute(
            INSERT_FOLLOW_UP,
            client_id,
            exit_id,
            due,
            later,
            at(due, 9),
            due,
            answered,
        )
        if later is not None:
            await seed.conn.execute(INSERT_REPLY, f"demo-{client_id}", answered, client_id)
