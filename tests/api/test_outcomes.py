"""Outcomes over time: the situation upon leaving (four weeks to record it, the latest
counting) and the follow-up six months on, asked once by the daily pass, answered by an
SMS reply with a number or recorded by a worker, overdue after 14 days unanswered."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import asyncpg
from httpx import AsyncClient

from service.base.clock import today_in_finland
from service.outcomes import follow_ups
from service.outcomes.rules import follow_up_due
from tests.api.client_page import form_token, page_client, page_link
from tests.api.programmes import create_programme, enrol
from tests.api.sms import handled_as
from tests.api.test_client_page_personal import opened
from tests.factories import Factory, Person, zone_where_the_hour_is

PHONE = "+358 40 555 0142"


async def client_who_left(
    api: AsyncClient, make: Factory, **fields: str
) -> tuple[Person, dict, str]:
    worker = await make.staff("coach", name="Aino Ohjaaja")
    programme = await create_programme(api, worker)
    client_id = await make.client(worker, first_name="Anna", **fields)
    assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    return worker, programme, client_id


async def record_exit(api: AsyncClient, worker: Person, client_id: str, **body: object) -> dict:
    response = await api.post(
        f"/api/v1/clients/{client_id}/exits",
        json={"left_on": today_in_finland().isoformat(), "situation": "job_seeking", **body},
        headers=worker.headers,
    )
    assert response.status_code == 201, response.text
    exit_: dict = response.json()
    return exit_


async def listed_follow_ups(api: AsyncClient, worker: Person, client_id: str) -> list[dict]:
    response = await api.get(f"/api/v1/clients/{client_id}/follow-ups", headers=worker.headers)
    assert response.status_code == 200, response.text
    items: list[dict] = response.json()["items"]
    return items


def test_six_months_on_is_the_same_day_or_the_months_last() -> None:
    assert follow_up_due(date(2027, 3, 10)) == date(2027, 9, 10)
    assert follow_up_due(date(2027, 8, 31)) == date(2028, 2, 29)
    assert follow_up_due(date(2027, 12, 31)) == date(2028, 6, 30)


async def test_an_exit_is_recorded_within_four_weeks_of_leaving(
    api: AsyncClient, make: Factory
) -> None:
    worker, programme, client_id = await client_who_left(api, make)
    today = today_in_finland()
    path = f"/api/v1/clients/{client_id}/exits"
    for left_on, why in [
        (today - timedelta(days=29), "four weeks"),
        (today + timedelta(days=1), "future"),
    ]:
        refused = await api.post(
            path,
            json={"left_on": left_on.isoformat(), "situation": "employed"},
            headers=worker.headers,
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "left_on"
        assert why in refused.json()["errors"][0]["message"]
    other = await create_programme(api, worker)
    wrong = await api.post(
        path,
        json={"left_on": today.isoformat(), "situation": "employed", "programme_id": other["id"]},
        headers=worker.headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "programme_id"
    bad = await api.post(
        path, json={"left_on": today.isoformat(), "situation": "retired"}, headers=worker.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "situation"
    four_weeks = today - timedelta(days=28)
    await record_exit(
        api, worker, client_id, left_on=four_weeks.isoformat(), programme_id=programme["id"]
    )


async def test_the_latest_exit_counts_and_moves_the_one_follow_up(
    api: AsyncClient, make: Factory
) -> None:
    worker, programme, client_id = await client_who_left(api, make)
    today = today_in_finland()
    first = await record_exit(
        api, worker, client_id, left_on=(today - timedelta(days=3)).isoformat()
    )
    second = await record_exit(
        api, worker, client_id, situation="employed", programme_id=programme["id"]
    )
    listed = await api.get(f"/api/v1/clients/{client_id}/exits", headers=worker.headers)
    assert [e["id"] for e in listed.json()["items"]] == [second["id"], first["id"]]
    [follow_up] = await listed_follow_ups(api, worker, client_id)
    assert follow_up["exit_id"] == second["id"]
    assert follow_up["due_on"] == follow_up_due(today).isoformat()
    assert (follow_up["status"], follow_up["overdue"]) == ("scheduled", False)
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=worker.headers)
    exits = [e for e in pathway.json()["events"] if e["kind"] == "exit.recorded"]
    assert [e["details"]["situation"] for e in exits] == ["job_seeking", "employed"]


async def test_two_passes_at_once_ask_each_question_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, owner_pool: asyncpg.Pool
) -> None:
    asked_clients = []
    for _ in range(3):
        worker, _, client_id = await client_who_left(api, make, phone=PHONE)
        await make.consent(client_id, "sms_reminders", worker)
        await record_exit(api, worker, client_id)
        asked_clients.append(client_id)
    later_worker, _, not_yet = await client_who_left(api, make)
    await record_exit(api, later_worker, not_yet)
    await db.execute(
        "UPDATE follow_ups SET due_on = $2 WHERE client_id = ANY ($1::uuid[])",
        asked_clients,
        today_in_finland(),
    )

    async def one_pass() -> int:
        async with owner_pool.acquire() as conn, conn.transaction():
            return await follow_ups.ask_due(conn)

    results = await asyncio.gather(*(one_pass() for _ in range(4)))
    assert sorted(results) == [0, 0, 0, 3]
    questions = await db.fetch(
        "SELECT client_id, channel FROM messages WHERE kind = 'follow_up' ORDER BY client_id"
    )
    assert [tuple(q) for q in questions] == [(c, "sms") for c in sorted(asked_clients)]
    statuses = await db.fetch("SELECT client_id, status FROM follow_ups")
    assert {r["client_id"]: r["status"] for r in statuses}[not_yet] == "scheduled"
    audited = await db.fetch(
        "SELECT client_id, actor_id, detail FROM audit_events "
        "WHERE action = 'follow_up.ask' AND client_id = ANY ($1::uuid[]) ORDER BY client_id",
        [*asked_clients, not_yet],
    )
    assert [(r["client_id"], r["actor_id"], r["detail"]) for r in audited] == [
        (c, None, {"channel": "sms"}) for c in sorted(asked_clients)
    ]


async def test_the_client_answers_six_months_on_with_a_number(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await client_who_left(
        sms_api, make, phone=PHONE, timezone=zone_where_the_hour_is(*range(9, 20)).key
    )
    await make.consent(client_id, "sms_reminders", worker)
    await record_exit(sms_api, worker, client_id)
    await db.execute("UPDATE follow_ups SET due_on = current_date - 1")
    assert await follow_ups.ask_due(db) == 1
    await db.execute(
        "UPDATE messages SET status = 'sent', sent_at = now() WHERE kind = 'follow_up'"
    )
    assert await handled_as(sms_api, "+358405550142", "2.") == "follow_up"
    [follow_up] = await listed_follow_ups(sms_api, worker, client_id)
    assert (follow_up["status"], follow_up["situation"], follow_up["source"]) == (
        "answered",
        "education",
        "client",
    )
    pathway = await sms_api.get(f"/api/v1/clients/{client_id}/pathway", headers=worker.headers)
    kinds = [e["kind"] for e in pathway.json()["events"]]
    assert kinds.index("exit.recorded") < kinds.index("follow_up.asked")
    [six_months] = [e for e in pathway.json()["events"] if e["kind"] == "follow_up.recorded"]
    assert six_months["details"] == {"situation": "education", "source": "client"}
    actors = await db.fetch(
        "SELECT actor_client_id FROM audit_events "
        "WHERE action = 'follow_up.answer' AND client_id = $1",
        client_id,
    )
    assert [r["actor_client_id"] for r in actors] == [client_id]
    # Anything but a number is for a person, as always.
    assert await handled_as(sms_api, "+358405550142", "Kiitos kysymästä") == "forwarded"


async def test_an_unanswered_question_becomes_the_workers_after_14_days(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await client_who_left(api, make)
    await record_exit(api, worker, client_id)
    await db.execute("UPDATE follow_ups SET due_on = current_date - 15")
    assert await follow_ups.ask_due(db) == 1
    # No consent to ask on: asked all the same, with no message, so that it falls due.
    assert await db.fetchval("SELECT count(*) FROM messages WHERE kind = 'follow_up'") == 0
    detail = await db.fetchval(
        "SELECT detail FROM audit_events WHERE action = 'follow_up.ask' AND client_id = $1",
        client_id,
    )
    assert detail == {"channel": None}
    await db.execute("UPDATE follow_ups SET asked_at = now() - interval '15 days'")
    [follow_up] = await listed_follow_ups(api, worker, client_id)
    assert (follow_up["status"], follow_up["overdue"]) == ("asked", True)
    recorded = await api.put(
        f"/api/v1/follow-ups/{follow_up['id']}",
        json={
            "situation": "employed",
            "recorded_on": today_in_finland().isoformat(),
            "source": "worker",
        },
        headers=worker.headers,
    )
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["status"], recorded.json()["overdue"]) == ("answered", False)
    future = await api.put(
        f"/api/v1/follow-ups/{follow_up['id']}",
        json={
            "situation": "employed",
            "recorded_on": (today_in_finland() + timedelta(days=2)).isoformat(),
            "source": "worker",
        },
        headers=worker.headers,
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "recorded_on"
    stranger = await make.staff("coach")
    hidden = await api.put(
        f"/api/v1/follow-ups/{follow_up['id']}",
        json={"situation": "employed", "recorded_on": "2027-01-01", "source": "worker"},
        headers=stranger.headers,
    )
    assert hidden.status_code == 404


async def test_a_revoked_sms_consent_stops_the_question(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await client_who_left(api, make, phone=PHONE)
    consent_id = await make.consent(client_id, "sms_reminders", worker)
    await record_exit(api, worker, client_id)
    await db.execute("UPDATE follow_ups SET due_on = current_date")
    assert await follow_ups.ask_due(db) == 1
    revoked = await api.post(
        f"/api/v1/consents/{consent_id}/revoke", json={}, headers=worker.headers
    )
    assert revoked.status_code == 200, revoked.text
    status = await db.fetchval("SELECT status FROM messages WHERE kind = 'follow_up'")
    assert status == "skipped"


async def test_the_client_answers_six_months_on_on_their_page(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make, phone="+358 40 555 0143")
    await make.consent(client_id, "sms_reminders", worker)
    await record_exit(api, worker, client_id)
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    before = await api.get(f"{path}/me", headers=cookie)
    assert "Mitä sinulle kuuluu nyt?" not in before.text  # not asked yet
    await db.execute("UPDATE follow_ups SET due_on = current_date")
    assert await follow_ups.ask_due(db) == 1
    personal = await api.get(f"{path}/me", headers=cookie)
    assert "Mitä sinulle kuuluu nyt?" in personal.text and "Etsin työtä" in personal.text
    token = form_token(personal.text)
    answered = await api.post(
        f"{path}/me/follow-up",
        data={"form_token": token, "situation": "education"},
        headers=cookie,
    )
    assert answered.status_code == 200, answered.text
    assert "Kiitos vastauksestasi." in answered.text
    [follow_up] = await listed_follow_ups(api, worker, client_id)
    assert (follow_up["situation"], follow_up["source"]) == ("education", "client")
    again = await api.post(
        f"{path}/me/follow-up",
        data={"form_token": token, "situation": "employed"},
        headers=cookie,
    )
    assert again.status_code == 409
    forged = await api.post(
        f"{path}/me/follow-up", data={"form_token": "1.x", "situation": "employed"}, headers=cookie
    )
    assert forged.status_code == 403
    audited = await db.fetch(
        "SELECT actor_client_id, detail->>'via' AS via FROM audit_events "
        "WHERE action = 'follow_up.answer' AND client_id = $1",
        client_id,
    )
    assert [tuple(r) for r in audited] == [(client_id, "page")]
