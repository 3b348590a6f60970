"""`?mine=true` on the lists a staff member's day starts from: the groups they facilitate,
the clients of their own relationships, the referrals they are a side of in person, and
the plans they coach (GET /api/v1/plans, with what a list screen shows of each)."""

from __future__ import annotations

from typing import Any

import asyncpg
from httpx import AsyncClient

from tests.api.coaching import add_goal, create_plan, rate
from tests.api.programmes import create_programme, days_from_today
from tests.api.referrals import county_and_ngo, refer
from tests.factories import Factory, Person


async def _items(api: AsyncClient, who: Person, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(f"/api/v1/{path}", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_my_groups_are_those_i_facilitate_with_facilitators_and_next_session(
    api: AsyncClient, make: Factory
) -> None:
    organisation = await make.organisation()
    me = await make.staff("coach", organisation_id=organisation)
    colleague = await make.staff("coach", organisation_id=organisation)
    mine = await create_programme(
        api, me, facilitator_ids=[me.id, colleague.id], first_session_date=days_from_today(-8)
    )
    theirs = await create_programme(api, colleague, organisation_id=organisation)

    listed = await _items(api, me, "programmes", mine="true", organisation_id=organisation)
    assert [p["id"] for p in listed] == [mine["id"]]
    assert sorted(listed[0]["facilitator_ids"]) == sorted([me.id, colleague.id])
    coming = [s["starts_at"] for s in mine["sessions"] if s["starts_at"] > days_from_today(0)]
    assert listed[0]["next_session_at"] == min(coming)

    everyone = await _items(api, me, "programmes", organisation_id=organisation)
    assert {p["id"] for p in everyone} == {mine["id"], theirs["id"]}
    assert await _items(api, colleague, "programmes", mine="true", organisation_id=organisation)
    one = await api.get(f"/api/v1/programmes/{mine['id']}", headers=me.headers)
    assert one.json()["next_session_at"] == listed[0]["next_session_at"]
    assert sorted(one.json()["facilitator_ids"]) == sorted([me.id, colleague.id])


async def test_my_clients_leave_out_those_i_reach_only_as_an_admin(
    api: AsyncClient, make: Factory
) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", "coach", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation)
    own = await make.client(admin, last_name="Omanen")
    others = await make.client(worker, last_name="Muunen")
    coached = await make.client(worker, last_name="Valmennettava")
    await create_plan(api, admin, coached, starts_on=days_from_today(-10))

    assert {c["id"] for c in await _items(api, admin, "clients")} >= {own, others, coached}
    assert {c["id"] for c in await _items(api, admin, "clients", mine="true")} == {own, coached}
    searched = await _items(api, admin, "clients", mine="true", q="Omanen")
    assert [c["id"] for c in searched] == [own]
    assert {c["id"] for c in await _items(api, worker, "clients", mine="true")} == {
        others,
        coached,
    }


async def test_my_clients_follow_reach_when_a_plan_has_ended(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("coach")
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    client = await make.client(worker)
    await create_plan(
        api, worker, client, coach_ids=[coach.id], starts_on="2025-01-01", ends_on="2025-06-30"
    )
    assert await _items(api, coach, "clients", mine="true") == []


async def test_my_referrals_are_those_i_am_a_side_of_in_person(
    api: AsyncClient, make: Factory
) -> None:
    setting = await county_and_ngo(api, make)
    colleague = await make.staff("coach", organisation_id=setting.coach.organisation_id)
    made = await refer(
        api,
        setting.worker,
        setting.client_id,
        programme_id=setting.programme["id"],
        consent_id=setting.consent_id,
    )
    assert made.status_code == 201, made.text
    referral = made.json()["id"]

    assert [r["id"] for r in await _items(api, setting.worker, "referrals", mine="true")] == [
        referral
    ]
    assert [r["id"] for r in await _items(api, setting.coach, "referrals", mine="true")] == [
        referral
    ]
    # A coach of the receiving organisation is a side, but not in person.
    assert [r["id"] for r in await _items(api, colleague, "referrals")] == [referral]
    assert await _items(api, colleague, "referrals", mine="true") == []


async def test_my_plans_show_what_a_list_screen_needs(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    colleague = await make.staff("coach", organisation_id=coach.organisation_id)
    anna = await make.client(coach, first_name="Anna", last_name="Salainen")
    ben = await make.client(colleague, first_name="Ben", last_name="Muunen")
    plan = await create_plan(api, coach, anna, starts_on="2026-09-01")
    first = await add_goal(api, coach, plan["id"])
    await add_goal(api, coach, plan["id"], baseline=-2, weight=2)
    await rate(api, coach, first["id"], 1, rated_on="2026-10-01")
    await rate(api, coach, first["id"], 0, rated_on="2026-10-15")
    ended = await create_plan(api, coach, anna, starts_on="2025-01-01", ends_on="2025-02-01")
    await create_plan(api, colleague, ben)

    mine = await _items(api, coach, "plans", mine="true")
    assert [p["id"] for p in mine] == [plan["id"], ended["id"]]
    item = mine[0]
    gas = (await api.get(f"/api/v1/plans/{plan['id']}/gas", headers=coach.headers)).json()
    assert item["client_id"] == anna
    assert item["client_name"] == "Anna S."
    assert (item["kind"], item["status"], item["starts_on"]) == (
        "goal_coaching",
        "open",
        "2026-09-01",
    )
    assert (item["goal_count"], item["last_rated_on"]) == (2, "2026-10-15")
    assert item["t_score"] == gas["t_score"]
    assert item["coach_ids"] == [coach.id]
    assert "Salainen" not in str(mine)
    assert mine[1]["status"] == "ended"
    assert mine[1]["t_score"] is None
    assert [p["id"] for p in await _items(api, coach, "plans", mine="true", status="ended")] == [
        ended["id"]
    ]

    # Without mine: every plan of the clients the caller reaches; the colleague's client
    # is out of reach, and what the list showed is audited per client.
    assert {p["id"] for p in await _items(api, coach, "plans")} == {plan["id"], ended["id"]}
    assert await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE actor_id = $1 AND action = 'plan.list' "
        "AND client_id = $2",
        coach.id,
        anna,
    )


async def test_plans_page_by_cursor_and_refuse_bad_input(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    client = await make.client(coach)
    made = [
        await create_plan(api, coach, client, starts_on=f"2026-0{month}-01") for month in (1, 2, 3)
    ]
    first = await api.get(
        "/api/v1/plans", params={"mine": "true", "limit": 2}, headers=coach.headers
    )
    body = first.json()
    assert [p["id"] for p in body["items"]] == [made[2]["id"], made[1]["id"]]
    rest = await _items(api, coach, "plans", mine="true", cursor=body["next_cursor"])
    assert [p["id"] for p in rest] == [made[0]["id"]]
    for params, field in (
        ({"status": "closed"}, "status"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"mine": "perhaps"}, "mine"),
        ({"limit": "0"}, "limit"),
    ):
        refused = await api.get("/api/v1/plans", params=params, headers=coach.headers)
        assert refused.status_code == 400 or refused.status_code == 422, refused.text
        assert field in refused.text


async def test_an_analyst_sees_no_plans(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    analyst = await make.staff("analyst", organisation_id=coach.organisation_id)
    await create_plan(api, coach, await make.client(coach))
    assert await _items(api, analyst, "plans") == []
    assert await _items(api, analyst, "plans", mine="true") == []
