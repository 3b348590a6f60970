"""Plan reads and GAS summaries that arrive together share statements, and each keeps
its own answer and its own audit row (service/coaching/plan_view.py, PlanReads)."""

from __future__ import annotations

from typing import Any

import asyncpg
from httpx import AsyncClient
from litestar import Litestar

from tests.api.coaching import add_goal, coached_client, create_plan, rate
from tests.concurrency.together import answered_together
from tests.factories import Factory, Person

UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"


async def _rated_plan(api: AsyncClient, make: Factory) -> tuple[Person, dict[str, Any]]:
    coach, client_id = await coached_client(make)
    plan = await create_plan(api, coach, client_id)
    goal = await add_goal(api, coach, plan["id"])
    await rate(api, coach, goal["id"], 1)
    return coach, plan


async def test_reads_arriving_together_each_get_their_own_answer_and_audit_row(
    app: Litestar, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    (first, first_plan), (second, second_plan) = [await _rated_plan(api, make) for _ in range(2)]
    asked: list[tuple[Person, str, str]] = []  # who, which path, what they should get
    for person, own, other in [(first, first_plan, second_plan), (second, second_plan, first_plan)]:
        asked += [
            (person, f"/plans/{own['id']}", "plan"),
            (person, f"/plans/{own['id']}/gas", "staff"),
            (person, f"/plans/{own['id']}/gas?ratings=client", "client"),
            (person, f"/plans/{other['id']}", "refused"),
            (person, f"/plans/{other['id']}/gas", "refused"),
            (person, f"/plans/{UNKNOWN_ID}", "unknown"),
            (person, f"/plans/{UNKNOWN_ID}/gas", "unknown"),
        ]
    asked *= 4  # 56 reads

    async def read(number: int, person: Person, path: str) -> tuple[int, Any]:
        headers = {**person.headers, "X-Request-ID": f"plans-together-{number}"}
        response = await api.get(f"/api/v1{path}", headers=headers)
        return response.status_code, response.json()

    answers = await answered_together(
        app, [read(n, person, path) for n, (person, path, _) in enumerate(asked)]
    )

    plans = {first.id: first_plan, second.id: second_plan}
    for (person, _, outcome), (status, body) in zip(asked, answers, strict=True):
        own = plans[person.id]
        if outcome == "plan":
            assert status == 200
            assert (body["id"], body["client_id"]) == (own["id"], own["client_id"])
            assert body["goals"][0]["latest_level"] == 1
        elif outcome in {"staff", "client"}:
            assert status == 200
            assert body["ratings"] == outcome
            # The staff rated the goal up from its baseline; the client has not rated.
            assert (body["t_score"] > body["baseline_t_score"]) is (outcome == "staff")
        else:
            assert status == 404
    rows = await db.fetch(
        "SELECT request_id, actor_id, action, client_id, subject_id, outcome, occurred_at "
        "FROM audit_events WHERE request_id LIKE 'plans-together-%'"
    )
    by_request = {row["request_id"]: row for row in rows}
    assert len(rows) == len(by_request)
    for n, (person, path, outcome) in enumerate(asked):
        row = by_request.get(f"plans-together-{n}")
        if outcome == "unknown":  # no plan, so no client whose record was touched
            assert row is None
            continue
        assert row is not None
        plan_id = path.split("/")[2]
        plan = first_plan if plan_id == first_plan["id"] else second_plan
        assert (row["actor_id"], row["client_id"]) == (person.id, plan["client_id"])
        assert row["action"] == ("gas.read" if "/gas" in path else "plan.read")
        if outcome == "refused":
            assert row["outcome"] == "denied"
        else:
            assert (row["outcome"], row["subject_id"]) == ("ok", plan_id)
    # One statement's rows share their transaction's start time: far fewer than the 24
    # reads that were answered.
    answered = [row for row in rows if row["outcome"] == "ok"]
    assert len(answered) == 24
    statements = len({row["occurred_at"] for row in answered})
    assert statements <= 8, statements


async def test_an_edit_answers_with_the_plan_without_a_read_of_its_own(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, plan = await _rated_plan(api, make)
    headers = {**coach.headers, "If-Match": f'"{plan["version"]}"', "X-Request-ID": "plan-edit"}
    edited = await api.patch(
        f"/api/v1/plans/{plan['id']}", json={"ends_on": "2027-03-01"}, headers=headers
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["ends_on"], edited.json()["goals"][0]["latest_level"]) == (
        "2027-03-01",
        1,
    )
    actions = await db.fetch(
        "SELECT action FROM audit_events WHERE request_id = 'plan-edit' ORDER BY id"
    )
    assert [row["action"] for row in actions] == ["plan.update"]
