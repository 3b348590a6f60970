"""Non-disclosure (turvakielto): a marked client's e-mail, phone, birth date and home
municipality stay with their own organisation's responsible workers and admins. Every
place that shows a client's details is walked: the read, the list and search, a
referral's other side, the ESF+ CSV, the calendar feed, messages, the pathway; who may
set the mark, and the audit of it with its reason."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient, Response

from service.base.clock import today_in_finland
from service.base.settings import Settings
from tests.api.feeds import feed_path
from tests.api.programmes import create_programme, enrol
from tests.api.referrals import refer
from tests.factories import Factory, Person
from tests.mail import MailServer
from workers.main import create_worker

EMAIL = "turva.asiakas@example.org"
PHONE = "+358 40 765 4321"
MUNICIPALITY = "Kangasala"
BORN = "1984-05-17"
FIRST, LAST = "Sanni", "Suojattu"
PROTECTED = ["email", "phone", "birth_date", "home_municipality"]
REASON = "Väkivallan uhka, maistraatin turvakielto"


@dataclass
class World:
    worker: Person  # responsible worker, the client's own organisation (a county)
    admin: Person  # admin of the client's organisation
    facilitator: Person  # runs the county's group the client is in; not responsible
    receiving: Person  # coach of the NGO a referral of the client went to
    partner_worker: Person  # responsible worker from the NGO, covered by consent
    client_id: str
    programme: dict[str, Any]
    referral_id: str


async def _world(api: AsyncClient, make: Factory, *, marked: bool = True) -> World:
    county = await make.organisation("wellbeing_county")
    ngo = await make.organisation("ngo")
    worker = await make.staff("referrer", organisation_id=county, phone="+358 9 310 1000")
    admin = await make.staff("admin", organisation_id=county)
    facilitator = await make.staff("coach", organisation_id=county)
    receiving = await make.staff("coach", organisation_id=ngo)
    partner_worker = await make.staff("coach", organisation_id=ngo)
    client_id = await make.client(
        worker,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        home_municipality=MUNICIPALITY,
        birth_date=date.fromisoformat(BORN),
    )
    await make.consent(client_id, "data_sharing", worker, organisation_ids=[ngo])
    await make.responsible(client_id, partner_worker)
    group = await create_programme(api, facilitator)
    assert (await enrol(api, admin, group["id"], client_id)).status_code == 201
    target = await create_programme(api, receiving)
    referral = await refer(api, worker, client_id, programme_id=target["id"])
    assert referral.status_code == 201, referral.text
    if marked:
        marking = await mark(api, worker, client_id, True)
        assert marking.status_code == 200, marking.text
    return World(
        worker,
        admin,
        facilitator,
        receiving,
        partner_worker,
        client_id,
        group,
        referral.json()["id"],
    )


async def mark(
    api: AsyncClient, by: Person, client_id: str, on: bool, reason: str | None = REASON
) -> Response:
    body: dict[str, Any] = {"non_disclosure": on}
    if reason is not None:
        body["non_disclosure_reason"] = reason
    return await api.patch(f"/api/v1/clients/{client_id}", json=body, headers=by.headers)


def assert_hidden(client: dict[str, Any]) -> None:
    assert client["non_disclosure"] is True
    assert client["withheld_fields"] == PROTECTED
    assert [client[name] for name in PROTECTED] == [None] * 4
    assert client["first_name"] == FIRST


def assert_shown(client: dict[str, Any]) -> None:
    assert client["withheld_fields"] == []
    assert client["email"] == EMAIL
    assert client["phone"] == PHONE
    assert client["birth_date"] == BORN
    assert client["home_municipality"] == MUNICIPALITY


def reveals(text: str) -> list[str]:
    """The protected details (and the surname) found in a text."""
    found = [value for value in (EMAIL, PHONE, MUNICIPALITY, BORN, LAST) if value in text]
    return found + (["phone digits"] if "7654321" in text.replace(" ", "") else [])


async def test_only_own_responsible_workers_and_admins_see_the_details(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make)
    for who in (world.worker, world.admin):
        read = await api.get(f"/api/v1/clients/{world.client_id}", headers=who.headers)
        assert read.status_code == 200, read.text
        assert read.json()["non_disclosure"] is True
        assert_shown(read.json())
    for who in (world.facilitator, world.receiving, world.partner_worker):
        read = await api.get(f"/api/v1/clients/{world.client_id}", headers=who.headers)
        assert read.status_code == 200, read.text
        assert_hidden(read.json())
        assert read.json()["last_name"] == LAST


async def test_an_unmarked_client_shows_everyone_in_reach_the_details(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make, marked=False)
    read = await api.get(f"/api/v1/clients/{world.client_id}", headers=world.receiving.headers)
    assert read.json()["non_disclosure"] is False
    assert_shown(read.json())


async def test_lists_and_searches_keep_the_details_hidden(api: AsyncClient, make: Factory) -> None:
    world = await _world(api, make)
    for who, check in ((world.worker, assert_shown), (world.facilitator, assert_hidden)):
        listed = await api.get("/api/v1/clients", headers=who.headers)
        assert listed.status_code == 200, listed.text
        [client] = listed.json()["items"]
        check(client)
        found = await api.get("/api/v1/clients", params={"q": LAST}, headers=who.headers)
        [client] = found.json()["items"]
        check(client)
    for who in (world.facilitator, world.receiving, world.partner_worker):
        for q in (EMAIL, PHONE, "7654321", MUNICIPALITY):
            found = await api.get("/api/v1/clients", params={"q": q}, headers=who.headers)
            assert found.status_code == 200, found.text
            assert found.json()["items"] == [], q


async def test_the_answer_to_a_change_hides_them_too(api: AsyncClient, make: Factory) -> None:
    world = await _world(api, make)
    changed = await api.patch(
        f"/api/v1/clients/{world.client_id}",
        json={"plain_language": True},
        headers=world.facilitator.headers,
    )
    assert changed.status_code == 200, changed.text
    assert_hidden(changed.json())


async def test_the_receiving_side_of_a_referral_reaches_the_client_through_the_worker(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make)
    read = await api.get(f"/api/v1/referrals/{world.referral_id}", headers=world.receiving.headers)
    assert read.status_code == 200, read.text
    client = read.json()["client"]
    assert client["first_name"] == FIRST
    assert client["non_disclosure"] is True
    # The responsible worker of the client's own organisation, at work; not the partner
    # from the receiving organisation, who may not see the details either.
    assert client["contact_through"] == [
        {
            "staff_id": world.worker.id,
            "name": world.worker.name,
            "email": world.worker.email,
            "phone": "+358 9 310 1000",
            "organisation_name": client["contact_through"][0]["organisation_name"],
        }
    ]
    # The first name only: the surname stays with the client's own organisation.
    assert client["last_name"] is None
    assert reveals(read.text) == []
    own = await api.get(f"/api/v1/referrals/{world.referral_id}", headers=world.worker.headers)
    assert own.json()["client"]["non_disclosure"] is True
    assert own.json()["client"]["last_name"] == LAST
    assert own.json()["client"]["contact_through"] == []


async def test_an_unmarked_client_needs_no_contact_route(api: AsyncClient, make: Factory) -> None:
    world = await _world(api, make, marked=False)
    read = await api.get(f"/api/v1/referrals/{world.referral_id}", headers=world.receiving.headers)
    assert read.json()["client"]["non_disclosure"] is False
    assert read.json()["client"]["contact_through"] == []


async def test_the_pathway_shows_no_details_to_others(api: AsyncClient, make: Factory) -> None:
    world = await _world(api, make)
    path = await api.get(
        f"/api/v1/clients/{world.client_id}/pathway", headers=world.facilitator.headers
    )
    assert path.status_code == 200, path.text
    assert reveals(path.text.replace(LAST, "")) == []


async def test_the_esf_export_leaves_the_municipality_blank(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make)
    other = await make.client(world.facilitator, home_municipality="Oulu")
    assert (await enrol(api, world.admin, world.programme["id"], other)).status_code == 201
    # The export is for funders: blank even for the admin who may see the municipality.
    response = await api.get(
        "/api/v1/reports/esf-participants.csv",
        params={
            "from": (today_in_finland() - timedelta(days=1)).isoformat(),
            "to": (today_in_finland() + timedelta(days=30)).isoformat(),  # the group has begun
        },
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    text = response.content.decode("utf-8-sig")
    rows = {
        row["participant_id"]: row
        for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    }
    assert rows[other]["home_municipality"] == "Oulu"
    assert rows[world.client_id]["home_municipality"] == ""
    assert reveals(text) == []


async def test_the_calendar_feed_names_no_more_than_the_first_name(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make)
    await make.consent(world.client_id, "calendar_feed", world.worker)
    link = await api.post(
        f"/api/v1/clients/{world.client_id}/calendar-feed", headers=world.worker.headers
    )
    feed = await api.get(feed_path(link))
    assert feed.status_code == 200, feed.text
    assert "Arjen taidot" in feed.text
    assert reveals(feed.text) == []


async def run_worker(settings: Settings) -> None:
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_messages_still_reach_the_client_and_show_only_the_first_name(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    """Polku still reaches the client at their own address: only people are kept from
    seeing it. The message itself names no more than the first name."""
    world = await _world(api, make)
    await make.consent(world.client_id, "email_reminders", world.worker)
    group = await create_programme(api, world.facilitator)
    assert (await enrol(api, world.admin, group["id"], world.client_id)).status_code == 201
    await run_worker(worker_settings)
    sent = mail_server.mailbox.to(EMAIL)
    assert sent
    for message in sent:
        assert message["To"] == f"{FIRST} <{EMAIL}>"
        body = "\n".join(
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
        )
        assert FIRST in body
        assert reveals(body.replace(EMAIL, "")) == []


async def test_setting_and_clearing_is_audited_with_the_reason(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    world = await _world(api, make)
    cleared = await mark(api, world.admin, world.client_id, False, "Turvakielto päättyi")
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["non_disclosure"] is False
    read = await api.get(f"/api/v1/clients/{world.client_id}", headers=world.receiving.headers)
    assert_shown(read.json())
    rows = await db.fetch(
        "SELECT actor_id, detail FROM audit_events "
        "WHERE client_id = $1 AND action = 'client.non_disclosure' ORDER BY id",
        world.client_id,
    )
    assert [(row["actor_id"], row["detail"]) for row in rows] == [
        (world.worker.id, {"non_disclosure": True, "was": False, "reason": REASON}),
        (world.admin.id, {"non_disclosure": False, "was": True, "reason": "Turvakielto päättyi"}),
    ]
    trail = await api.get(f"/api/v1/clients/{world.client_id}/audit", headers=world.admin.headers)
    assert REASON in trail.text


async def test_a_client_may_be_created_under_non_disclosure(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    body = {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "non_disclosure": True}
    refused = await api.post("/api/v1/clients", json=body, headers=worker.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "non_disclosure_reason"
    created = await api.post(
        "/api/v1/clients", json={**body, "non_disclosure_reason": REASON}, headers=worker.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["non_disclosure"] is True
    assert_shown(
        {**created.json(), "phone": PHONE, "birth_date": BORN, "home_municipality": MUNICIPALITY}
    )
    detail = await db.fetchval(
        "SELECT detail FROM audit_events WHERE client_id = $1 AND action = 'client.non_disclosure'",
        created.json()["id"],
    )
    assert detail == {"non_disclosure": True, "was": False, "reason": REASON}


@pytest.mark.parametrize("who", ["facilitator", "receiving", "partner_worker"])
async def test_others_in_reach_may_not_set_clear_or_change_the_details(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, who: str
) -> None:
    world = await _world(api, make)
    person: Person = getattr(world, who)
    for on in (False, True):
        refused = await mark(api, person, world.client_id, on)
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"].startswith("non_disclosure:")
    for field, value in (("phone", "+358 40 111 2222"), ("email", "x@example.org")):
        refused = await api.patch(
            f"/api/v1/clients/{world.client_id}", json={field: value}, headers=person.headers
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"].startswith(f"{field}:")
    still = await db.fetchrow(
        "SELECT non_disclosure, email, phone FROM clients WHERE id = $1", world.client_id
    )
    assert tuple(still) == (True, EMAIL, PHONE)


async def test_outside_reach_is_404_and_the_reason_is_required(
    api: AsyncClient, make: Factory
) -> None:
    world = await _world(api, make, marked=False)
    stranger = await make.staff("admin")
    assert (await mark(api, stranger, world.client_id, True)).status_code == 404
    missing = await mark(api, world.worker, world.client_id, True, reason=None)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "non_disclosure_reason"
    blank = await mark(api, world.worker, world.client_id, True, reason="  ")
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "non_disclosure_reason"
    alone = await api.patch(
        f"/api/v1/clients/{world.client_id}",
        json={"non_disclosure_reason": REASON},
        headers=world.worker.headers,
    )
    assert alone.status_code == 422
    assert alone.json()["errors"][0]["field"] == "non_disclosure_reason"
    # The facilitator may change the details while the client is not marked.
    changed = await api.patch(
        f"/api/v1/clients/{world.client_id}",
        json={"home_municipality": "Tampere"},
        headers=world.facilitator.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["home_municipality"] == "Tampere"
