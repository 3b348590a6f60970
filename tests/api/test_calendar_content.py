"""Feeds through HTTP: a cancelled group keeps what it held, any name is served and read
back as written, and each event says what a calendar user expects."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import icalendar
import vobject
from httpx import AsyncClient
from icalendar.parser import Contentline

from tests.api.coaching import create_plan
from tests.api.programmes import create_programme, days_from_today, enrol, shift_in_time
from tests.api.test_calendar import new_link
from tests.api.test_meetings import plan_meeting
from tests.calendars import Seen, assert_read_as
from tests.factories import Factory, Person


async def feed_of(api: AsyncClient, path: str) -> bytes:
    response = await api.get(path)
    assert response.status_code == 200, response.text
    return response.content


async def own_feed(api: AsyncClient, staff: Person) -> str:
    link = await api.post("/api/v1/me/calendar-feed", headers=staff.headers)
    assert link.status_code == 201, link.text
    path: str = link.json()["url"].removeprefix("http://polku.test")
    return path


def summaries(body: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


def calendar_name(body: bytes) -> str:
    [line] = [
        line
        for line in body.decode().replace("\r\n ", "").split("\r\n")
        if line.startswith("X-WR-CALNAME:")
    ]
    name: str = Contentline(line).parts()[2]
    return name


async def test_a_cancelled_group_stays_in_the_feed_with_the_sessions_it_held(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, first_session_date=days_from_today(1))
    client_id = await make.client(coach, first_name="Anna")
    await make.consent(client_id, "calendar_feed", coach)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    # Three sessions have been held.
    await shift_in_time(db, programme["id"], -16)
    path = await new_link(api, coach, client_id)
    staff_path = await own_feed(api, coach)
    cancelled = await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel",
        json={"reason": "ohjaaja sairastui"},
        headers=coach.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    sessions = cancelled.json()["sessions"]
    held = [s for s in sessions if s["status"] == "held"]
    assert len(held) == 3
    assert [s["status"] for s in sessions].count("cancelled") == 5
    want = [
        Seen(
            f"session-{s['id']}@polku",
            datetime.fromisoformat(s["starts_at"]).astimezone(UTC),
            datetime.fromisoformat(s["ends_at"]).astimezone(UTC),
        )
        for s in held
    ]
    assert_read_as(await feed_of(api, path), want)
    assert_read_as(await feed_of(api, staff_path), want)


async def test_a_group_cancelled_before_it_began_leaves_the_feed(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    client_id = await make.client(coach)
    await make.consent(client_id, "calendar_feed", coach)
    await enrol(api, coach, programme["id"], client_id)
    path = await new_link(api, coach, client_id)
    await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    assert_read_as(await feed_of(api, path), [])


NAMES = {
    "client": "Anna-Liisa,\nÅsa; \\Nelli \\",
    "title": "Arki; raha\r\nja \\ asuminen, osa 2",
    "staff": "Ohjaaja; Aino\nO'Neill, \\ jr",
}


async def test_any_name_is_served_and_read_back_as_written(api: AsyncClient, make: Factory) -> None:
    """A line break, comma, semicolon or backslash in a client's first name, a
    programme's title or a staff member's name once made the feed answer 500. The API
    now refuses line breaks in names, but names written before may still hold them."""
    coach = await make.staff("coach", name=NAMES["staff"])
    programme = await create_programme(api, coach, title="Arjen taidot")
    await make.conn.execute(
        "UPDATE programmes SET title = $2 WHERE id = $1", programme["id"], NAMES["title"]
    )
    client_id = await make.client(coach, first_name=NAMES["client"])
    await make.consent(client_id, "calendar_feed", coach)
    await enrol(api, coach, programme["id"], client_id)
    shared = await api.post(
        f"/api/v1/programmes/{programme['id']}/calendar-feed", headers=coach.headers
    )
    title_as_read = NAMES["title"].replace("\r\n", "\n")
    for path, name in [
        (await new_link(api, coach, client_id), NAMES["client"]),
        (shared.json()["url"].removeprefix("http://polku.test"), title_as_read),
        (await own_feed(api, coach), NAMES["staff"]),
    ]:
        body = await feed_of(api, path)
        assert calendar_name(body) == f"Polku: {name}"
        read = vobject.readOne(body.decode())
        assert read.contents["x-wr-calname"][0].value == f"Polku: {name}"
        assert read.contents["name"][0].value == f"Polku: {name}"
        assert summaries(body) == [title_as_read] * 8
        assert {e.summary.value for e in read.vevent_list} == {title_as_read}


async def test_each_session_carries_its_number_theme_and_link(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach", phone="+358 40 100 0001")
    programme = await create_programme(
        api,
        coach,
        session_themes=["Tutustuminen", "Raha-asiat"],
        online_url="https://meet.example/arki",
    )
    client_id = await make.client(coach, language="sv")
    await make.consent(client_id, "calendar_feed", coach)
    await enrol(api, coach, programme["id"], client_id)
    body = await feed_of(api, await new_link(api, coach, client_id))
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    second = events[f"session-{programme['sessions'][1]['id']}@polku"]
    assert str(second["DESCRIPTION"]) == (
        "Träff 2/8\nTema: Raha-asiat\n"
        "Länk för att delta på distans: https://meet.example/arki\n"
        "Om du inte kan komma, ring +358 40 100 0001."
    )
    third = events[f"session-{programme['sessions'][2]['id']}@polku"]
    assert str(third["DESCRIPTION"]).startswith("Träff 3/8\nLänk")
    assert str(third["LOCATION"]) == "Kohtaamispaikka, Kauppakatu 1, Järvilä"
    assert "VALARM" not in body.decode()


async def test_a_coachs_feed_names_the_client_of_each_meeting_while_in_reach(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    partner = await make.staff("coach")  # another organisation
    client_id = await make.client(coach, first_name="Anna", last_name="Salainen")
    await make.consent(client_id, "calendar_feed", coach)
    consent_id = await make.consent(
        client_id, "data_sharing", coach, organisation_ids=[partner.organisation_id]
    )
    plan = await create_plan(api, coach, client_id, coach_ids=[coach.id, partner.id])
    meeting = await plan_meeting(
        api, coach, plan["id"], location=None, online_url="https://meet.example/anna"
    )
    mine, partners = await own_feed(api, coach), await own_feed(api, partner)
    uid = f"meeting-{meeting['id']}@polku"

    for path in (mine, partners):
        [event] = icalendar.Calendar.from_ical(await feed_of(api, path)).walk("VEVENT")
        assert (str(event["UID"]), str(event["SUMMARY"])) == (uid, "Valmennustapaaminen: Anna S.")
        assert str(event["LOCATION"]) == "https://meet.example/anna"
    client_body = await feed_of(api, await new_link(api, coach, client_id))
    assert summaries(client_body) == ["Valmennustapaaminen"]
    assert "Salainen" not in client_body.decode()

    # The consent that let the partner reach the client ends: the meeting stays in the
    # partner's calendar, the name leaves it.
    revoked = await api.post(
        f"/api/v1/consents/{consent_id}/revoke", json={}, headers=coach.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert summaries(await feed_of(api, partners)) == ["Valmennustapaaminen"]
    assert summaries(await feed_of(api, mine)) == ["Valmennustapaaminen: Anna S."]
