"""Who reaches a client, operation by operation: every operation in the published OpenAPI
document has a row in TABLE, and each client-level row is walked with staff of every role,
in the client's organisation and in others, whose relationship with the client is live,
never was, or has ended (by withdrawal, closure, removal, revocation, role change or
deactivation). Outside reach the answer is 404 (or, for a list, an answer without the
client), and nothing of the client shows; inside, the staff the row names succeed.

A new operation without a row here fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient, Response
from litestar import Litestar

from service.coaching.instruments import shipped
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person

SURNAME = "Näkyvyystesti"

# Staff who reach the client, each through another relationship.
IN_REACH = {
    "worker": "responsible worker (referrer, client's organisation)",
    "admin": "admin of the client's organisation",
    "plan_coach": "coach of the client's open plan",
    "facilitator": "facilitator of the client's group",
    "partner": "facilitator from another organisation, covered by the client's consent",
    "receiving": "coach of the organisation a referral of the client went to, with consent",
}
# Staff who do not: never related, or related no longer.
OUT_OF_REACH = {
    "referrer_none": "referrer in the client's organisation, no relationship",
    "coach_none": "coach in the client's organisation, no relationship",
    "analyst": "analyst in the client's organisation",
    "other_admin": "admin of another organisation (covered by consent, no relationship)",
    "other_coach": "coach of another organisation (covered by consent, no relationship)",
    "other_referrer": "referrer of another organisation",
    "other_analyst": "analyst of another organisation",
    "foreign_facilitator": "facilitator of the client's group, organisation not covered",
    "withdrawn_facilitator": "facilitator of a group the client was withdrawn from",
    "closed_referrer": "referred the client; the referral closed 31 days ago",
    "ended_plan_coach": "coach of a plan that ended 31 days ago",
    "removed_worker": "responsible worker, removed",
    "revoked_worker": "responsible worker of another organisation, consent revoked",
    "demoted": "responsible worker whose roles became analyst",
    "deactivated": "responsible worker whose account was deactivated",
}


@dataclass
class World:
    people: dict[str, Person]
    ids: dict[str, str]


async def _build_world(api: AsyncClient, make: Factory, db: asyncpg.Connection) -> World:
    a, b, d, e, f = [await make.organisation() for _ in range(5)]
    home = {
        "worker": ("referrer", a),
        "admin": ("admin", a),
        "plan_coach": ("coach", a),
        "facilitator": ("coach", a),
        "partner": ("coach", b),
        "receiving": ("coach", e),
        "referrer_none": ("referrer", a),
        "coach_none": ("coach", a),
        "analyst": ("analyst", a),
        "other_admin": ("admin", b),
        "other_coach": ("coach", b),
        "other_referrer": ("referrer", b),
        "other_analyst": ("analyst", b),
        "foreign_facilitator": ("coach", d),
        "withdrawn_facilitator": ("coach", a),
        "closed_referrer": ("referrer", a),
        "ended_plan_coach": ("coach", a),
        "removed_worker": ("coach", a),
        "revoked_worker": ("coach", f),
        "demoted": ("coach", a),
        "deactivated": ("coach", a),
    }
    people = {
        name: await make.staff(role, organisation_id=org) for name, (role, org) in home.items()
    }
    worker, admin = people["worker"], people["admin"]
    client = await make.client(worker, last_name=SURNAME, email="asiakas@example.org")
    ids = {"client": client}
    ids["consent_shared"] = await make.consent(
        client, "data_sharing", worker, organisation_ids=[b, e]
    )
    ids["consent_email"] = await make.consent(client, "email_reminders", worker)
    await make.consent(client, "calendar_feed", worker)
    await make.consent(client, "client_page", worker)
    revoked = await make.consent(client, "data_sharing", worker, organisation_ids=[f])
    await db.execute("UPDATE consents SET revoked_at = now() WHERE id = $1", revoked)
    for name in ("removed_worker", "revoked_worker", "demoted", "deactivated"):
        await make.responsible(client, people[name])
    await db.execute("DELETE FROM client_workers WHERE staff_id = $1", people["removed_worker"].id)

    group = await create_programme(
        api,
        people["facilitator"],
        facilitator_ids=[people[n].id for n in ("facilitator", "partner", "foreign_facilitator")],
        first_session_date=days_from_today(-1),
        skip_public_holidays=False,
    )
    ids["programme"], ids["session"] = group["id"], group["sessions"][0]["id"]
    enrolled = await enrol(api, admin, group["id"], client)
    assert enrolled.status_code == 201, enrolled.text
    ids["enrolment"] = enrolled.json()["id"]
    marked = await api.put(
        f"/api/v1/sessions/{ids['session']}/attendance",
        json={"records": [{"client_id": client, "status": "present"}]},
        headers=people["facilitator"].headers,
    )
    assert marked.status_code == 200, marked.text
    feedback = await api.put(
        f"/api/v1/enrolments/{ids['enrolment']}/feedback",
        json={"got_support": True, "new_plans": True},
        headers=people["facilitator"].headers,
    )
    assert feedback.status_code == 200, feedback.text
    support = await api.post(
        f"/api/v1/sessions/{ids['session']}/support",
        json={"client_id": client, "kind": "bus_ticket", "amount_eur": "3.10"},
        headers=people["facilitator"].headers,
    )
    assert support.status_code == 201, support.text
    ids["support"] = support.json()["id"]
    await db.execute(
        "INSERT INTO attention_flags (client_id, programme_id, reason, since) "
        "VALUES ($1, $2, 'repeated_absence', now())",
        client,
        group["id"],
    )
    left = await create_programme(api, people["withdrawn_facilitator"])
    left_enrolment = (await enrol(api, admin, left["id"], client)).json()["id"]
    await api.post(
        f"/api/v1/enrolments/{left_enrolment}/withdraw",
        json={"reason": "Ei sopiva aika"},
        headers=admin.headers,
    )
    ids["other_programme"] = (await create_programme(api, people["facilitator"]))["id"]

    plan = await api.post(
        f"/api/v1/clients/{client}/plans",
        json={
            "kind": "goal_coaching",
            "coach_ids": [people["plan_coach"].id],
            "starts_on": days_from_today(-30),
        },
        headers=admin.headers,
    )
    assert plan.status_code == 201, plan.text
    ids["plan"] = plan.json()["id"]
    coach = people["plan_coach"].headers
    goal = await api.post(
        f"/api/v1/plans/{ids['plan']}/goals",
        json={"title": "Liikkuu ulkona", "baseline": -1, "levels": _LEVELS},
        headers=coach,
    )
    ids["goal"] = goal.json()["id"]
    meeting = await api.post(
        f"/api/v1/plans/{ids['plan']}/meetings",
        json={"starts_at": _at(3, 10), "ends_at": _at(3, 11)},
        headers=coach,
    )
    assert meeting.status_code == 201, meeting.text
    ids["meeting"] = meeting.json()["id"]
    # Answers the client gave on their page.
    await db.execute(
        "INSERT INTO rsvps (client_id, session_id, meeting_id, answer, via) "
        "VALUES ($1, $2, NULL, 'coming', 'page'), ($1, NULL, $3, 'not_coming', 'page')",
        client,
        ids["session"],
        ids["meeting"],
    )
    cv = await api.put(
        f"/api/v1/clients/{client}/strengths-cv", json={"summary": "Sinnikäs"}, headers=coach
    )
    assert cv.status_code == 200, cv.text
    ended_plan = await db.fetchval(
        "INSERT INTO plans (client_id, kind, starts_on, ends_on) "
        "VALUES ($1, 'job_coaching', current_date - 200, current_date - 31) RETURNING id",
        client,
    )
    await db.execute(
        "INSERT INTO plan_coaches VALUES ($1, $2)", ended_plan, people["ended_plan_coach"].id
    )

    ids["service"] = await db.fetchval(
        "INSERT INTO services (organisation_id, name) VALUES ($1, 'Velkaneuvonta') RETURNING id",
        e,
    )
    ids["own_service"] = await db.fetchval(
        "INSERT INTO services (organisation_id, name) VALUES ($1, 'Työkokeilu') RETURNING id", a
    )
    referral = await api.post(
        "/api/v1/referrals",
        json={"client_id": client, "service_id": ids["service"], "reason": "Velat"},
        headers=worker.headers,
    )
    assert referral.status_code == 201, referral.text
    ids["referral"] = referral.json()["id"]
    received = await api.post(
        f"/api/v1/referrals/{ids['referral']}/status",
        json={"status": "received"},
        headers=people["receiving"].headers,
    )
    assert received.status_code == 200, received.text
    ids["notice"] = await db.fetchval("SELECT id FROM notices WHERE staff_id = $1", worker.id)
    left = await api.post(
        f"/api/v1/clients/{client}/exits",
        json={"left_on": days_from_today(-1), "situation": "job_seeking"},
        headers=worker.headers,
    )
    assert left.status_code == 201, left.text
    ids["follow_up"] = await db.fetchval("SELECT id FROM follow_ups WHERE client_id = $1", client)
    await db.execute(
        "INSERT INTO referrals (client_id, service_id, from_organisation_id, to_organisation_id,"
        " referred_by, reason, status, ended_at) VALUES ($1, $2, $3, $3, $4, 'x', 'rejected',"
        " now() - interval '31 days')",
        client,
        ids["own_service"],
        a,
        people["closed_referrer"].id,
    )
    asked = await api.post(
        f"/api/v1/clients/{client}/access-requests",
        json={"received_on": days_from_today(-40)},
        headers=worker.headers,
    )
    assert asked.status_code == 201, asked.text
    ids["access_request"] = asked.json()["id"]
    await db.execute("UPDATE staff SET roles = '{analyst}' WHERE id = $1", people["demoted"].id)
    await db.execute("UPDATE staff SET active = false WHERE id = $1", people["deactivated"].id)
    return World(people, ids)


_LEVELS = {"-2": "Ei lainkaan", "-1": "Harvoin", "0": "Joskus", "1": "Usein", "2": "Aina"}
_WORK_ABILITY_ANSWERS = {
    item.key: 5 for item in next(i for i in shipped() if i.key == "work_ability").items
}


def _at(days: int, hour: int) -> str:
    return f"{days_from_today(days)}T{hour:02d}:00:00+02:00"


@dataclass(frozen=True)
class Op:
    """A client-level operation.

    `ok`: staff in reach who succeed (2xx); a change is made by the first of them.
    `lists`: the answer is a list, which outside reach answers without the client.
    `outside`: the statuses outside reach, when the operation is not about the client's
    own resource (a session's attendance): never anything that tells the client exists.
    """

    params: dict[str, str] = field(default_factory=dict)
    body: Callable[[World], Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    ok: tuple[str, ...] = tuple(IN_REACH)
    lists: bool = False
    outside: frozenset[int] = frozenset({404})
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotClientLevel:
    """An operation that shows or changes nothing of any one client; why not."""

    why: str


CLIENT = {"client_id": "client"}
PLAN = {"plan_id": "plan"}
ANY_VERSION = {"If-Match": "*"}

TABLE: dict[str, Op | NotClientLevel] = {
    "GET /health": NotClientLevel("operations: the database and Redis answer"),
    "GET /health/live": NotClientLevel("operations: the process answers"),
    "GET /health/ready": NotClientLevel("operations: database, Redis, migrations, a worker"),
    "GET /metrics": NotClientLevel("operations: counts by route template, never a person"),
    "POST /api/v1/auth/token": NotClientLevel("signing in"),
    "POST /api/v1/auth/logout": NotClientLevel("the caller's own token"),
    "GET /api/v1/me": NotClientLevel("the caller's own account"),
    "GET /api/v1/organisations": NotClientLevel("organisations"),
    "POST /api/v1/organisations": NotClientLevel("organisations"),
    "GET /api/v1/organisations/{organisation_id}": NotClientLevel("organisations"),
    "GET /api/v1/users": NotClientLevel("staff accounts"),
    "POST /api/v1/users": NotClientLevel("staff accounts"),
    "GET /api/v1/users/{user_id}": NotClientLevel("staff accounts"),
    "PATCH /api/v1/users/{user_id}": NotClientLevel("staff accounts"),
    "GET /api/v1/clients": Op(lists=True, query={"q": SURNAME}),
    "POST /api/v1/clients": NotClientLevel("creates a new client in the caller's reach"),
    "GET /api/v1/clients/{client_id}": Op(CLIENT),
    "PATCH /api/v1/clients/{client_id}": Op(
        CLIENT, body=lambda w: {"home_municipality": "Tampere"}, ok=("worker",)
    ),
    "GET /api/v1/clients/{client_id}/workers": Op(CLIENT),
    "POST /api/v1/clients/{client_id}/workers": Op(
        CLIENT, body=lambda w: {"staff_id": w.people["coach_none"].id}, ok=("worker",)
    ),
    "DELETE /api/v1/clients/{client_id}/workers/{staff_id}": Op(
        {"client_id": "client", "staff_id": "demoted"}, ok=("worker",)
    ),
    "GET /api/v1/clients/{client_id}/pathway": Op(CLIENT),
    "GET /api/v1/clients/{client_id}/consents": Op(CLIENT),
    "POST /api/v1/clients/{client_id}/consents": Op(
        CLIENT, body=lambda w: {"purpose": "sms_reminders"}, ok=("worker",)
    ),
    "POST /api/v1/consents/{consent_id}/revoke": Op(
        {"consent_id": "consent_email"}, body=lambda w: {}, ok=("worker",)
    ),
    "GET /api/v1/clients/{client_id}/audit": Op(CLIENT, ok=("admin",)),
    "PUT /api/v1/clients/{client_id}/esf-entry": Op(
        CLIENT, body=lambda w: {"disability": "declined"}, ok=("worker",)
    ),
    "GET /api/v1/clients/{client_id}/esf-entry": Op(CLIENT),
    "GET /api/v1/programmes": NotClientLevel("groups, no client in them"),
    "POST /api/v1/programmes": NotClientLevel("groups"),
    "GET /api/v1/programmes/{programme_id}": NotClientLevel("a group: counts, no clients"),
    "PATCH /api/v1/programmes/{programme_id}": NotClientLevel("groups"),
    "POST /api/v1/programmes/{programme_id}/cancel": NotClientLevel("groups"),
    "GET /api/v1/sessions/{session_id}": NotClientLevel("a group's session"),
    "PATCH /api/v1/sessions/{session_id}": NotClientLevel("a group's session"),
    "GET /api/v1/sessions/{session_id}/changes": NotClientLevel("a session's moves"),
    "POST /api/v1/sessions/{session_id}/cancel": NotClientLevel("a group's session"),
    "GET /api/v1/programmes/{programme_id}/enrolments": Op(
        {"programme_id": "programme"}, lists=True
    ),
    "POST /api/v1/programmes/{programme_id}/enrolments": Op(
        {"programme_id": "other_programme"},
        body=lambda w: {"client_id": w.ids["client"]},
        ok=("admin",),
    ),
    "POST /api/v1/enrolments/{enrolment_id}/withdraw": Op(
        {"enrolment_id": "enrolment"}, body=lambda w: {"reason": "Muutto"}, ok=("facilitator",)
    ),
    "GET /api/v1/enrolments/{enrolment_id}/feedback": Op({"enrolment_id": "enrolment"}),
    "PUT /api/v1/enrolments/{enrolment_id}/feedback": Op(
        {"enrolment_id": "enrolment"},
        body=lambda w: {"got_support": True, "new_plans": False},
        ok=("facilitator",),
    ),
    # Support is given by the group's managers to a client they reach; outside reach the
    # client is not found (404), whoever asks.
    "POST /api/v1/sessions/{session_id}/support": Op(
        {"session_id": "session"},
        body=lambda w: {"client_id": w.ids["client"], "kind": "meal", "amount_eur": 6.5},
        ok=("facilitator", "admin"),
    ),
    "DELETE /api/v1/support/{support_id}": Op({"support_id": "support"}, ok=("facilitator",)),
    # The programme's list shows the entries about clients in the caller's reach.
    "GET /api/v1/programmes/{programme_id}/support": Op({"programme_id": "programme"}, lists=True),
    # Staff participants: staff, not clients; taking part gives no reach to the group's
    # clients (tests/api/test_programme_kinds.py walks what a participant sees).
    "POST /api/v1/programmes/{programme_id}/participants": NotClientLevel("a group's staff"),
    "GET /api/v1/programmes/{programme_id}/participants": NotClientLevel("a group's staff"),
    "DELETE /api/v1/programmes/{programme_id}/participants/{staff_id}": NotClientLevel(
        "a group's staff"
    ),
    # A memo naming a client in full or carrying an identity code is refused
    # (tests/api/test_memos.py): it holds nothing of any one client.
    "PUT /api/v1/sessions/{session_id}/memo": NotClientLevel("a meeting's memo, no client in it"),
    "GET /api/v1/sessions/{session_id}/memo": NotClientLevel("a meeting's memo, no client in it"),
    "PUT /api/v1/sessions/{session_id}/workers-present": NotClientLevel("staff who came"),
    "GET /api/v1/sessions/{session_id}/workers-present": NotClientLevel("staff who came"),
    "GET /api/v1/sessions/{session_id}/attendance": Op({"session_id": "session"}, lists=True),
    # The session is the group's, not the client's: outside reach a client named in the
    # list reads as not enrolled (422), in the same words as one who does not exist.
    "PUT /api/v1/sessions/{session_id}/attendance": Op(
        {"session_id": "session"},
        body=lambda w: {"records": [{"client_id": w.ids["client"], "status": "absent"}]},
        ok=("facilitator",),
        outside=frozenset({403, 422}),
    ),
    "PATCH /api/v1/sessions/{session_id}/attendance": Op(
        {"session_id": "session"},
        body=lambda w: {"records": [{"client_id": w.ids["client"], "status": "excused"}]},
        ok=("facilitator",),
        outside=frozenset({403, 422}),
    ),
    "GET /api/v1/attention": Op(lists=True, ok=("worker",)),
    "GET /api/v1/clients/{client_id}/plans": Op(CLIENT),
    "POST /api/v1/clients/{client_id}/plans": Op(
        CLIENT,
        body=lambda w: {
            "kind": "job_coaching",
            "coach_ids": [w.people["plan_coach"].id],
            "starts_on": days_from_today(0),
        },
        ok=("admin",),
    ),
    # Every plan of the clients the caller reaches (?mine=true: tests/api/test_mine.py).
    "GET /api/v1/plans": Op(lists=True),
    "GET /api/v1/plans/{plan_id}": Op(PLAN),
    "PATCH /api/v1/plans/{plan_id}": Op(
        PLAN,
        body=lambda w: {"ends_on": days_from_today(60)},
        ok=("plan_coach",),
        headers=ANY_VERSION,
    ),
    "POST /api/v1/plans/{plan_id}/goals": Op(
        PLAN,
        body=lambda w: {"title": "Nukkuu hyvin", "baseline": -2, "levels": _LEVELS},
        ok=("plan_coach",),
    ),
    "GET /api/v1/goals/{goal_id}": Op({"goal_id": "goal"}),
    "PATCH /api/v1/goals/{goal_id}": Op(
        {"goal_id": "goal"},
        body=lambda w: {"weight": 2},
        ok=("plan_coach",),
        headers=ANY_VERSION,
    ),
    "POST /api/v1/goals/{goal_id}/ratings": Op(
        {"goal_id": "goal"},
        body=lambda w: {"level": 0, "rated_on": days_from_today(0)},
        ok=("plan_coach",),
    ),
    "GET /api/v1/plans/{plan_id}/gas": Op(PLAN),
    "PUT /api/v1/plans/{plan_id}/continuation": Op(
        PLAN,
        body=lambda w: {"next_step": "education", "description": "Ammattikoulu"},
        ok=("plan_coach",),
    ),
    "POST /api/v1/plans/{plan_id}/meetings": Op(
        PLAN, body=lambda w: {"starts_at": _at(5, 9), "ends_at": _at(5, 10)}, ok=("plan_coach",)
    ),
    "PATCH /api/v1/meetings/{meeting_id}": Op(
        {"meeting_id": "meeting"},
        body=lambda w: {"starts_at": _at(4, 9), "ends_at": _at(4, 10)},
        ok=("plan_coach",),
    ),
    "POST /api/v1/meetings/{meeting_id}/cancel": Op(
        {"meeting_id": "meeting"}, body=lambda w: {"reason": "Sairas"}, ok=("plan_coach",)
    ),
    "GET /api/v1/plans/{plan_id}/notes": Op(PLAN, ok=("plan_coach", "admin")),
    "POST /api/v1/plans/{plan_id}/notes": Op(
        PLAN, body=lambda w: {"body": "Luottamuksellinen"}, ok=("plan_coach",)
    ),
    "POST /api/v1/plans/{plan_id}/assessment-requests": Op(
        PLAN, body=lambda w: {"instrument": "work_ability"}, ok=("plan_coach",)
    ),
    "GET /api/v1/instruments": NotClientLevel("assessment instruments"),
    "POST /api/v1/instruments": NotClientLevel("assessment instruments"),
    "GET /api/v1/questionnaires": NotClientLevel("questionnaire definitions"),
    "POST /api/v1/questionnaires": NotClientLevel("questionnaire definitions (admins)"),
    "GET /api/v1/programmes/{programme_id}/questionnaire-rounds": NotClientLevel(
        "a group's rounds: dates and forms, no answers, no people"
    ),
    "POST /api/v1/programmes/{programme_id}/questionnaire-rounds": NotClientLevel(
        "opens a round for a group (its facilitators and admins)"
    ),
    "POST /api/v1/questionnaire-rounds/{round_id}/answers": NotClientLevel(
        "the calling staff member's own answers"
    ),
    "GET /api/v1/questionnaire-rounds/{round_id}/results": NotClientLevel(
        "figures by role with cells under 5 suppressed; text only where 5 or more, unnamed"
    ),
    "GET /api/v1/clients/{client_id}/assessments": Op(CLIENT),
    "POST /api/v1/clients/{client_id}/assessments": Op(
        CLIENT,
        body=lambda w: {
            "instrument": "work_ability",
            "assessed_on": days_from_today(0),
            "answers": _WORK_ABILITY_ANSWERS,
        },
        ok=("plan_coach",),
    ),
    "GET /api/v1/clients/{client_id}/strengths-cv": Op(CLIENT),
    "PUT /api/v1/clients/{client_id}/strengths-cv": Op(
        CLIENT, body=lambda w: {"summary": "Täsmällinen"}, ok=("plan_coach",)
    ),
    "GET /api/v1/clients/{client_id}/strengths-cv.html": Op(CLIENT),
    "GET /api/v1/services": NotClientLevel("the service catalogue"),
    "POST /api/v1/services": NotClientLevel("the service catalogue"),
    "GET /api/v1/services/{service_id}": NotClientLevel("the service catalogue"),
    "PATCH /api/v1/services/{service_id}": NotClientLevel("the service catalogue"),
    "GET /api/v1/referrals": Op(
        lists=True,
        query={"client_id": "{client}"},
        ok=("worker", "admin", "plan_coach", "facilitator", "receiving"),
    ),
    "POST /api/v1/referrals": Op(
        body=lambda w: {
            "client_id": w.ids["client"],
            "service_id": w.ids["own_service"],
            "reason": "Työkokeilu",
        },
        ok=("worker",),
    ),
    "GET /api/v1/referrals/{referral_id}": Op(
        {"referral_id": "referral"},
        ok=("worker", "admin", "plan_coach", "facilitator", "receiving"),
    ),
    "POST /api/v1/referrals/{referral_id}/status": Op(
        {"referral_id": "referral"}, body=lambda w: {"status": "accepted"}, ok=("receiving",)
    ),
    "GET /api/v1/notices": Op(lists=True, ok=("worker",)),
    "POST /api/v1/notices/{notice_id}/read": Op({"notice_id": "notice"}, ok=("worker",)),
    "GET /api/v1/reports/programmes/{programme_id}": NotClientLevel(
        "figures; exact only for staff whose organisation may see every client of the group"
    ),
    "GET /api/v1/reports/outcomes": NotClientLevel("figures with small groups suppressed"),
    "GET /api/v1/reports/esf-participants.csv": NotClientLevel(
        "codes and dates of an organisation's participants, for its admins"
    ),
    "GET /api/v1/reports/support": NotClientLevel(
        "costs by programme and kind; counts of people under five suppressed"
    ),
    "GET /api/v1/clients/{client_id}/messages": Op(CLIENT),
    "POST /api/v1/clients/{client_id}/exits": Op(
        CLIENT,
        body=lambda w: {"left_on": days_from_today(0), "situation": "employed"},
        ok=("worker",),
    ),
    "GET /api/v1/clients/{client_id}/exits": Op(CLIENT),
    "GET /api/v1/clients/{client_id}/follow-ups": Op(CLIENT),
    "PUT /api/v1/follow-ups/{follow_up_id}": Op(
        {"follow_up_id": "follow_up"},
        body=lambda w: {
            "situation": "education",
            "recorded_on": days_from_today(0),
            "source": "worker",
        },
        ok=("worker",),
    ),
    "POST /api/v1/clients/{client_id}/calendar-feed": Op(CLIENT, ok=("worker",)),
    "DELETE /api/v1/clients/{client_id}/calendar-feed": Op(CLIENT, ok=("worker",)),
    "POST /api/v1/me/calendar-feed": NotClientLevel("the caller's own calendar"),
    "DELETE /api/v1/me/calendar-feed": NotClientLevel("the caller's own calendar"),
    "POST /api/v1/programmes/{programme_id}/calendar-feed": NotClientLevel("a group's sessions"),
    "DELETE /api/v1/programmes/{programme_id}/calendar-feed": NotClientLevel("a group's sessions"),
    "POST /api/v1/clients/{client_id}/page-link": Op(CLIENT, ok=("worker",)),
    "DELETE /api/v1/clients/{client_id}/page-link": Op(CLIENT, ok=("worker",)),
    # As the session's attendance: the group's session, its answers of clients in reach.
    "GET /api/v1/sessions/{session_id}/rsvps": Op({"session_id": "session"}, lists=True),
    # As the meeting's plan: the client's own.
    "GET /api/v1/meetings/{meeting_id}/rsvps": Op({"meeting_id": "meeting"}),
    # Each persona's own day: checked here that no one outside reach sees the client in
    # it; what each relationship shows is tests/api/test_worklist.py's.
    "GET /api/v1/me/worklist": Op(lists=True, ok=()),
    "POST /api/v1/sms/inbound": NotClientLevel(
        "the SMS gateway's callback, signed by the gateway; no staff member calls it and it "
        "answers only how the reply was handled (tests/api/test_sms_inbound.py)"
    ),
    # Sent to the client's e-mail, which the world's client has with its consent.
    "POST /api/v1/clients/{client_id}/page-link/send": Op(
        CLIENT, body=lambda w: {"channel": "email"}, ok=("worker",)
    ),
    # As recording the session's attendance: its managers only (403 for others), and a
    # manager outside the client's reach excuses and sees none of the client's.
    "POST /api/v1/sessions/{session_id}/attendance/excuse-answered": Op(
        {"session_id": "session"}, ok=("facilitator",), outside=frozenset({200, 403})
    ),
    # Closing ends the reach of everyone but the admins: one close per world, by the
    # responsible worker (an admin closing it again would hear 409).
    "POST /api/v1/clients/{client_id}/close": Op(
        CLIENT, body=lambda w: {"closed_on": days_from_today(0), "reason": "Muutto"}, ok=("worker",)
    ),
    "POST /api/v1/clients/{client_id}/legal-hold": Op(
        CLIENT, body=lambda w: {"reason": "Valitus vireillä"}, ok=("admin",)
    ),
    "DELETE /api/v1/clients/{client_id}/legal-hold": Op(CLIENT, ok=("admin",)),
    "GET /api/v1/clients/{client_id}/legal-holds": Op(CLIENT, ok=("admin",)),
    # Data rights: the export and answering an access request are for admins of the
    # client's own organisation; anyone in reach records a request.
    "GET /api/v1/clients/{client_id}/export": Op(CLIENT, ok=("admin",)),
    "POST /api/v1/clients/{client_id}/access-requests": Op(
        CLIENT, body=lambda w: {"received_on": days_from_today(0)}, ok=("worker",)
    ),
    "GET /api/v1/clients/{client_id}/access-requests": Op(CLIENT),
    # An admin's organisation's requests: other staff 403, other organisations' admins
    # an answer without the client.
    "GET /api/v1/access-requests": Op(ok=("admin",), outside=frozenset({200, 403})),
    "POST /api/v1/access-requests/{access_request_id}/answer": Op(
        {"access_request_id": "access_request"}, ok=("admin",)
    ),
    "GET /feeds/{filename}": NotClientLevel(
        "a calendar behind its own secret link, with no health or social data"
    ),
}


def test_every_operation_has_a_row(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    operations = {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert sorted(operations - TABLE.keys()) == [], "give each new operation its row"
    assert sorted(TABLE.keys() - operations) == [], "rows for operations that are gone"


CLIENT_LEVEL = sorted(key for key, row in TABLE.items() if isinstance(row, Op))
# Reads change nothing, so they share one world; each change gets a world of its own.
READS = [key for key in CLIENT_LEVEL if key.startswith("GET ")]
CHANGES = [key for key in CLIENT_LEVEL if not key.startswith("GET ")]


async def _call(api: AsyncClient, key: str, op: Op, world: World, who: Person) -> Response:
    method, template = key.split(" ", 1)
    path = template
    for name, source in op.params.items():
        value = world.people[source].id if source in world.people else world.ids[source]
        path = path.replace("{" + name + "}", value)
    query = {k: v.format(**world.ids) for k, v in op.query.items()}
    body = op.body(world) if op.body else None
    return await api.request(
        method, path, params=query, json=body, headers={**who.headers, **op.headers}
    )


async def _walk(api: AsyncClient, world: World, key: str) -> list[tuple[str, str, int, str]]:
    """What went wrong for one operation: out of reach, anything but the row's refusal or
    any trace of the client; in reach, the row's staff not succeeding."""
    op = TABLE[key]
    assert isinstance(op, Op)
    client_id = world.ids["client"]
    wrong = []
    for name in OUT_OF_REACH:
        response = await _call(api, key, op, world, world.people[name])
        expected = {401} if name == "deactivated" else ({200} if op.lists else op.outside)
        leaked = client_id in response.text or SURNAME in response.text
        if response.status_code not in expected or leaked:
            wrong.append((key, name, response.status_code, "leaks the client" if leaked else ""))
    for name in op.ok:
        response = await _call(api, key, op, world, world.people[name])
        shown = not op.lists or client_id in response.text
        if not 200 <= response.status_code < 300 or not shown:
            wrong.append((key, name, response.status_code, response.text[:200]))
    return wrong


async def test_reach_decides_every_client_level_read(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    world = await _build_world(api, make, db)
    wrong = [problem for key in READS for problem in await _walk(api, world, key)]
    assert wrong == []


@pytest.mark.parametrize("key", CHANGES)
async def test_reach_decides_every_client_level_change(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, key: str
) -> None:
    world = await _build_world(api, make, db)
    assert await _walk(api, world, key) == []
