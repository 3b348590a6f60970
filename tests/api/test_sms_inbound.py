"""Two-way SMS from the gateway's side: signatures, replies handled once (also two
copies at the same moment), answers to the session or meeting the latest SMS was about,
clients sharing a phone, STOP, messages forwarded to a person, unknown numbers."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import msgspec
from httpx import AsyncClient

from service.base.settings import Settings
from tests.api.coaching import create_plan
from tests.api.programmes import create_programme, enrol
from tests.api.sms import SECRET, handled_as, reply
from tests.api.test_meetings import plan_meeting
from tests.factories import Factory, Person, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import run_worker

PHONE = "040 555 0100"  # as the worker wrote it down
FROM = "+358405550100"  # as the gateway writes the sender


async def sms_client(
    api: AsyncClient, make: Factory, *, phone: str = PHONE, worker: Person | None = None
) -> tuple[Person, dict, str]:
    """A client with SMS consent in a group of eight sessions, its invite unsent."""
    worker = worker or await make.staff("coach", name="Aino Ohjaaja", phone="+358 40 100 0001")
    programme = await create_programme(api, worker)
    client_id = await make.client(
        worker, first_name="Anna", phone=phone, timezone=zone_where_the_hour_is(*range(9, 20)).key
    )
    await make.consent(client_id, "sms_reminders", worker)
    assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    return worker, programme, client_id


async def mark_sent(db: asyncpg.Connection, client_id: str, kind: str, ago: timedelta) -> str:
    """As if the worker had sent the client's first SMS of this kind `ago`."""
    message_id: str = await db.fetchval(
        "UPDATE messages SET status = 'sent', sent_at = now() - $3::interval "
        "WHERE id = (SELECT id FROM messages WHERE client_id = $1 AND kind = $2 "
        "AND channel = 'sms' ORDER BY scheduled_for LIMIT 1) RETURNING id",
        client_id,
        kind,
        ago,
    )
    assert message_id is not None
    return message_id


async def notices(api: AsyncClient, staff: Person) -> list[dict]:
    response = await api.get("/api/v1/notices", headers=staff.headers)
    assert response.status_code == 200, response.text
    items: list[dict] = response.json()["items"]
    return items


# The gateway's signature ---------------------------------------------------------------


async def test_a_reply_without_the_right_signature_is_refused(
    sms_api: AsyncClient, api: AsyncClient, db: asyncpg.Connection
) -> None:
    body = json.dumps({"id": "g1", "from": FROM, "text": "K"}).encode()
    for headers in ({}, {"X-Polku-Signature": "sha256=" + "0" * 64}, {"X-Polku-Signature": ""}):
        refused = await sms_api.post("/api/v1/sms/inbound", content=body, headers=headers)
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    wrong_key = await reply(sms_api, FROM, "K", secret="not-the-secret")
    assert wrong_key.status_code == 401
    # An API without SMS_INBOUND_SECRET takes no reply at all, signed or not.
    assert (await reply(api, FROM, "K")).status_code == 401
    # A signature is checked before the body is read: an unsigned bad body is still 401.
    assert (await sms_api.post("/api/v1/sms/inbound", content=b"{")).status_code == 401
    assert await db.fetchval("SELECT count(*) FROM inbound_sms") == 0


async def test_a_signed_but_invalid_reply_names_the_field(sms_api: AsyncClient) -> None:
    missing = await reply(sms_api, FROM, "K", gateway_id="")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "id"
    late = await reply(
        sms_api, FROM, "K", received_at=(datetime.now(UTC) - timedelta(days=2)).isoformat()
    )
    assert late.status_code == 422, late.text
    assert late.json()["errors"][0]["field"] == "received_at"
    naive = await reply(sms_api, FROM, "K", received_at="2027-03-10T10:00:00")
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "received_at"


# Numbers ----------------------------------------------------------------------------------


