"""Sending the client their page link by SMS or e-mail: a fresh link through the outbox
and the real worker (loopback SMTP, the SMS log), only on a consented channel, in the
client's language, never the link a rotation has replaced; refusals name `channel`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import asyncpg
from httpx import AsyncClient

from service.base.settings import Settings
from service.notifications.render import SMS_LENGTH, gsm7_length
from tests.api.client_page import page_client, page_link, read_page
from tests.factories import Factory, Person, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import run_worker

LINK = re.compile(r"http://polku\.test(/p/pp_[A-Za-z0-9_-]+)")


async def send(api: AsyncClient, worker: Person, client_id: str, channel: object) -> dict:
    response = await api.post(
        f"/api/v1/clients/{client_id}/page-link/send",
        json={"channel": channel},
        headers=worker.headers,
    )
    assert response.status_code == 202, response.text
    body: dict = response.json()
    return body


async def test_the_link_goes_by_email_in_the_clients_language_and_opens_the_page(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    worker, client_id = await page_client(make, email="anna@example.org", language="en")
    await make.consent(client_id, "email_reminders", worker)
    given_before = await page_link(api, worker, client_id)

    sent = await send(api, worker, client_id, "email")
    assert sent["channel"] == "email" and sent["expires_at"]
    assert "url" not in sent  # staff never see the link itself
    # A fresh link: the one given before stops working at once.
    assert (await api.get(given_before)).status_code == 404
    await run_worker(worker_settings)

    [mail] = mail_server.mailbox.to("anna@example.org")
    assert mail["Subject"] == "The link to your own page"
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Hello Anna,")
    assert "do not share it" in text
    found = LINK.search(text)
    assert found, text
    assert "Hello Anna!" in await read_page(api, found.group(1))
    # The link waited beside its message only until it went.
    assert await db.fetchval("SELECT count(*) FROM page_link_messages") == 0
    status = await db.fetchval("SELECT status FROM messages WHERE kind = 'page_link'")
    assert status == "sent"
    event = await db.fetchrow(
        "SELECT actor_id, detail FROM audit_events "
        "WHERE action = 'client_page.link_send' AND client_id = $1",
        client_id,
    )
    assert str(event["actor_id"]) == worker.id
    assert event["detail"] == {"channel": "email"}


async def test_the_link_goes_by_sms_in_plain_swedish_within_one_message(
    api: AsyncClient, make: Factory, worker_settings: Settings
) -> None:
    worker, client_id = await page_client(
        make,
        phone="+358 50 555 0100",
        language="sv",
        plain_language=True,
        timezone=zone_where_the_hour_is(*range(9, 20)).key,
    )
    await make.consent(client_id, "sms_reminders", worker)
    await send(api, worker, client_id, "sms")
    await run_worker(worker_settings)

    assert worker_settings.sms_gateway_url is not None
    log = Path(worker_settings.sms_gateway_url.removeprefix("log:"))
    [line] = [json.loads(text) for text in log.read_text().splitlines()]  # noqa: ASYNC240
    assert line["to"] == "+358 50 555 0100"
    assert line["text"].startswith("Hej Anna!\nHär är länken till din sida.\n")
    assert gsm7_length(line["text"]) <= SMS_LENGTH
    found = LINK.search(line["text"])
    assert found, line["text"]
    assert "Hej Anna!" in await read_page(api, found.group(1))


async def test_a_link_replaced_before_it_went_is_never_sent(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    worker, client_id = await page_client(make, email="anna@example.org")
    await make.consent(client_id, "email_reminders", worker)
    await send(api, worker, client_id, "email")
    await send(api, worker, client_id, "email")  # the second replaces the first
    await page_link(api, worker, client_id)  # and a link given by hand replaces both
    rows = await db.fetch("SELECT status, status_reason FROM messages WHERE kind = 'page_link'")
    assert [r["status"] for r in rows] == ["cancelled", "cancelled"]
    assert rows[0]["status_reason"] == "the page link was replaced or revoked before it was sent"
    assert await db.fetchval("SELECT count(*) FROM page_link_messages") == 0
    await run_worker(worker_settings)
    assert mail_server.mailbox.to("anna@example.org") == []


async def test_refusals_name_the_channel(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make, email="anna@example.org", phone=None)
    await make.consent(client_id, "email_reminders", worker)
    url = f"/api/v1/clients/{client_id}/page-link/send"

    async def refused(body: object, status: int) -> dict:
        response = await api.post(url, json=body, headers=worker.headers)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem: dict = response.json()
        return problem

    for body in ({"channel": "fax"}, {}, {"channel": None}):
        problem = await refused(body, 422)
        assert [e["field"] for e in problem["errors"]] == ["channel"]
    no_phone = await refused({"channel": "sms"}, 422)
    assert no_phone["errors"] == [{"field": "channel", "message": "the client has no phone number"}]

    other_worker, other = await page_client(
        make, phone="+358 50 555 0100", email="toinen@example.org"
    )
    for channel, consent in (("sms", "sms_reminders"), ("email", "email_reminders")):
        response = await api.post(
            f"/api/v1/clients/{other}/page-link/send",
            json={"channel": channel},
            headers=other_worker.headers,
        )
        assert response.status_code == 409, response.text
        assert response.json()["errors"] == [
            {"field": "channel", "message": f"needs a valid {consent} consent"}
        ]

    no_page_consent = await make.client(worker, email="kolmas@example.org")
    await make.consent(no_page_consent, "email_reminders", worker)
    response = await api.post(
        f"/api/v1/clients/{no_page_consent}/page-link/send",
        json={"channel": "email"},
        headers=worker.headers,
    )
    assert response.status_code == 409, response.text
    assert "client_page" in response.json()["detail"]

    stranger = await make.staff("coach")
    response = await api.post(url, json={"channel": "email"}, headers=stranger.headers)
    assert response.status_code == 404, response.text


async def test_a_repeat_with_the_same_idempotency_key_sends_once(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make, email="anna@example.org")
    await make.consent(client_id, "email_reminders", worker)
    answers = [
        await api.post(
            f"/api/v1/clients/{client_id}/page-link/send",
            json={"channel": "email"},
            headers={**worker.headers, "Idempotency-Key": "send-link-1"},
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert await db.fetchval("SELECT count(*) FROM messages WHERE kind = 'page_link'") == 1
    assert await db.fetchval("SELECT count(*) FROM client_page_links") == 1
