"""No log line carries a name, an e-mail address, a phone number or a query string:
not the access log of a search by surname, nor the lines of a failing delivery."""

from __future__ import annotations

import logging

import httpx
import msgspec
import pytest
from httpx import AsyncClient
from litestar import Litestar

from service.access_log import AccessLog, logged_path
from service.base.settings import Settings
from tests.factories import Factory, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker

SURNAME = "Virtanen-Äyräpää"
FIRST_NAME = "Ainomaija"
EMAIL = "ainomaija.virtanen@example.org"
PHONE = "+358 50 555 0199"


async def test_a_search_by_surname_and_a_failing_delivery_log_no_personal_data(
    api: AsyncClient,
    app: Litestar,
    make: Factory,
    worker_settings: Settings,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    coach, _, client_id = await enrolled_client(
        api,
        make,
        consents=("email_reminders", "sms_reminders"),
        first_name=FIRST_NAME,
        last_name=SURNAME,
        email=EMAIL,
        phone=PHONE,
        timezone=zone_where_the_hour_is(*range(9, 20)).key,
    )
    # The app as `polku serve --access-log` runs it (its lifespan started by `api`).
    transport = httpx.ASGITransport(app=AccessLog(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as logged:
        found = await logged.get("/api/v1/clients", params={"q": SURNAME}, headers=coach.headers)
        assert [c["id"] for c in found.json()["items"]] == [client_id]
        typed = await logged.get(f"/api/v1/clients/{SURNAME}", headers=coach.headers)
        assert typed.status_code == 404
        read = await logged.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
        assert read.status_code == 200
    mail_server.mailbox.refuse = f"550 5.1.1 <{EMAIL}> ({FIRST_NAME} {SURNAME}): no such user"
    await run_worker(
        msgspec.structs.replace(worker_settings, sms_gateway_url="http://127.0.0.1:9/sms")
    )

    # Everything logged in this process but by the far sides: the test's mail server,
    # and httpx's lines about the requests this test made as the caller.
    ours = [
        record
        for record in caplog.records
        if record.name != "mail.log" and "http://polku.test/" not in record.getMessage()
    ]
    lines = [record.getMessage() for record in ours] + [r.exc_text or "" for r in ours]
    assert "GET /api/v1/clients 200" in "\n".join(lines)
    assert "GET /api/v1/clients/{client_id} 404" in "\n".join(lines)
    assert f"GET /api/v1/clients/{client_id} 200" in "\n".join(lines)
    assert any("SMTP 550" in line for line in lines)
    assert any("tried again at" in line for line in lines)  # the SMS gateway is away
    for line in lines:
        for personal in (SURNAME, "Virtanen", FIRST_NAME, EMAIL, PHONE, "555 0199", "q="):
            assert personal not in line, line


def test_only_ids_of_the_route_are_logged_as_sent() -> None:
    feed = {"path_template": "/feeds/{filename:str}", "path_params": {"filename": "x.ics"}}
    assert logged_path(feed) == "/feeds/{filename}"
    assert logged_path({"path": "/anything/Virtanen"}) == "(no route)"
