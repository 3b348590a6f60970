"""Helpers for tests that need group programmes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from tests.factories import Person


def days_from_today(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def create_programme(api: AsyncClient, coach: Person, **fields: Any) -> dict[str, Any]:
    """A programme run by `coach`; by default eight weeks starting in two weeks."""
    body = {
        "title": "Arjen taidot",
        "organisation_id": coach.organisation_id,
        "first_session_date": days_from_today(14),
        "start_time": "10:00",
        "duration_minutes": 120,
        "capacity": 10,
        "location": {"name": "Kohtaamispaikka", "address": "Kauppakatu 1, Järvilä"},
        "facilitator_ids": [coach.id],
        **fields,
    }
    response = await api.post("/api/v1/programmes", json=body, headers=coach.headers)
    assert response.status_code == 201, response.text
    programme: dict[str, Any] = response.json()
    return programme


async def enrol(api: AsyncClient, by: Person, programme_id: str, client_id: str) -> Any:
    return await api.post(
        f"/api/v1/programmes/{programme_id}/enrolments",
        json={"client_id": client_id},
        headers=by.headers,
    )
