"""Coaching meetings get invites, updates, cancellations and reminders like sessions."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from tests.api.coaching import create_plan
from tests.api.test_meetings import plan_meeting, soon
from tests.factories import Factory
from tests.mail import MailServer
from tests.workers.test_messages import calendar_part, run_worker


async def test_a_meeting_is_invited_moved_and_cancelled_by_email(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach = await make.staff("coach", phone="+358 40 200 0002")
    client_id = await make.client(
        coach, email="matti@example.org", first_name="Matti", language="en"
    )
    await make.consent(client_id, "email_reminders", coach)
    plan = await create_plan(api, coach, client_id)
    meeting = await plan_meeting(api, coach, plan["id"], online_url="https://meet.example/abc")
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("matti@example.org")
    method, calendar = calendar_part(invite)
    assert method == "REQUEST" == calendar["METHOD"]
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"meeting-{meeting['id']}@polku"
    assert "RRULE" not in event
    assert (event["DTSTART"].dt, event["SEQUENCE"]) == (soon(3), 0)
    text = invite.get_body(("plain",)).get_content()
    assert "coaching meeting" in text
    assert "https://meet.example/abc" in text
    assert "+358 40 200 0002" in text
    reminders = await db.fetch(
        "SELECT offset_spec FROM messages WHERE meeting_id = $1 AND kind = 'reminder' "
        "AND status = 'pending' ORDER BY scheduled_for",
        meeting["id"],
    )
    assert [r["offset_spec"] for r in reminders] == ["P1D", "PT2H"]

    await api.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"starts_at": soon(5).isoformat()},
        headers=coach.headers,
    )
    await run_worker(worker_settings)
    method, calendar = calendar_part(mail_server.mailbox.messages[-1])
    [event] = calendar.walk("VEVENT")
    assert (method, event["DTSTART"].dt, event["SEQUENCE"]) == ("REQUEST", soon(5), 1)

    await api.post(
        f"/api/v1/meetings/{meeting['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    await run_worker(worker_settings)
    assert len(mail_server.mailbox.messages) == 3
    method, calendar = calendar_part(mail_server.mailbox.messages[-1])
    [event] = calendar.walk("VEVENT")
    assert (method, event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 2)
    pending = await db.fetchval(
        "SELECT count(*) FROM messages WHERE meeting_id = $1 AND status = 'pending'",
        meeting["id"],
    )
    assert pending == 0
