"""Coaching plans, GAS goals and ratings, ETags, continuation and confidential notes."""

from __future__ import annotations

import asyncio

import asyncpg
from httpx import AsyncClient

from tests.api.coaching import LEVELS, add_goal, coached_client, create_plan, rate
from tests.factories import Factory


async def test_plan_with_goals_ratings_and_the_gas_summary(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    job_coach = await make.staff("coach", organisation_id=coach.organisation_id)
    plan = await create_plan(api, coach, client_id, coach_ids=[coach.id, job_coach.id])
    assert plan["kind"] == "goal_coaching"
    assert sorted(plan["coach_ids"]) == sorted([coach.id, job_coach.id])
    assert plan["gas"]["t_score"] is None  # no goals yet
    first = await add_goal(api, coach, plan["id"], weight=6, baseline=-1)
    second = await add_goal(api, job_coach, plan["id"], title="Hakee työkokeiluun", weight=6)
    await rate(api, coach, first["id"], 0, "2026-10-01")
    await rate(api, coach, first["id"], 1, "2026-10-15")
    await rate(api, coach, second["id"], 0, "2026-10-15")

    gas = (await api.get(f"/api/v1/plans/{plan['id']}/gas", headers=coach.headers)).json()
    assert gas["rho"] == 0.3
    assert gas["t_score"] == 56.20  # two goals of weight 6 rated +1 and 0
    assert gas["baseline_t_score"] == 37.60  # both at -1
    assert gas["goals"] == [
        {"id": first["id"], "weight": 6.0, "baseline": -1, "latest_level": 1},
        {"id": second["id"], "weight": 6.0, "baseline": -1, "latest_level": 0},
    ]
    # On 1 October the second goal was not rated yet and counts at its baseline.
    assert gas["history"] == [
        {"on": "2026-10-01", "t_score": 43.8},
        {"on": "2026-10-15", "t_score": 56.2},
    ]

    read = await api.get(f"/api/v1/plans/{plan['id']}", headers=job_coach.headers)
    assert read.status_code == 200
    body = read.json()
    assert read.headers["etag"] == f'"{body["version"]}"'
    assert body["gas"]["t_score"] == 56.20
    assert [g["title"] for g in body["goals"]] == ["Liikkuu ulkona", "Hakee työkokeiluun"]
    assert [r["level"] for r in body["goals"][0]["ratings"]] == [0, 1]
    assert body["goals"][0]["levels"] == LEVELS

    listed = await api.get(f"/api/v1/clients/{client_id}/plans", headers=coach.headers)
    assert [p["id"] for p in listed.json()["items"]] == [plan["id"]]


async def test_one_unweighted_goal_rated_plus_one_gives_sixty(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    goal = await add_goal(api, coach, plan["id"], baseline=-2)
    assert goal["weight"] == 1.0
    await rate(api, coach, goal["id"], 1)
    gas = (await api.get(f"/api/v1/plans/{plan['id']}/gas", headers=coach.headers)).json()
    assert (gas["baseline_t_score"], gas["t_score"]) == (30.0, 60.0)


async def test_invalid_goals_and_ratings_name_the_field(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    url = f"/api/v1/plans/{plan['id']}/goals"
    good = {"title": "Tavoite", "baseline": -1, "levels": LEVELS}
    cases = {
        "weight": {**good, "weight": 0},
        "baseline": {**good, "baseline": 0},
        "levels": {**good, "levels": {k: v for k, v in LEVELS.items() if k != "2"}},
        "title": {**good, "title": "   "},
    }
    for field, body in cases.items():
        response = await api.post(url, json=body, headers=coach.headers)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"].startswith(field), response.json()
    goal = await add_goal(api, coach, plan["id"])
    for body, field in [
        ({"level": 3, "rated_on": "2026-10-01"}, "level"),
        ({"level": 1, "rated_on": "2999-01-01"}, "rated_on"),
    ]:
        response = await api.post(
            f"/api/v1/goals/{goal['id']}/ratings", json=body, headers=coach.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    mistaken = await api.post(
        f"/api/v1/clients/{client_id}/plans",
        json={"kind": "therapy", "coach_ids": [coach.id], "starts_on": "2026-09-01"},
        headers=coach.headers,
    )
    assert mistaken.json()["errors"][0]["field"] == "kind"
    backwards = await api.post(
        f"/api/v1/clients/{client_id}/plans",
        json={
            "kind": "job_coaching",
            "coach_ids": [coach.id],
            "starts_on": "2026-09-01",
            "ends_on": "2026-08-01",
        },
        headers=coach.headers,
    )
    assert backwards.json()["errors"][0]["field"] == "ends_on"
    analyst = await make.staff("analyst", organisation_id=coach.organisation_id)
    not_a_coach = await api.post(
        f"/api/v1/clients/{client_id}/plans",
        json={"kind": "job_coaching", "coach_ids": [analyst.id], "starts_on": "2026-09-01"},
        headers=coach.headers,
    )
    assert not_a_coach.json()["errors"][0]["field"] == "coach_ids"


async def test_edits_need_the_current_etag(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    goal = await add_goal(api, coach, plan["id"])
    url = f"/api/v1/goals/{goal['id']}"
    blind = await api.patch(url, json={"weight": 2}, headers=coach.headers)
    assert blind.status_code == 428
    read = await api.get(url, headers=coach.headers)
    tag = read.headers["etag"]
    edited = await api.patch(url, json={"weight": 2}, headers={**coach.headers, "If-Match": tag})
    assert edited.status_code == 200
    assert edited.json()["weight"] == 2.0
    assert edited.headers["etag"] != tag
    stale = await api.patch(url, json={"title": "Uusi"}, headers={**coach.headers, "If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")

    plan_url = f"/api/v1/plans/{plan['id']}"
    plan_tag = (await api.get(plan_url, headers=coach.headers)).headers["etag"]
    moved = await api.patch(
        plan_url, json={"ends_on": "2027-03-31"}, headers={**coach.headers, "If-Match": plan_tag}
    )
    assert moved.status_code == 200
    assert moved.json()["ends_on"] == "2027-03-31"
    again = await api.patch(
        plan_url, json={"ends_on": None}, headers={**coach.headers, "If-Match": plan_tag}
    )
    assert again.status_code == 412


async def test_two_coaches_editing_one_goal_at_once(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    other = await make.staff("coach", organisation_id=coach.organisation_id)
    plan = await create_plan(api, coach, client_id, coach_ids=[coach.id, other.id])
    goal = await add_goal(api, coach, plan["id"])
    url = f"/api/v1/goals/{goal['id']}"
    tag = (await api.get(url, headers=coach.headers)).headers["etag"]
    first, second = await asyncio.gather(
        api.patch(url, json={"title": "Ensimmäinen"}, headers={**coach.headers, "If-Match": tag}),
        api.patch(url, json={"title": "Toinen"}, headers={**other.headers, "If-Match": tag}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    winner = first if first.status_code == 200 else second
    saved = (await api.get(url, headers=coach.headers)).json()
    assert saved["title"] == winner.json()["title"]
    assert saved["version"] == goal["version"] + 1


async def test_reach_and_who_may_edit(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    goal = await add_goal(api, coach, plan["id"])
    outsider = await make.staff("coach")
    for path in [f"/plans/{plan['id']}", f"/plans/{plan['id']}/gas", f"/goals/{goal['id']}"]:
        assert (await api.get(f"/api/v1{path}", headers=outsider.headers)).status_code == 404
    refused = await api.post(
        f"/api/v1/goals/{goal['id']}/ratings",
        json={"level": 1, "rated_on": "2026-10-01"},
        headers=outsider.headers,
    )
    assert refused.status_code == 404
    # The municipal worker responsible for the client reads the plan but does not coach.
    worker = await make.staff("referrer", organisation_id=coach.organisation_id)
    await make.responsible(client_id, worker)
    assert (await api.get(f"/api/v1/plans/{plan['id']}", headers=worker.headers)).status_code == 200
    not_theirs = await api.post(
        f"/api/v1/goals/{goal['id']}/ratings",
        json={"level": 1, "rated_on": "2026-10-01"},
        headers=worker.headers,
    )
    assert not_theirs.status_code == 403
    # A coach named on a plan reaches the client through it.
    job_coach = await make.staff("coach", organisation_id=coach.organisation_id)
    tag = (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).headers["etag"]
    await api.patch(
        f"/api/v1/plans/{plan['id']}",
        json={"coach_ids": [coach.id, job_coach.id]},
        headers={**coach.headers, "If-Match": tag},
    )
    assert (
        await api.get(f"/api/v1/clients/{client_id}", headers=job_coach.headers)
    ).status_code == 200


async def test_continuation_plan(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    url = f"/api/v1/plans/{plan['id']}/continuation"
    body = {
        "next_step": "work_trial",
        "description": "Työkokeilu kirjastossa",
        "target_date": "2027-01-15",
    }
    saved = await api.put(url, json=body, headers=coach.headers)
    assert saved.status_code == 200, saved.text
    changed = await api.put(url, json={**body, "next_step": "education"}, headers=coach.headers)
    assert changed.json()["next_step"] == "education"
    read = (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).json()
    assert read["continuation"]["next_step"] == "education"
    assert read["continuation"]["target_date"] == "2027-01-15"
    wrong = await api.put(url, json={**body, "next_step": "holiday"}, headers=coach.headers)
    assert wrong.json()["errors"][0]["field"] == "next_step"


async def test_two_coaches_writing_the_next_step_from_one_version(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    url = f"/api/v1/plans/{plan['id']}/continuation"
    body = {"next_step": "work_trial", "description": "Työkokeilu kirjastossa"}
    first = await api.put(url, json=body, headers={**coach.headers, "If-Match": '"0"'})
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert tag == f'"{first.json()["version"]}"'
    mine = await api.put(
        url, json={**body, "next_step": "education"}, headers={**coach.headers, "If-Match": tag}
    )
    assert mine.status_code == 200
    theirs = await api.put(
        url, json={**body, "next_step": "none"}, headers={**coach.headers, "If-Match": tag}
    )
    assert theirs.status_code == 412
    read = (await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)).json()
    assert read["continuation"]["next_step"] == "education"


async def test_confidential_notes_are_for_coaches_and_every_read_is_audited(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    url = f"/api/v1/plans/{plan['id']}/notes"
    written = await api.post(url, json={"body": "Kertoi univaikeuksista."}, headers=coach.headers)
    assert written.status_code == 201
    notes = await api.get(url, headers=coach.headers)
    assert [n["body"] for n in notes.json()["items"]] == ["Kertoi univaikeuksista."]
    # The responsible municipal worker reaches the client but not the notes.
    worker = await make.staff("referrer", organisation_id=coach.organisation_id)
    await make.responsible(client_id, worker)
    assert (await api.get(url, headers=worker.headers)).status_code == 403
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    assert (await api.get(url, headers=admin.headers)).status_code == 200
    outsider = await make.staff("coach")
    assert (await api.get(url, headers=outsider.headers)).status_code == 404
    # Audit rows outlive each test: only this test's people count.
    events = await db.fetch(
        "SELECT actor_id, outcome FROM audit_events WHERE action = 'note.read'"
        " AND actor_id = ANY($1::uuid[]) ORDER BY id",
        [coach.id, worker.id, admin.id, outsider.id],
    )
    assert [(e["actor_id"], e["outcome"]) for e in events] == [
        (coach.id, "ok"),
        (worker.id, "denied"),
        (admin.id, "ok"),
        (outsider.id, "denied"),
    ]
    plan_read = await api.get(f"/api/v1/plans/{plan['id']}", headers=coach.headers)
    assert "univaikeuksista" not in plan_read.text


async def test_coaching_is_on_the_pathway(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id, kind="job_coaching")
    goal = await add_goal(api, coach, plan["id"], title="Hakee työkokeiluun")
    await rate(api, coach, goal["id"], 1)
    await api.put(
        f"/api/v1/plans/{plan['id']}/continuation",
        json={"next_step": "work_trial", "description": "Työkokeilu kirjastossa"},
        headers=coach.headers,
    )
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=coach.headers)
    events = [(e["kind"], e["summary"]) for e in pathway.json()["events"]]
    assert events[1:] == [
        ("plan.created", "Job coaching plan from 2026-09-01"),
        ("goal.rated", "Goal “Hakee työkokeiluun” rated +1"),
        ("continuation.planned", "Next step: work trial"),
    ]
