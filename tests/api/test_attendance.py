"""Attendance per held session, and repeated absence flagged to responsible workers."""

from __future__ import annotations

from typing import Any

import asyncpg
from httpx import AsyncClient

from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person


async def group_with_history(api: AsyncClient, make: Factory) -> tuple[Person, Person, dict, list]:
    """A programme that started four weeks ago (sessions 1–4 held), two clients in it.

    Holiday weeks are not skipped: one among the past weeks would move a held session
    into the future, and which sessions are held would depend on the day the tests run.
    """
    coach = await make.staff("coach")
    worker = await make.staff("referrer")
    programme = await create_programme(
        api,
        coach,
        first_session_date=days_from_today(-22),
        contact_ids=[worker.id],
        skip_public_holidays=False,
    )
    clients = [await make.client(worker), await make.client(worker)]
    for client_id in clients:
        # The municipal worker's clients, shared with the group's organisation.
        await make.consent(
            client_id, "data_sharing", worker, organisation_ids=[coach.organisation_id]
        )
        assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    return coach, worker, programme, clients


async def put(api: AsyncClient, coach: Person, session: dict, records: list[Any]) -> Any:
    return await api.put(
        f"/api/v1/sessions/{session['id']}/attendance",
        json={"records": [{"client_id": c, "status": s} for c, s in records]},
        headers=coach.headers,
    )


async def test_recording_is_idempotent_and_replaces_the_session_list(
    api: AsyncClient, make: Factory
) -> None:
    coach, worker, programme, (anna, ben) = await group_with_history(api, make)
    session = programme["sessions"][0]
    first = await put(api, coach, session, [(anna, "present"), (ben, "excused")])
    assert first.status_code == 200, first.text
    again = await put(api, coach, session, [(anna, "present"), (ben, "excused")])
    assert [(r["client_id"], r["status"]) for r in again.json()["records"]] == sorted(
        [(anna, "present"), (ben, "excused")]
    )
    assert again.json()["records"] == first.json()["records"]
    only_anna = await put(api, coach, session, [(anna, "remote")])
    assert [(r["client_id"], r["status"]) for r in only_anna.json()["records"]] == [
        (anna, "remote")
    ]
    read = await api.get(f"/api/v1/sessions/{session['id']}/attendance", headers=worker.headers)
    assert [r["status"] for r in read.json()["records"]] == ["remote"]


async def test_only_held_sessions_and_enrolled_clients(api: AsyncClient, make: Factory) -> None:
    coach, worker, programme, (anna, _) = await group_with_history(api, make)
    future = programme["sessions"][6]
    assert (await put(api, coach, future, [(anna, "present")])).status_code == 409
    held = programme["sessions"][1]
    stranger = await make.client(coach)
    unknown = await put(api, coach, held, [(anna, "present"), (stranger, "present")])
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "records[1].client_id"
    twice = await put(api, coach, held, [(anna, "present"), (anna, "absent")])
    assert twice.json()["errors"][0]["field"] == "records[1].client_id"
    bad_status = await put(api, coach, held, [(anna, "asleep")])
    assert bad_status.status_code == 422
    by_contact = await put(api, worker, held, [(anna, "present")])
    assert by_contact.status_code == 403


