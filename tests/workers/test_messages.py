"""Invites, updates, cancellations and reminders through the real worker, to a real
SMTP server on loopback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import icalendar
from httpx import AsyncClient
from redis.asyncio import Redis

from service.base.settings import Settings
from service.notifications.dispatch import dispatch_due
from service.notifications.sender import Sender
from tests.api.programmes import create_programme, enrol
from tests.factories import Factory, Person, zone_where_the_hour_is
from tests.mail import MailServer
from workers.main import create_worker


async def run_worker(settings: Settings) -> None:
    """One pass of the real worker: dispatch due messages, send them, stop."""
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()


async def enrolled_client(
    api: AsyncClient,
    make: Factory,
    *,
    consents: tuple[str, ...] = ("email_reminders",),
    **client: Any,
) -> tuple[Person, dict, str]:
    coach = await make.staff("coach", phone="+358 40 100 0001")
    programme = await create_programme(api, coach)
    fields = {"email": "anna@example.org", "first_name": "Anna", "last_name": "Asiakas", **client}
    client_id = await make.client(coach, **fields)
    for purpose in consents:
        await make.consent(client_id, purpose, coach)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    return coach, programme, client_id


async def move_session(api: AsyncClient, coach: Person, session: dict, by: timedelta) -> datetime:
    """Move a session later by `by`; returns its new start."""
    new_start = datetime.fromisoformat(session["starts_at"]) + by
    moved = await api.patch(
        f"/api/v1/sessions/{session['id']}",
        json={"starts_at": new_start.isoformat()},
        headers=coach.headers,
    )
    assert moved.status_code == 200, moved.text
    return new_start


def calendar_part(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/calendar"}
    part = parts["text/calendar"]
    assert part.get_content_charset() == "utf-8"
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


async def statuses(db: asyncpg.Connection, client_id: str) -> list[tuple[str, str, str]]:
    rows = await db.fetch(
        "SELECT kind, channel, status FROM messages WHERE client_id = $1 ORDER BY kind, channel",
        client_id,
    )
    return [(r["kind"], r["channel"], r["status"]) for r in rows]


async def test_enrolment_sends_one_invite_for_the_whole_series(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    _, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("anna@example.org")
    assert invite["From"] == "Polku <polku@polku.test>"
    method, calendar = calendar_part(invite)
    assert method == "REQUEST" == calendar["METHOD"]
    [series] = calendar.walk("VEVENT")
    assert series["UID"] == f"programme-{programme['id']}@polku"
    assert "RRULE" in series
    assert str(series["ATTENDEE"]) == "mailto:anna@example.org"
    # The surname stays out of mailboxes and calendars: the first name is enough.
    assert series["ATTENDEE"].params["CN"] == "Anna"
    assert invite["To"] == "Anna <anna@example.org>"
    assert str(series["ORGANIZER"]) == "mailto:polku@polku.test"
    assert series["SEQUENCE"] == 0
    text = invite.get_body(("plain",)).get_content()
    assert "Arjen taidot" in text
    assert "+358 40 100 0001" in text
    assert "klo 10.00" in text
    sent = await statuses(db, client_id)
    assert ("invite", "email", "sent") in sent
    reminders = [s for s in sent if s[0] == "reminder"]
    assert len(reminders) == 16  # 8 sessions × P1D and PT2H, e-mail only (no phone)
    assert {status for *_, status in reminders} == {"pending"}


async def test_without_consent_messages_are_skipped_with_the_reason(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    _, _, client_id = await enrolled_client(api, make, consents=())
    await run_worker(worker_settings)
    assert mail_server.mailbox.messages == []
    reason = await db.fetchval(
        "SELECT status_reason FROM messages WHERE client_id = $1 AND kind = 'invite'", client_id
    )
    assert reason == "no valid email_reminders consent"


async def test_consent_given_after_enrolment_brings_the_invite(
    api: AsyncClient,
    make: Factory,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, _, client_id = await enrolled_client(api, make, consents=())
    await run_worker(worker_settings)  # the invite is skipped: no consent yet
    given = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders"},
        headers=coach.headers,
    )
    assert given.status_code == 201, given.text
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.messages
    method, calendar = calendar_part(invite)
    assert method == "REQUEST"
    assert "RRULE" in calendar.walk("VEVENT")[0]


async def test_revoking_email_consent_stops_pending_emails(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, _, client_id = await enrolled_client(api, make)
    consent_id = await db.fetchval(
        "SELECT id FROM consents WHERE client_id = $1 AND purpose = 'email_reminders'", client_id
    )
    await api.post(f"/api/v1/consents/{consent_id}/revoke", headers=coach.headers)
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' WHERE client_id = $1",
        client_id,
    )
    await run_worker(worker_settings)
    assert mail_server.mailbox.messages == []
    assert {status for *_, status in await statuses(db, client_id)} == {"skipped"}


async def test_revoking_a_consent_given_twice_keeps_what_the_other_allows(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, _, client_id = await enrolled_client(api, make)
    [old] = await db.fetch(
        "SELECT id FROM consents WHERE client_id = $1 AND purpose = 'email_reminders'", client_id
    )
    await make.consent(client_id, "email_reminders", coach)  # given again, still valid
    revoked = await api.post(
        f"/api/v1/consents/{old['id']}/revoke", json={"reason": "renewed"}, headers=coach.headers
    )
    assert revoked.status_code == 200
    assert {status for *_, status in await statuses(db, client_id)} == {"pending"}


async def test_due_reminder_says_when_where_and_whom_to_call(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    _, programme, client_id = await enrolled_client(api, make, language="sv")
    first = programme["sessions"][0]
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' "
        "WHERE client_id = $1 AND session_id = $2 AND offset_spec = 'P1D'",
        client_id,
        first["id"],
    )
    await run_worker(worker_settings)
    reminders = [m for m in mail_server.mailbox.messages if "Påminnelse" in m["Subject"]]
    assert len(reminders) == 1
    text = reminders[0].get_content()
    assert "kl. 10.00" in text
    assert "Kohtaamispaikka, Kauppakatu 1, Järvilä" in text
    assert "+358 40 100 0001" in text


async def test_a_moved_session_updates_only_that_occurrence_and_its_reminders(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, _ = await enrolled_client(api, make)
    await run_worker(worker_settings)
    session = programme["sessions"][2]
    new_start = await move_session(api, coach, session, timedelta(hours=3))
    await run_worker(worker_settings)
    update = mail_server.mailbox.messages[-1]
    method, calendar = calendar_part(update)
    assert method == "REQUEST"
    [instance] = calendar.walk("VEVENT")
    assert instance["RECURRENCE-ID"].dt == datetime.fromisoformat(session["starts_at"])
    assert instance["DTSTART"].dt == new_start
    assert instance["SEQUENCE"] == 1
    reminders = await db.fetch(
        "SELECT status, scheduled_for FROM messages WHERE session_id = $1 AND kind = 'reminder' "
        "ORDER BY created_at, scheduled_for",
        session["id"],
    )
    assert [r["status"] for r in reminders] == ["cancelled", "cancelled", "pending", "pending"]
    assert max(r["scheduled_for"] for r in reminders) == new_start - timedelta(hours=2)


async def test_an_update_waits_for_the_invite_it_changes(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    owner_pool: asyncpg.Pool,
    redis: Redis,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    session = programme["sessions"][1]
    await move_session(api, coach, session, timedelta(hours=1))
    # While the invite is unsent, only the invite is handed to the queue ...
    assert await dispatch_due(owner_pool, redis, timedelta(minutes=1)) == 1
    handed = await db.fetch(
        "SELECT kind FROM messages WHERE client_id = $1 AND enqueued_at IS NOT NULL", client_id
    )
    assert [r["kind"] for r in handed] == ["invite"]
    # ... and a send job for the update, however it got queued, leaves it waiting.
    update_id = await db.fetchval(
        "SELECT id FROM messages WHERE client_id = $1 AND kind = 'update'", client_id
    )
    async with httpx.AsyncClient() as http:
        sender = Sender(owner_pool, worker_settings, http, None)
        assert await sender.send(str(update_id)) == "not due, or handled already"
    assert ("update", "email", "pending") in await statuses(db, client_id)
    # Two passes of the worker: one may end before the update became due.
    await run_worker(worker_settings)
    await run_worker(worker_settings)
    [invite, update] = mail_server.mailbox.messages
    assert calendar_part(invite)[1].walk("VEVENT")[0].get("RRULE") is not None
    [instance] = calendar_part(update)[1].walk("VEVENT")
    assert instance["RECURRENCE-ID"].dt == datetime.fromisoformat(session["starts_at"])


async def test_a_change_to_the_whole_group_keeps_the_news_of_a_moved_session(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)  # the invite
    session = programme["sessions"][5]
    await move_session(api, coach, session, timedelta(days=1))
    changed = await api.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"online_url": "https://meet.example.org/arki"},
        headers=coach.headers,
    )
    assert changed.status_code == 200, changed.text
    updates = await db.fetch(
        "SELECT session_id, status FROM messages WHERE client_id = $1 AND kind = 'update'",
        client_id,
    )
    assert sorted((u["session_id"] is None, u["status"]) for u in updates) == [
        (False, "pending"),
        (True, "pending"),
    ]


async def test_cancelling_a_session_and_the_programme(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)  # the invite
    session = programme["sessions"][1]
    await api.post(
        f"/api/v1/sessions/{session['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    await run_worker(worker_settings)
    assert len(mail_server.mailbox.messages) == 2
    method, calendar = calendar_part(mail_server.mailbox.messages[-1])
    assert method == "CANCEL"
    [instance] = calendar.walk("VEVENT")
    assert "RECURRENCE-ID" in instance
    assert instance["STATUS"] == "CANCELLED"

    await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    await run_worker(worker_settings)
    assert len(mail_server.mailbox.messages) == 3
    method, calendar = calendar_part(mail_server.mailbox.messages[-1])
    [master] = calendar.walk("VEVENT")
    assert (method, "RECURRENCE-ID" in master, master["SEQUENCE"]) == ("CANCEL", False, 1)
    pending = await db.fetchval(
        "SELECT count(*) FROM messages WHERE client_id = $1 AND status = 'pending'", client_id
    )
    assert pending == 0


async def test_sms_goes_through_the_gateway_with_a_plain_text(
    api: AsyncClient, make: Factory, worker_settings: Settings, db: asyncpg.Connection
) -> None:
    _, _, client_id = await enrolled_client(
        api,
        make,
        consents=("sms_reminders",),
        email=None,
        phone="+358 50 555 0100",
        plain_language=True,
        timezone=zone_where_the_hour_is(*range(9, 20)).key,
    )
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' WHERE client_id = $1 "
        "AND kind = 'invite'",
        client_id,
    )
    await run_worker(worker_settings)
    assert worker_settings.sms_gateway_url is not None
    log = Path(worker_settings.sms_gateway_url.removeprefix("log:"))
    [line] = [json.loads(text) for text in log.read_text().splitlines()]  # noqa: ASYNC240
    assert line["to"] == "+358 50 555 0100"
    assert line["text"].startswith("Olet mukana ryhmässä Arjen taidot.")


async def test_reminders_never_go_out_after_the_session_began(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    _, programme, _ = await enrolled_client(api, make)
    session_id = programme["sessions"][0]["id"]
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '5 minutes' WHERE id = $1", session_id
    )
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '10 minutes' "
        "WHERE session_id = $1 AND kind = 'reminder'",
        session_id,
    )
    await run_worker(worker_settings)
    reasons = await db.fetch(
        "SELECT DISTINCT status, status_reason FROM messages WHERE session_id = $1", session_id
    )
    assert [(r["status"], r["status_reason"]) for r in reasons] == [
        ("skipped", "the session has already started")
    ]
    assert all("Muistutus" not in m["Subject"] for m in mail_server.mailbox.messages)


async def test_delivery_log(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    coach, _, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)
    log = await api.get(f"/api/v1/clients/{client_id}/messages", headers=coach.headers)
    assert log.status_code == 200, log.text
    items = log.json()["items"]
    invite = next(i for i in items if i["kind"] == "invite")
    assert (invite["channel"], invite["status"]) == ("email", "sent")
    assert invite["sent_at"] is not None
    assert {i["kind"] for i in items} == {"invite", "reminder"}
    stranger = await make.staff("coach")
    hidden = await api.get(f"/api/v1/clients/{client_id}/messages", headers=stranger.headers)
    assert hidden.status_code == 404


async def test_an_address_outside_ascii_is_delivered(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    await enrolled_client(api, make, email="jörö.mäkinen@example.org")
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("jörö.mäkinen@example.org")
    assert calendar_part(invite)[0] == "REQUEST"


async def test_a_client_who_left_and_enrolled_again_gets_the_series_back(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)
    enrolment_id = await db.fetchval("SELECT id FROM enrolments WHERE client_id = $1", client_id)
    left = await api.post(
        f"/api/v1/enrolments/{enrolment_id}/withdraw",
        json={"reason": "moved away"},
        headers=coach.headers,
    )
    assert left.status_code == 200, left.text
    await run_worker(worker_settings)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    await run_worker(worker_settings)

    sent = [calendar_part(m) for m in mail_server.mailbox.to("anna@example.org")]
    assert [method for method, _ in sent] == ["REQUEST", "CANCEL", "REQUEST"]
    masters = [calendar.walk("VEVENT")[0] for _, calendar in sent]
    assert {str(m["UID"]) for m in masters} == {f"programme-{programme['id']}@polku"}
    invited, cancelled, invited_again = (m["SEQUENCE"] for m in masters)
    assert invited < cancelled < invited_again


async def test_enrolling_again_before_the_cancellation_went_out_sends_only_the_invite(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)
    enrolment_id = await db.fetchval("SELECT id FROM enrolments WHERE client_id = $1", client_id)
    await api.post(
        f"/api/v1/enrolments/{enrolment_id}/withdraw",
        json={"reason": "by mistake"},
        headers=coach.headers,
    )
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    await run_worker(worker_settings)

    sent = [calendar_part(m) for m in mail_server.mailbox.to("anna@example.org")]
    assert [method for method, _ in sent] == ["REQUEST", "REQUEST"]
    first, again = (calendar.walk("VEVENT")[0] for _, calendar in sent)
    assert again["SEQUENCE"] > first["SEQUENCE"]
    reason = await db.fetchval(
        "SELECT status_reason FROM messages WHERE client_id = $1 AND kind = 'cancellation'",
        client_id,
    )
    assert reason == "the client enrolled again"


async def test_changed_reminder_times_move_the_waiting_reminders(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)

    async def waiting() -> set[str]:
        rows = await db.fetch(
            "SELECT DISTINCT offset_spec FROM messages "
            "WHERE client_id = $1 AND kind = 'reminder' AND status = 'pending'",
            client_id,
        )
        return {row["offset_spec"] for row in rows}

    assert await waiting() == {"P1D", "PT2H"}
    changed = await api.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"reminder_offsets": ["PT3H"]},
        headers=coach.headers,
    )
    assert changed.status_code == 200, changed.text
    assert await waiting() == {"PT3H"}
    per_session = await db.fetchval(
        "SELECT count(*) FROM messages WHERE client_id = $1 AND kind = 'reminder' "
        "AND status = 'pending'",
        client_id,
    )
    assert per_session == len(programme["sessions"])


async def test_consent_given_again_or_a_new_number_brings_the_reminders_back(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach, programme, client_id = await enrolled_client(
        api, make, consents=("email_reminders", "sms_reminders")
    )

    async def waiting(channel: str) -> int:
        count: int = await db.fetchval(
            "SELECT count(*) FROM messages WHERE client_id = $1 AND kind = 'reminder' "
            "AND status = 'pending' AND channel = $2",
            client_id,
            channel,
        )
        return count

    every_session = 2 * len(programme["sessions"])  # P1D and PT2H
    assert (await waiting("email"), await waiting("sms")) == (every_session, 0)  # no number
    consents = await api.get(f"/api/v1/clients/{client_id}/consents", headers=coach.headers)
    email = next(c for c in consents.json()["items"] if c["purpose"] == "email_reminders")
    revoked = await api.post(
        f"/api/v1/consents/{email['id']}/revoke", json={"reason": "x"}, headers=coach.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert await waiting("email") == 0

    given = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders"},
        headers=coach.headers,
    )
    assert given.status_code == 201, given.text
    number = await api.patch(
        f"/api/v1/clients/{client_id}", json={"phone": "+358 50 123 4567"}, headers=coach.headers
    )
    assert number.status_code == 200, number.text
    assert (await waiting("email"), await waiting("sms")) == (every_session, every_session)
