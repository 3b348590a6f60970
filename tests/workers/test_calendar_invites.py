"""The calendar parts of e-mailed invites and cancellations, through the real worker
and a real SMTP server, read by two independent parsers."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from tests.api.programmes import create_programme, days_from_today, enrol, shift_in_time
from tests.calendars import Seen, applied, assert_read_as, recurrence_ids
from tests.factories import Factory, Person
from tests.mail import MailServer
from tests.workers.test_messages import calendar_part, run_worker


def calendar_bytes(message: EmailMessage) -> bytes:
    [part] = [p for p in message.iter_parts() if p.get_content_type() == "text/calendar"]
    content: str = part.get_content()
    return content.encode()


async def invited(
    api: AsyncClient, make: Factory, coach: Person, **programme: object
) -> tuple[dict, str]:
    created = await create_programme(api, coach, **programme)
    client_id = await make.client(coach, email="anna@example.org", first_name="Anna")
    await make.consent(client_id, "email_reminders", coach)
    assert (await enrol(api, coach, created["id"], client_id)).status_code == 201
    return created, client_id


def instants(uid: str, sessions: list[dict]) -> list[Seen]:
    return [
        Seen(
            uid,
            datetime.fromisoformat(s["starts_at"]).astimezone(UTC),
            datetime.fromisoformat(s["ends_at"]).astimezone(UTC),
        )
        for s in sessions
    ]


async def test_cancelling_a_group_that_has_met_takes_only_the_coming_sessions(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach = await make.staff("coach", phone="+358 40 100 0001")
    programme = await create_programme(api, coach, first_session_date=days_from_today(1))
    await shift_in_time(db, programme["id"], -16)  # three sessions held
    client_id = await make.client(coach, email="anna@example.org", first_name="Anna")
    await make.consent(client_id, "email_reminders", coach)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    await run_worker(worker_settings)
    cancelled = await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    await run_worker(worker_settings)

    invite, cancellation = mail_server.mailbox.to("anna@example.org")
    method, calendar = calendar_part(cancellation)
    assert method == "CANCEL" == calendar["METHOD"]
    sessions = cancelled.json()["sessions"]
    held = [s for s in sessions if s["status"] == "held"]
    called_off = [s for s in sessions if s["status"] == "cancelled"]
    assert (len(held), len(called_off)) == (3, 5)
    message = calendar_bytes(cancellation)
    for parser, named in recurrence_ids(message).items():
        assert named == [datetime.fromisoformat(s["starts_at"]) for s in called_off], parser
    uid = f"programme-{programme['id']}@polku"
    assert_read_as(applied(calendar_bytes(invite), message), instants(uid, held))


async def test_cancelling_a_group_before_it_met_takes_the_whole_series(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    coach = await make.staff("coach")
    programme, _ = await invited(api, make, coach)
    await run_worker(worker_settings)
    await api.post(
        f"/api/v1/programmes/{programme['id']}/cancel", json={"reason": "x"}, headers=coach.headers
    )
    await run_worker(worker_settings)
    invite, cancellation = mail_server.mailbox.to("anna@example.org")
    [master] = calendar_part(cancellation)[1].walk("VEVENT")
    assert "RECURRENCE-ID" not in master
    assert_read_as(applied(calendar_bytes(invite), calendar_bytes(cancellation)), [])


async def test_an_invite_carries_each_sessions_theme_in_the_clients_language(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    coach = await make.staff("coach", phone="+358 40 100 0001")
    programme, _ = await invited(api, make, coach, session_themes=["Tutustuminen", "Raha-asiat"])
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("anna@example.org")
    _, calendar = calendar_part(invite)
    master, *themed = calendar.walk("VEVENT")
    assert str(master["DESCRIPTION"]) == (
        "Ryhmä kokoontuu kerran viikossa.\nJos et pääse, soita +358 40 100 0001."
    )
    assert [str(e["DESCRIPTION"]).split("\n")[:2] for e in themed] == [
        ["Tapaaminen 1/8", "Aihe: Tutustuminen"],
        ["Tapaaminen 2/8", "Aihe: Raha-asiat"],
    ]
    uid = f"programme-{programme['id']}@polku"
    assert_read_as(calendar_bytes(invite), instants(uid, programme["sessions"]))

    # A new theme for one session goes out as an update of that session alone.
    session = programme["sessions"][3]
    await api.patch(
        f"/api/v1/sessions/{session['id']}", json={"theme": "Vapaa-aika"}, headers=coach.headers
    )
    await run_worker(worker_settings)
    _, update = calendar_part(mail_server.mailbox.to("anna@example.org")[-1])
    [instance] = update.walk("VEVENT")
    assert instance["RECURRENCE-ID"].dt == datetime.fromisoformat(session["starts_at"])
    assert str(instance["DESCRIPTION"]).startswith("Tapaaminen 4/8\nAihe: Vapaa-aika")
