"""Dates outside the years 2000–2100 answer 422 naming the field, never 500: Python's
dates end at the years 1 and 9999, and a week or a day on from there overflows."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response

from service.base.pagination import encode_cursor
from tests.api.coaching import add_goal, coached_client, create_plan
from tests.api.programmes import create_programme
from tests.factories import Factory

LAST = "9999-12-31T23:30:00Z"
FIRST = "0001-01-01T00:00:00Z"


def refused(response: Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": field, "message": "must be between 2000-01-01 and 2100-12-31"}
    ]


async def test_programme_periods_and_schedules(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    listed = "/api/v1/programmes"
    refused(await api.get(listed, params={"from": "0001-01-01"}, headers=coach.headers), "from")
    refused(await api.get(listed, params={"to": "9999-12-31"}, headers=coach.headers), "to")
    edge = await api.get(
        listed, params={"from": "2000-01-01", "to": "2100-12-31"}, headers=coach.headers
    )
    assert edge.status_code == 200
    not_a_date = await api.get(listed, params={"from": "soon"}, headers=coach.headers)
    assert not_a_date.json()["errors"][0]["field"] == "from"
    forged = encode_cursor("0001-01-01T00:00:00+05:00", "00000000-0000-0000-0000-000000000000")
    far_back = await api.get(listed, params={"cursor": forged}, headers=coach.headers)
    assert far_back.status_code == 422
    assert far_back.json()["errors"][0]["field"] == "cursor"

    body: dict[str, Any] = {
        "title": "Arjen taidot",
        "organisation_id": coach.organisation_id,
        "first_session_date": "9999-12-20",
        "start_time": "10:00",
        "duration_minutes": 120,
        "capacity": 10,
        "location": {"name": "Kohtaamispaikka"},
        "facilitator_ids": [coach.id],
    }
    refused(await api.post(listed, json=body, headers=coach.headers), "first_session_date")
    body["first_session_date"] = "0001-01-01"
    refused(await api.post(listed, json=body, headers=coach.headers), "first_session_date")

    session = (await create_programme(api, coach))["sessions"][2]
    url = f"/api/v1/sessions/{session['id']}"
    refused(await api.patch(url, json={"starts_at": LAST}, headers=coach.headers), "starts_at")
    refused(await api.patch(url, json={"ends_at": LAST}, headers=coach.headers), "ends_at")


async def test_coaching_dates(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plans = f"/api/v1/clients/{client_id}/plans"
    plan_body = {"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "0001-01-01"}
    refused(await api.post(plans, json=plan_body, headers=coach.headers), "starts_on")
    plan_body.update(starts_on="2026-09-01", ends_on="9999-12-31")
    refused(await api.post(plans, json=plan_body, headers=coach.headers), "ends_on")

    plan = await create_plan(api, coach, client_id)
    edit = await api.patch(
        f"/api/v1/plans/{plan['id']}",
        json={"ends_on": "9999-12-31"},
        headers={**coach.headers, "If-Match": f'"{plan["version"]}"'},
    )
    refused(edit, "ends_on")
    goal = await add_goal(api, coach, plan["id"])
    rating = await api.post(
        f"/api/v1/goals/{goal['id']}/ratings",
        json={"level": 0, "rated_on": "0001-01-01"},
        headers=coach.headers,
    )
    refused(rating, "rated_on")
    # A rating that far back would have broken every later read of the plan.
    assert (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).status_code == 200
    continuation = await api.put(
        f"/api/v1/plans/{plan['id']}/continuation",
        json={"next_step": "education", "description": "Ammattikoulu", "target_date": "9999-12-31"},
        headers=coach.headers,
    )
    refused(continuation, "target_date")

    meetings = f"/api/v1/plans/{plan['id']}/meetings"
    late = {"starts_at": LAST, "ends_at": LAST.replace("23:30", "23:45")}
    refused(await api.post(meetings, json=late, headers=coach.headers), "starts_at")
    early = {"starts_at": "2030-01-01T10:00:00+02:00", "ends_at": FIRST}
    refused(await api.post(meetings, json=early, headers=coach.headers), "ends_at")

    assessment = await api.post(
        f"/api/v1/clients/{client_id}/assessments",
        json={"instrument": "work_ability", "assessed_on": "0001-01-01", "answers": {}},
        headers=coach.headers,
    )
    refused(assessment, "assessed_on")


async def test_moving_a_meeting_far_out(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    meeting = await api.post(
        f"/api/v1/plans/{plan['id']}/meetings",
        json={"starts_at": "2030-01-01T10:00:00+02:00", "ends_at": "2030-01-01T11:00:00+02:00"},
        headers=coach.headers,
    )
    assert meeting.status_code == 201, meeting.text
    moved = await api.patch(
        f"/api/v1/meetings/{meeting.json()['id']}", json={"starts_at": LAST}, headers=coach.headers
    )
    refused(moved, "starts_at")


async def test_consent_validity(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    consent = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders", "valid_until": "9999-12-31"},
        headers=worker.headers,
    )
    refused(consent, "valid_until")
