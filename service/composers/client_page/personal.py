"""The personal part of the client's page, once a one-time code has opened it
(personal_code.py): the goals of the client's open plans with their own rating, the
assessments asked of them, and "my data" as a page and as a JSON download. Every read
and every answer is audited with the client as the actor. HTML in, HTML out: a refusal
is a short page that says what to do, never a problem+json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
import msgspec

from service.base import clock
from service.base.errors import Conflict, InvalidInput
from service.client_page import acting, sessions
from service.client_page.form_tokens import is_valid
from service.coaching import client_side
from service.composers.client_page import my_data, texts
from service.composers.client_page.personal_code import CHANNELS, code_page
from service.composers.client_page.personal_texts import what_was_done
from service.composers.client_page.personal_visit import Outcome, begin, begin_opened
from service.composers.questionnaires import rounds as questionnaire_rounds
from service.composers.questionnaires.definitions import Questionnaire
from service.outcomes import follow_ups
from service.outcomes.rules import REPLY_NUMBERS

LEVELS = {str(level): level for level in (-2, -1, 0, 1, 2)}
# What the follow-up question offers, as its SMS numbers do (outcomes/rules.py).
FOLLOW_UP_SITUATIONS = tuple(REPLY_NUMBERS.values())


async def read_me(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    cookie: str | None,
    sent: str | None,
    request_id: str | None,
) -> Outcome:
    """The personal part, or the page that asks for the code."""
    visit = await begin(conn, token, asked)
    if isinstance(visit, Outcome):
        return visit
    if not await sessions.is_open(conn, visit.link.id, cookie):
        words = texts.WORDS[visit.language]
        notice = words[f"code_sent_{sent}"] if sent in CHANNELS else None
        return await code_page(conn, visit, notice=notice)
    client_id = visit.link.client_id
    goals = await client_side.goals_of(conn, client_id)
    asked_of = await client_side.asked_of(conn, client_id)
    follow_up = await follow_ups.asked_of(conn, client_id)
    rounds_open = await questionnaire_rounds.open_for_client(conn, client_id)
    await acting.audit(conn, client_id, "client_page.personal_read", request_id=request_id)
    html = visit.render(
        "personal.html",
        goals=goals,
        assessments=asked_of,
        rating_url=visit.action("/me/rating"),
        follow_up=follow_up,
        follow_up_url=visit.action("/me/follow-up"),
        situations=FOLLOW_UP_SITUATIONS,
        assessment_url=lambda request: visit.url(f"/me/assessments/{request.id}"),
        rounds=rounds_open,
        round_url=lambda found: visit.url(f"/me/questionnaires/{found['id']}"),
        my_data_url=visit.url("/me/data"),
        json_url=visit.action("/my-data.json"),
    )
    return Outcome(200, html)


async def rate_goal(
    conn: asyncpg.Connection,
    token: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await begin_opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    level = LEVELS.get(form.get("level", ""))
    if level is None:
        return visit.message(400, "bad_form")
    goal_id = form.get("goal_id", "")
    rating_id = await client_side.rate_own_goal(conn, visit.link.client_id, goal_id, level)
    if rating_id is None:
        return visit.message(404, "unknown_goal")
    await acting.audit(
        conn,
        visit.link.client_id,
        "goal.rate",
        subject=("goal", goal_id),
        request_id=request_id,
        detail={"level": level, "rated_by": "client"},
    )
    return Outcome(303, location=visit.url("/me"))


async def answer_follow_up(
    conn: asyncpg.Connection,
    token: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    """The client's answer to the six-month follow-up question, as by SMS (service/
    outcomes): one of the situations the question offers."""
    visit = await begin_opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    situation = form.get("situation", "")
    if situation not in FOLLOW_UP_SITUATIONS:
        return visit.message(400, "bad_form")
    client_id = visit.link.client_id
    follow_up_id = await follow_ups.asked_of(conn, client_id)
    if follow_up_id is None or not await follow_ups.answered_by_client(
        conn, follow_up_id, situation
    ):
        return visit.message(409, "follow_up_closed")
    await acting.audit(
        conn,
        client_id,
        "follow_up.answer",
        subject=("follow_up", follow_up_id),
        request_id=request_id,
        detail={"situation": situation, "via": "page"},
    )
    return visit.message(200, "follow_up_thanks")


async def assessment_form(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    request_path_id: str,
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await begin_opened(conn, token, asked, cookie)
    if isinstance(visit, Outcome):
        return visit
    found = await client_side.asked(conn, visit.link.client_id, request_path_id)
    if found is None:
        return visit.message(404, "unknown_assessment")
    await acting.audit(
        conn,
        visit.link.client_id,
        "assessment_request.read",
        subject=("assessment_request", found.id),
        request_id=request_id,
    )
    html = visit.render(
        "assessment.html",
        instrument=found.instrument,
        post_url=visit.action(f"/me/assessments/{found.id}"),
    )
    return Outcome(200, html)


async def answer_assessment(
    conn: asyncpg.Connection,
    token: str,
    request_path_id: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await begin_opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    answers: dict[str, Any] = {}
    for name, value in form.items():
        if name.startswith("a.") and len(name) <= 80:
            key = name.removeprefix("a.")
            answers[key] = int(value) if value.lstrip("-").isdigit() and len(value) <= 4 else value
    back = visit.url(f"/me/assessments/{request_path_id}")
    try:
        assessment_id = await client_side.answer_asked(
            conn, visit.link.client_id, request_path_id, answers
        )
    except InvalidInput:
        return visit.message(400, "answer_all", back=back)
    if assessment_id is None:
        return visit.message(404, "unknown_assessment")
    await acting.audit(
        conn,
        visit.link.client_id,
        "assessment.create",
        subject=("assessment", assessment_id),
        request_id=request_id,
        detail={"answered_by": "client", "request": request_path_id},
    )
    return Outcome(303, location=visit.url("/me"))


async def questionnaire_form(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    round_path_id: str,
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    """A questionnaire round of the client's group as a form: a named round filled with
    the client's earlier answers, an anonymous one said to be anonymous (and, once
    answered, closed to the client: nothing links the answer to them)."""
    visit = await begin_opened(conn, token, asked, cookie)
    if isinstance(visit, Outcome):
        return visit
    found = await questionnaire_rounds.client_round(conn, visit.link.client_id, round_path_id)
    if found is None:
        return visit.message(404, "unknown_questionnaire")
    today = clock.today_in_finland()
    if questionnaire_rounds.status_on(today, found["opens_on"], found["closes_on"]) != "open":
        return visit.message(409, "questionnaire_closed")
    if found["anonymous"] and found["answered"]:
        return visit.message(200, "questionnaire_answered_anonymous")
    await acting.audit(
        conn,
        visit.link.client_id,
        "questionnaire_round.read",
        subject=("questionnaire_round", str(found["id"])),
        request_id=request_id,
    )
    html = visit.render(
        "questionnaire.html",
        questionnaire=msgspec.convert(found["definition"], Questionnaire),
        own=found["own"] or {},
        anonymous=found["anonymous"],
        closes_on=found["closes_on"],
        post_url=visit.action(f"/me/questionnaires/{found['id']}"),
    )
    return Outcome(200, html)


def _questionnaire_fields(form: Mapping[str, str]) -> dict[str, str]:
    """The form's `q.<key>` fields, by item key."""
    return {
        name.removeprefix("q."): value
        for name, value in form.items()
        if name.startswith("q.") and len(name) <= 80
    }


