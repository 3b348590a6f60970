"""An answer from the client's page ("I'll come" / "I can't come"): the form checked,
the session or meeting found among the client's own, refused politely once it has
started or when it is cancelled, then stored and audited with the client as the actor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from service.base import clock
from service.base.ids import is_id
from service.client_page import answers, links
from service.client_page.form_tokens import is_valid
from service.composers.client_page import page, texts
from service.composers.client_page.sql import queries

ANSWERS = ("coming", "not_coming")


@dataclass(frozen=True)
class Outcome:
    """Back to the page (303 to `location`), or a short HTML page with its status."""

    status: int
    html: str = ""
    location: str | None = None


def back_to_page(token: str, language: str | None) -> str:
    return f"/p/{token}?lang={language}" if language in texts.LANGUAGES else f"/p/{token}"


async def answer(
    conn: asyncpg.Connection, token: str, form: Mapping[str, str], request_id: str | None
) -> Outcome:
    asked_language = form.get("lang")
    link = await links.open_link(conn, token)
    if link is None:
        return Outcome(404, page.not_found(asked_language))
    client = await queries.client(conn, client_id=link.client_id)
    language = texts.language_of(asked_language, client["language"])
    back = back_to_page(token, asked_language)

    def refused(status: int, message_key: str) -> Outcome:
        return Outcome(status, page.refusal(language, message_key, back))

    if not is_valid(token, form.get("form_token"), clock.now()):
        return refused(403, "form_expired")
    session_id, meeting_id = form.get("session_id") or None, form.get("meeting_id") or None
    given = form.get("answer")
    if given not in ANSWERS or (session_id is None) == (meeting_id is None):
        return refused(400, "bad_form")
    if session_id is not None:
        found = is_id(session_id) and await queries.answerable_session(
            conn, client_id=link.client_id, session_id=session_id
        )
    else:
        found = is_id(meeting_id or "") and await queries.answerable_meeting(
            conn, client_id=link.client_id, meeting_id=meeting_id
        )
    if not found:
        return refused(404, "unknown_item")
    if found["status"] == "cancelled":
        return refused(409, "cancelled_answer")
    if found["starts_at"] <= clock.now():
        return refused(409, "too_late")
    await answers.record(
        conn,
        link.client_id,
        "coming" if given == "coming" else "not_coming",
        session_id=session_id,
        meeting_id=meeting_id,
        request_id=request_id,
    )
    return Outcome(303, location=back)
