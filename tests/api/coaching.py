"""Helpers for tests that need coaching plans."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.factories import Factory, Person

LEVELS = {
    "-2": "Ei käy ulkona lainkaan",
    "-1": "Käy kaupassa kerran viikossa",
    "0": "Käy kävelyllä kaksi kertaa viikossa",
    "1": "Käy kävelyllä neljä kertaa viikossa",
    "2": "Liikkuu ulkona päivittäin",
}


async def coached_client(make: Factory) -> tuple[Person, str]:
    """A coach responsible for a new client."""
    coach = await make.staff("coach")
    return coach, await make.client(coach)


async def create_plan(
    api: AsyncClient, coach: Person, client_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "2026-09-01", **fields}
    response = await api.post(
        f"/api/v1/clients/{client_id}/plans", json=body, headers=coach.headers
    )
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    return plan


async def add_goal(api: AsyncClient, coach: Person, plan_id: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "Liikkuu ulkona", "baseline": -1, "levels": LEVELS, **fields}
    response = await api.post(f"/api/v1/plans/{plan_id}/goals", json=body, headers=coach.headers)
    assert response.status_code == 201, response.text
    goal: dict[str, Any] = response.json()
    return goal


async def rate(
    api: AsyncClient, coach: Person, goal_id: str, level: int, rated_on: str = "2026-10-01"
) -> dict[str, Any]:
    response = await api.post(
        f"/api/v1/goals/{goal_id}/ratings",
        json={"level": level, "rated_on": rated_on},
        headers=coach.headers,
    )
    assert response.status_code == 201, response.text
    rating: dict[str, Any] = response.json()
    return rating
