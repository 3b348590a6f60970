"""Workers present: per session, which workers came; the group's report lists the
sessions held with none, which is how a coordinator notices a broken promise."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.api.programmes import create_programme, days_from_today
from tests.factories import Factory, Person


async def _group(api: AsyncClient, make: Factory) -> tuple[Person, Person, dict[str, Any]]:
    """A group whose first three meetings were held (15, 8 and 1 days ago), its coach
    and a municipal worker linked to it as a contact."""
    coach = await make.staff("coach")
    municipal = await make.staff("referrer", name="Kunnan Työntekijä")
    group = await create_programme(
        api,
        coach,
        first_session_date=days_from_today(-15),
        skip_public_holidays=False,
        contact_ids=[municipal.id],
    )
    return coach, municipal, group


async def test_workers_present_are_recorded_and_read(api: AsyncClient, make: Factory) -> None:
    coach, municipal, group = await _group(api, make)
    session = group["sessions"][0]["id"]
    path = f"/api/v1/sessions/{session}/workers-present"
    assert (await api.get(path, headers=coach.headers)).json()["workers"] == []
    recorded = await api.put(
        path, json={"staff_ids": [municipal.id, coach.id]}, headers=coach.headers
    )
    assert recorded.status_code == 200, recorded.text
    assert {w["staff_id"] for w in recorded.json()["workers"]} == {municipal.id, coach.id}
    # PUT replaces: the coach alone now.
    again = await api.put(path, json={"staff_ids": [coach.id]}, headers=coach.headers)
    assert [w["staff_id"] for w in again.json()["workers"]] == [coach.id]
    read = await api.get(path, headers=municipal.headers)
    assert read.status_code == 200, read.text
    assert read.json()["programme_id"] == group["id"]
    assert [w["staff_id"] for w in read.json()["workers"]] == [coach.id]


async def test_what_cannot_be_recorded(api: AsyncClient, make: Factory) -> None:
    coach, municipal, group = await _group(api, make)
    path = f"/api/v1/sessions/{group['sessions'][0]['id']}/workers-present"
    analyst = await make.staff("analyst")
    wrong = await api.put(
        path, json={"staff_ids": [municipal.id, analyst.id]}, headers=coach.headers
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["staff_ids[1]"]
    twice = await api.put(
        path, json={"staff_ids": [municipal.id, municipal.id]}, headers=coach.headers
    )
    assert [e["field"] for e in twice.json()["errors"]] == ["staff_ids[1]"]
    junk = await api.put(path, json={"staff_ids": ["x"]}, headers=coach.headers)
    assert [e["field"] for e in junk.json()["errors"]] == ["staff_ids[0]"]
    future = group["sessions"][5]["id"]
    early = await api.put(
        f"/api/v1/sessions/{future}/workers-present",
        json={"staff_ids": [coach.id]},
        headers=coach.headers,
    )
    assert early.status_code == 409
    # The contact reads who came; recording is the facilitators' and admins'.
    by_contact = await api.put(path, json={"staff_ids": [municipal.id]}, headers=municipal.headers)
    assert by_contact.status_code == 403
    outsider = await make.staff("coach")
    assert (await api.get(path, headers=outsider.headers)).status_code == 403
    missing = "/api/v1/sessions/00000000-0000-0000-0000-000000000000/workers-present"
    assert (await api.get(missing, headers=coach.headers)).status_code == 404


async def test_the_report_lists_sessions_held_with_no_worker(
    api: AsyncClient, make: Factory
) -> None:
    coach, municipal, group = await _group(api, make)
    sessions = group["sessions"]
    await api.put(
        f"/api/v1/sessions/{sessions[0]['id']}/workers-present",
        json={"staff_ids": [municipal.id]},
        headers=coach.headers,
    )
    cancelled = await api.post(
        f"/api/v1/sessions/{sessions[4]['id']}/cancel",
        json={"reason": "Sairastuminen"},
        headers=coach.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    report = await api.get(f"/api/v1/reports/programmes/{group['id']}", headers=coach.headers)
    assert report.status_code == 200, report.text
    body = report.json()
    missed = body["held_without_worker"]
    # Sessions 2 and 3 were held with nobody recorded; 1 had its worker; 4–8 are ahead.
    assert missed["count"] == 2
    assert [s["number"] for s in missed["sessions"]] == [2, 3]
    assert [s["id"] for s in missed["sessions"]] == [sessions[1]["id"], sessions[2]["id"]]
    assert [s["workers_present"] for s in body["per_session"]][:3] == [1, 0, 0]
    await api.put(
        f"/api/v1/sessions/{sessions[2]['id']}/workers-present",
        json={"staff_ids": [coach.id]},
        headers=coach.headers,
    )
    again = await api.get(f"/api/v1/reports/programmes/{group['id']}", headers=coach.headers)
    assert again.json()["held_without_worker"]["count"] == 1
