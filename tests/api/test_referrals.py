"""Referrals: the consent gate, duplicates, the lifecycle by side, concurrent answers,
acceptance into a group, notices to the referrer, and the pathway."""

from __future__ import annotations

import asyncio

import asyncpg
from httpx import AsyncClient

from tests.api.programmes import create_programme, enrol
from tests.api.referrals import county_and_ngo, move, refer
from tests.factories import Factory, Person


async def test_a_referral_across_organisations_rests_on_consent(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make, consent=False)
    programme_id = setting.programme["id"]
    refused = await refer(api, setting.worker, setting.client_id, programme_id=programme_id)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent_id"
    # A consent for another organisation does not cover this one.
    other = await make.organisation("ngo")
    elsewhere = await make.consent(
        setting.client_id, "data_sharing", setting.worker, organisation_ids=[other]
    )
    named = await refer(
        api, setting.worker, setting.client_id, programme_id=programme_id, consent_id=elsewhere
    )
    assert named.json()["errors"][0]["field"] == "consent_id"
    ngo = setting.coach.organisation_id
    consent_id = await make.consent(
        setting.client_id, "data_sharing", setting.worker, organisation_ids=[ngo]
    )
    made = await refer(api, setting.worker, setting.client_id, programme_id=programme_id)
    assert made.status_code == 201, made.text
    referral = made.json()
    assert referral["status"] == "requested"
    assert referral["consent_id"] == consent_id  # the covering consent, found
    assert referral["target"]["name"] == "Arjen taidot"
    assert referral["your_sides"] == ["referring"]
    assert referral["allowed_moves"] == ["cancelled"]


async def test_a_second_open_referral_to_the_same_place_points_to_the_first(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make)
    programme_id = setting.programme["id"]
    first = await refer(api, setting.worker, setting.client_id, programme_id=programme_id)
    both = await asyncio.gather(
        refer(api, setting.worker, setting.client_id, programme_id=programme_id),
        refer(api, setting.worker, setting.client_id, programme_id=programme_id),
    )
    for second in both:
        assert second.status_code == 409
        assert second.json()["existing_id"] == first.json()["id"]
    # Once the first is closed, the client can be referred again.
    await move(api, setting.worker, first.json()["id"], "cancelled")
    again = await refer(api, setting.worker, setting.client_id, programme_id=programme_id)
    assert again.status_code == 201


