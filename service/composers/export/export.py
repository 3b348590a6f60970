"""Everything Polku holds on one client, from every domain's tables, as one document
(docs/export.md). Read by admins of the client's organisation, audited; the same
document answers the client's access request and prints as a page.

TABLES says where each table holding client data shows in the export, and LEFT_OUT
why a table's rows are not given: tests/api/test_client_export.py finds every table that
refers to a client and fails for one in neither."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.errors import Forbidden
from service.base.identity import Actor
from service.base.reach import require_reach
from service.composers.export import types as t
from service.composers.export.sql import queries

# Each table holding data of a client, and the export's section that gives its rows.
TABLES = {
    "clients": "record",
    "client_record_changes": "record_changes",
    "client_workers": "workers",
    "consents": "consents",
    "enrolments": "enrolments",
    "attendance": "attendance",
    "programme_feedback": "programme_feedback",
    "attention_flags": "attention_flags",
    "rsvps": "rsvps",
    "plans": "plans",
    "plan_coaches": "plans",
    "goals": "plans",
    "goal_ratings": "plans",
    "continuation_plans": "plans",
    "meetings": "plans",
    "plan_notes": "plans",
    "assessments": "assessments",
    "assessment_requests": "assessment_requests",
    "strengths_cvs": "strengths_cv",
    "referrals": "referrals",
    "referral_events": "referrals",
    "participant_support": "participant_support",
    "questionnaire_respondents": "questionnaires",
    "questionnaire_answers": "questionnaires",
    "exits": "exits",
    "follow_ups": "follow_ups",
    "esf_sensitive_answers": "esf_entry",
    "messages": "messages",
    "inbound_sms": "inbound_sms",
    "notices": "notices",
    "calendar_feeds": "calendar_feeds",
    "client_page_links": "page_links",
    "client_page_codes": "page_links",
    "client_page_sessions": "page_links",
    "access_requests": "access_requests",
    "legal_holds": "legal_holds",
    "audit_events": "access_log",
}

# Tables that refer to a client whose rows the export deliberately does not give.
LEFT_OUT = {
    "page_link_messages": (
        "the page link itself, a bearer secret, kept only until its message goes; the "
        "message is in `messages` and the link's dates in `page_links`"
    ),
    "open_paths": (
        "what the work list waits for, derived from referrals, enrolments, plans, flags and "
        "exits (all in the export) and kept in step with them by triggers; it says no more"
    ),
    "series_sequences": (
        "a counter that orders calendar invites after a client rejoins a group; it says "
        "no more than `enrolments` do"
    ),
}

S = TypeVar("S")


def _all(rows: list[Any], kind: type[S]) -> list[S]:
    return [msgspec.convert(dict(row), kind) for row in rows]


def _by(rows: list[Any], key: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _questionnaire(row: Any) -> t.QuestionnaireAnswered:
    answer = None
    if row["answer_id"] is not None:
        answer = t.QuestionnaireAnswer(
            id=row["answer_id"], answers=row["answers"], answered_at=row["answered_at"]
        )
    fields = _without(row, "answer_id", "answers", "answered_at")
    return msgspec.convert({**fields, "answer": answer}, t.QuestionnaireAnswered)


def _without(row: Any, *keys: str) -> dict[str, Any]:
    fields = dict(row)
    for key in keys:
        del fields[key]
    return fields


async def require_exporter(conn: asyncpg.Connection, actor: Actor, client_id: str) -> None:
    """Admins of the client's own organisation; outside reach the audited 404, other
    staff in reach 403."""
    await require_reach(conn, actor, client_id, "client.export", roles=("admin",))
    if await queries.client_organisation(conn, client_id=client_id) != actor.organisation_id:
        raise Forbidden("the export is for admins of the client's own organisation")


async def export(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, purpose: str = "json"
) -> t.ClientExport:
    """The whole export, read in one snapshot, and its audit row."""
    await require_exporter(conn, actor, client_id)
    if conn.is_in_transaction():
        document = await _read(conn, client_id)
    else:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            document = await _read(conn, client_id)
    await audit.log_action(
        conn, actor, "client.export", client_id=client_id, detail={"format": purpose}
    )
    return document


async def _read(conn: asyncpg.Connection, client_id: str) -> t.ClientExport:
    async def rows(query: Callable[..., Awaitable[Any]]) -> Any:
        return await query(conn, client_id=client_id)

    record = await rows(queries.record)
    return t.ClientExport(
        format=t.EXPORT_FORMAT,
        generated_at=clock.now(),
        record=msgspec.convert(dict(record), t.Record),
        record_changes=_all(await rows(queries.record_changes), t.RecordChange),
        workers=_all(await rows(queries.workers), t.Worker),
        consents=_all(await rows(queries.consents), t.Consent),
        enrolments=_all(await rows(queries.enrolments), t.Enrolment),
        attendance=_all(await rows(queries.attendance), t.Attendance),
        programme_feedback=_all(await rows(queries.programme_feedback), t.Feedback),
        attention_flags=_all(await rows(queries.attention_flags), t.AttentionFlag),
        rsvps=_all(await rows(queries.rsvps), t.Rsvp),
        plans=await _plans(conn, client_id),
        assessments=_all(await rows(queries.assessments), t.Assessment),
        assessment_requests=_all(await rows(queries.assessment_requests), t.AssessmentRequest),
        strengths_cv=_one(await rows(queries.strengths_cv), t.StrengthsCv),
        referrals=await _referrals(conn, client_id),
        participant_support=_all(await rows(queries.participant_support), t.Support),
        questionnaires=[_questionnaire(row) for row in await rows(queries.questionnaires)],
        exits=_all(await rows(queries.exits), t.Exit),
        follow_ups=_all(await rows(queries.follow_ups), t.FollowUp),
        esf_entry=_one(await rows(queries.esf_entry), t.EsfEntry),
        messages=_all(await rows(queries.messages), t.Message),
        inbound_sms=_all(await rows(queries.inbound_sms), t.InboundSms),
        notices=_all(await rows(queries.notices), t.Notice),
        calendar_feeds=_all(await rows(queries.calendar_feeds), t.CalendarFeed),
        page_links=await _page_links(conn, client_id),
        access_requests=_all(await rows(queries.access_requests), t.AccessRequestHeld),
        legal_holds=_all(await rows(queries.legal_holds), t.LegalHold),
        access_log=_all(await rows(queries.access_log), t.AccessEvent),
    )


def _one(row: Any, kind: type[S]) -> S | None:
    return None if row is None else msgspec.convert(dict(row), kind)


async def _plans(conn: asyncpg.Connection, client_id: str) -> list[t.Plan]:
    plans = await queries.plans(conn, client_id=client_id)
    goals = _by(await queries.goals(conn, client_id=client_id), "plan_id")
    ratings = _by(await queries.ratings(conn, client_id=client_id), "goal_id")
    continuations = {
        row["plan_id"]: row for row in await queries.continuations(conn, client_id=client_id)
    }
    meetings = _by(await queries.meetings(conn, client_id=client_id), "plan_id")
    notes = _by(await queries.notes(conn, client_id=client_id), "plan_id")
    return [
        msgspec.convert(
            {
                **dict(plan),
                "goals": [
                    {
                        **_without(goal, "plan_id"),
                        "ratings": [_without(r, "goal_id") for r in ratings[goal["id"]]],
                    }
                    for goal in goals[plan["id"]]
                ],
                "continuation": (
                    _without(continuations[plan["id"]], "plan_id")
                    if plan["id"] in continuations
                    else None
                ),
                "meetings": [_without(m, "plan_id") for m in meetings[plan["id"]]],
                "confidential_notes": [_without(n, "plan_id") for n in notes[plan["id"]]],
            },
            t.Plan,
        )
        for plan in plans
    ]


async def _referrals(conn: asyncpg.Connection, client_id: str) -> list[t.Referral]:
    referrals = await queries.referrals(conn, client_id=client_id)
    events = _by(await queries.referral_events(conn, client_id=client_id), "referral_id")
    return [
        msgspec.convert(
            {
                **dict(referral),
                "history": [_without(e, "referral_id") for e in events[referral["id"]]],
            },
            t.Referral,
        )
        for referral in referrals
    ]


async def _page_links(conn: asyncpg.Connection, client_id: str) -> list[t.PageLink]:
    links = await queries.page_links(conn, client_id=client_id)
    codes = _by(await queries.page_codes(conn, client_id=client_id), "link_id")
    visits = _by(await queries.page_sessions(conn, client_id=client_id), "link_id")
    return [
        msgspec.convert(
            {
                **dict(link),
                "codes": [_without(c, "link_id") for c in codes[link["id"]]],
                "personal_visits": [_without(v, "link_id") for v in visits[link["id"]]],
            },
            t.PageLink,
        )
        for link in links
    ]
