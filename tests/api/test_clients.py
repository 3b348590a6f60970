"""Clients: creation, reach (404 outside it, audited), edits, search and pagination."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient

from tests.api.coaching import add_goal, coached_client, create_plan, rate
from tests.factories import Factory


async def audit_rows(db: asyncpg.Connection, client_id: str) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT actor_id, action, outcome, request_id FROM audit_events "
        "WHERE client_id = $1 ORDER BY id",
        client_id,
    )


async def test_creator_becomes_responsible_and_can_read(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    response = await api.post(
        "/api/v1/clients",
        json={"first_name": " Jari ", "last_name": "Mäkinen", "language": "fi"},
        headers=worker.headers,
    )
    assert response.status_code == 201, response.text
    client = response.json()
    assert client["first_name"] == "Jari"
    assert client["organisation_id"] == worker.organisation_id
    assert client["plain_language"] is False
    read = await api.get(f"/api/v1/clients/{client['id']}", headers=worker.headers)
    assert read.status_code == 200
    assert read.json()["last_name"] == "Mäkinen"
    workers = await api.get(f"/api/v1/clients/{client['id']}/workers", headers=worker.headers)
    assert [w["staff_id"] for w in workers.json()] == [worker.id]
    actions = [(row["action"], row["actor_id"]) for row in await audit_rows(db, client["id"])]
    assert actions[:2] == [("client.create", worker.id), ("client.read", worker.id)]


async def test_client_outside_reach_is_404_and_the_refusal_is_audited(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    owner = await make.staff("referrer")
    stranger = await make.staff("coach")
    client_id = await make.client(owner)
    response = await api.get(
        f"/api/v1/clients/{client_id}",
        headers={**stranger.headers, "X-Request-ID": "req-outside-1"},
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
    rows = await audit_rows(db, client_id)
    assert [(r["actor_id"], r["action"], r["outcome"], r["request_id"]) for r in rows] == [
        (stranger.id, "client.read", "denied", "req-outside-1")
    ]


async def test_unknown_and_malformed_ids_are_404(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    for client_id in ["00000000-0000-0000-0000-000000000000", "not-an-id", "1"]:
        response = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
        assert response.status_code == 404, client_id


async def test_colleague_in_same_organisation_does_not_see_client(
    api: AsyncClient, make: Factory
) -> None:
    owner = await make.staff("referrer")
    colleague = await make.staff("referrer", organisation_id=owner.organisation_id)
    client_id = await make.client(owner)
    response = await api.get(f"/api/v1/clients/{client_id}", headers=colleague.headers)
    assert response.status_code == 404


async def test_admin_reaches_clients_of_own_organisation_only(
    api: AsyncClient, make: Factory
) -> None:
    owner = await make.staff("referrer")
    admin = await make.staff("admin", organisation_id=owner.organisation_id)
    other_admin = await make.staff("admin")
    client_id = await make.client(owner)
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=admin.headers)).status_code == 200
    other = await api.get(f"/api/v1/clients/{client_id}", headers=other_admin.headers)
    assert other.status_code == 404


async def test_analyst_cannot_create_or_read_clients(api: AsyncClient, make: Factory) -> None:
    analyst = await make.staff("analyst")
    response = await api.post(
        "/api/v1/clients", json={"first_name": "A", "last_name": "B"}, headers=analyst.headers
    )
    assert response.status_code == 403
    owner = await make.staff("referrer", organisation_id=analyst.organisation_id)
    client_id = await make.client(owner)
    response = await api.get(f"/api/v1/clients/{client_id}", headers=analyst.headers)
    assert response.status_code == 404


async def test_added_worker_gains_reach_and_last_worker_stays(
    api: AsyncClient, make: Factory
) -> None:
    owner = await make.staff("referrer")
    coach = await make.staff("coach", organisation_id=owner.organisation_id)
    client_id = await make.client(owner)
    added = await api.post(
        f"/api/v1/clients/{client_id}/workers", json={"staff_id": coach.id}, headers=owner.headers
    )
    assert added.status_code == 201, added.text
    assert {w["staff_id"] for w in added.json()} == {owner.id, coach.id}
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)).status_code == 200
    removed = await api.delete(
        f"/api/v1/clients/{client_id}/workers/{owner.id}", headers=coach.headers
    )
    assert removed.status_code == 204
    last = await api.delete(
        f"/api/v1/clients/{client_id}/workers/{coach.id}", headers=coach.headers
    )
    assert last.status_code == 409
    gone = await api.get(f"/api/v1/clients/{client_id}", headers=owner.headers)
    assert gone.status_code == 404


async def test_patch_changes_only_given_fields_and_null_clears(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker, email="old@example.org", phone="+358 40 1")
    response = await api.patch(
        f"/api/v1/clients/{client_id}",
        json={"email": None, "plain_language": True, "language": "sv"},
        headers=worker.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] is None
    assert body["phone"] == "+358 40 1"
    assert body["plain_language"] is True
    assert body["language"] == "sv"
    detail = await db.fetchval(
        "SELECT detail FROM audit_events WHERE client_id = $1 AND action = 'client.update'",
        client_id,
    )
    assert detail == {"fields": ["email", "language", "plain_language"]}


async def test_patch_rejects_bad_values_naming_the_field(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    cases = {
        "birth_date": {"birth_date": "2999-01-01"},
        "timezone": {"timezone": "Mars/Olympus_Mons"},
        "language": {"language": "de"},
        "first_name": {"first_name": None},
    }
    for field, body in cases.items():
        response = await api.patch(
            f"/api/v1/clients/{client_id}", json=body, headers=worker.headers
        )
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"] == field


async def test_list_pages_through_reachable_clients_by_name(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    stranger = await make.staff("referrer")
    names = ["Aalto", "Björk", "Heikkinen", "Korhonen", "Mäkinen"]
    for last_name in reversed(names):
        await make.client(worker, last_name=last_name)
    await make.client(stranger, last_name="Aaltonen")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/api/v1/clients", params=params, headers=worker.headers)).json()
        seen += [client["last_name"] for client in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names
    logged = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE actor_id = $1 AND action = 'client.list'",
        worker.id,
    )
    assert logged == len(names)


async def test_search_matches_every_word_anywhere_in_the_name(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    await make.client(worker, first_name="Anna", last_name="Virtanen")
    await make.client(worker, first_name="Anna", last_name="Korhonen")
    await make.client(worker, first_name="Pekka", last_name="Virtanen")
    await make.client(worker, first_name="Percent", last_name="100%_off")

    async def search(q: str) -> list[str]:
        response = await api.get("/api/v1/clients", params={"q": q}, headers=worker.headers)
        assert response.status_code == 200
        return [f"{c['first_name']} {c['last_name']}" for c in response.json()["items"]]

    assert await search("anna virta") == ["Anna Virtanen"]
    assert await search("VIRTANEN") == ["Anna Virtanen", "Pekka Virtanen"]
    assert await search("honen") == ["Anna Korhonen"]
    assert await search("%") == ["Percent 100%_off"]
    assert await search("nobody") == []


async def test_garbage_cursor_is_422(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    response = await api.get("/api/v1/clients", params={"cursor": "!!!"}, headers=worker.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


async def test_pathway_lists_creation_and_consents_in_time_order(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    consent = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders"},
        headers=worker.headers,
    )
    await api.post(
        f"/api/v1/consents/{consent.json()['id']}/revoke",
        json={"reason": "client asked"},
        headers=worker.headers,
    )
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=worker.headers)
    assert pathway.status_code == 200
    kinds = [event["kind"] for event in pathway.json()["events"]]
    assert kinds == ["client.created", "consent.given", "consent.revoked"]


async def test_pathway_events_of_one_moment_come_in_the_order_they_happen(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    await rate(api, coach, (await add_goal(api, coach, plan["id"]))["id"], 1)
    # As when one transaction (an import, the demo) records them all.
    moment = await db.fetchval("SELECT created_at FROM clients WHERE id = $1", client_id)
    await db.execute("UPDATE plans SET created_at = $1 WHERE client_id = $2", moment, client_id)
    await db.execute("UPDATE goal_ratings SET created_at = $1", moment)
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=coach.headers)
    kinds = [event["kind"] for event in pathway.json()["events"]]
    assert kinds == ["client.created", "plan.created", "goal.rated"]


async def test_only_the_zones_of_places_are_taken(api: AsyncClient, make: Factory) -> None:
    """The server's own zone, a placeholder and the POSIX and leap-second copies of real
    zones are refused: each would put the client's times off in every calendar."""
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    url = f"/api/v1/clients/{client_id}"
    for name in ("localtime", "Factory", "posixrules", "right/Europe/Helsinki", "posix/UTC"):
        response = await api.patch(url, json={"timezone": name}, headers=worker.headers)
        assert response.status_code == 422, (name, response.text)
        assert response.json()["errors"][0]["field"] == "timezone"
    for name in ("Europe/Stockholm", "America/New_York", "Etc/GMT-2", "UTC"):
        response = await api.patch(url, json={"timezone": name}, headers=worker.headers)
        assert response.status_code == 200, (name, response.text)