async def test_the_receiving_side_answers_and_acceptance_enrols(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    # The referrer cannot answer; the receiving side cannot cancel.
    assert (await move(api, setting.worker, referral_id, "received")).status_code == 403
    assert (await move(api, setting.coach, referral_id, "cancelled")).status_code == 403
    skipped = await move(api, setting.coach, referral_id, "accepted")
    assert skipped.status_code == 409
    assert skipped.json()["allowed"] == ["received"]
    seen = await move(api, setting.coach, referral_id, "received")
    assert seen.json()["your_sides"] == ["receiving"]
    assert seen.json()["client"]["first_name"].startswith("Client")
    accepted = await move(api, setting.coach, referral_id, "accepted")
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted"
    enrolment = await db.fetchrow(
        "SELECT status, referral_id::text FROM enrolments WHERE id = $1", body["enrolment_id"]
    )
    assert (enrolment["status"], enrolment["referral_id"]) == ("enrolled", referral_id)
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [
        (None, "requested"),
        ("requested", "received"),
        ("received", "accepted"),
    ]
    assert body["events"][-1]["actor_id"] == setting.coach.id


async def test_acceptance_into_a_full_group_waitlists(api: AsyncClient, make: Factory) -> None:
    setting = await county_and_ngo(api, make, capacity=1)
    someone = await make.client(setting.coach)
    await enrol(api, setting.coach, setting.programme["id"], someone)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    await move(api, setting.coach, made.json()["id"], "received")
    accepted = await move(api, setting.coach, made.json()["id"], "accepted")
    enrolments = await api.get(
        f"/api/v1/programmes/{setting.programme['id']}/enrolments", headers=setting.coach.headers
    )
    mine = next(e for e in enrolments.json()["items"] if e["client_id"] == setting.client_id)
    assert (mine["status"], mine["waitlist_position"]) == ("waitlisted", 1)
    assert accepted.json()["enrolment_id"] == mine["id"]


async def test_rejecting_needs_a_reason_and_closes_the_referral(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    bare = await move(api, setting.coach, referral_id, "rejected")
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["field"] == "reason"
    rejected = await move(api, setting.coach, referral_id, "rejected", "Ryhmä ei sovi")
    assert (rejected.json()["status"], rejected.json()["status_reason"]) == (
        "rejected",
        "Ryhmä ei sovi",
    )
    assert rejected.json()["allowed_moves"] == []
    late = await move(api, setting.worker, referral_id, "cancelled")
    assert late.status_code == 409
    assert late.json()["allowed"] == []


async def test_two_people_answering_at_once(api: AsyncClient, make: Factory) -> None:
    setting = await county_and_ngo(api, make)
    colleague = await make.staff("coach", organisation_id=setting.coach.organisation_id)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    answers = await asyncio.gather(
        move(api, setting.coach, referral_id, "accepted"),
        move(api, colleague, referral_id, "rejected", "Ei tilaa"),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert "cannot become" in loser.json()["detail"]


async def test_on_hold_and_back_and_attending_starts_the_referral(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    await move(api, setting.coach, referral_id, "accepted")
    held = await move(api, setting.worker, referral_id, "on-hold", "Sairausloma")
    assert held.json()["allowed_moves"] == ["accepted", "cancelled"]
    resumed = await move(api, setting.coach, referral_id, "accepted")
    assert resumed.json()["status"] == "accepted"
    # The group's first session is held and the client is there: the referral started.
    session = setting.programme["sessions"][0]
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '2 hours', "
        "ends_at = now() - interval '1 hour' WHERE id = $1",
        session["id"],
    )
    recorded = await api.put(
        f"/api/v1/sessions/{session['id']}/attendance",
        json={"records": [{"client_id": setting.client_id, "status": "present"}]},
        headers=setting.coach.headers,
    )
    assert recorded.status_code == 200, recorded.text
    started = await api.get(f"/api/v1/referrals/{referral_id}", headers=setting.worker.headers)
    assert started.json()["status"] == "in-progress"
    assert started.json()["events"][-1]["reason"] == "attended the group"
    audited = await db.fetchval(
        "SELECT detail FROM audit_events WHERE action = 'referral.status' AND actor_id = $1 "
        "AND subject_id = $2 ORDER BY id DESC LIMIT 1",
        setting.coach.id,
        referral_id,
    )
    assert audited == {"from": "accepted", "to": "in-progress"}
    done = await move(api, setting.coach, referral_id, "completed")
    assert done.json()["status"] == "completed"


async def test_the_referrer_is_told_of_changes_made_by_others(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    await move(api, setting.coach, referral_id, "accepted")
    await move(api, setting.worker, referral_id, "on-hold", "Odottaa lääkärinlausuntoa")
    notices = await api.get("/api/v1/notices", headers=setting.worker.headers)
    items = notices.json()["items"]
    assert [(n["to_status"], n["by"]) for n in items] == [
        ("accepted", setting.coach.name),
        ("received", setting.coach.name),
    ]
    assert items[0]["referral_id"] == referral_id
    read = await api.post(f"/api/v1/notices/{items[0]['id']}/read", headers=setting.worker.headers)
    assert read.status_code == 204
    unread = await api.get("/api/v1/notices?unread=true", headers=setting.worker.headers)
    assert [n["to_status"] for n in unread.json()["items"]] == ["received"]
    other = await api.post(f"/api/v1/notices/{items[1]['id']}/read", headers=setting.coach.headers)
    assert other.status_code == 404
    emails = await db.fetch(
        "SELECT kind, channel, subject_type FROM messages WHERE staff_id = $1", setting.worker.id
    )
    assert len(emails) == 2
    assert {tuple(e) for e in emails} == {("notice", "email", "referral_event")}


async def test_a_revoked_consent_stops_sharing_the_referral(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    assert (
        await api.get(f"/api/v1/referrals/{referral_id}", headers=setting.coach.headers)
    ).status_code == 200
    revoked = await api.post(
        f"/api/v1/consents/{setting.consent_id}/revoke",
        json={"reason": "Asiakas perui"},
        headers=setting.worker.headers,
    )
    assert revoked.status_code == 200, revoked.text
    url = f"/api/v1/referrals/{referral_id}"
    assert (await api.get(url, headers=setting.coach.headers)).status_code == 404
    assert (await move(api, setting.coach, referral_id, "received")).status_code == 404
    incoming = await api.get("/api/v1/referrals?direction=incoming", headers=setting.coach.headers)
    assert incoming.json()["items"] == []
    mine = (await api.get(url, headers=setting.worker.headers)).json()
    assert mine["shared"] is False
    assert (await move(api, setting.worker, referral_id, "cancelled")).status_code == 200


async def test_lists_by_side_and_outsiders_see_nothing(api: AsyncClient, make: Factory) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    outgoing = await api.get("/api/v1/referrals?direction=outgoing", headers=setting.worker.headers)
    assert outgoing.json()["list"] == "referrals"
    assert [r["id"] for r in outgoing.json()["items"]] == [made.json()["id"]]
    incoming = await api.get("/api/v1/referrals?direction=incoming", headers=setting.coach.headers)
    assert [r["id"] for r in incoming.json()["items"]] == [made.json()["id"]]
    by_status = await api.get("/api/v1/referrals?status=accepted", headers=setting.worker.headers)
    assert by_status.json()["items"] == []
    outsider = await make.staff("coach")
    assert (await api.get("/api/v1/referrals", headers=outsider.headers)).json()["items"] == []
    url = f"/api/v1/referrals/{made.json()['id']}"
    assert (await api.get(url, headers=outsider.headers)).status_code == 404
    analyst = await make.staff("analyst", organisation_id=setting.coach.organisation_id)
    assert (await api.get(url, headers=analyst.headers)).status_code == 404


async def test_referrals_are_on_the_pathway(api: AsyncClient, make: Factory) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    await move(api, setting.coach, made.json()["id"], "received")
    pathway = await api.get(
        f"/api/v1/clients/{setting.client_id}/pathway", headers=setting.worker.headers
    )
    events = [(e["kind"], e["summary"]) for e in pathway.json()["events"]]
    assert ("referral.requested", "Referred to Arjen taidot") in events
    assert ("referral.received", "Referral to Arjen taidot: received") in events


async def test_the_pathway_shows_a_referral_only_to_its_sides(
    api: AsyncClient, make: Factory
) -> None:
    # County A refers the client to B's group and to C's substance-use service; the
    # client's consent to share covers B for the group and C for the service only.
    setting = await county_and_ngo(api, make)
    clinic = await make.organisation("provider")
    nurse = await make.staff("coach", organisation_id=clinic)
    service = await api.post(
        "/api/v1/services",
        json={"name": "Päihdepoliklinikka", "categories": ["päihteet"]},
        headers=nurse.headers,
    )
    assert service.status_code == 201, service.base.nul
    await make.consent(setting.client_id, "data_sharing", setting.worker, organisation_ids=[clinic])
    to_group = await refer(
        api, setting.worker, setting.client_id, programme_id=setting.programme["id"]
    )
    to_clinic = await refer(api, setting.worker, setting.client_id, service_id=service.json()["id"])
    assert to_clinic.status_code == 201, to_clinic.text
    await move(api, setting.coach, to_group.json()["id"], "received")
    accepted = await move(api, setting.coach, to_group.json()["id"], "accepted")
    assert accepted.json()["enrolment_id"] is not None  # B's coach now reaches the client
    await move(api, nurse, to_clinic.json()["id"], "received")
    await move(api, nurse, to_clinic.json()["id"], "rejected", "Ei päihdehoidon tarvetta nyt")
    colleague = await make.staff("referrer", organisation_id=setting.worker.organisation_id)
    await make.responsible(setting.client_id, colleague)

    async def referrals_seen(by: Person) -> set[str]:
        pathway = await api.get(f"/api/v1/clients/{setting.client_id}/pathway", headers=by.headers)
        assert pathway.status_code == 200, pathway.text
        return {
            e["subject_id"] for e in pathway.json()["events"] if e["subject_type"] == "referral"
        }

    both = {to_group.json()["id"], to_clinic.json()["id"]}
    # The referrer and a colleague responsible for the client see all that A made.
    assert await referrals_seen(setting.worker) == both
    assert await referrals_seen(colleague) == both
    # The group's facilitator sees the referral to their group, nothing of the clinic.
    assert await referrals_seen(setting.coach) == {to_group.json()["id"]}
    pathway = await api.get(
        f"/api/v1/clients/{setting.client_id}/pathway", headers=setting.coach.headers
    )
    assert "Päihdepoliklinikka" not in pathway.text
    assert "Ei päihdehoidon tarvetta" not in pathway.text


async def test_a_facilitator_from_elsewhere_sees_a_referral_only_with_consent_for_them(
    api: AsyncClient, make: Factory
) -> None:
    # The county runs a group with a guest facilitator from an NGO; the county's own
    # worker refers a client to it, which needs no consent within the county.
    county = await make.organisation("wellbeing_county", name=None)
    ngo = await make.organisation("ngo")
    worker = await make.staff("referrer", organisation_id=county)
    county_coach = await make.staff("coach", organisation_id=county)
    guest = await make.staff("coach", organisation_id=ngo)
    client_id = await make.client(worker)
    group = await create_programme(api, county_coach, facilitator_ids=[county_coach.id, guest.id])
    made = await refer(api, worker, client_id, programme_id=group["id"])
    assert made.status_code == 201, made.text
    url = f"/api/v1/referrals/{made.json()['id']}"
    assert (await api.get(url, headers=county_coach.headers)).status_code == 200
    assert (await api.get(url, headers=guest.headers)).status_code == 404
