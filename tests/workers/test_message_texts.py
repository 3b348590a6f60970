"""What clients read, through the real worker: their own clock, the year when it is not
this one, and an update that says what changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from service.notifications.render import when
from tests.api.programmes import create_programme, enrol
from tests.factories import Factory
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker

HELSINKI = ZoneInfo("Europe/Helsinki")


def body(message: object) -> str:
    text: str = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    return text


async def test_a_client_in_another_zone_reads_their_own_clock_and_its_name(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    _, programme, _ = await enrolled_client(api, make, timezone="Europe/Stockholm")
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("anna@example.org")
    first = datetime.fromisoformat(programme["sessions"][0]["starts_at"])
    assert first.astimezone(HELSINKI).hour == 10
    year = datetime.now(UTC).astimezone(ZoneInfo("Europe/Stockholm")).year
    expected = when(first, "fi", ZoneInfo("Europe/Stockholm"), year=year, group_zone=HELSINKI)
    assert expected.endswith("klo 9.00 (aikavyöhyke: Ruotsi)")
    assert f"Ensimmäinen tapaaminen on {expected}." in body(invite)


async def test_a_first_meeting_next_year_is_written_with_its_year(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    coach = await make.staff("coach")
    next_year = datetime.now(HELSINKI).year + 1
    programme = await create_programme(
        api,
        coach,
        first_session_date=date(next_year, 1, 11).isoformat(),  # a Monday in 2027
    )
    client_id = await make.client(coach, email="anna@example.org", first_name="Anna")
    await make.consent(client_id, "email_reminders", coach)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.to("anna@example.org")
    assert f" 11.1.{next_year} klo 10.00." in body(invite)


async def test_a_place_change_for_the_whole_group_says_so_and_what_else_changed_since(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, client_id = await enrolled_client(api, make)
    await run_worker(worker_settings)  # the invite
    moved = await api.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"location": {"name": "Kirjasto", "address": "Koulukatu 2, Järvilä"}},
        headers=coach.headers,
    )
    assert moved.status_code == 200, moved.text
    await run_worker(worker_settings)
    update = mail_server.mailbox.messages[-1]
    lines = body(update).splitlines()
    assert lines[:2] == [
        "Ryhmän Arjen taidot tapaamispaikka on muuttunut.",
        "Uusi paikka: Kirjasto, Koulukatu 2, Järvilä",
    ]
    assert lines[2].startswith("Seuraava tapaaminen on ")
    assert not any("aika" in line.lower() for line in lines)

    # Two changes before the worker runs: the second update replaces the first, and
    # says both.
    for change in (
        {"location": {"name": "Nuorisotila", "address": "Torikatu 3, Järvilä"}},
        {"online_url": "https://meet.example.org/arki"},
    ):
        changed = await api.patch(
            f"/api/v1/programmes/{programme['id']}", json=change, headers=coach.headers
        )
        assert changed.status_code == 200, changed.text
    await run_worker(worker_settings)
    text = body(mail_server.mailbox.messages[-1])
    assert "Uusi paikka: Nuorisotila, Torikatu 3, Järvilä" in text
    assert "Uusi etäyhteyslinkki: https://meet.example.org/arki" in text
    statuses = await db.fetch(
        "SELECT status FROM messages WHERE client_id = $1 AND kind = 'update' ORDER BY created_at",
        client_id,
    )
    assert [r["status"] for r in statuses] == ["sent", "cancelled", "sent"]


async def test_a_moved_session_says_it_moved_and_a_new_place_says_so(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    coach, programme, _ = await enrolled_client(api, make, language="en")
    await run_worker(worker_settings)
    session = programme["sessions"][3]
    placed = await api.patch(
        f"/api/v1/sessions/{session['id']}",
        json={"location": {"name": "Library", "address": "Koulukatu 2"}},
        headers=coach.headers,
    )
    assert placed.status_code == 200, placed.text
    await run_worker(worker_settings)
    lines = body(mail_server.mailbox.messages[-1]).splitlines()
    assert lines[0].startswith("The meeting of Arjen taidot on ")
    assert lines[0].endswith(" will be held in a new place.")
    assert lines[1] == "New place: Library, Koulukatu 2"
    assert not any("New time" in line for line in lines)
