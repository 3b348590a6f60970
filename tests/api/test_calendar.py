"""Calendar subscription links: consent, rotation, revocation, content, ETag."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import icalendar
import recurring_ical_events
from httpx import AsyncClient

from tests.api.programmes import create_programme, enrol
from tests.factories import Factory, Person

HELSINKI = ZoneInfo("Europe/Helsinki")


async def client_in_group(
    api: AsyncClient, make: Factory, **programme_fields: object
) -> tuple[Person, dict, str]:
    coach = await make.staff("coach", name="Aino Ohjaaja", phone="+358 40 100 0001")
    programme = await create_programme(api, coach, **programme_fields)
    client_id = await make.client(coach, first_name="Anna", last_name="Salainen")
    other = await make.client(coach, first_name="Toinen", last_name="Osallistuja")
    await make.consent(client_id, "calendar_feed", coach)
    for someone in (client_id, other):
        await enrol(api, coach, programme["id"], someone)
    return coach, programme, client_id


async def new_link(api: AsyncClient, coach: Person, client_id: str) -> str:
    response = await api.post(f"/api/v1/clients/{client_id}/calendar-feed", headers=coach.headers)
    assert response.status_code == 201, response.text
    links = response.json()
    assert links["webcal_url"] == links["url"].replace("http://", "webcal://", 1)
    path: str = links["url"].removeprefix("http://polku.test")
    return path


def local_starts(body: bytes, start: date, end: date) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(body)
    events = recurring_ical_events.of(calendar).between(start, end)
    return sorted(e["DTSTART"].dt.astimezone(HELSINKI).replace(tzinfo=None) for e in events)


async def test_client_feed_needs_the_calendar_consent(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach)
    response = await api.post(f"/api/v1/clients/{client_id}/calendar-feed", headers=coach.headers)
    assert response.status_code == 409


async def test_feed_shows_the_sessions_in_local_time_and_nothing_private(
    api: AsyncClient, make: Factory
) -> None:
    coach, _, client_id = await client_in_group(api, make, first_session_date="2027-03-11")
    response = await api.get(await new_link(api, coach, client_id))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content
    starts = local_starts(body, date(2027, 3, 1), date(2027, 6, 1))
    assert len(starts) == 8
    assert all((s.weekday(), s.hour, s.minute) == (3, 10, 0) for s in starts)
    text = body.decode()
    assert "DTSTART;TZID=Europe/Helsinki:20270401T100000" in text  # after the change
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text  # a rule-based VTIMEZONE
    assert "soita +358 40 100 0001." in text.replace("\r\n ", "")
    assert "X-WR-CALNAME:Polku: Anna" in text
    for private in ["Salainen", "Toinen", "Osallistuja", "Aino", "Ohjaaja"]:
        assert private not in text


async def test_holiday_moved_moved_and_cancelled_sessions(api: AsyncClient, make: Factory) -> None:
    coach, programme, client_id = await client_in_group(api, make, first_session_date="2027-04-15")
    path = await new_link(api, coach, client_id)
    sessions = programme["sessions"]
    moved_to = datetime.fromisoformat(sessions[1]["starts_at"]) + timedelta(days=1, hours=3)
    await api.patch(
        f"/api/v1/sessions/{sessions[1]['id']}",
        json={"starts_at": moved_to.isoformat()},
        headers=coach.headers,
    )
    await api.post(
        f"/api/v1/sessions/{sessions[4]['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    starts = local_starts((await api.get(path)).content, date(2027, 4, 1), date(2027, 7, 1))
    assert len(starts) == 7
    assert datetime(2027, 5, 6, 10) not in starts  # Ascension Day: moved a week on
    assert datetime(2027, 4, 23, 13) in starts  # moved
    assert datetime(2027, 4, 22, 10) not in starts
    cancelled = datetime.fromisoformat(sessions[4]["starts_at"]).astimezone(HELSINKI)
    assert cancelled.replace(tzinfo=None) not in starts


async def test_etag_and_not_modified_until_something_changes(
    api: AsyncClient, make: Factory
) -> None:
    coach, programme, client_id = await client_in_group(api, make)
    path = await new_link(api, coach, client_id)
    first = await api.get(path)
    etag = first.headers["etag"]
    again = await api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    await api.patch(
        f"/api/v1/sessions/{programme['sessions'][3]['id']}",
        json={"theme": "Vahvuudet", "location": {"name": "Kirjasto"}},
        headers=coach.headers,
    )
    changed = await api.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Kirjasto" in changed.text


async def test_rotating_and_revoking_links(api: AsyncClient, make: Factory) -> None:
    coach, _, client_id = await client_in_group(api, make)
    old = await new_link(api, coach, client_id)
    new = await new_link(api, coach, client_id)
    assert (await api.get(old)).status_code == 404
    assert (await api.get(new)).status_code == 200
    revoked = await api.delete(f"/api/v1/clients/{client_id}/calendar-feed", headers=coach.headers)
    assert revoked.status_code == 204
    assert (await api.get(new)).status_code == 404


async def test_revoking_the_consent_closes_the_feed(api: AsyncClient, make: Factory) -> None:
    coach, _, client_id = await client_in_group(api, make)
    path = await new_link(api, coach, client_id)
    consents = await api.get(f"/api/v1/clients/{client_id}/consents", headers=coach.headers)
    [consent] = consents.json()["items"]
    await api.post(f"/api/v1/consents/{consent['id']}/revoke", headers=coach.headers)
    assert (await api.get(path)).status_code == 404


async def test_unknown_tokens_and_names(api: AsyncClient) -> None:
    assert (await api.get("/feeds/pf_nothing.ics")).status_code == 404
    assert (await api.get("/feeds/pf_nothing")).status_code == 404


async def test_staff_and_programme_feeds(api: AsyncClient, make: Factory) -> None:
    coach, programme, _ = await client_in_group(api, make)
    mine = await api.post("/api/v1/me/calendar-feed", headers=coach.headers)
    assert mine.status_code == 201
    staff_text = (await api.get(mine.json()["url"].removeprefix("http://polku.test"))).text
    assert staff_text.count("BEGIN:VEVENT") == 8
    outsider = await make.staff("coach")
    refused = await api.post(
        f"/api/v1/programmes/{programme['id']}/calendar-feed", headers=outsider.headers
    )
    assert refused.status_code == 403
    shared = await api.post(
        f"/api/v1/programmes/{programme['id']}/calendar-feed", headers=coach.headers
    )
    programme_text = (await api.get(shared.json()["url"].removeprefix("http://polku.test"))).text
    assert "X-WR-CALNAME:Polku: Arjen taidot" in programme_text
    assert programme_text.count("BEGIN:VEVENT") == 8


async def test_a_change_made_elsewhere_reaches_the_cached_feed(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """Another API process (here: a direct SQL change) revokes the link: PostgreSQL's
    NOTIFY makes this process drop its rendered copy."""
    coach, _, client_id = await client_in_group(api, make)
    path = await new_link(api, coach, client_id)
    assert (await api.get(path)).status_code == 200
    assert (await api.get(path)).status_code == 200  # from memory now
    await db.execute("UPDATE calendar_feeds SET revoked_at = now() WHERE client_id = $1", client_id)
    for _ in range(100):
        if (await api.get(path)).status_code == 404:
            break
        await asyncio.sleep(0.01)
    assert (await api.get(path)).status_code == 404


async def test_a_feed_with_meetings_in_two_zones_has_both_vtimezones(
    api: AsyncClient, make: Factory
) -> None:
    """A coach runs a Stockholm group and meets a client in Helsinki: the staff feed
    carries a VTIMEZONE for each, and each start is the wall time it was planned at."""
    coach = await make.staff("coach")
    await create_programme(
        api, coach, first_session_date="2027-03-11", start_time="17:00", timezone="Europe/Stockholm"
    )
    client_id = await make.client(coach)
    plan = await api.post(
        f"/api/v1/clients/{client_id}/plans",
        json={"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "2027-03-01"},
        headers=coach.headers,
    )
    meeting_start = datetime(2027, 3, 30, 10, tzinfo=HELSINKI)
    meeting = await api.post(
        f"/api/v1/plans/{plan.json()['id']}/meetings",
        json={
            "starts_at": meeting_start.isoformat(),
            "ends_at": (meeting_start + timedelta(hours=1)).isoformat(),
        },
        headers=coach.headers,
    )
    assert meeting.status_code == 201, meeting.text
    link = await api.post("/api/v1/me/calendar-feed", headers=coach.headers)
    body = (await api.get(link.json()["url"].removeprefix("http://polku.test"))).content

    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.get_used_tzids() == {"Europe/Stockholm", "Europe/Helsinki"}
    assert calendar.get_missing_tzids() == set()
    written = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        start = event["DTSTART"]
        wall = start.dt.replace(tzinfo=None)
        if start.params["TZID"] == "Europe/Stockholm":
            assert (wall.weekday(), wall.hour) == (3, 17)  # Thursdays 17:00 across the change
        else:
            assert wall == datetime(2027, 3, 30, 10)
        # The VTIMEZONE it names, read on its own, gives the same moment.
        assert wall.replace(tzinfo=written[start.params["TZID"]]) == start.dt
    found = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2027, 6, 1))
    assert len(found) == 9


async def staff_feed_path(api: AsyncClient, coach: Person) -> str:
    link = await api.post("/api/v1/me/calendar-feed", headers=coach.headers)
    assert link.status_code == 201, link.text
    path: str = link.json()["url"].removeprefix("http://polku.test")
    assert (await api.get(path)).status_code == 200
    assert (await api.get(path)).status_code == 200  # from memory now
    return path


async def test_a_deactivated_staff_members_feed_is_gone_at_once(
    api: AsyncClient, make: Factory
) -> None:
    """Their feed shows where they meet clients, possibly at home."""
    coach, _, _ = await client_in_group(api, make)
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    path = await staff_feed_path(api, coach)
    deactivated = await api.patch(
        f"/api/v1/users/{coach.id}", json={"active": False}, headers=admin.headers
    )
    assert deactivated.status_code == 200, deactivated.text
    assert (await api.get(path)).status_code == 404
    # Coming back does not bring the old link back.
    reactivated = await api.patch(
        f"/api/v1/users/{coach.id}", json={"active": True}, headers=admin.headers
    )
    assert reactivated.status_code == 200, reactivated.text
    assert (await api.get(path)).status_code == 404


async def test_a_deactivation_made_elsewhere_reaches_the_cached_feed(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, _, _ = await client_in_group(api, make)
    path = await staff_feed_path(api, coach)
    await db.execute("UPDATE staff SET active = false WHERE id = $1", coach.id)
    for _ in range(100):
        if (await api.get(path)).status_code == 404:
            break
        await asyncio.sleep(0.01)
    assert (await api.get(path)).status_code == 404
