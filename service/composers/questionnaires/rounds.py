"""Rounds of a questionnaire opened for a programme: who answers, once each, changes
until the round closes, anonymous rounds kept apart from the people who answered them,
and the results by role.

An anonymous round keeps who has answered (questionnaire_respondents: so no one answers
twice) apart from what was answered (questionnaire_anonymous_answers: one shuffled array
per round, no person, no time). Since nothing links an anonymous answer to its writer,
it cannot be shown back or changed: a second answer is refused with 409.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import EARLIEST_DAY_FIRST, CursorId, Page, decode_cursor, page_of
from service.coaching.instruments import LocalText
from service.composers.questionnaires.definitions import Questionnaire, check_answers, from_form
from service.composers.questionnaires.results import RULE, Role, item_results
from service.composers.questionnaires.sql import queries
from service.composers.questionnaires.types import (
    AnswersOut,
    RoundIn,
    RoundOut,
    RoundResults,
    RoundStatus,
    RoundToAnswer,
)
from service.programmes.access import require_manager
from service.reports.disclosure import THRESHOLD


def status_on(today: date, opens_on: date, closes_on: date) -> RoundStatus:
    if today < opens_on:
        return "upcoming"
    return "open" if today <= closes_on else "closed"


def _round_out(row: Any, today: date) -> RoundOut:
    return RoundOut(
        id=str(row["id"]),
        programme_id=str(row["programme_id"]),
        questionnaire=row["questionnaire"],
        questionnaire_version=row["questionnaire_version"],
        opens_on=row["opens_on"],
        closes_on=row["closes_on"],
        anonymous=row["anonymous"],
        status=status_on(today, row["opens_on"], row["closes_on"]),
        created_at=row["created_at"],
    )


async def _programme(conn: asyncpg.Connection, programme_id: str) -> None:
    missing = NotFound("programme not found")
    require_id(programme_id, missing)
    if not await queries.programme_exists(conn, programme_id=programme_id):
        raise missing


async def _round(conn: asyncpg.Connection, round_id: str) -> Any:
    missing = NotFound("questionnaire round not found")
    require_id(round_id, missing)
    row = await queries.round(conn, round_id=round_id)
    if row is None:
        raise missing
    return row


async def open_round(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, data: RoundIn
) -> RoundOut:
    """The programme's facilitators and admins open a round."""
    await _programme(conn, programme_id)
    await require_manager(conn, actor, programme_id)
    if data.closes_on < data.opens_on:
        raise InvalidInput("closes_on", "must not be before opens_on")
    if data.closes_on < today_in_finland():
        raise InvalidInput("closes_on", "is in the past: no one could answer")
    found = await queries.questionnaire(
        conn, key=data.questionnaire, version=data.questionnaire_version
    )
    if found is None:
        field = "questionnaire" if data.questionnaire_version is None else "questionnaire_version"
        raise InvalidInput(field, "no such questionnaire (see GET /api/v1/questionnaires)")
    round_id = await queries.insert_round(
        conn,
        programme_id=programme_id,
        questionnaire_id=found["id"],
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        anonymous=data.anonymous,
        created_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "questionnaire_round.create",
        subject=("questionnaire_round", str(round_id)),
        detail={"programme_id": programme_id, "anonymous": data.anonymous},
    )
    return _round_out(await queries.round(conn, round_id=round_id), today_in_finland())


async def list_rounds(
    conn: asyncpg.Connection, programme_id: str, *, limit: int, cursor: str | None
) -> Page[RoundOut]:
    """Like the programme itself, its rounds are a catalogue every staff member may read."""
    await _programme(conn, programme_id)
    after_on, after_id = decode_cursor(cursor, tuple[date, CursorId], first=EARLIEST_DAY_FIRST)
    rows = await queries.programme_rounds(
        conn, programme_id=programme_id, after_opens_on=after_on, after_id=after_id,
        limit=limit + 1,
    )  # fmt: skip
    today = today_in_finland()
    return page_of([_round_out(row, today) for row in rows], limit, lambda r: (r.opens_on, r.id))


def _require_open(row: Any, today: date) -> None:
    status = status_on(today, row["opens_on"], row["closes_on"])
    if status == "upcoming":
        raise Conflict(f"the round opens on {row['opens_on'].isoformat()}")
    if status == "closed":
        raise Conflict(f"the round closed on {row['closes_on'].isoformat()}; answers are final")


async def _save(
    conn: asyncpg.Connection,
    row: Any,
    role: Role,
    person: tuple[str | None, str | None],
    raw: dict[str, Any],
) -> AnswersOut:
    """Check and keep one person's answers (person = (client_id, staff_id))."""
    _require_open(row, today_in_finland())
    definition = msgspec.convert(row["definition"], Questionnaire)
    answers = check_answers(definition, raw)
    client_id, staff_id = person
    round_id = str(row["id"])
    first = await queries.add_respondent(
        conn, round_id=round_id, client_id=client_id, staff_id=staff_id
    )
    if row["anonymous"]:
        if not first:
            raise Conflict(
                "you have answered this anonymous round already; nothing links that answer "
                "to you, so it cannot be changed"
            )
        await queries.add_anonymous_answers(conn, round_id=round_id, role=role, answers=answers)
        return AnswersOut(
            round_id=round_id, role=role, anonymous=True, answers=None, changeable_until=None
        )
    if client_id is not None:
        await queries.save_named_client_answers(
            conn, round_id=round_id, client_id=client_id, answers=answers
        )
    else:
        await queries.save_named_staff_answers(
            conn, round_id=round_id, staff_id=staff_id, answers=answers
        )
    return AnswersOut(
        round_id=round_id,
        role=role,
        anonymous=False,
        answers=answers,
        changeable_until=row["closes_on"],
    )