async def test_cancelled_session_takes_no_attendance(api: AsyncClient, make: Factory) -> None:
    coach, _, programme, (anna, _) = await group_with_history(api, make)
    future = programme["sessions"][5]
    await api.post(
        f"/api/v1/sessions/{future['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    assert (await put(api, coach, future, [(anna, "present")])).status_code == 409


async def test_two_absences_in_a_row_flag_the_client_until_they_come_back(
    api: AsyncClient, make: Factory
) -> None:
    coach, worker, programme, (anna, ben) = await group_with_history(api, make)
    s1, s2, s3, s4 = programme["sessions"][:4]
    await put(api, coach, s1, [(anna, "absent"), (ben, "absent")])
    await put(api, coach, s2, [(anna, "absent"), (ben, "excused")])

    async def flagged() -> list[tuple[str, str]]:
        response = await api.get("/api/v1/attention", headers=worker.headers)
        assert response.status_code == 200
        return [(f["client_id"], f["since"]) for f in response.json()["items"]]

    flags = await flagged()
    assert [client for client, _ in flags] == [anna]
    assert flags[0][1][:10] == s2["starts_at"][:10]
    # The coach does not answer for these clients: nothing on their list.
    coach_list = await api.get("/api/v1/attention", headers=coach.headers)
    assert coach_list.json()["items"] == []
    await put(api, coach, s3, [(anna, "absent"), (ben, "present")])
    assert [client for client, _ in await flagged()] == [anna]
    await put(api, coach, s4, [(anna, "present"), (ben, "absent")])
    assert await flagged() == []


async def test_correcting_an_absence_resolves_the_flag_it_raised(
    api: AsyncClient, make: Factory
) -> None:
    coach, worker, programme, (anna, _) = await group_with_history(api, make)
    s1, s2, s3 = programme["sessions"][:3]

    async def flagged() -> list[str]:
        response = await api.get("/api/v1/attention", headers=worker.headers)
        return [f["client_id"] for f in response.json()["items"]]

    await put(api, coach, s1, [(anna, "absent")])
    await put(api, coach, s2, [(anna, "absent")])
    assert await flagged() == [anna]
    await put(api, coach, s2, [(anna, "excused")])  # she had called in after all
    assert await flagged() == []
    await put(api, coach, s2, [(anna, "absent")])
    assert await flagged() == [anna]
    await put(api, coach, s2, [])  # recorded in the wrong session
    assert await flagged() == []
    # An excused absence after two unexcused ones is no return: the flag stays.
    await put(api, coach, s2, [(anna, "absent")])
    await put(api, coach, s3, [(anna, "excused")])
    assert await flagged() == [anna]


async def test_attendance_is_on_the_pathway(api: AsyncClient, make: Factory) -> None:
    coach, worker, programme, (anna, _) = await group_with_history(api, make)
    await put(api, coach, programme["sessions"][0], [(anna, "present")])
    pathway = await api.get(f"/api/v1/clients/{anna}/pathway", headers=worker.headers)
    kinds = [e["kind"] for e in pathway.json()["events"]]
    assert kinds.index("enrolment.enrolled") >= 0
    assert "attendance.recorded" in kinds


async def test_every_record_returned_or_changed_is_audited(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, worker, programme, (anna, ben) = await group_with_history(api, make)
    s1, s2 = programme["sessions"][:2]

    async def audited() -> list[tuple[str, str, str]]:
        rows = await db.fetch(
            "SELECT actor_id, action, client_id FROM audit_events "
            "WHERE client_id = ANY ($1::uuid[]) AND action LIKE 'att%' ORDER BY id",
            [anna, ben],
        )
        return [(row["actor_id"], row["action"], row["client_id"]) for row in rows]

    await put(api, coach, s1, [(anna, "absent"), (ben, "present")])
    first = await audited()
    assert sorted(first) == sorted(
        (coach.id, action, client)
        for action in ("attendance.record", "attendance.read")
        for client in (anna, ben)
    )
    # Only Ben's record changes, but the answer shows Anna's too.
    await put(api, coach, s1, [(anna, "absent"), (ben, "remote")])
    assert sorted((await audited())[len(first) :]) == sorted(
        [
            (coach.id, "attendance.record", ben),
            (coach.id, "attendance.read", anna),
            (coach.id, "attendance.read", ben),
        ]
    )
    seen = len(await audited())
    await api.get(f"/api/v1/sessions/{s1['id']}/attendance", headers=worker.headers)
    assert sorted((await audited())[seen:]) == sorted(
        [(worker.id, "attendance.read", anna), (worker.id, "attendance.read", ben)]
    )
    await put(api, coach, s2, [(anna, "absent")])
    seen = len(await audited())
    await api.get("/api/v1/attention", headers=worker.headers)
    assert (await audited())[seen:] == [(worker.id, "attention.read", anna)]


async def test_patch_changes_only_the_people_named(api: AsyncClient, make: Factory) -> None:
    coach, worker, programme, (anna, ben) = await group_with_history(api, make)
    s1, s2 = programme["sessions"][:2]
    await put(api, coach, s1, [(anna, "absent"), (ben, "present")])
    await put(api, coach, s2, [(anna, "present"), (ben, "present")])
    # Anna was excused for the first session after all: Ben's record stays.
    excused = await api.patch(
        f"/api/v1/sessions/{s1['id']}/attendance",
        json={"records": [{"client_id": anna, "status": "excused"}]},
        headers=coach.headers,
    )
    assert excused.status_code == 200, excused.text
    assert [(r["client_id"], r["status"]) for r in excused.json()["records"]] == sorted(
        [(anna, "excused"), (ben, "present")]
    )
    # A second absence after an excused one raises no flag: the patch counted.
    await api.patch(
        f"/api/v1/sessions/{s2['id']}/attendance",
        json={"records": [{"client_id": anna, "status": "absent"}]},
        headers=coach.headers,
    )
    flags = await api.get("/api/v1/attention", headers=worker.headers)
    assert flags.json()["items"] == []
    read = await api.get(f"/api/v1/sessions/{s2['id']}/attendance", headers=worker.headers)
    assert [(r["client_id"], r["status"]) for r in read.json()["records"]] == sorted(
        [(anna, "absent"), (ben, "present")]
    )
    # The same refusals as PUT: a client not in the group names the record.
    stranger = await make.client(worker)
    refused = await api.patch(
        f"/api/v1/sessions/{s2['id']}/attendance",
        json={"records": [{"client_id": stranger, "status": "present"}]},
        headers=coach.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "records[0].client_id"
