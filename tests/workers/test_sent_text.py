"""What a message said, kept as it was handed over and given in the client's export
(issue 21): an e-mail's subject and plain text as the mailbox got them, an SMS's text as
the gateway got it; nothing for a message not sent, nor for one that carried a secret."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from httpx import AsyncClient
from markupsafe import escape

from service.base.settings import Settings
from tests.api.client_page import page_client, page_link
from tests.api.programmes import create_programme, enrol
from tests.api.test_client_export import export_of
from tests.api.test_client_page_personal import ask_code, sms_client
from tests.factories import Factory, Person, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import run_worker


async def enrolled(
    api: AsyncClient, make: Factory, consent: str | None, title: str = "Arjen taidot", **client: Any
) -> tuple[Person, str]:
    """A client enrolled in a group (the invite is queued); returns an admin of their
    organisation, who may export them, and the client's id."""
    coach = await make.staff("coach", phone="+358 40 100 0001")
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    programme = await create_programme(api, coach, title=title)
    client_id = await make.client(coach, first_name="Anna", last_name="Asiakas", **client)
    if consent is not None:
        await make.consent(client_id, consent, coach)
    assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    return admin, client_id


def the(messages: list[dict], kind: str) -> dict:
    [message] = [m for m in messages if m["kind"] == kind]
    return message


async def test_an_email_sent_is_in_the_export_as_the_mailbox_got_it(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    admin, client_id = await enrolled(
        api, make, "email_reminders", title="Arjen <taidot> & työ", email="anna@example.org"
    )
    await run_worker(worker_settings)
    [mail] = mail_server.mailbox.to("anna@example.org")
    # The text travels with CRLF line ends (RFC 2046); Polku keeps it as written.
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")

    messages = (await export_of(api, admin, client_id))["messages"]
    invite = the(messages, "invite")
    assert invite["status"] == "sent"
    assert invite["subject_line"] == mail["Subject"]
    assert invite["text"] == body
    assert "Arjen <taidot> & työ" in invite["text"]
    # The reminders have not gone: they said nothing yet.
    pending = [m for m in messages if m["status"] == "pending"]
    assert len(pending) == 16
    assert {(m["subject_line"], m["text"]) for m in pending} == {(None, None)}

    # The printable page shows the text escaped, its lines kept.
    page = await export_of(api, admin, client_id, format="html", lang="en")
    assert "Arjen <taidot>" not in page
    assert f'<span class="lines">{escape(body)}</span>' in page
    assert "Subject line" in page


async def test_an_sms_sent_is_in_the_export_as_the_gateway_got_it(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    admin, client_id = await enrolled(
        api,
        make,
        "sms_reminders",
        email=None,
        phone="+358 50 555 0100",
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

    invite = the((await export_of(api, admin, client_id))["messages"], "invite")
    assert (invite["status"], invite["channel"]) == ("sent", "sms")
    assert invite["text"] == line["text"]
    assert "ryhmään Arjen taidot" in invite["text"]
    assert invite["subject_line"] is None


async def test_a_message_skipped_or_failed_said_nothing(
    api: AsyncClient, make: Factory, worker_settings: Settings, mail_server: MailServer
) -> None:
    admin, skipped = await enrolled(api, make, None, email="anna@example.org")
    failed_admin, failed = await enrolled(api, make, "email_reminders", email="bert@example.org")
    # Without a mail server every e-mail fails for good (not_configured).
    await run_worker(msgspec.structs.replace(worker_settings, smtp_url=None))
    assert mail_server.mailbox.messages == []

    invite = the((await export_of(api, admin, skipped))["messages"], "invite")
    assert invite["status"] == "skipped"
    assert (invite["subject_line"], invite["text"]) == (None, None)
    invite = the((await export_of(api, failed_admin, failed))["messages"], "invite")
    assert invite["status"] == "failed"
    assert (invite["subject_line"], invite["text"]) == (None, None)


async def test_a_page_link_sent_keeps_no_text_the_link_is_a_secret(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    worker, client_id = await page_client(make, email="anna@example.org")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    await make.consent(client_id, "email_reminders", worker)
    sent = await api.post(
        f"/api/v1/clients/{client_id}/page-link/send",
        json={"channel": "email"},
        headers=worker.headers,
    )
    assert sent.status_code == 202, sent.text
    await run_worker(worker_settings)
    [mail] = mail_server.mailbox.to("anna@example.org")
    body = mail.get_body(("plain",)).get_content()
    [link] = [word for word in body.split() if "/p/" in word]
    token = link.rsplit("/", 1)[-1]

    link_message = the((await export_of(api, admin, client_id))["messages"], "page_link")
    assert link_message["status"] == "sent"
    assert (link_message["subject_line"], link_message["text"]) == (None, None)
    kept = await db.fetchrow(
        "SELECT sent_subject, sent_text FROM messages WHERE client_id = $1", client_id
    )
    assert tuple(kept) == (None, None)
    document = json.dumps(await export_of(api, admin, client_id), ensure_ascii=False)
    page = await export_of(api, admin, client_id, format="html")
    assert token not in document and token not in page


async def test_a_one_time_code_sent_keeps_no_text_the_code_is_a_secret(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    worker, client_id = await sms_client(make)
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    path = await page_link(api, worker, client_id)
    assert (await ask_code(api, path)).status_code == 303
    await run_worker(worker_settings)
    log = Path(str(worker_settings.sms_gateway_url).removeprefix("log:"))
    [line] = [json.loads(text) for text in log.read_text().splitlines()]  # noqa: ASYNC240
    found = re.search(r"\b(\d{6})\b", line["text"])
    assert found, line["text"]
    code = found.group(1)

    message = the((await export_of(api, admin, client_id))["messages"], "notice")
    assert (message["subject_type"], message["status"]) == ("page_code", "sent")
    assert (message["subject_line"], message["text"]) == (None, None)
    kept = await db.fetchval(
        "SELECT count(*) FROM messages WHERE sent_text LIKE '%' || $1 || '%'", code
    )
    assert kept == 0
