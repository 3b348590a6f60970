"""Idempotency-Key: a repeat answers the first answer and creates nothing; the key is the
caller's own, bound to one request, and counts for 24 hours."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import httpx
from httpx import AsyncClient

from service.base.idempotency import Answer, Claim, key_digest
from tests.api.coaching import coached_client
from tests.api.programmes import create_programme, enrol
from tests.factories import PASSWORD, Factory, Person

CLIENT = {"first_name": "Aino", "last_name": "Virtanen", "language": "fi"}


def keyed(person: Person, key: str) -> dict[str, str]:
    return {**person.headers, "Idempotency-Key": key}


async def count(db: asyncpg.Connection, table: str) -> int:
    number: int = await db.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
    return number


def refused_key(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]


async def test_a_repeat_answers_the_first_answer_and_creates_nothing(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    first = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "k-1"))
    assert first.status_code == 201, first.text
    audit_rows = await count(db, "audit_events")

    # The same body, serialised another way: other key order, other spacing.
    same = b'{ "language":"fi", "last_name": "Virtanen",  "first_name":"Aino" }'
    headers = {**keyed(coach, "k-1"), "Content-Type": "application/json"}
    repeats = [
        await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "k-1")),
        await api.post("/api/v1/clients", content=same, headers=headers),
    ]

    for repeat in repeats:
        assert repeat.status_code == 201
        assert repeat.content == first.content
        assert repeat.headers["content-type"] == first.headers["content-type"]
    assert await count(db, "clients") == 1
    assert await count(db, "client_workers") == 1
    assert await count(db, "audit_events") == audit_rows
    assert await count(db, "idempotency_keys") == 1


async def test_the_first_answers_headers_are_replayed(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, client_id = await coached_client(make)
    body = {"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "2026-09-01"}
    path = f"/api/v1/clients/{client_id}/plans"
    first = await api.post(path, json=body, headers=keyed(coach, "plan"))
    assert first.status_code == 201, first.text
    # The plan changes in between: the repeat still answers what the first one did.
    await db.execute("UPDATE plans SET version = version + 1")

    repeat = await api.post(path, json=body, headers=keyed(coach, "plan"))

    assert repeat.status_code == 201
    assert repeat.content == first.content
    assert repeat.headers["etag"] == first.headers["etag"]
    assert await count(db, "plans") == 1


async def test_a_status_change_takes_the_key_too(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    enrolment = (await enrol(api, coach, programme["id"], await make.client(coach))).json()
    path = f"/api/v1/enrolments/{enrolment['id']}/withdraw"

    first = await api.post(path, json={"reason": "moved"}, headers=keyed(coach, "w"))
    repeat = await api.post(path, json={"reason": "moved"}, headers=keyed(coach, "w"))
    unkeyed = await api.post(path, json={"reason": "moved"}, headers=coach.headers)

    assert first.status_code == 200, first.text
    assert (repeat.status_code, repeat.content) == (200, first.content)
    assert unkeyed.status_code == 409  # without the key, a retry is a second withdrawal


async def test_the_same_key_with_another_body_answers_422(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    first = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "k"))
    assert first.status_code == 201

    other = {**CLIENT, "first_name": "Eino"}
    refused_key(await api.post("/api/v1/clients", json=other, headers=keyed(coach, "k")))
    assert await count(db, "clients") == 1


async def test_the_same_key_on_another_path_answers_422(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    first_client, second_client = await make.client(coach), await make.client(coach)
    consent = {"purpose": "email_reminders"}
    given = await api.post(
        f"/api/v1/clients/{first_client}/consents", json=consent, headers=keyed(coach, "k")
    )
    assert given.status_code == 201, given.text

    # The same body for another client: not the same request.
    elsewhere = f"/api/v1/clients/{second_client}/consents"
    refused_key(await api.post(elsewhere, json=consent, headers=keyed(coach, "k")))
    assert await count(db, "consents") == 1
    consented = await api.post(elsewhere, json=consent, headers=keyed(coach, "k2"))
    assert consented.status_code == 201, consented.text


async def test_keys_of_different_staff_members_are_independent(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, colleague = await make.staff("coach"), await make.staff("coach")

    mine = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "shared"))
    theirs = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(colleague, "shared"))

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["organisation_id"] == colleague.organisation_id
    # Each repeat gets its own first answer.
    for person, first in [(coach, mine), (colleague, theirs)]:
        repeat = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(person, "shared"))
        assert repeat.content == first.content
    assert await count(db, "clients") == 2


async def test_a_failed_first_request_leaves_no_key(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    stranger, their_client = await coached_client(make)
    assert stranger.id != coach.id
    plan = {"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "2026-09-01"}

    # Refused by the handler (a client outside reach), and by the body's own check.
    out_of_reach = await api.post(
        f"/api/v1/clients/{their_client}/plans", json=plan, headers=keyed(coach, "a")
    )
    invalid = await api.post(
        "/api/v1/clients", json={"first_name": "Aino"}, headers=keyed(coach, "b")
    )

    assert (out_of_reach.status_code, invalid.status_code) == (404, 422)
    assert await count(db, "idempotency_keys") == 0
    # A retry runs anew, corrected body and all.
    retried = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "b"))
    assert retried.status_code == 201, retried.text
    repeat = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "b"))
    assert repeat.content == retried.content
    assert await count(db, "clients") == 2  # the stranger's and the retried one


async def test_only_a_successful_answer_is_kept(make: Factory, db: asyncpg.Connection) -> None:
    """No handler answers a failure without raising (which rolls back) today; one that
    did would still leave no key."""
    coach = await make.staff("coach")
    for status in [409, 201]:
        claim = Claim(cast(Any, None), coach.id, key_digest(f"k{status}"), b"request")
        async with db.transaction():
            await claim.take(db)
            claim.answer = Answer(status, "application/json", [("etag", '"1"')], b"{}")
            await claim.settle(db)
    kept = await db.fetch("SELECT status, headers, body FROM idempotency_keys")
    assert [tuple(row) for row in kept] == [(201, [["etag", '"1"']], b"{}")]


async def test_a_key_counts_for_24_hours(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    first = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "day"))
    await db.execute(
        "UPDATE idempotency_keys SET created_at = now() - interval '23 hours 59 minutes'"
    )
    within = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "day"))
    assert within.content == first.content

    await db.execute("UPDATE idempotency_keys SET created_at = now() - interval '24 hours'")
    other = {**CLIENT, "first_name": "Eino"}
    after = await api.post("/api/v1/clients", json=other, headers=keyed(coach, "day"))
    again = await api.post("/api/v1/clients", json=other, headers=keyed(coach, "day"))

    assert after.status_code == 201, after.text
    assert after.json()["first_name"] == "Eino"
    assert again.content == after.content
    assert await count(db, "clients") == 2
    assert await count(db, "idempotency_keys") == 1


async def test_a_malformed_key_answers_422_naming_the_header(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    # Sign-in first: without a token, nothing about the request is judged.
    anonymous = {"Idempotency-Key": "x" * 300}
    assert (await api.post("/api/v1/clients", json=CLIENT, headers=anonymous)).status_code == 401
    coach = await make.staff("coach")
    for key in [b"x" * 256, "ä".encode("latin-1"), b"tab\there", b"del\x7f"]:
        headers: dict[str, str | bytes] = {**coach.headers, "Idempotency-Key": key}
        refused_key(await api.post("/api/v1/clients", json=CLIENT, headers=headers))
    twice = [*coach.headers.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    refused_key(await api.post("/api/v1/clients", json=CLIENT, headers=twice))
    longest = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "x" * 255))
    assert longest.status_code == 201, longest.text
    assert await count(db, "clients") == 1


async def test_operations_without_the_key_ignore_it(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    login = {"email": coach.email, "password": PASSWORD}
    tokens = [
        await api.post("/api/v1/auth/token", json=login, headers={"Idempotency-Key": "t"})
        for _ in range(2)
    ]
    feeds = [
        await api.post("/api/v1/me/calendar-feed", headers=keyed(coach, "feed")) for _ in range(2)
    ]

    assert [t.status_code for t in tokens] == [200, 200]
    assert tokens[0].json() != tokens[1].json()
    # A feed link is a secret: calling again issues a new one rather than keep a copy.
    assert [f.status_code for f in feeds] == [201, 201]
    assert feeds[0].json() != feeds[1].json()
    assert await count(db, "idempotency_keys") == 0


async def test_the_openapi_document_names_the_operations_that_take_it(
    api: AsyncClient,
) -> None:
    document = (await api.get("/schema/openapi.json")).json()
    taking: dict[str, Any] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            if "Idempotency-Key" in names:
                taking[f"{method.upper()} {path}"] = operation
    assert set(taking) == {
        "POST /api/v1/organisations",
        "POST /api/v1/users",
        "POST /api/v1/clients",
        "POST /api/v1/clients/{client_id}/workers",
        "POST /api/v1/clients/{client_id}/consents",
        "POST /api/v1/consents/{consent_id}/revoke",
        "POST /api/v1/programmes",
        "POST /api/v1/programmes/{programme_id}/cancel",
        "POST /api/v1/sessions/{session_id}/cancel",
        "POST /api/v1/programmes/{programme_id}/enrolments",
        "POST /api/v1/enrolments/{enrolment_id}/withdraw",
        "POST /api/v1/clients/{client_id}/plans",
        "POST /api/v1/plans/{plan_id}/goals",
        "POST /api/v1/goals/{goal_id}/ratings",
        "POST /api/v1/plans/{plan_id}/meetings",
        "POST /api/v1/meetings/{meeting_id}/cancel",
        "POST /api/v1/plans/{plan_id}/notes",
        "POST /api/v1/instruments",
        "POST /api/v1/clients/{client_id}/assessments",
        "POST /api/v1/plans/{plan_id}/assessment-requests",
        "POST /api/v1/services",
        "POST /api/v1/referrals",
        "POST /api/v1/referrals/{referral_id}/status",
        # A repeat must not send the client a second message with yet another link; the
        # answer kept holds no link, only the channel and the times.
        "POST /api/v1/clients/{client_id}/page-link/send",
        "POST /api/v1/clients/{client_id}/exits",
        "POST /api/v1/programmes/{programme_id}/participants",
        "POST /api/v1/clients/{client_id}/access-requests",
        "POST /api/v1/clients/{client_id}/close",
        "POST /api/v1/clients/{client_id}/legal-hold",
        "POST /api/v1/sessions/{session_id}/support",
        "POST /api/v1/questionnaires",
        "POST /api/v1/programmes/{programme_id}/questionnaire-rounds",
        # An anonymous round's answer is not echoed, so the answer kept for a repeat
        # holds nothing that links it to the person.
        "POST /api/v1/questionnaire-rounds/{round_id}/answers",
    }
    for operation in taking.values():
        assert "422" in operation["responses"]
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert (parameter["in"], parameter["required"]) == ("header", False)
        assert parameter["schema"]["maxLength"] == 255


async def test_a_role_change_ends_the_replays_of_earlier_answers(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """An answer kept for repeats was shown under the caller's old roles: once those
    change, the same key runs anew under the new ones."""
    coach = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    first = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "k-roles"))
    assert first.status_code == 201, first.text
    demoted = await api.patch(
        f"/api/v1/users/{coach.id}", json={"roles": ["analyst"]}, headers=admin.headers
    )
    assert demoted.status_code == 200, demoted.text
    again = await api.post("/api/v1/clients", json=CLIENT, headers=keyed(coach, "k-roles"))
    assert again.status_code == 403
    assert first.json()["last_name"] not in again.text
    assert await count(db, "clients") == 1
