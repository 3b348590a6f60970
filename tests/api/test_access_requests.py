"""Access requests (GDPR art. 15): recorded by staff who reach the client, due one
calendar month on, listed for the organisation's admins as open, late or answered, late
ones in the admins' work list, and answered with the export."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import asyncpg
from httpx import AsyncClient

from service.base.clock import today_in_finland
from service.composers.export.rules import due_on
from tests.factories import Factory, Person


async def ask(api: AsyncClient, who: Person, client_id: str, received_on: date) -> dict:
    response = await api.post(
        f"/api/v1/clients/{client_id}/access-requests",
        json={"received_on": received_on.isoformat()},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text
    body: dict = response.json()
    return body


async def listed(api: AsyncClient, who: Person, **params: str) -> list[dict]:
    response = await api.get("/api/v1/access-requests", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    items: list[dict] = response.json()["items"]
    return items


async def test_a_request_is_due_one_calendar_month_on(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen")
    today = today_in_finland()
    request = await ask(api, worker, client_id, today)
    assert request["due_on"] == due_on(today).isoformat()
    assert request["status"] == "open"
    assert request["recorded_by"] == worker.id
    assert request["answered_at"] is None
    assert request["export_url"] == f"/api/v1/clients/{client_id}/export"
    mine = await api.get(f"/api/v1/clients/{client_id}/access-requests", headers=worker.headers)
    assert mine.status_code == 200, mine.text
    assert [(r["id"], r["status"]) for r in mine.json()["items"]] == [(request["id"], "open")]
    actions = await db.fetch(
        "SELECT action, subject_id FROM audit_events WHERE client_id = $1 AND actor_id = $2 "
        "AND action = 'access_request.create'",
        client_id,
        worker.id,
    )
    assert [(r["action"], r["subject_id"]) for r in actions] == [
        ("access_request.create", request["id"])
    ]


async def test_invalid_requests_name_the_field_and_strangers_hear_404(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    stranger = await make.staff("coach")
    client_id = await make.client(worker)
    path = f"/api/v1/clients/{client_id}/access-requests"
    tomorrow = (today_in_finland() + timedelta(days=1)).isoformat()
    for body, field in [
        ({"received_on": tomorrow}, "received_on"),
        ({"received_on": "1999-12-31"}, "received_on"),
        ({"received_on": "not a day"}, "received_on"),
        ({}, "received_on"),
    ]:
        response = await api.post(path, json=body, headers=worker.headers)
        assert response.status_code == 422, (body, response.text)
        assert field in str(response.json()["errors"]), response.text
    outside = await api.post(
        path, json={"received_on": today_in_finland().isoformat()}, headers=stranger.headers
    )
    assert outside.status_code == 404
    assert (await api.get(path, headers=stranger.headers)).status_code == 404
    unknown = await api.post(
        "/api/v1/access-requests/00000000-0000-0000-0000-000000000001/answer",
        headers=stranger.headers,
    )
    assert unknown.status_code == 404


async def test_admins_list_their_organisations_requests_open_late_and_answered(
    api: AsyncClient, make: Factory
) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation)
    other_admin = await make.staff("admin")
    anna = await make.client(worker, first_name="Anna", last_name="Salainen")
    ben = await make.client(worker, first_name="Ben", last_name="Testinen")
    today = today_in_finland()
    late = await ask(api, worker, anna, today - timedelta(days=40))
    fresh = await ask(api, worker, ben, today - timedelta(days=2))
    answered = await ask(api, worker, ben, today - timedelta(days=20))
    done = await api.post(f"/api/v1/access-requests/{answered['id']}/answer", headers=admin.headers)
    assert done.status_code == 200, done.text

    assert late["status"] == "late"
    everything = await listed(api, admin)
    assert [(r["id"], r["status"]) for r in everything] == [
        (late["id"], "late"),
        (answered["id"], "answered"),
        (fresh["id"], "open"),
    ]  # by due day
    assert everything[0]["client_name"] == "Anna S."
    assert [r["id"] for r in await listed(api, admin, status="late")] == [late["id"]]
    assert [r["id"] for r in await listed(api, admin, status="open")] == [fresh["id"]]
    assert [r["id"] for r in await listed(api, admin, status="answered")] == [answered["id"]]
    first = await api.get("/api/v1/access-requests?limit=1", headers=admin.headers)
    second = await api.get(
        "/api/v1/access-requests",
        params={"limit": 1, "cursor": first.json()["next_cursor"]},
        headers=admin.headers,
    )
    assert [r["id"] for r in second.json()["items"]] == [answered["id"]]

    assert await listed(api, other_admin) == []
    refused = await api.get("/api/v1/access-requests", headers=worker.headers)
    assert refused.status_code == 403
    wrong = await api.get("/api/v1/access-requests?status=forgotten", headers=admin.headers)
    assert wrong.status_code == 422
    assert "status" in wrong.text


async def test_a_late_request_is_in_the_admins_work_list(api: AsyncClient, make: Factory) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation)
    anna = await make.client(worker, first_name="Anna", last_name="Salainen")
    today = today_in_finland()
    late = await ask(api, worker, anna, today - timedelta(days=35))
    await ask(api, worker, anna, today - timedelta(days=3))

    day = (await api.get("/api/v1/me/worklist", headers=admin.headers)).json()
    assert [(r["id"], r["client_name"]) for r in day["late_access_requests"]] == [
        (late["id"], "Anna S.")
    ]
    assert "Salainen" not in str(day)
    mine = (await api.get("/api/v1/me/worklist", headers=worker.headers)).json()
    assert mine["late_access_requests"] == []
    answered = await api.post(f"/api/v1/access-requests/{late['id']}/answer", headers=admin.headers)
    assert answered.status_code == 200
    after = (await api.get("/api/v1/me/worklist", headers=admin.headers)).json()
    assert after["late_access_requests"] == []


async def test_answering_attaches_the_export_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation)
    stranger = await make.staff("admin")
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen")
    request = await ask(api, worker, client_id, today_in_finland() - timedelta(days=5))
    path = f"/api/v1/access-requests/{request['id']}/answer"

    assert (await api.post(path, headers=stranger.headers)).status_code == 404
    assert (await api.post(path, headers=worker.headers)).status_code == 403
    response = await api.post(path, headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["access_request"]["status"] == "answered"
    assert body["access_request"]["answered_by"] == admin.id
    assert body["export"]["record"]["last_name"] == "Salainen"
    assert [r["id"] for r in body["export"]["access_requests"]] == [request["id"]]
    stored = await db.fetchrow(
        "SELECT answered_by, answered_at, export_sha256 FROM access_requests WHERE id = $1",
        request["id"],
    )
    assert stored["answered_by"] == admin.id and stored["answered_at"] is not None
    # The digest kept is that of the export as given: the bytes of the answer's export.
    given = response.content[response.content.index(b'"export":') + len(b'"export":') : -1]
    assert hashlib.sha256(given).digest() == stored["export_sha256"]
    assert body["export_sha256"] == stored["export_sha256"].hex()

    again = await api.post(path, headers=admin.headers)
    assert again.status_code == 409
    actions = await db.fetch(
        "SELECT action, detail FROM audit_events WHERE client_id = $1 AND actor_id = $2 "
        "ORDER BY id",
        client_id,
        admin.id,
    )
    assert [(r["action"], r["detail"]) for r in actions] == [
        ("client.export", {"format": "access_request"}),
        ("access_request.answer", None),
    ]
