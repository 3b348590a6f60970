"""Reminders planned anew by two changes at once: each waiting reminder exists once."""

from __future__ import annotations

import asyncio

import asyncpg
from httpx import AsyncClient

from tests.factories import Factory
from tests.workers.test_messages import enrolled_client


async def test_a_new_number_and_new_reminder_times_at_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    for _ in range(3):
        coach, programme, client_id = await enrolled_client(
            api, make, consents=("email_reminders", "sms_reminders")
        )
        number, times = await asyncio.gather(
            api.patch(
                f"/api/v1/clients/{client_id}",
                json={"phone": "+358 50 765 4321"},
                headers=coach.headers,
            ),
            api.patch(
                f"/api/v1/programmes/{programme['id']}",
                json={"reminder_offsets": ["P1D", "PT3H"]},
                headers=coach.headers,
            ),
        )
        assert (number.status_code, times.status_code) == (200, 200)
        rows = await db.fetch(
            "SELECT session_id, channel, offset_spec, count(*) AS copies FROM messages "
            "WHERE client_id = $1 AND kind = 'reminder' AND status = 'pending' "
            "GROUP BY 1, 2, 3",
            client_id,
        )
        assert {row["copies"] for row in rows} == {1}
        assert {row["offset_spec"] for row in rows} == {"P1D", "PT3H"}
        assert {row["channel"] for row in rows} == {"email", "sms"}
        assert len(rows) == 2 * 2 * len(programme["sessions"])
