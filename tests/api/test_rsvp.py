"""Answers on the client's page ("I'll come" / "I can't come"): the round trip, history
kept and the latest winning, the form token, answers refused once the session has
started or for sessions that are not the client's, the client as the actor in the audit
trail, and the staff's lists of answers, filtered by reach."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient

from tests.api.client_page import answer, form_token, in_group, page_client, page_link, read_page
from tests.api.coaching import create_plan
from tests.api.programmes import create_programme
from tests.api.test_meetings import plan_meeting
from tests.factories import Factory


async def test_an_answer_round_trip_keeps_the_history(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    session_id = programme["sessions"][0]["id"]
    path = await page_link(api, worker, client_id)

    coming = await answer(api, path, "coming", session_id=session_id)
    assert coming.status_code == 303, coming.text
    assert coming.headers["location"] == path
    assert "Vastauksesi: Tulen" in await read_page(api, path)

    changed = await answer(api, path, "not_coming", session_id=session_id)
    assert changed.status_code == 303
    assert "Vastauksesi: En pääse" in await read_page(api, path)
    history = await db.fetch("SELECT answer, via FROM rsvps ORDER BY id")
    assert [tuple(r) for r in history] == [("coming", "page"), ("not_coming", "page")]

    listed = await api.get(f"/api/v1/sessions/{session_id}/rsvps", headers=worker.headers)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert (item["client_id"], item["answer"], item["via"]) == (client_id, "not_coming", "page")
    assert item["answered_at"]


async def test_the_language_asked_for_stays_after_answering(
    api: AsyncClient, make: Factory
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    token = form_token(await read_page(api, path, lang="sv"))
    answered = await api.post(
        f"{path}/rsvp",
        data={
            "answer": "coming",
            "form_token": token,
            "session_id": programme["sessions"][0]["id"],
            "lang": "sv",
        },
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == f"{path}?lang=sv"


async def test_a_meeting_is_answered_and_listed(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    plan = await create_plan(api, worker, client_id)
    meeting = await plan_meeting(api, worker, plan["id"])
    path = await page_link(api, worker, client_id)
    answered = await answer(api, path, "not_coming", meeting_id=meeting["id"])
    assert answered.status_code == 303, answered.text
    listed = await api.get(f"/api/v1/meetings/{meeting['id']}/rsvps", headers=worker.headers)
    assert listed.status_code == 200
    assert [(i["client_id"], i["answer"]) for i in listed.json()["items"]] == [
        (client_id, "not_coming")
    ]


async def test_a_missing_or_wrong_form_token_is_refused(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    session_id = programme["sessions"][0]["id"]
    path = await page_link(api, worker, client_id)
    other_worker, other_client = await page_client(make)
    await in_group(api, make, other_worker, other_client)
    other_path = await page_link(api, other_worker, other_client)
    others_token = form_token(await read_page(api, other_path))
    own = form_token(await read_page(api, path))
    stale_window = str(int(own.split(".")[0]) - 2)
    for token in ("", "nonsense", others_token, f"{stale_window}.{own.split('.')[1]}"):
        refused = await answer(api, path, "coming", token=token, session_id=session_id)
        assert refused.status_code == 403, token
        assert refused.headers["content-type"].startswith("text/html")
        assert "Avaa sivu uudelleen" in refused.text
    missing = await api.post(f"{path}/rsvp", data={"answer": "coming", "session_id": session_id})
    assert missing.status_code == 403
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 0


async def test_an_answer_after_the_start_is_refused_politely(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    session_id = programme["sessions"][0]["id"]
    path = await page_link(api, worker, client_id)
    token = form_token(await read_page(api, path))
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '5 minutes', "
        "ends_at = now() + interval '1 hour' WHERE id = $1",
        session_id,
    )
    late = await answer(api, path, "not_coming", token=token, session_id=session_id)
    assert late.status_code == 409
    assert "on jo alkanut" in late.text and "soita työntekijällesi" in late.text
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 0
    assert "Tapaaminen on jo alkanut." in await read_page(api, path)


async def test_only_the_clients_own_sessions_and_meetings_are_answered(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    unrelated = await create_programme(api, worker)
    other_client = await make.client(worker)
    others_plan = await create_plan(api, worker, other_client)
    others_meeting = await plan_meeting(api, worker, others_plan["id"])
    cases = [
        {"session_id": unrelated["sessions"][0]["id"]},
        {"meeting_id": others_meeting["id"]},
        {"session_id": "not-an-id"},
        {"meeting_id": "00000000-0000-0000-0000-000000000000"},
    ]
    for item in cases:
        refused = await answer(api, path, "coming", **item)
        assert refused.status_code == 404, item
        assert "ei löydy sivultasi" in refused.text
    for bad in ({"answer": "maybe"}, {}):
        token = form_token(await read_page(api, path))
        refused = await api.post(f"{path}/rsvp", data={"form_token": token, **bad})
        assert refused.status_code == 400
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 0
    dead = await api.post("/p/pp_nothing/rsvp", data={"answer": "coming"})
    assert dead.status_code == 404 and "uusi linkki" in dead.text


async def test_the_client_is_the_actor_of_an_answer(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    session_id = programme["sessions"][0]["id"]
    path = await page_link(api, worker, client_id)
    assert (await answer(api, path, "coming", session_id=session_id)).status_code == 303
    row = await db.fetchrow(
        "SELECT * FROM audit_events WHERE action = 'rsvp.answer' AND client_id = $1", client_id
    )
    assert row["actor_id"] is None and str(row["actor_client_id"]) == client_id
    assert (str(row["client_id"]), row["subject_type"], row["subject_id"]) == (
        client_id,
        "session",
        session_id,
    )
    assert row["detail"] == {"answer": "coming", "via": "page"} and row["request_id"]

    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    trail = await api.get(f"/api/v1/clients/{client_id}/audit", headers=admin.headers)
    assert trail.status_code == 200
    (event,) = [e for e in trail.json()["items"] if e["action"] == "rsvp.answer"]
    assert (event["actor_kind"], event["actor_client_id"], event["actor_id"]) == (
        "client",
        client_id,
        None,
    )
    staff_events = [e for e in trail.json()["items"] if e["action"] != "rsvp.answer"]
    assert {e["actor_kind"] for e in staff_events} == {"staff"}


async def test_rsvp_lists_show_only_clients_in_reach(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    session_id = programme["sessions"][0]["id"]
    plan = await create_plan(api, worker, client_id)
    meeting = await plan_meeting(api, worker, plan["id"])
    path = await page_link(api, worker, client_id)
    assert (await answer(api, path, "coming", session_id=session_id)).status_code == 303
    assert (await answer(api, path, "coming", meeting_id=meeting["id"])).status_code == 303

    stranger = await make.staff("coach")
    analyst = await make.staff("analyst", organisation_id=worker.organisation_id)
    for who in (stranger, analyst):
        listed = await api.get(f"/api/v1/sessions/{session_id}/rsvps", headers=who.headers)
        assert (listed.status_code, listed.json()["items"]) == (200, [])
        hidden = await api.get(f"/api/v1/meetings/{meeting['id']}/rsvps", headers=who.headers)
        assert hidden.status_code == 404 and client_id not in hidden.text
    for unknown in ("00000000-0000-0000-0000-000000000000", "nonsense"):
        for kind in ("sessions", "meetings"):
            missing = await api.get(f"/api/v1/{kind}/{unknown}/rsvps", headers=worker.headers)
            assert missing.status_code == 404
