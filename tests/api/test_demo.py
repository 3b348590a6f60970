"""The demo a newcomer clicks through: every main flow has something to show, on any
day the demo is seeded, and seeding again changes nothing but the feed links."""

from __future__ import annotations

import time
from typing import Any

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from service.composers.demo import DEMO_PASSWORD, seed_demo


async def _login(api: AsyncClient, email: str) -> dict[str, str]:
    response = await api.post(
        "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _get(api: AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await api.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_demo_shows_every_main_flow(
    api: AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    started = time.monotonic()
    first = await seed_demo(db, settings)
    assert time.monotonic() - started < 10  # a couple of seconds on a quiet machine
    # Each client a phone of their own: an SMS reply comes from one of them.
    phones = await db.fetch("SELECT phone_e164 FROM clients")
    assert len({row[0] for row in phones}) == len(phones) == 21
    coach = await _login(api, "aino.lahtinen@askel.example")
    worker = await _login(api, "sanna.virtanen@jarvimaa.example")
    analyst = await _login(api, "raportit@jarvimaa.example")

    # Three groups: one over, one running, one ahead.
    listed = await _get(api, "/api/v1/programmes", coach, limit=10)
    by_status = {p["status"]: p for p in listed["items"]}
    assert sorted(by_status) == ["completed", "planned", "running"]

    # The running group's past sessions take attendance (again: PUT is idempotent).
    running = await _get(api, f"/api/v1/programmes/{by_status['running']['id']}", coach)
    held = [s for s in running["sessions"] if s["status"] == "held"]
    assert len(held) >= 3
    recorded = await _get(api, f"/api/v1/sessions/{held[0]['id']}/attendance", coach)
    assert len(recorded["records"]) == 6
    again = await api.put(
        f"/api/v1/sessions/{held[0]['id']}/attendance",
        json={
            "records": [
                {"client_id": r["client_id"], "status": r["status"]} for r in recorded["records"]
            ]
        },
        headers=coach,
    )
    assert again.status_code == 200, again.text

    # Oskari's two absences in a row need the worker's attention.
    attention = await _get(api, "/api/v1/attention", worker)
    assert [item["client_name"] for item in attention["items"]] == ["Oskari Laine"]

    # The catalogue, and the worker's stalled paths: every kind of break.
    services = await _get(api, "/api/v1/services", worker)
    assert len(services["items"]) == 3
    stalled = await _get(api, "/api/v1/referrals", worker, stalled="true")
    reasons = sorted(item["reason"] for item in stalled["items"])
    # The three who left a group seven months ago have no next step planned either.
    assert reasons == [
        "no_answer",
        *["no_continuation"] * 4,
        "not_started",
        "repeated_absence",
    ]
    statuses = {
        r["status"] for r in (await _get(api, "/api/v1/referrals", worker, limit=100))["items"]
    }
    assert {"requested", "received", "accepted", "in-progress", "completed", "rejected"} <= statuses

    # Enough people that the outcome report shows figures instead of hiding them.
    report = await _get(api, "/api/v1/reports/outcomes", analyst)
    assert report["participants"] == {"value": 18, "suppressed": False}
    assert report["completion"]["completion_rate"]["value"] == 1.0
    assert report["feedback"]["got_support"] == {"value": 8, "suppressed": False}
    assert report["gas"]["change_median"]["suppressed"] is False
    assert not report["referrals"]["to_answer"]["median_days"]["suppressed"]
    assert any(not change["change_mean"]["suppressed"] for change in report["assessments"])

    # Bus tickets and meals at the groups' sessions, and what they cost in the year.
    support = await _get(api, "/api/v1/reports/support", analyst)
    assert [k["kind"] for k in support["by_kind"]] == ["bus_ticket", "meal"]
    assert len(support["programmes"]) == 2
    assert support["participants"]["value"] >= 5
    running_support = await _get(
        api, f"/api/v1/programmes/{by_status['running']['id']}/support", coach
    )
    assert running_support["totals"]["entries"] > 0

    # Half a year after a group: two answered the follow-up by SMS, one is the worker's.
    day = await _get(api, "/api/v1/me/worklist", worker)
    assert [item["client_name"] for item in day["follow_ups"]] == ["Anu V."]
    answered = await db.fetchval(
        "SELECT count(*) FROM follow_ups WHERE status = 'answered' AND source = 'client'"
    )
    assert answered == 2

    # A client's pathway runs forward in time, beginning with their record.
    clients = await _get(api, "/api/v1/clients", worker, limit=100)
    assert len(clients["items"]) == 21
    ville = next(c["id"] for c in clients["items"] if c["first_name"] == "Ville")
    pathway = await _get(api, f"/api/v1/clients/{ville}/pathway", worker)
    kinds = [event["kind"] for event in pathway["events"]]
    assert kinds[0] == "client.created"
    assert kinds.index("referral.requested") < kinds.index("enrolment.enrolled")
    assert kinds.index("enrolment.enrolled") < kinds.index("attendance.recorded")
    assert len({event["at"] for event in pathway["events"]}) > len(kinds) // 2

    # The co-development group: workers and developer-clients as equals, two memos,
    # and one meeting held with no worker present.
    groups = await _get(api, "/api/v1/programmes", coach, kind="co_development")
    [group] = groups["items"]
    assert group["enrolled_count"] == 3
    sanna = await _login(api, "sanna.virtanen@jarvimaa.example")
    takers = await _get(api, f"/api/v1/programmes/{group['id']}/participants", sanna)
    assert len(takers["items"]) == 3
    detail = await _get(api, f"/api/v1/programmes/{group['id']}", sanna)
    memo = await _get(api, f"/api/v1/sessions/{detail['sessions'][1]['id']}/memo", sanna)
    assert memo["text"].startswith("Asiakasymmärrys ja persoonat")
    report = await _get(api, f"/api/v1/reports/programmes/{group['id']}", coach)
    assert report["held_without_worker"]["count"] == 1

    # Seeding again adds nothing; only the feed links are new.
    counts = "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM referrals)"
    before = await db.fetchrow(counts)
    second = await seed_demo(db, settings)
    assert await db.fetchrow(counts) == before
    assert second.logins == first.logins
    assert {link for _, link in second.feeds}.isdisjoint({link for _, link in first.feeds})

    # One client's own page, with their coming group sessions and coaching meetings to
    # answer; seeding again gives a new link and the old one stops working.
    assert first.page[0] == "Jari Mäkinen"
    page = await api.get(first.page[1].removeprefix(settings.public_url))
    assert page.status_code == 404
    again = await api.get(second.page[1].removeprefix(settings.public_url))
    assert again.status_code == 200, again.text
    assert "Hei Jari!" in again.text
    assert again.text.count('name="answer" value="coming"') >= 8
