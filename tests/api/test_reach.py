"""Reach ends with the relationship (API.md, "Who reaches a client"): each way a staff
member reaches a client, and each way that reach ends, seen through the client read,
the lists and the changes. The defects D1–D4 of the reach issue each have a test here."""

from __future__ import annotations

from typing import Any

import asyncpg
from httpx import AsyncClient

from tests.api.coaching import create_plan
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.api.referrals import county_and_ngo, move, refer
from tests.factories import Factory, Person


async def reads(api: AsyncClient, who: Person, client_id: str) -> int:
    return (await api.get(f"/api/v1/clients/{client_id}", headers=who.headers)).status_code


async def listed(api: AsyncClient, who: Person, **params: Any) -> set[str]:
    response = await api.get("/api/v1/clients", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return {client["id"] for client in response.json()["items"]}


async def sees(api: AsyncClient, who: Person, client_id: str) -> bool:
    """The client read, the list and the search agree on whether the client is in reach."""
    read = await reads(api, who, client_id) == 200
    assert (client_id in await listed(api, who)) == read
    assert (client_id in await listed(api, who, q="Testinen")) == read
    return read


async def test_a_role_change_or_deactivation_ends_reach_at_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """D1: the reach rule reads the viewer's live roles and active flag."""
    coach = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    client_id = await make.client(coach)
    plan = await create_plan(api, coach, client_id)
    assert await sees(api, coach, client_id)
    demoted = await api.patch(
        f"/api/v1/users/{coach.id}", json={"roles": ["analyst"]}, headers=admin.headers
    )
    assert demoted.status_code == 200, demoted.text
    assert not await sees(api, coach, client_id)
    for path in (
        f"/clients/{client_id}/pathway",
        f"/plans/{plan['id']}",
        f"/plans/{plan['id']}/gas",
    ):
        assert (await api.get(f"/api/v1{path}", headers=coach.headers)).status_code == 404
    changed = await api.patch(
        f"/api/v1/clients/{client_id}", json={"first_name": "X"}, headers=coach.headers
    )
    assert changed.status_code == 404
    # Given the role back, the same links count again; deactivated, nothing does.
    await api.patch(f"/api/v1/users/{coach.id}", json={"roles": ["coach"]}, headers=admin.headers)
    assert await reads(api, coach, client_id) == 200
    await db.execute("UPDATE staff SET active = false WHERE id = $1", coach.id)
    assert not await db.fetchval("SELECT can_reach_client($1, $2)", coach.id, client_id)


async def test_reach_across_organisations_ends_with_the_consent(
    api: AsyncClient, make: Factory
) -> None:
    """D2: referrer B refers a B client to A's group; A accepts; B withdraws the
    enrolment and revokes the consent: A no longer reaches the client."""
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    await move(api, setting.coach, made.json()["id"], "received")
    accepted = await move(api, setting.coach, made.json()["id"], "accepted")
    enrolment_id = accepted.json()["enrolment_id"]
    assert await reads(api, setting.coach, setting.client_id) == 200
    withdrawn = await api.post(
        f"/api/v1/enrolments/{enrolment_id}/withdraw",
        json={"reason": "Muutti pois"},
        headers=setting.worker.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    revoked = await api.post(
        f"/api/v1/consents/{setting.consent_id}/revoke", json={}, headers=setting.worker.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert not await sees(api, setting.coach, setting.client_id)
    referrals = await api.get("/api/v1/referrals", headers=setting.coach.headers)
    assert referrals.json()["items"] == []
    assert await reads(api, setting.worker, setting.client_id) == 200


async def test_a_consent_that_runs_out_ends_reach(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    assert made.status_code == 201, made.text
    # The receiving side of an open referral reaches the client while the consent holds.
    assert await sees(api, setting.coach, setting.client_id)
    await db.execute(
        "UPDATE consents SET valid_until = current_date - 1, given_at = now() - interval '9 days'"
        " WHERE id = $1",
        setting.consent_id,
    )
    assert not await sees(api, setting.coach, setting.client_id)


async def test_a_withdrawal_ends_a_facilitators_reach(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    programme = await create_programme(api, colleague, facilitator_ids=[colleague.id, coach.id])
    client_id = await make.client(colleague)
    enrolled = (await enrol(api, colleague, programme["id"], client_id)).json()
    assert await sees(api, coach, client_id)
    await api.post(
        f"/api/v1/enrolments/{enrolled['id']}/withdraw",
        json={"reason": "Ei jaksa"},
        headers=colleague.headers,
    )
    assert not await sees(api, coach, client_id)
    members = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=coach.headers
    )
    assert members.json()["items"] == []


async def test_a_facilitators_reach_ends_thirty_days_after_the_last_session(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    programme = await create_programme(api, colleague, facilitator_ids=[colleague.id, coach.id])
    client_id = await make.client(colleague)
    await enrol(api, colleague, programme["id"], client_id)

    async def ended_days_ago(days: int) -> None:
        await db.execute(
            "UPDATE programmes SET starts_at = now() - interval '90 days', "
            "ends_at = now() - make_interval(days => $2) WHERE id = $1",
            programme["id"],
            days,
        )

    await ended_days_ago(29)
    assert await sees(api, coach, client_id)
    await ended_days_ago(31)
    assert not await sees(api, coach, client_id)
    # A group cancelled 31 days ago ends reach as well, whatever its planned end.
    await db.execute(
        "UPDATE programmes SET ends_at = now() + interval '30 days', "
        "cancelled_at = now() - interval '31 days' WHERE id = $1",
        programme["id"],
    )
    assert not await sees(api, coach, client_id)


async def test_a_plan_coachs_reach_ends_thirty_days_after_the_plan(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    body = {"kind": "job_coaching", "coach_ids": [coach.id], "starts_on": days_from_today(-200)}
    created = await api.post(f"/api/v1/clients/{client_id}/plans", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    assert await sees(api, coach, client_id)
    await db.execute("UPDATE plans SET ends_on = current_date - 29 WHERE id = $1", plan_id)
    assert await sees(api, coach, client_id)
    await db.execute("UPDATE plans SET ends_on = current_date - 31 WHERE id = $1", plan_id)
    assert not await sees(api, coach, client_id)
    assert (await api.get(f"/api/v1/plans/{plan_id}", headers=coach.headers)).status_code == 404


async def test_a_referrers_reach_ends_thirty_days_after_the_referral_closed(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    colleague = await make.staff("referrer", organisation_id=setting.worker.organisation_id)
    await make.consent(
        setting.client_id,
        "data_sharing",
        setting.worker,
        organisation_ids=[setting.coach.organisation_id],
    )
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    # The referrer is not responsible for the client: only the referral links them.
    await db.execute(
        "UPDATE referrals SET referred_by = $2 WHERE id = $1", referral_id, colleague.id
    )
    cancelled = await move(api, colleague, referral_id, "cancelled")
    assert cancelled.status_code == 200, cancelled.text
    assert await sees(api, colleague, setting.client_id)
    assert await sees(api, setting.coach, setting.client_id)
    await db.execute(
        "UPDATE referrals SET ended_at = now() - interval '31 days' WHERE id = $1", referral_id
    )
    assert not await sees(api, colleague, setting.client_id)
    assert not await sees(api, setting.coach, setting.client_id)
    gone = await api.get(f"/api/v1/referrals/{referral_id}", headers=colleague.headers)
    assert gone.status_code == 404


async def test_removing_a_worker_ends_their_reach(api: AsyncClient, make: Factory) -> None:
    owner = await make.staff("referrer")
    second = await make.staff("coach", organisation_id=owner.organisation_id)
    client_id = await make.client(owner)
    added = await api.post(
        f"/api/v1/clients/{client_id}/workers", json={"staff_id": second.id}, headers=owner.headers
    )
    assert added.status_code == 201, added.text
    assert await sees(api, second, client_id)
    removed = await api.delete(
        f"/api/v1/clients/{client_id}/workers/{second.id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert not await sees(api, second, client_id)


async def test_another_organisations_facilitator_sees_nothing_without_consent(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """D3: naming another organisation's coach as a facilitator gives them no client."""
    coach_a = await make.staff("coach")
    coach_b = await make.staff("coach")
    programme = await create_programme(api, coach_a, facilitator_ids=[coach_a.id, coach_b.id])
    client_id = await make.client(coach_a)
    assert (await enrol(api, coach_a, programme["id"], client_id)).status_code == 201
    assert not await sees(api, coach_b, client_id)
    himself = await api.post(
        f"/api/v1/clients/{client_id}/workers",
        json={"staff_id": coach_b.id},
        headers=coach_b.headers,
    )
    assert himself.status_code == 404
    members = await api.get(
        f"/api/v1/programmes/{programme['id']}/enrolments", headers=coach_b.headers
    )
    assert members.json()["items"] == []
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '1 hour' WHERE programme_id = $1 "
        "AND number = 1",
        programme["id"],
    )
    session_id = programme["sessions"][0]["id"]
    marked = await api.put(
        f"/api/v1/sessions/{session_id}/attendance",
        json={"records": [{"client_id": client_id, "status": "present"}]},
        headers=coach_b.headers,
    )
    assert marked.status_code == 422
    assert marked.json()["errors"][0]["field"] == "records[0].client_id"
    # With the client's consent covering B's organisation, B reaches them as facilitator.
    await make.consent(
        client_id, "data_sharing", coach_a, organisation_ids=[coach_b.organisation_id]
    )
    assert await sees(api, coach_b, client_id)


async def test_granting_reach_to_another_organisation_needs_consent(
    api: AsyncClient, make: Factory
) -> None:
    owner = await make.staff("referrer")
    outsider = await make.staff("coach")
    client_id = await make.client(owner)
    url = f"/api/v1/clients/{client_id}/workers"
    refused = await api.post(url, json={"staff_id": outsider.id}, headers=owner.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent_id"
    plan = await api.post(
        f"/api/v1/clients/{client_id}/plans",
        json={"kind": "goal_coaching", "coach_ids": [outsider.id], "starts_on": "2026-09-01"},
        headers=(await make.staff("coach", organisation_id=owner.organisation_id)).headers,
    )
    assert plan.status_code in {404, 422}
    other_consent = await make.consent(
        client_id, "data_sharing", owner, organisation_ids=[await make.organisation()]
    )
    named_wrong = await api.post(
        url, json={"staff_id": outsider.id, "consent_id": other_consent}, headers=owner.headers
    )
    assert named_wrong.status_code == 422
    assert named_wrong.json()["errors"][0]["field"] == "consent_id"
    consent_id = await make.consent(
        client_id, "data_sharing", owner, organisation_ids=[outsider.organisation_id]
    )
    added = await api.post(
        url, json={"staff_id": outsider.id, "consent_id": consent_id}, headers=owner.headers
    )
    assert added.status_code == 201, added.text
    assert await sees(api, outsider, client_id)
    revoked = await api.post(
        f"/api/v1/consents/{consent_id}/revoke", json={}, headers=owner.headers
    )
    assert revoked.status_code == 200
    assert not await sees(api, outsider, client_id)


async def test_a_plan_coach_from_another_organisation_needs_consent(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    outsider = await make.staff("coach")
    client_id = await make.client(coach)
    body = {
        "kind": "goal_coaching",
        "coach_ids": [coach.id, outsider.id],
        "starts_on": "2026-09-01",
    }
    url = f"/api/v1/clients/{client_id}/plans"
    refused = await api.post(url, json=body, headers=coach.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent_id"
    plan = await create_plan(api, coach, client_id)
    tag = (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).headers["etag"]
    patched = await api.patch(
        f"/api/v1/plans/{plan['id']}",
        json={"coach_ids": [coach.id, outsider.id]},
        headers={**coach.headers, "If-Match": tag},
    )
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["field"] == "consent_id"
    await make.consent(
        client_id, "data_sharing", coach, organisation_ids=[outsider.organisation_id]
    )
    assert (await api.post(url, json=body, headers=coach.headers)).status_code == 201
    assert await sees(api, outsider, client_id)


async def test_attendance_shows_only_clients_in_reach(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """D4: another organisation's admin lists no attendance of clients they do not reach;
    a facilitator's list replaces only the records they see."""
    coach = await make.staff("coach")
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    outsider = await make.staff("coach")
    programme = await create_programme(
        api,
        coach,
        facilitator_ids=[coach.id, colleague.id, outsider.id],
        first_session_date=days_from_today(-1),
        skip_public_holidays=False,
    )
    shared, own = await make.client(coach), await make.client(coach)
    await make.consent(shared, "data_sharing", coach, organisation_ids=[outsider.organisation_id])
    for client_id in (shared, own):
        assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    session = programme["sessions"][0]["id"]
    url = f"/api/v1/sessions/{session}/attendance"
    marked = await api.put(
        url,
        json={"records": [{"client_id": c, "status": "present"} for c in (shared, own)]},
        headers=coach.headers,
    )
    assert marked.status_code == 200, marked.text
    other_admin = await make.staff("admin")
    assert (await api.get(url, headers=other_admin.headers)).json()["records"] == []
    seen = await api.get(url, headers=outsider.headers)
    assert [r["client_id"] for r in seen.json()["records"]] == [shared]
    # The outsider's list is the part they see: the other record stays.
    replaced = await api.put(
        url,
        json={"records": [{"client_id": shared, "status": "absent"}]},
        headers=outsider.headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert [r["client_id"] for r in replaced.json()["records"]] == [shared]
    everyone = (await api.get(url, headers=colleague.headers)).json()["records"]
    assert {(r["client_id"], r["status"]) for r in everyone} == {
        (shared, "absent"),
        (own, "present"),
    }


async def test_cancelling_a_referral_before_the_client_started_gives_up_the_place(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make, capacity=1)
    waiting = await make.client(setting.coach)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    accepted = (await move(api, setting.coach, referral_id, "accepted")).json()
    assert (await enrol(api, setting.coach, setting.programme["id"], waiting)).json()[
        "status"
    ] == "waitlisted"
    cancelled = await move(api, setting.worker, referral_id, "cancelled")
    assert cancelled.status_code == 200, cancelled.text
    group = await api.get(
        f"/api/v1/programmes/{setting.programme['id']}/enrolments", headers=setting.coach.headers
    )
    statuses = {e["client_id"]: e["status"] for e in group.json()["items"]}
    assert statuses[waiting] == "enrolled"
    assert statuses.get(setting.client_id, "withdrawn") == "withdrawn"
    assert accepted["enrolment_id"] is not None


async def test_cancelling_a_referral_after_the_client_started_keeps_the_enrolment(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    await move(api, setting.coach, referral_id, "received")
    await move(api, setting.coach, referral_id, "accepted")
    assert (await move(api, setting.coach, referral_id, "in-progress")).status_code == 200
    assert (await move(api, setting.worker, referral_id, "cancelled")).status_code == 200
    group = await api.get(
        f"/api/v1/programmes/{setting.programme['id']}/enrolments", headers=setting.coach.headers
    )
    assert [e["status"] for e in group.json()["items"]] == ["enrolled"]