async def test_names_are_one_line_without_control_characters(
    api: AsyncClient, make: Factory
) -> None:
    """A line break in a name once made the client's calendar feed answer 500."""
    worker = await make.staff("referrer")
    for name in ("Anna\nMaria", "Anna\r", "\tAnna", "Anna\x00", "Anna\u2028", "Anna\x85"):
        created = await api.post(
            "/api/v1/clients",
            json={"first_name": name, "last_name": "Testinen"},
            headers=worker.headers,
        )
        assert created.status_code == 422, (name, created.text)
        assert created.json()["errors"][0]["field"] == "first_name"
    kept = await api.post(
        "/api/v1/clients",
        json={"first_name": "Anna-Liisa", "last_name": "Ääkköset, 'Ståhlberg'; \\ test"},
        headers=worker.headers,
    )
    assert kept.status_code == 201, kept.text
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    programme = await api.post(
        "/api/v1/programmes",
        json={
            "title": "Arjen\ntaidot",
            "organisation_id": coach.organisation_id,
            "first_session_date": "2027-01-04",
            "start_time": "10:00",
            "duration_minutes": 60,
            "capacity": 8,
            "location": {"name": "Paikka"},
            "facilitator_ids": [coach.id],
        },
        headers=coach.headers,
    )
    assert programme.status_code == 422, programme.text
    assert programme.json()["errors"][0]["field"] == "title"
