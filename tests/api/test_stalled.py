"""Stalled paths: every kind of break, for the worker's own clients only, each saying
why and since when."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
from httpx import AsyncClient

from service.base.clock import add_working_days, today_in_finland
from tests.api.coaching import create_plan
from tests.api.referrals import Setting, county_and_ngo, move, refer
from tests.factories import Factory


async def accepted_into_group(api: AsyncClient, setting: Setting) -> str:
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    await move(api, setting.coach, made.json()["id"], "received")
    accepted = await move(api, setting.coach, made.json()["id"], "accepted")
    assert accepted.json()["enrolment_id"] is not None
    referral_id: str = made.json()["id"]
    return referral_id


async def stalled(api: AsyncClient, headers: dict[str, str]) -> list[dict]:
    response = await api.get("/api/v1/referrals", params={"stalled": "true"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["list"] == "stalled"
    items: list[dict] = response.json()["items"]
    return items


async def test_unanswered_and_unstarted_referrals(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    waiting = await refer(
        api, setting.worker, setting.client_id, programme_id=setting.programme["id"]
    )
    waiting_id = waiting.json()["id"]
    assert await stalled(api, setting.worker.headers) == []
    # Sent eight working days ago and not answered.
    sent = today_in_finland() - timedelta(days=12)
    await db.execute(
        "UPDATE referrals SET created_at = ($2::date + time '10:00') AT TIME ZONE "
        "'Europe/Helsinki' WHERE id = $1",
        waiting_id,
        sent,
    )
    [item] = await stalled(api, setting.worker.headers)
    assert item["reason"] == "no_answer"
    assert item["referral_id"] == waiting_id
    assert item["client_id"] == setting.client_id
    assert item["since"].startswith(sent.isoformat())
    assert item["stalled_since"] == (add_working_days(sent, 5) + timedelta(days=1)).isoformat()
    assert "no answer within 5 working days" in item["detail"]
    # Received is not an answer; accepted is, and then the client has 14 days to start.
    await move(api, setting.coach, waiting_id, "received")
    assert [i["reason"] for i in await stalled(api, setting.worker.headers)] == ["no_answer"]
    await move(api, setting.coach, waiting_id, "accepted")
    assert await stalled(api, setting.worker.headers) == []
    await db.execute(
        "UPDATE referrals SET accepted_at = now() - interval '15 days' WHERE id = $1", waiting_id
    )
    [item] = await stalled(api, setting.worker.headers)
    assert item["reason"] == "not_started"
    # Someone else's clients are not this worker's list.
    other = await make.staff("referrer", organisation_id=setting.worker.organisation_id)
    assert await stalled(api, other.headers) == []


async def test_a_hold_does_not_restart_the_clock_of_an_accepted_referral(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    referral_id = await accepted_into_group(api, setting)
    accepted_at = await db.fetchval(
        "UPDATE referrals SET accepted_at = now() - interval '15 days', "
        "answered_at = now() - interval '15 days' WHERE id = $1 RETURNING accepted_at",
        referral_id,
    )
    await move(api, setting.worker, referral_id, "on-hold", "Sairausloma")
    await move(api, setting.coach, referral_id, "accepted")
    row = await db.fetchrow(
        "SELECT accepted_at, answered_at FROM referrals WHERE id = $1", referral_id
    )
    assert row["accepted_at"] == row["answered_at"] == accepted_at
    [item] = await stalled(api, setting.worker.headers)
    assert item["reason"] == "not_started"


async def test_a_referral_the_worker_is_no_side_of_is_not_on_their_list(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    # The worker once referred the client to a group; another organisation's worker,
    # with the client's consent, refers them elsewhere, and nobody answers.
    setting = await county_and_ngo(api, make)
    await accepted_into_group(api, setting)
    city = await make.organisation("municipality")
    other_worker = await make.staff("referrer", organisation_id=city)
    await make.responsible(setting.client_id, other_worker)
    clinic = await make.organisation("provider")
    nurse = await make.staff("coach", organisation_id=clinic)
    service = await api.post(
        "/api/v1/services", json={"name": "Velkaneuvonta"}, headers=nurse.headers
    )
    assert service.status_code == 201, service.base.nul
    await make.consent(
        setting.client_id, "data_sharing", other_worker, organisation_ids=[city, clinic]
    )
    elsewhere = await refer(api, other_worker, setting.client_id, service_id=service.json()["id"])
    assert elsewhere.status_code == 201, elsewhere.text
    await db.execute(
        "UPDATE referrals SET created_at = now() - interval '20 days' WHERE id = $1",
        elsewhere.json()["id"],
    )
    assert [i["referral_id"] for i in await stalled(api, other_worker.headers)] == [
        elsewhere.json()["id"]
    ]
    assert await stalled(api, setting.worker.headers) == []


async def test_a_group_or_plan_that_ended_with_no_next_step(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    referral_id = await accepted_into_group(api, setting)
    await move(api, setting.coach, referral_id, "in-progress")
    await db.execute(
        "UPDATE programmes SET starts_at = now() - interval '60 days', "
        "ends_at = now() - interval '3 days' WHERE id = $1",
        setting.programme["id"],
    )
    [item] = await stalled(api, setting.worker.headers)
    assert (item["reason"], item["programme_id"]) == ("no_continuation", setting.programme["id"])
    assert item["detail"] == "Arjen taidot ended with no next step"
    # A coaching plan that ended without a continuation plan is listed too …
    plan = await create_plan(
        api, setting.coach, setting.client_id, starts_on="2026-01-05", ends_on="2026-06-30"
    )
    reasons = {(i["reason"], i["plan_id"]) for i in await stalled(api, setting.worker.headers)}
    assert ("no_continuation", plan["id"]) in reasons
    by_plan = next(i for i in await stalled(api, setting.worker.headers) if i["plan_id"])
    assert by_plan["stalled_since"] == "2026-07-01"
    # … and a continuation plan is the next step for both.
    saved = await api.put(
        f"/api/v1/plans/{plan['id']}/continuation",
        json={"next_step": "work_trial", "description": "Työkokeilu kirjastossa"},
        headers=setting.coach.headers,
    )
    assert saved.status_code == 200
    assert await stalled(api, setting.worker.headers) == []


async def test_repeated_absence_and_paging(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    setting = await county_and_ngo(api, make)
    await db.execute(
        "INSERT INTO attention_flags (client_id, programme_id, reason, since) "
        "VALUES ($1, $2, 'repeated_absence', now() - interval '2 days')",
        setting.client_id,
        setting.programme["id"],
    )
    second = await make.client(setting.worker)
    await make.consent(
        second, "data_sharing", setting.worker, organisation_ids=[setting.coach.organisation_id]
    )
    made = await refer(api, setting.worker, second, programme_id=setting.programme["id"])
    await db.execute(
        "UPDATE referrals SET created_at = now() - interval '30 days' WHERE id = $1",
        made.json()["id"],
    )
    first_page = await api.get(
        "/api/v1/referrals",
        params={"stalled": "true", "limit": 1},
        headers=setting.worker.headers,
    )
    [oldest] = first_page.json()["items"]
    assert oldest["reason"] == "no_answer"
    rest = await api.get(
        "/api/v1/referrals",
        params={"stalled": "true", "cursor": first_page.json()["next_cursor"]},
        headers=setting.worker.headers,
    )
    [absence] = rest.json()["items"]
    assert absence["reason"] == "repeated_absence"
    assert absence["stalled_since"] == (today_in_finland() - timedelta(days=2)).isoformat()
    assert rest.json()["next_cursor"] is None
    assert date.fromisoformat(absence["stalled_since"]) <= today_in_finland()
