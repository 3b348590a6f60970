"""Enrolment: capacity, waiting list, withdrawal, who may enrol and who sees whom."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient, Response

from tests.api.programmes import create_programme, enrol
from tests.api.referrals import refer
from tests.factories import Factory, Person


async def test_places_then_waiting_list_then_promotion(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=2)
    clients = [await make.client(coach) for _ in range(4)]
    answers = [(await enrol(api, coach, programme["id"], c)).json() for c in clients]
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("enrolled", None),
        ("enrolled", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    read = await api.get(f"/api/v1/programmes/{programme['id']}", headers=coach.headers)
    assert (read.json()["enrolled_count"], read.json()["waitlisted_count"]) == (2, 2)

    withdrawn = await api.post(
        f"/api/v1/enrolments/{answers[0]['id']}/withdraw",
        json={"reason": "moved to another town"},
        headers=coach.headers,
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    listed = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=coach.headers
    )
    by_client = {
        e["client_id"]: (e["status"], e["waitlist_position"]) for e in listed.json()["items"]
    }
    assert by_client[clients[2]] == ("enrolled", None)
    assert by_client[clients[3]] == ("waitlisted", 1)
    again = await api.post(
        f"/api/v1/enrolments/{answers[0]['id']}/withdraw",
        json={"reason": "x"},
        headers=coach.headers,
    )
    assert again.status_code == 409


async def test_leaving_the_waiting_list_closes_the_gap(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=1)
    clients = [await make.client(coach) for _ in range(4)]
    answers = [(await enrol(api, coach, programme["id"], c)).json() for c in clients]
    await api.post(
        f"/api/v1/enrolments/{answers[1]['id']}/withdraw",
        json={"reason": "x"},
        headers=coach.headers,
    )
    listed = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=coach.headers
    )
    positions = {e["client_id"]: e["waitlist_position"] for e in listed.json()["items"]}
    assert (positions[clients[2]], positions[clients[3]]) == (1, 2)


async def test_raising_capacity_lets_the_waiting_list_in(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=1)
    for _ in range(3):
        await enrol(api, coach, programme["id"], await make.client(coach))
    raised = await api.patch(
        f"/api/v1/programmes/{programme['id']}", json={"capacity": 2}, headers=coach.headers
    )
    assert (raised.json()["enrolled_count"], raised.json()["waitlisted_count"]) == (2, 1)


async def test_the_same_client_twice_is_a_conflict(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    client_id = await make.client(coach)
    first = await enrol(api, coach, programme["id"], client_id)
    second = await enrol(api, coach, programme["id"], client_id)
    assert second.status_code == 409
    assert second.json()["existing_id"] == first.json()["id"]
    await api.post(
        f"/api/v1/enrolments/{first.json()['id']}/withdraw",
        json={"reason": "x"},
        headers=coach.headers,
    )
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201


async def test_who_may_enrol(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    contact = await make.staff("referrer")
    outsider = await make.staff("referrer")
    programme = await create_programme(api, coach, contact_ids=[contact.id])
    contacts_client = await make.client(contact)
    outsiders_client = await make.client(outsider)
    assert (await enrol(api, contact, programme["id"], contacts_client)).status_code == 201
    assert (await enrol(api, outsider, programme["id"], outsiders_client)).status_code == 403
    # A client the coach cannot see is answered as missing.
    assert (await enrol(api, coach, programme["id"], outsiders_client)).status_code == 404


async def test_facilitators_reach_their_group_and_contacts_see_only_their_own(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    other_coach = await make.staff("coach", organisation_id=coach.organisation_id)
    contact = await make.staff("referrer")
    programme = await create_programme(
        api, coach, facilitator_ids=[coach.id, other_coach.id], contact_ids=[contact.id]
    )
    mine = await make.client(contact)
    # The municipal worker's client, shared with the group's organisation.
    await make.consent(mine, "data_sharing", contact, organisation_ids=[coach.organisation_id])
    theirs = await make.client(coach)
    await enrol(api, contact, programme["id"], mine)
    await enrol(api, coach, programme["id"], theirs)
    assert (
        await api.get(f"/api/v1/clients/{mine}", headers=other_coach.headers)
    ).status_code == 200
    listed = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=contact.headers
    )
    assert [e["client_id"] for e in listed.json()["items"]] == [mine]
    everyone = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=other_coach.headers
    )
    assert {e["client_id"] for e in everyone.json()["items"]} == {mine, theirs}


async def test_no_enrolment_into_a_cancelled_programme(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    response = await enrol(api, coach, programme["id"], await make.client(coach))
    assert response.status_code == 409


async def test_enrolment_is_audited_and_on_the_pathway(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, title="Arjen taidot")
    client_id = await make.client(coach)
    await enrol(api, coach, programme["id"], client_id)
    action = await db.fetchval(
        "SELECT action FROM audit_events WHERE client_id = $1 AND action LIKE 'enrolment%'",
        client_id,
    )
    assert action == "enrolment.create"
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=coach.headers)
    events = [(e["kind"], e["summary"]) for e in pathway.json()["events"]]
    assert ("enrolment.enrolled", "Enrolled in Arjen taidot") in events


async def test_a_place_freed_in_a_cancelled_group_goes_to_nobody(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, capacity=1)
    first, second = await make.client(coach), await make.client(coach)
    placed = (await enrol(api, coach, programme["id"], first)).json()
    assert (await enrol(api, coach, programme["id"], second)).json()["status"] == "waitlisted"
    cancelled = await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel",
        json={"reason": "Ohjaaja sairastui"},
        headers=coach.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    withdrawn = await api.post(
        f"/api/v1/enrolments/{placed['id']}/withdraw", json={"reason": "x"}, headers=coach.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    status = await db.fetchval(
        "SELECT status FROM enrolments WHERE client_id = $1 AND programme_id = $2",
        second,
        programme["id"],
    )
    assert status == "waitlisted"
    invites = await db.fetchval(
        "SELECT count(*) FROM messages WHERE client_id = $1 AND kind = 'invite'", second
    )
    assert invites == 0


async def test_an_enrolment_names_the_referral_that_brought_the_client(
    api: AsyncClient, make: Factory
) -> None:
    county = await make.organisation("wellbeing_county")
    worker = await make.staff("referrer", organisation_id=county)
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, contact_ids=[worker.id])
    other_group = await create_programme(api, coach, contact_ids=[worker.id])
    anna, ben = await make.client(worker), await make.client(worker)
    referrals = {}
    for client_id, group in [(anna, programme), (ben, programme), (anna, other_group)]:
        consent = await make.consent(
            client_id, "data_sharing", worker, organisation_ids=[coach.organisation_id]
        )
        made = await refer(api, worker, client_id, programme_id=group["id"], consent_id=consent)
        assert made.status_code == 201, made.text
        referrals[client_id, group["id"]] = made.json()["id"]
    url = f"/api/v1/programmes/{programme['id']}/enrolments"

    async def enrol_with(referral_id: str) -> Response:
        body = {"client_id": anna, "referral_id": referral_id}
        return await api.post(url, json=body, headers=worker.headers)

    for wrong in [
        referrals[ben, programme["id"]],  # another client's
        referrals[anna, other_group["id"]],  # to another group
        "00000000-0000-0000-0000-000000000000",
        "not-an-id",
    ]:
        refused = await enrol_with(wrong)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "referral_id"
    enrolled = await enrol_with(referrals[anna, programme["id"]])
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["referral_id"] == referrals[anna, programme["id"]]
    listed = await api.get(url, headers=worker.headers)
    assert [e["referral_id"] for e in listed.json()["items"]] == [referrals[anna, programme["id"]]]


async def test_a_referral_says_nothing_to_those_who_do_not_reach_the_client(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    stranger = await make.staff("coach")
    programme = await create_programme(api, stranger)
    client_id = await make.client(worker)
    refused = await api.post(
        f"/api/v1/programmes/{programme['id']}/enrolments",
        json={"client_id": client_id, "referral_id": "00000000-0000-0000-0000-000000000000"},
        headers=stranger.headers,
    )
    assert refused.status_code == 404


async def test_admins_see_in_a_group_only_the_clients_they_reach(
    api: AsyncClient, make: Factory
) -> None:
    county = await make.organisation("wellbeing_county")
    overseer_org = await make.organisation("municipality")
    ngo = await make.organisation("ngo", managed_by=overseer_org)
    worker = await make.staff("referrer", organisation_id=county)
    coach = await make.staff("coach", organisation_id=ngo)
    ngo_admin = await make.staff("admin", organisation_id=ngo)
    overseer = await make.staff("admin", organisation_id=overseer_org)
    programme = await create_programme(api, coach, contact_ids=[worker.id])
    referred = await make.client(worker)  # a county client, shared with the NGO
    await make.consent(referred, "data_sharing", worker, organisation_ids=[ngo])
    own = await make.client(coach)  # one of the NGO's own
    assert (await enrol(api, worker, programme["id"], referred)).status_code == 201
    assert (await enrol(api, coach, programme["id"], own)).status_code == 201
    url = f"/api/v1/programmes/{programme['id']}/enrolments"

    async def listed(by: Person) -> set[str]:
        response = await api.get(url, headers=by.headers)
        assert response.status_code == 200, response.text
        return {e["client_id"] for e in response.json()["items"]}

    async def readable(by: Person) -> set[str]:
        return {
            client_id
            for client_id in (referred, own)
            if (await api.get(f"/api/v1/clients/{client_id}", headers=by.headers)).status_code
            == 200
        }

    assert await listed(coach) == {referred, own}
    for admin in (ngo_admin, overseer):
        assert await listed(admin) == await readable(admin)
    assert await listed(ngo_admin) == {own}
    assert await listed(overseer) == set()
