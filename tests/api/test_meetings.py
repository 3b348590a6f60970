"""One-to-one coaching meetings: planning, moving, cancelling, and the calendar feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from httpx import AsyncClient

from tests.api.coaching import coached_client, create_plan
from tests.api.test_calendar import new_link
from tests.factories import Factory, Person


def soon(days: int, hour: int = 9) -> datetime:
    day = datetime.now(UTC) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


async def plan_meeting(api: AsyncClient, coach: Person, plan_id: str, **fields: object) -> dict:
    body = {
        "starts_at": soon(3).isoformat(),
        "ends_at": (soon(3) + timedelta(hours=1)).isoformat(),
        "location": {"name": "Ohjaamo", "address": "Kauppakatu 1"},
        **fields,
    }
    response = await api.post(f"/api/v1/plans/{plan_id}/meetings", json=body, headers=coach.headers)
    assert response.status_code == 201, response.text
    meeting: dict = response.json()
    return meeting


def events(feed: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(feed).walk("VEVENT"))


async def test_meetings_appear_in_the_client_and_coach_feeds(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    await make.consent(client_id, "calendar_feed", coach)
    plan = await create_plan(api, coach, client_id)
    meeting = await plan_meeting(api, coach, plan["id"])
    assert (meeting["status"], meeting["revision"]) == ("scheduled", 0)
    assert meeting["location"] == {"name": "Ohjaamo", "address": "Kauppakatu 1"}

    client_feed = await api.get(await new_link(api, coach, client_id))
    [event] = events(client_feed.content)
    assert event["UID"] == f"meeting-{meeting['id']}@polku"
    assert event["SUMMARY"] == "Valmennustapaaminen"
    assert event["DTSTART"].dt == soon(3)
    mine = await api.post("/api/v1/me/calendar-feed", headers=coach.headers)
    coach_feed = await api.get(mine.json()["url"].removeprefix("http://polku.test"))
    assert [e["UID"] for e in events(coach_feed.content)] == [event["UID"]]

    moved = await api.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"starts_at": soon(4, 12).isoformat()},
        headers=coach.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["revision"] == 1
    # Moving the start keeps the length.
    assert datetime.fromisoformat(moved.json()["ends_at"]) == soon(4, 12) + timedelta(hours=1)
    [event] = events((await api.get(await new_link(api, coach, client_id))).content)
    assert (event["DTSTART"].dt, event["SEQUENCE"]) == (soon(4, 12), 1)

    cancelled = await api.post(
        f"/api/v1/meetings/{meeting['id']}/cancel",
        json={"reason": "Sairastui"},
        headers=coach.headers,
    )
    assert cancelled.json()["status"] == "cancelled"
    assert events((await api.get(await new_link(api, coach, client_id))).content) == []
    again = await api.patch(
        f"/api/v1/meetings/{meeting['id']}", json={"online_url": None}, headers=coach.headers
    )
    assert again.status_code == 409
    read = (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).json()
    assert [m["status"] for m in read["meetings"]] == ["cancelled"]


async def test_meeting_times_are_checked_and_others_are_kept_out(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    url = f"/api/v1/plans/{plan['id']}/meetings"
    past = {"starts_at": soon(-1).isoformat(), "ends_at": soon(-1, 10).isoformat()}
    backwards = {"starts_at": soon(2, 10).isoformat(), "ends_at": soon(2, 9).isoformat()}
    naive = {"starts_at": "2027-01-10T10:00:00", "ends_at": "2027-01-10T11:00:00"}
    for body, field in [(past, "starts_at"), (backwards, "ends_at"), (naive, "starts_at")]:
        response = await api.post(url, json=body, headers=coach.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    meeting = await plan_meeting(api, coach, plan["id"])
    outsider = await make.staff("coach")
    assert (await api.post(url, json=backwards, headers=outsider.headers)).status_code == 404
    moved = await api.patch(
        f"/api/v1/meetings/{meeting['id']}", json={"location": None}, headers=outsider.headers
    )
    assert moved.status_code == 404
