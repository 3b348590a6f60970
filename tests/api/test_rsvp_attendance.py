"""The clients' answers in a session's attendance, and one call that excuses the absence
of each client who said "I can't come" before the session began."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient

from tests.api.client_page import answer, in_group, page_client, page_link
from tests.api.programmes import enrol
from tests.factories import Factory


async def began_an_hour_ago(db: asyncpg.Connection, session_id: str) -> None:
    """The session began an hour ago; the answers given so far came two hours ago."""
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '1 hour', "
        "ends_at = now() + interval '1 hour' WHERE id = $1",
        session_id,
    )
    await db.execute(
        "UPDATE rsvps SET answered_at = now() - interval '2 hours' WHERE session_id = $1",
        session_id,
    )


async def test_attendance_shows_answers_and_excuses_those_who_said_they_cannot_come(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, anna = await page_client(make)
    programme = await in_group(api, make, worker, anna)
    session_id = programme["sessions"][0]["id"]
    others = {}
    for name in ("Came", "Coming", "Silent"):
        others[name] = await make.client(worker, first_name=name)
        await make.consent(others[name], "client_page", worker)
        assert (await enrol(api, worker, programme["id"], others[name])).status_code == 201
    answers = {anna: "not_coming", others["Came"]: "not_coming", others["Coming"]: "coming"}
    for client_id, given in answers.items():
        path = await page_link(api, worker, client_id)
        assert (await answer(api, path, given, session_id=session_id)).status_code == 303
    # The session has now begun; one who said "I can't come" came after all.
    await began_an_hour_ago(db, session_id)
    url = f"/api/v1/sessions/{session_id}/attendance"
    marked = await api.put(
        url,
        json={"records": [{"client_id": others["Came"], "status": "present"}]},
        headers=worker.headers,
    )
    assert marked.status_code == 200, marked.text
    assert {r["client_id"]: r["answer"] for r in marked.json()["rsvps"]} == answers

    read = await api.get(url, headers=worker.headers)
    assert read.status_code == 200, read.text
    assert {r["client_id"]: r["answer"] for r in read.json()["rsvps"]} == answers
    assert {r["via"] for r in read.json()["rsvps"]} == {"page"}

    excused = await api.post(f"{url}/excuse-answered", headers=worker.headers)
    assert excused.status_code == 200, excused.text
    assert excused.json()["excused"] == [anna]
    records = {r["client_id"]: r["status"] for r in excused.json()["records"]}
    assert records == {anna: "excused", others["Came"]: "present"}
    # Once is enough: nothing left to excuse, nothing else touched.
    again = await api.post(f"{url}/excuse-answered", headers=worker.headers)
    assert again.json()["excused"] == []
    assert {r["client_id"]: r["status"] for r in again.json()["records"]} == records
    recorded = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'attendance.record' AND client_id = $1",
        anna,
    )
    assert recorded == 1


async def test_an_absence_marked_is_excused_and_an_answer_after_the_start_is_not_enough(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, anna = await page_client(make)
    programme = await in_group(api, make, worker, anna)
    session_id = programme["sessions"][0]["id"]
    path = await page_link(api, worker, anna)
    url = f"/api/v1/sessions/{session_id}/attendance"

    # Before the session nothing is recorded yet, so nothing can be excused.
    assert (await answer(api, path, "not_coming", session_id=session_id)).status_code == 303
    early = await api.post(f"{url}/excuse-answered", headers=worker.headers)
    assert early.status_code == 409, early.text

    await began_an_hour_ago(db, session_id)
    absent = await api.put(
        url, json={"records": [{"client_id": anna, "status": "absent"}]}, headers=worker.headers
    )
    assert absent.status_code == 200, absent.text
    # An answer recorded after the start (say, by a reply the gateway was late with)
    # is not an absence announced in advance.
    await db.execute(
        "INSERT INTO rsvps (client_id, session_id, answer, via, answered_at) "
        "VALUES ($1, $2, 'not_coming', 'sms', now())",
        anna,
        session_id,
    )
    late = await api.post(f"{url}/excuse-answered", headers=worker.headers)
    assert late.json()["excused"] == []
    await db.execute("DELETE FROM rsvps WHERE via = 'sms'")
    excused = await api.post(f"{url}/excuse-answered", headers=worker.headers)
    assert excused.json()["excused"] == [anna]
    assert [r["status"] for r in excused.json()["records"]] == ["excused"]

    # Only the group's managers excuse, as only they record attendance.
    other_coach = await make.staff("coach", organisation_id=worker.organisation_id)
    await make.responsible(anna, other_coach)
    refused = await api.post(f"{url}/excuse-answered", headers=other_coach.headers)
    assert refused.status_code == 403, refused.text
    unknown = await api.post(
        "/api/v1/sessions/00000000-0000-0000-0000-000000000000/attendance/excuse-answered",
        headers=worker.headers,
    )
    assert unknown.status_code == 404, unknown.text