async def answer_questionnaire(
    conn: asyncpg.Connection,
    token: str,
    round_path_id: str,
    form: Mapping[str, str],
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await begin_opened(conn, token, form.get("lang"), cookie)
    if isinstance(visit, Outcome):
        return visit
    if not is_valid(token, form.get("form_token"), clock.now()):
        return visit.message(403, "form_expired")
    back = visit.url(f"/me/questionnaires/{round_path_id}")
    try:
        saved = await questionnaire_rounds.answer_as_client(
            conn,
            visit.link.client_id,
            round_path_id,
            _questionnaire_fields(form),
            from_page=True,
        )
    except InvalidInput:
        return visit.message(400, "answer_all", back=back)
    except Conflict as refused:
        if "anonymous" in str(refused):
            return visit.message(409, "questionnaire_answered_anonymous")
        return visit.message(409, "questionnaire_closed")
    if saved is None:
        return visit.message(404, "unknown_questionnaire")
    await acting.audit(
        conn,
        visit.link.client_id,
        "questionnaire.answer",
        subject=("questionnaire_round", saved.round_id),
        request_id=request_id,
    )
    return visit.message(200, "questionnaire_thanks")


async def my_data_page(
    conn: asyncpg.Connection,
    token: str,
    asked: str | None,
    cookie: str | None,
    request_id: str | None,
) -> Outcome:
    visit = await begin_opened(conn, token, asked, cookie)
    if isinstance(visit, Outcome):
        return visit
    data = await my_data.my_data(conn, visit.link.client_id)
    await acting.audit(
        conn, visit.link.client_id, "client_page.my_data_read", request_id=request_id
    )
    html = visit.render(
        "my_data.html",
        data=data,
        zone=visit.zone,
        json_url=visit.action("/my-data.json"),
        referral_state=my_data.referral_state,
        what_was_done=lambda action: what_was_done(visit.language, action),
    )
    return Outcome(200, html)


async def my_data_json(
    conn: asyncpg.Connection, token: str, cookie: str | None, request_id: str | None
) -> Outcome:
    visit = await begin_opened(conn, token, None, cookie)
    if isinstance(visit, Outcome):
        return visit
    data = await my_data.my_data(conn, visit.link.client_id)
    await acting.audit(
        conn, visit.link.client_id, "client_page.my_data_download", request_id=request_id
    )
    return Outcome(
        200,
        json=msgspec.json.encode(data),
        extra={"Content-Disposition": 'attachment; filename="polku-my-data.json"'},
    )
