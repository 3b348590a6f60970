"""The demo's closed feedback round: the group that ended answered the group-end form
anonymously, its eight clients and both coaches, so the results show figures for the
clients and hidden cells for the two staff (fewer than five)."""

from __future__ import annotations

from typing import Any

from service.base.clock import today_in_finland
from service.composers.demo.cast import COACH, SECOND_COACH
from service.composers.demo.seeder import Seeder
from service.composers.questionnaires import rounds
from service.composers.questionnaires.types import RoundIn

ENDED_GROUP = "Askeleita työelämään"
# Per client: got support, new plans, how useful (1–5), a comment or None.
CLIENT_ANSWERS = [
    (True, True, 5, "Sain rohkeutta hakea töitä."),
    (True, True, 4, "Ryhmässä oli hyvä henki."),
    (True, False, 4, None),
    (True, True, 5, "Työpaikkavierailu oli paras."),
    (False, False, 3, "Olisin tarvinnut enemmän tukea."),
    (True, True, 4, "Kiitos ohjaajille."),
    (True, True, 5, None),
    (True, False, 4, "Aamut olivat liian aikaisin."),
]
STAFF_ANSWERS = [(True, True, 4, None), (True, True, 5, "Hyvä ryhmä.")]


def _answers(
    got_support: bool, new_plans: bool, useful: int, comment: str | None
) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "got_support": got_support,
        "new_plans": new_plans,
        "group_useful": useful,
    }
    if comment is not None:
        answers["comment"] = comment
    return answers


async def closed_feedback_round(seed: Seeder) -> None:
    conn = seed.conn
    programme = await conn.fetchrow(
        "SELECT id, ends_at FROM programmes WHERE title = $1", ENDED_GROUP
    )
    assert programme is not None, "the ended group is seeded first"
    opened = await rounds.open_round(
        conn,
        seed.people[COACH],
        str(programme["id"]),
        RoundIn(
            questionnaire="group_end_feedback",
            opens_on=today_in_finland(),
            closes_on=today_in_finland(),
            anonymous=True,
        ),
    )
    clients = await conn.fetch(
        "SELECT client_id FROM enrolments WHERE programme_id = $1 AND status = 'enrolled' "
        "ORDER BY created_at",
        programme["id"],
    )
    for row, given in zip(clients, CLIENT_ANSWERS, strict=False):
        await rounds.answer_as_client(conn, str(row["client_id"]), opened.id, _answers(*given))
    for email, given in zip((COACH, SECOND_COACH), STAFF_ANSWERS, strict=True):
        await rounds.answer_as_staff(conn, seed.people[email], opened.id, _answers(*given))
    # The round ran the week after the last meeting, and is closed now.
    await conn.execute(
        "UPDATE questionnaire_rounds SET opens_on = ($2 AT TIME ZONE 'Europe/Helsinki')::date,"
        " closes_on = ($2 AT TIME ZONE 'Europe/Helsinki')::date + 7, created_at = $2"
        " WHERE id = $1",
        opened.id,
        programme["ends_at"],
    )