async def answer_as_staff(
    conn: asyncpg.Connection, actor: Actor, round_id: str, answers: dict[str, Any]
) -> AnswersOut:
    """A staff member who takes part in the programme (programme_staff_member) answers."""
    row = await _round(conn, round_id)
    if not await queries.may_answer_as_staff(
        conn, programme_id=row["programme_id"], staff_id=actor.id
    ):
        raise Forbidden("only the staff who take part in the programme answer its rounds")
    # One person's answers one after another: two at once would both see "first".
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('qround:' || $1 || $2))",
                       round_id, actor.id)  # fmt: skip
    saved = await _save(conn, row, "staff", (None, actor.id), answers)
    await audit.log_action(
        conn, actor, "questionnaire.answer", subject=("questionnaire_round", round_id)
    )
    return saved


async def answer_as_client(
    conn: asyncpg.Connection,
    client_id: str,
    round_id: str,
    answers: dict[str, Any],
    *,
    from_page: bool = False,
) -> AnswersOut | None:
    """A client with a place in the programme answers on their page (`from_page`: the
    form's text fields, read by each item's kind); None when the round is not theirs (or
    no round at all). The caller audits with the client as the actor."""
    missing = NotFound("questionnaire round not found")
    require_id(round_id, missing)
    row = await queries.round(conn, round_id=round_id)
    if row is None or not await queries.client_in_round(
        conn, round_id=round_id, client_id=client_id
    ):
        return None
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('qround:' || $1 || $2))",
                       round_id, client_id)  # fmt: skip
    if from_page:
        answers = from_form(msgspec.convert(row["definition"], Questionnaire), answers)
    return await _save(conn, row, "client", (client_id, None), answers)


async def client_round(conn: asyncpg.Connection, client_id: str, round_id: str) -> Any:
    """The round as the client's page shows it, with `own` (the client's answers to a
    named round, else None); None when the round is not theirs."""
    if not is_id(round_id):
        return None
    row = await queries.round(conn, round_id=round_id)
    if row is None or not await queries.client_in_round(
        conn, round_id=round_id, client_id=client_id
    ):
        return None
    own = None
    if not row["anonymous"]:
        own = await queries.named_answers_of(
            conn, round_id=round_id, client_id=client_id, staff_id=None
        )
    answered = await queries.respondent(conn, round_id=round_id, client_id=client_id, staff_id=None)
    return {**dict(row), "own": own, "answered": answered}


async def results(conn: asyncpg.Connection, actor: Actor, round_id: str) -> RoundResults:
    """Per item and role: answers, distribution, mean; small cells suppressed."""
    row = await _round(conn, round_id)
    if not await queries.sees_results(conn, programme_id=row["programme_id"], viewer=actor.id):
        raise Forbidden(
            "only the programme's facilitators, contacts, participating staff, its "
            "organisation's admins and analysts see the results"
        )
    definition = msgspec.convert(row["definition"], Questionnaire)
    answered = [
        (r["role"], r["answers"]) for r in await queries.round_answers(conn, round_id=round_id)
    ]
    respondents, items = item_results(definition, answered)
    await audit.log_action(
        conn, actor, "questionnaire_round.results", subject=("questionnaire_round", round_id)
    )
    return RoundResults(
        round=_round_out(row, today_in_finland()),
        respondents=respondents,
        items=items,
        suppression_rule=RULE,
        threshold=THRESHOLD,
    )


async def open_for_client(conn: asyncpg.Connection, client_id: str) -> list[dict[str, Any]]:
    """The open rounds of the programmes the client has a place in, for their page."""
    rows = await queries.open_rounds_of_client(conn, client_id=client_id, today=today_in_finland())
    return [
        {
            "id": str(row["id"]),
            "title": row["definition"]["title"],
            "closes_on": row["closes_on"],
            "anonymous": row["anonymous"],
            "answered": row["answered"],
        }
        for row in rows
    ]


async def to_answer(conn: asyncpg.Connection, staff_id: str) -> list[RoundToAnswer]:
    """The open rounds a staff member takes part in and has not answered yet."""
    rows = await queries.rounds_to_answer(conn, staff_id=staff_id, today=today_in_finland())
    return [
        RoundToAnswer(
            id=str(row["id"]),
            programme_id=str(row["programme_id"]),
            programme_title=row["programme_title"],
            title=msgspec.convert(row["title"], LocalText),
            closes_on=row["closes_on"],
            anonymous=row["anonymous"],
        )
        for row in rows
    ]
