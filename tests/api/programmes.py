"""Helpers for tests that need group programmes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
from httpx import AsyncClient

from service.base.clock import today_in_finland
from tests.factories import Person


def days_from_today(days: int) -> str:
    return (today_in_finland() + timedelta(days=days)).isoformat()


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


async def shift_in_time(db: asyncpg.Connection, programme_id: str, days: int) -> None:
    """Move a programme, its sessions and its enrolments `days` days (negative: into the
    past), as if it had been planned and filled that much earlier."""
    by = timedelta(days=days)
    await db.execute(
        "UPDATE programmes SET starts_at = starts_at + $2, ends_at = ends_at + $2, "
        "first_session_date = first_session_date + $3::int WHERE id = $1",
        programme_id,
        by,
        days,
    )
    await db.execute(
        "UPDATE sessions SET starts_at = starts_at + $2, ends_at = ends_at + $2, "
        "planned_starts_at = planned_starts_at + $2 WHERE programme_id = $1",
        programme_id,
        by,
    )
    await db.execute(
        "UPDATE enrolments SET created_at = created_at + $2, enrolled_at = enrolled_at + $2, "
        "withdrawn_at = withdrawn_at + $2 WHERE programme_id = $1",
        programme_id,
        by,
    )
