"""Programmes and sessions: planning, reading, listing, editing, moving, cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
from httpx import AsyncClient

from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person


async def test_eight_thursdays_at_ten_local_time_across_the_clock_change(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    contact = await make.staff("referrer")
    programme = await create_programme(
        api,
        coach,
        first_session_date="2027-03-11",
        contact_ids=[contact.id],
        session_themes=["Tutustuminen", "Terveys ja arki"],
    )
    assert programme["status"] == "planned"
    assert programme["weeks"] == 8
    assert programme["timezone"] == "Europe/Helsinki"
    assert programme["reminder_offsets"] == ["P1D", "PT2H"]
    assert programme["facilitator_ids"] == [coach.id]
    assert programme["contact_ids"] == [contact.id]
    starts = [s["starts_at"] for s in programme["sessions"]]
    assert starts[:4] == [
        "2027-03-11T10:00:00+02:00",
        "2027-03-18T10:00:00+02:00",
        "2027-03-25T10:00:00+02:00",
        "2027-04-01T10:00:00+03:00",
    ]
    assert all(s.endswith(("T10:00:00+02:00", "T10:00:00+03:00")) for s in starts)
    assert [s["theme"] for s in programme["sessions"][:3]] == [
        "Tutustuminen",
        "Terveys ja arki",
        None,
    ]
    assert {s["status"] for s in programme["sessions"]} == {"scheduled"}
    assert programme["sessions"][0]["location"]["name"] == "Kohtaamispaikka"


async def test_a_holiday_week_moves_on_and_the_count_is_kept(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, first_session_date="2027-04-15")
    days = [s["starts_at"][:10] for s in programme["sessions"]]
    assert len(days) == 8
    assert "2027-05-06" not in days  # Ascension Day
    assert days[-1] == "2027-06-10"


async def test_invalid_programmes_name_the_field(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    referrer = await make.staff("referrer", organisation_id=coach.organisation_id)
    base = {
        "title": "X",
        "organisation_id": coach.organisation_id,
        "first_session_date": "2027-09-02",
        "start_time": "10:00",
        "duration_minutes": 120,
        "capacity": 10,
        "location": {"name": "Paikka"},
        "facilitator_ids": [coach.id],
    }
    cases = [
        ("facilitator_ids", {"facilitator_ids": [referrer.id]}),
        ("contact_ids", {"contact_ids": [coach.id]}),
        ("session_themes", {"weeks": 2, "session_themes": ["a", "b", "c"]}),
        ("start_time", {"start_time": "25:00"}),
        ("timezone", {"timezone": "Europe/Atlantis"}),
        ("timezone", {"timezone": "localtime"}),
        ("organisation_id", {"organisation_id": await make.organisation()}),
        ("capacity", {"capacity": 0}),
        ("reminder_offsets[0]", {"reminder_offsets": ["tomorrow"]}),
        ("location.name", {"location": {"name": ""}}),
    ]
    for field, change in cases:
        response = await api.post(
            "/api/v1/programmes", json={**base, **change}, headers=coach.headers
        )
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"] == field, response.text


async def test_referrers_do_not_create_programmes_but_read_them(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    referrer = await make.staff("referrer")
    programme = await create_programme(api, coach)
    refused = await api.post(
        "/api/v1/programmes",
        json={
            "title": "X",
            "organisation_id": referrer.organisation_id,
            "first_session_date": "2027-09-02",
            "start_time": "10:00",
            "duration_minutes": 60,
            "capacity": 5,
            "location": {"name": "P"},
            "facilitator_ids": [coach.id],
        },
        headers=referrer.headers,
    )
    assert refused.status_code == 403
    read = await api.get(f"/api/v1/programmes/{programme['id']}", headers=referrer.headers)
    assert read.status_code == 200
    missing = await api.get(
        "/api/v1/programmes/00000000-0000-0000-0000-000000000000", headers=referrer.headers
    )
    assert missing.status_code == 404


async def test_status_follows_the_dates_and_lists_filter_by_it(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    # Past weeks are not skipped for holidays, so the dates do not depend on today's.
    past = {"skip_public_holidays": False}
    done = await create_programme(
        api, coach, title="Done", first_session_date=days_from_today(-70), **past
    )
    running = await create_programme(
        api, coach, title="Running", first_session_date=days_from_today(-14), **past
    )
    planned = await create_programme(api, coach, title="Planned")
    cancelled = await create_programme(
        api, coach, title="Cancelled", first_session_date=days_from_today(21)
    )
    await api.post(
        f"/api/v1/programmes/{cancelled['id']}/cancel",
        json={"reason": "facilitator on leave"},
        headers=coach.headers,
    )
    assert (done["status"], running["status"], planned["status"]) == (
        "completed",
        "running",
        "planned",
    )

    async def titles(**params: str) -> list[str]:
        response = await api.get("/api/v1/programmes", params=params, headers=coach.headers)
        assert response.status_code == 200, response.text
        return [p["title"] for p in response.json()["items"]]

    assert await titles() == ["Done", "Running", "Planned", "Cancelled"]
    assert await titles(status="running") == ["Running"]
    assert await titles(status="cancelled") == ["Cancelled"]
    assert await titles(status="completed") == ["Done"]
    assert await titles(**{"from": days_from_today(0)}) == ["Running", "Planned", "Cancelled"]
    assert await titles(**{"to": days_from_today(-60)}) == ["Done"]
    bad = await api.get(
        "/api/v1/programmes",
        params={"from": days_from_today(1), "to": days_from_today(0)},
        headers=coach.headers,
    )
    assert bad.status_code == 422


async def test_patch_edits_and_refuses_capacity_below_enrolled(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=3)
    for _ in range(2):
        client_id = await make.client(coach)
        assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    url = f"/api/v1/programmes/{programme['id']}"
    too_small = await api.patch(url, json={"capacity": 1}, headers=coach.headers)
    assert too_small.status_code == 409
    changed = await api.patch(
        url,
        json={"title": "Arjen taidot syksy", "location": {"name": "Uusi paikka"}},
        headers=coach.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Arjen taidot syksy"
    assert body["sessions"][0]["location"] == {"name": "Uusi paikka", "address": None}
    assert body["sessions"][0]["revision"] == 1
    stranger = await make.staff("coach")
    refused = await api.patch(url, json={"title": "Mine"}, headers=stranger.headers)
    assert refused.status_code == 403


async def test_cancelling_a_programme_cancels_its_future_sessions(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(
        api, coach, first_session_date=days_from_today(-8), skip_public_holidays=False
    )
    url = f"/api/v1/programmes/{programme['id']}/cancel"
    response = await api.post(url, json={"reason": "too few participants"}, headers=coach.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancellation_reason"] == "too few participants"
    statuses = [s["status"] for s in body["sessions"]]
    assert statuses[:2] == ["held", "held"]
    assert set(statuses[2:]) == {"cancelled"}
    again = await api.post(url, json={"reason": "again"}, headers=coach.headers)
    assert again.status_code == 409
    no_reason = await api.post(url, json={}, headers=coach.headers)
    assert no_reason.status_code == 422


async def test_moving_a_session_keeps_its_length_and_records_the_change(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    session = programme["sessions"][2]
    new_start = datetime.fromisoformat(session["starts_at"]) + timedelta(days=1, hours=2)
    response = await api.patch(
        f"/api/v1/sessions/{session['id']}",
        json={"starts_at": new_start.isoformat(), "reason": "room taken"},
        headers=coach.headers,
    )
    assert response.status_code == 200, response.text
    moved = response.json()
    assert datetime.fromisoformat(moved["starts_at"]) == new_start
    assert datetime.fromisoformat(moved["ends_at"]) - new_start == timedelta(hours=2)
    assert moved["moved"] is True
    assert moved["revision"] == 1
    change = await db.fetchrow(
        "SELECT changed_by, changes, reason FROM session_changes WHERE session_id = $1",
        session["id"],
    )
    assert change["changed_by"] == coach.id
    assert change["reason"] == "room taken"
    assert set(change["changes"]) == {"starts_at", "ends_at"}


async def test_sessions_cannot_end_before_they_start_or_move_once_held(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(
        api, coach, first_session_date=days_from_today(-7), skip_public_holidays=False
    )
    held, future = programme["sessions"][0], programme["sessions"][3]
    backwards = await api.patch(
        f"/api/v1/sessions/{future['id']}",
        json={"ends_at": future["starts_at"]},
        headers=coach.headers,
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "ends_at"
    naive = await api.patch(
        f"/api/v1/sessions/{future['id']}",
        json={"starts_at": "2030-01-01T10:00:00"},
        headers=coach.headers,
    )
    assert naive.status_code == 422
    too_late = await api.patch(
        f"/api/v1/sessions/{held['id']}", json={"theme": "x"}, headers=coach.headers
    )
    assert too_late.status_code == 409


async def test_cancelling_a_session(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    session = programme["sessions"][1]
    url = f"/api/v1/sessions/{session['id']}/cancel"
    response = await api.post(url, json={"reason": "coach ill"}, headers=coach.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "coach ill"
    assert response.json()["revision"] == 1
    assert (await api.post(url, json={"reason": "x"}, headers=coach.headers)).status_code == 409
    move = await api.patch(
        f"/api/v1/sessions/{session['id']}", json={"theme": "x"}, headers=coach.headers
    )
    assert move.status_code == 409


async def test_a_sessions_history_says_who_changed_what_when_and_why(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach", name="Kaisa Koutsi")
    contact = await make.staff("referrer")
    programme = await create_programme(
        api, coach, contact_ids=[contact.id], online_url="https://meet.example/a"
    )
    moved, cancelled, own_place = programme["sessions"][1:4]

    async def history(session: dict, by: Person = coach, **params: str) -> list[dict]:
        url = f"/api/v1/sessions/{session['id']}/changes"
        response = await api.get(url, params=params, headers=by.headers)
        assert response.status_code == 200, response.text
        items: list[dict] = response.json()["items"]
        return items

    assert await history(moved) == []
    new_start = datetime.fromisoformat(moved["starts_at"]) + timedelta(hours=2)
    await api.patch(
        f"/api/v1/sessions/{moved['id']}",
        json={"starts_at": new_start.isoformat(), "reason": "room taken"},
        headers=coach.headers,
    )
    [move] = await history(moved, by=contact)
    assert (move["changed_by"], move["changed_by_name"], move["reason"]) == (
        coach.id,
        "Kaisa Koutsi",
        "room taken",
    )
    before, after = move["changes"]["starts_at"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(before) == timedelta(hours=2)
    assert datetime.fromisoformat(move["changed_at"]).tzinfo is not None

    await api.post(
        f"/api/v1/sessions/{cancelled['id']}/cancel",
        json={"reason": "facilitator ill"},
        headers=coach.headers,
    )
    [cancel] = await history(cancelled)
    assert (cancel["changes"], cancel["reason"]) == (
        {"status": ["scheduled", "cancelled"]},
        "facilitator ill",
    )

    await api.patch(
        f"/api/v1/sessions/{own_place['id']}",
        json={"location": {"name": "Kirjasto"}},
        headers=coach.headers,
    )
    await api.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"location": {"name": "Uusi paikka"}, "online_url": "https://meet.example/b"},
        headers=coach.headers,
    )
    first = await history(programme["sessions"][0])
    assert [c["changes"] for c in first] == [
        {
            "location_name": ["Kohtaamispaikka", "Uusi paikka"],
            "location_address": ["Kauppakatu 1, Järvilä", None],
            "online_url": ["https://meet.example/a", "https://meet.example/b"],
        }
    ]
    assert first[0]["changed_by"] == coach.id
    # A session with its own place takes only the new link; a cancelled one nothing.
    assert [c["changes"] for c in await history(own_place)][1:] == [
        {"online_url": ["https://meet.example/a", "https://meet.example/b"]}
    ]
    assert len(await history(cancelled)) == 1

    paged = await api.get(
        f"/api/v1/sessions/{moved['id']}/changes", params={"limit": 1}, headers=coach.headers
    )
    rest = await api.get(
        f"/api/v1/sessions/{moved['id']}/changes",
        params={"cursor": paged.json()["next_cursor"]},
        headers=coach.headers,
    )
    assert [c["id"] for c in paged.json()["items"] + rest.json()["items"]] == [
        c["id"] for c in await history(moved)
    ]


async def test_a_sessions_history_is_for_those_who_run_the_group(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    url = f"/api/v1/sessions/{programme['sessions'][0]['id']}/changes"
    stranger = await make.staff("coach", "referrer")
    assert (await api.get(url, headers=stranger.headers)).status_code == 403
    missing = "/api/v1/sessions/00000000-0000-0000-0000-000000000000/changes"
    assert (await api.get(missing, headers=coach.headers)).status_code == 404


async def test_admins_of_the_owning_or_managing_organisation_manage_a_programme(
    api: AsyncClient, make: Factory
) -> None:
    county = await make.organisation("wellbeing_county")
    ngo = await make.organisation("ngo", managed_by=county)
    coach = await make.staff("coach", organisation_id=ngo)
    programme = await create_programme(api, coach)
    url = f"/api/v1/programmes/{programme['id']}"
    session_url = f"/api/v1/sessions/{programme['sessions'][5]['id']}"
    owning = await make.staff("admin", organisation_id=ngo)
    managing = await make.staff("admin", organisation_id=county)
    unrelated = await make.staff("admin", "coach")

    for admin, title in [(owning, "Arjen taidot kevät"), (managing, "Arjen taidot syksy")]:
        edited = await api.patch(url, json={"title": title}, headers=admin.headers)
        assert edited.status_code == 200, edited.text
        assert edited.json()["title"] == title
    moved = await api.patch(session_url, json={"theme": "Vapaa-aika"}, headers=owning.headers)
    assert moved.status_code == 200, moved.text

    refusals = [
        await api.patch(url, json={"title": "Mine"}, headers=unrelated.headers),
        await api.patch(session_url, json={"theme": "x"}, headers=unrelated.headers),
        await api.post(f"{session_url}/cancel", json={"reason": "x"}, headers=unrelated.headers),
        await api.post(f"{url}/cancel", json={"reason": "x"}, headers=unrelated.headers),
    ]
    assert [r.status_code for r in refusals] == [403, 403, 403, 403]
    assert (await api.get(url, headers=unrelated.headers)).json()["title"] == "Arjen taidot syksy"