async def test_a_number_of_no_client_is_recorded_and_nothing_else(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    assert await handled_as(sms_api, "+358 50 999 9999", "Kuka olette?") == "unknown_sender"
    assert await handled_as(sms_api, "Polku", "K") == "unknown_sender"
    rows = await db.fetch("SELECT handled_as, client_id, text FROM inbound_sms")
    assert [tuple(r) for r in rows] == [("unknown_sender", None, None)] * 2
    assert await db.fetchval("SELECT count(*) FROM messages WHERE kind = 'reply'") == 0
    assert await notices(sms_api, worker) == []


# Answers ----------------------------------------------------------------------------------


async def test_a_yes_answers_the_session_of_the_latest_reminder(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, programme, client_id = await sms_client(sms_api, make)
    await mark_sent(db, client_id, "invite", timedelta(days=3))
    # The reminder of the second session came later: a reply answers that one.
    second = programme["sessions"][1]["id"]
    await db.execute(
        "UPDATE messages SET status = 'sent', sent_at = now() - interval '1 hour' "
        "WHERE client_id = $1 AND kind = 'reminder' AND session_id = $2 AND channel = 'sms'",
        client_id,
        second,
    )
    assert await handled_as(sms_api, FROM, "Joo! 👍") == "rsvp"
    listed = await sms_api.get(f"/api/v1/sessions/{second}/rsvps", headers=worker.headers)
    assert [(i["client_id"], i["answer"], i["via"]) for i in listed.json()["items"]] == [
        (client_id, "coming", "sms")
    ]
    assert await handled_as(sms_api, "040-555 01 00", "e") == "rsvp"  # changes their mind
    listed = await sms_api.get(f"/api/v1/sessions/{second}/rsvps", headers=worker.headers)
    assert [i["answer"] for i in listed.json()["items"]] == ["not_coming"]
    replies = await db.fetch(
        "SELECT subject_type, session_id FROM messages WHERE kind = 'reply' ORDER BY created_at"
    )
    assert [tuple(r) for r in replies] == [("coming", second), ("not_coming", second)]
    actors = await db.fetch(
        "SELECT actor_client_id, detail->>'via' AS via FROM audit_events "
        "WHERE action = 'rsvp.answer' AND client_id = $1",
        client_id,
    )
    assert [tuple(r) for r in actors] == [(client_id, "sms")] * 2


async def test_a_reply_to_an_invite_answers_the_groups_next_session(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, programme, client_id = await sms_client(sms_api, make)
    await mark_sent(db, client_id, "invite", timedelta(hours=2))
    assert await handled_as(sms_api, FROM, "kyllä") == "rsvp"
    first = programme["sessions"][0]["id"]
    listed = await sms_api.get(f"/api/v1/sessions/{first}/rsvps", headers=worker.headers)
    assert [i["via"] for i in listed.json()["items"]] == ["sms"]


async def test_a_reply_answers_a_one_to_one_meeting(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker, phone=PHONE)
    await make.consent(client_id, "sms_reminders", worker)
    plan = await create_plan(sms_api, worker, client_id)
    meeting = await plan_meeting(sms_api, worker, plan["id"])
    await mark_sent(db, client_id, "invite", timedelta(minutes=5))
    assert await handled_as(sms_api, FROM, "N") == "rsvp"
    listed = await sms_api.get(f"/api/v1/meetings/{meeting['id']}/rsvps", headers=worker.headers)
    assert [(i["answer"], i["via"]) for i in listed.json()["items"]] == [("not_coming", "sms")]


async def test_a_yes_with_nothing_coming_to_answer_reaches_a_person(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await sms_client(sms_api, make)
    # The only SMS is eight days old: too old to say what a "K" is about.
    await mark_sent(db, client_id, "invite", timedelta(days=8))
    assert await handled_as(sms_api, FROM, "K") == "forwarded"
    # A reminder for a session that has begun: nor that.
    message_id = await mark_sent(db, client_id, "reminder", timedelta(minutes=1))
    await db.execute(
        "UPDATE sessions SET starts_at = now() - interval '5 minutes' "
        "WHERE id = (SELECT session_id FROM messages WHERE id = $1)",
        message_id,
    )
    assert await handled_as(sms_api, FROM, "K") == "forwarded"
    assert [n["text"] for n in await notices(sms_api, worker)] == ["K", "K"]
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 0


# Once, and once only ------------------------------------------------------------------------


async def test_the_same_reply_twice_is_handled_once(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    _, _, client_id = await sms_client(sms_api, make)
    await mark_sent(db, client_id, "invite", timedelta(hours=1))
    assert await handled_as(sms_api, FROM, "K", gateway_id="same") == "rsvp"
    assert await handled_as(sms_api, FROM, "K", gateway_id="same") == "duplicate"
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 1
    assert await db.fetchval("SELECT count(*) FROM messages WHERE kind = 'reply'") == 1


async def test_two_copies_arriving_together_are_handled_once(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await sms_client(sms_api, make)
    await mark_sent(db, client_id, "invite", timedelta(hours=1))
    for text in ("K", "Soitatko minulle?"):
        answers = await asyncio.gather(
            *(reply(sms_api, FROM, text, gateway_id=f"copy-{text}") for _ in range(4))
        )
        handled = sorted(r.json()["handled_as"] for r in answers)
        assert handled.count("duplicate") == 3, handled
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 1
    assert await db.fetchval("SELECT count(*) FROM messages WHERE kind = 'reply'") == 1
    assert [n["text"] for n in await notices(sms_api, worker)] == ["Soitatko minulle?"]


# One phone, two clients ----------------------------------------------------------------------


async def test_the_latest_message_tells_which_of_two_clients_replied(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    _, _, parent = await sms_client(sms_api, make)
    _, other_programme, child = await sms_client(sms_api, make, phone="+358 40 555 0100")
    await mark_sent(db, parent, "invite", timedelta(days=2))
    await mark_sent(db, child, "invite", timedelta(hours=1))
    assert await handled_as(sms_api, FROM, "ei") == "rsvp"
    rows = await db.fetch("SELECT client_id, session_id FROM rsvps")
    assert [tuple(r) for r in rows] == [(child, other_programme["sessions"][0]["id"])]


async def test_two_clients_texted_together_get_a_person_not_a_guess(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    other_worker = await make.staff("coach")
    _, _, first = await sms_client(sms_api, make, worker=worker)
    _, _, second = await sms_client(sms_api, make, worker=other_worker)
    await mark_sent(db, first, "invite", timedelta(minutes=30))
    await mark_sent(db, second, "invite", timedelta(minutes=29))
    assert await handled_as(sms_api, FROM, "K") == "forwarded"
    assert await db.fetchval("SELECT count(*) FROM rsvps") == 0
    # Each possible sender's worker hears of it, about their own client only.
    assert [(n["kind"], n["client_id"]) for n in await notices(sms_api, worker)] == [
        ("client_message", first)
    ]
    assert [n["client_id"] for n in await notices(sms_api, other_worker)] == [second]


# STOP -----------------------------------------------------------------------------------------


async def test_stop_ends_sms_for_everyone_on_the_phone_and_is_confirmed_once(
    sms_api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
) -> None:
    worker, _, client_id = await sms_client(sms_api, make)
    _, _, sibling = await sms_client(sms_api, make, phone="+358405550100")
    await mark_sent(db, client_id, "invite", timedelta(hours=1))
    assert await handled_as(sms_api, FROM, "Lopeta.") == "opt_out"
    consents = await sms_api.get(f"/api/v1/clients/{client_id}/consents", headers=worker.headers)
    [sms] = [c for c in consents.json()["items"] if c["purpose"] == "sms_reminders"]
    assert sms["revoked_at"] is not None and not sms["valid"]
    assert sms["revocation_reason"] == "The client replied STOP by SMS"
    assert await db.fetchval(
        "SELECT count(*) FROM consents WHERE purpose = 'sms_reminders' AND revoked_at IS NULL"
    ) == 0  # fmt: skip
    pending = await db.fetchval(
        "SELECT count(*) FROM messages WHERE channel = 'sms' AND status = 'pending' "
        "AND kind <> 'reply'"
    )
    assert pending == 0
    pathway = await sms_api.get(f"/api/v1/clients/{client_id}/pathway", headers=worker.headers)
    assert "consent.revoked" in [step["kind"] for step in pathway.json()["events"]]
    audited = await db.fetch(
        "SELECT client_id, actor_client_id, actor_id FROM audit_events "
        "WHERE action = 'consent.revoke' AND client_id = ANY ($1::uuid[])",
        [client_id, sibling],
    )
    assert sorted((r["client_id"], r["actor_client_id"], r["actor_id"]) for r in audited) == sorted(
        [(client_id, client_id, None), (sibling, sibling, None)]
    )
    # The one confirmation goes although the consent has ended, and nothing else does.
    await run_worker(settings_with_secret(worker_settings))
    sent = sms_log(worker_settings)
    assert [line["text"] for line in sent] == [
        "Selvä. Et saa enää tekstiviestejä Polusta. Jos haluat ne takaisin, kerro työntekijällesi."
    ]
    assert sent[0]["to"] == PHONE


# Forwarded to a person --------------------------------------------------------------------------


async def test_any_other_text_reaches_the_clients_workers_as_a_notice(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, _, client_id = await sms_client(sms_api, make)
    bystander = await make.staff("coach")
    text = "En pääse tänään, olen kipeänä. " + "x" * 1200
    assert await handled_as(sms_api, FROM, text) == "forwarded"
    [notice] = await notices(sms_api, worker)
    assert notice["kind"] == "client_message"
    assert notice["client_id"] == client_id
    assert notice["text"] == text[:1000]
    assert notice["referral_id"] is None and notice["read_at"] is None
    assert await notices(sms_api, bystander) == []
    read = await sms_api.post(f"/api/v1/notices/{notice['id']}/read", headers=worker.headers)
    assert read.status_code == 204
    unread = await sms_api.get("/api/v1/notices?unread=true", headers=worker.headers)
    assert unread.json()["items"] == []
    # The worker's reach ends (another takes over the client): so does the notice.
    successor = await make.staff("coach", organisation_id=worker.organisation_id)
    added = await sms_api.post(
        f"/api/v1/clients/{client_id}/workers",
        json={"staff_id": successor.id},
        headers=worker.headers,
    )
    assert added.status_code == 201, added.text
    await db.execute("DELETE FROM programme_staff WHERE staff_id = $1", worker.id)
    removed = await sms_api.delete(
        f"/api/v1/clients/{client_id}/workers/{worker.id}", headers=successor.headers
    )
    assert removed.status_code == 204, removed.text
    assert await notices(sms_api, worker) == []


async def test_a_client_without_workers_reaches_the_groups_facilitators(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    facilitator, _, client_id = await sms_client(sms_api, make)
    await db.execute("DELETE FROM client_workers WHERE client_id = $1", client_id)
    assert await handled_as(sms_api, FROM, "Missä ryhmä on?") == "forwarded"
    assert [n["text"] for n in await notices(sms_api, facilitator)] == ["Missä ryhmä on?"]


# The round trip through the real worker ------------------------------------------------------


def settings_with_secret(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, sms_inbound_secret=SECRET)


def sms_log(settings: Settings) -> list[dict]:
    assert settings.sms_gateway_url is not None
    path = Path(settings.sms_gateway_url.removeprefix("log:"))
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_an_invite_asks_a_reply_answers_and_a_confirmation_follows(
    sms_api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
) -> None:
    worker, programme, client_id = await sms_client(sms_api, make)
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    settings = settings_with_secret(worker_settings)
    await run_worker(settings)
    [invite] = sms_log(settings)
    assert invite["text"].endswith("Tuletko? Vastaa K tai E."), invite["text"]
    assert len(invite["text"]) <= 160

    assert await handled_as(sms_api, FROM, " k ") == "rsvp"
    await run_worker(settings)
    [_, confirmation] = sms_log(settings)
    assert confirmation["to"] == PHONE
    assert confirmation["text"].startswith("Kiitos! Merkitsimme, että tulet: Arjen taidot")
    first = programme["sessions"][0]["id"]
    listed = await sms_api.get(f"/api/v1/sessions/{first}/rsvps", headers=worker.headers)
    assert [i["via"] for i in listed.json()["items"]] == ["sms"]


async def test_without_the_secret_an_sms_asks_for_no_reply(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    _, _, client_id = await sms_client(api, make)
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 minute' "
        "WHERE client_id = $1 AND kind = 'invite'",
        client_id,
    )
    await run_worker(worker_settings)
    [invite] = sms_log(worker_settings)
    assert "Vastaa" not in invite["text"]


async def test_an_email_reply_reaches_the_responsible_worker(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    worker = await make.staff("coach", name="Aino Ohjaaja")
    facilitator = await make.staff(
        "coach", name="Ville Vetäjä", organisation_id=worker.organisation_id
    )
    programme = await create_programme(api, facilitator)
    client_id = await make.client(worker, email="anna@example.org")
    await make.consent(client_id, "email_reminders", worker)
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    assert (await enrol(api, admin, programme["id"], client_id)).status_code == 201
    await run_worker(worker_settings)
    [invite] = mail_server.mailbox.messages
    assert invite["Reply-To"] == f"Aino Ohjaaja <{worker.email}>"
    # Without a responsible worker, the group's facilitator gets the reply.
    await db.execute("DELETE FROM client_workers WHERE client_id = $1", client_id)
    await api.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"online_url": "https://meet.example.org/arki"},
        headers=facilitator.headers,
    )
    await run_worker(worker_settings)
    update = mail_server.mailbox.messages[-1]
    assert update["Reply-To"] == f"Ville Vetäjä <{facilitator.email}>"


async def test_the_confirmation_of_an_answer_at_night_waits_for_the_morning(
    sms_api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    worker = await make.staff("coach")
    programme = await create_programme(sms_api, worker)
    night = zone_where_the_hour_is(23, 0, 1, 2, 3, 4, 5)
    client_id = await make.client(worker, phone=PHONE, timezone=night.key)
    await make.consent(client_id, "sms_reminders", worker)
    assert (await enrol(sms_api, worker, programme["id"], client_id)).status_code == 201
    await mark_sent(db, client_id, "invite", timedelta(hours=3))
    assert await handled_as(sms_api, FROM, "K") == "rsvp"
    await run_worker(settings_with_secret(worker_settings))
    assert sms_log(worker_settings) == []
    waiting = await db.fetchval(
        "SELECT scheduled_for FROM messages WHERE kind = 'reply' AND status = 'pending'"
    )
    assert waiting.astimezone(night).hour == 8
