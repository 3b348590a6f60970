"""Every log line is one JSON object, names its request or its job, and carries no
personal data: not a search by surname, a name typed into a URL, a client's page link,
nor the lines of a delivery that went, one a server refused quoting the address, and one
whose SMS gateway was away."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest
from httpx import AsyncClient
from litestar import Litestar, get

from service.app import create_app
from service.base import logs
from service.base.settings import Settings
from tests.api.client_page import page_link, read_page
from tests.api.programmes import enrol
from tests.factories import Factory, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker

SURNAME = "Virtanen-Äyräpää"
FIRST_NAME = "Ainomaija"
EMAIL = "ainomaija.virtanen@example.org"
PHONE = "+358 50 555 0199"
OTHER = {
    "first_name": "Hiltrud",
    "last_name": "Kuusjärvi",
    "email": "hiltrud.kuusjarvi@example.net",
    "phone": "+358 44 777 0123",
}
PERSONAL = (SURNAME, "Virtanen", FIRST_NAME, EMAIL, PHONE, "555 0199", "5550199", *OTHER.values())


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Every line logged in this process during the test, as `POLKU_LOG_FORMAT=json`
    writes it."""
    written = io.StringIO()
    handler = logs.handler("json", written)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield written
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_every_line_of_a_realistic_flow_is_json_and_names_nobody(
    api: AsyncClient,
    make: Factory,
    worker_settings: Settings,
    mail_server: MailServer,
    json_lines: io.StringIO,
) -> None:
    coach, programme, client_id = await enrolled_client(
        api,
        make,
        consents=("email_reminders", "sms_reminders", "client_page"),
        first_name=FIRST_NAME,
        last_name=SURNAME,
        email=EMAIL,
        phone=PHONE,
        timezone=zone_where_the_hour_is(*range(9, 20)).key,
    )
    responses = []
    found = await api.get("/api/v1/clients", params={"q": SURNAME}, headers=coach.headers)
    assert [c["id"] for c in found.json()["items"]] == [client_id]
    typed = await api.get(f"/api/v1/clients/{SURNAME}", headers=coach.headers)
    assert typed.status_code == 404
    read = await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)
    assert read.status_code == 200
    responses += [found, typed, read]
    page = await page_link(api, coach, client_id)
    assert FIRST_NAME in await read_page(api, page, lang="fi")
    await run_worker(worker_settings)  # the invitation goes
    assert [EMAIL in m["To"] for m in mail_server.mailbox.messages] == [True]

    other = await make.client(coach, **OTHER, timezone=zone_where_the_hour_is(*range(9, 20)).key)
    await make.consent(other, "email_reminders", coach)
    await make.consent(other, "sms_reminders", coach)
    responses.append(await enrol(api, coach, programme["id"], other))
    assert responses[-1].status_code == 201
    refusal = f"550 5.1.1 <{OTHER['email']}> ({OTHER['first_name']} {OTHER['last_name']})"
    mail_server.mailbox.refuse = f"{refusal}: no such user"
    await run_worker(
        msgspec.structs.replace(worker_settings, sms_gateway_url="http://127.0.0.1:9/sms")
    )

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
    # Lines of the far sides (the test's mail server, the test's own HTTP client) are
    # not Polku's; everything else is.
    ours = [
        line
        for line in lines
        if line["logger"] != "mail.log" and "http://polku.test/" not in line["message"]
    ]
    access = [line for line in ours if line["logger"] == "polku.access"]
    by_request = {line["request_id"]: line for line in access}
    assert len(by_request) == len(access)  # one line per request
    for response in responses:
        line = by_request[response.headers["x-request-id"]]
        assert line["method"] == "GET" or response.request.method == "POST"
        assert line["status"] == response.status_code
        assert line["duration_ms"] >= 0
    routes = {(line["route"], line["status"]) for line in access}
    assert ("/api/v1/clients", 200) in routes
    assert ("/api/v1/clients/{client_id}", 404) in routes
    assert ("/api/v1/clients/{client_id}", 200) in routes
    assert ("/p/{token}", 200) in routes
    assert all(line["route"] in line["message"] for line in access)

    delivery = [line for line in ours if line["logger"] == "polku.messages"]
    assert any("SMTP 550" in line["message"] for line in delivery)
    assert any("tried again at" in line["message"] for line in delivery)  # no SMS gateway
    for line in delivery:  # each names its message, on its job's line
        assert line["job_id"].startswith("message:")
        assert line["job_id"].split(":")[1] in line["message"]
    # arq's own lines of a send's start and end ("→ message:…:send_message()").
    jobs = [line for line in ours if ":send_message" in line["message"]]
    assert jobs and all(line["job_id"] in line["message"] for line in jobs)

    secret = page.removeprefix("/p/")
    for line in ours:
        text = json.dumps(line, ensure_ascii=False)
        for personal in (*PERSONAL, secret, "q=", "lang="):
            assert personal not in text, text


async def test_each_line_of_a_request_names_it(settings: Settings, json_lines: io.StringIO) -> None:
    """Lines a handler logs, and those of tasks it starts, carry its request id."""
    inside = logging.getLogger("polku.test")

    @get("/logs-a-line", sync_to_thread=False)
    def logs_a_line() -> str:
        inside.warning("handling")
        return "ok"

    app: Litestar = create_app(settings)
    app.register(logs_a_line)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as http:
        given = await http.get("/logs-a-line", headers={"X-Request-ID": "given-id.1"})
        made = await http.get("/logs-a-line?name=Virtanen")
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    ids = [given.headers["x-request-id"], made.headers["x-request-id"]]
    assert ids[0] == "given-id.1" and len(ids[1]) == 32
    mine = [line for line in lines if line["logger"] in ("polku.test", "polku.access")]
    assert [(line["logger"], line["request_id"]) for line in mine] == [
        ("polku.test", ids[0]),
        ("polku.access", ids[0]),
        ("polku.test", ids[1]),
        ("polku.access", ids[1]),
    ]
    # The test's own HTTP client logs what it asked for; the app nothing of it.
    assert not [line for line in lines if line["logger"] != "httpx" and "Virtanen" in str(line)]
    outside = logging.LogRecord("polku.test", logging.INFO, __file__, 1, "after", None, None)
    assert "request_id" not in json.loads(logs.JSONFormatter().format(outside))


def test_a_route_is_logged_as_its_template() -> None:
    feed = {"method": "GET", "path_template": "/feeds/{filename:str}", "path": "/feeds/x.ics"}
    assert logs.route_of(feed) == "/feeds/{filename}"  # type: ignore[arg-type]
    assert logs.route_of({"path": "/anything/Virtanen"}) == "(no route)"  # type: ignore[typeddict-item]


def test_text_lines_carry_the_ids_too() -> None:
    record = logging.LogRecord("polku.x", logging.INFO, __file__, 1, "sent %s", ("m1",), None)
    record.request_id, record.job_id = None, "message:m1:1"
    line = logs.TextFormatter().format(record)
    assert line.endswith(" INFO polku.x: sent m1 job_id=message:m1:1")
    assert line[:4].isdigit() and line[23] == "Z"


def test_the_production_access_line_is_the_record_json_lines_would_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """configure() writes JSON lines in batches; the access line, when nothing else
    listens, skips the logging machinery. Both write the same object, in order."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    production = io.StringIO()
    monkeypatch.setattr(sys, "stderr", production)
    scope: Any = {
        "method": "GET",
        "path_template": "/p/{token:str}",
        "state": {"request_id": "r-1"},
    }
    try:
        logs.configure("json", "INFO")
        [writer] = root.handlers
        assert isinstance(writer, logs.BatchingWriter)
        logs.log_access(scope, 200, 0.0042)
        logging.getLogger("polku.x").info("after it, in order")
        listening = io.StringIO()
        root.addHandler(logs.handler("json", listening))  # a listener: the record path
        logs.log_access(scope, 200, 0.0042)
        writer.close()
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
    direct, after, through_record = (
        json.loads(line) for line in production.getvalue().split("\n")[:3]
    )
    assert after["message"] == "after it, in order"
    assert json.loads(listening.getvalue()) == through_record
    assert direct.pop("time")[:2] == "20" and through_record.pop("time")[:2] == "20"
    assert (
        direct
        == through_record
        == {
            "level": "info",
            "logger": "polku.access",
            "message": "GET /p/{token} 200 4.2 ms",
            "request_id": "r-1",
            "method": "GET",
            "route": "/p/{token}",
            "status": 200,
            "duration_ms": 4.2,
        }
    )


async def test_in_a_loop_lines_are_written_together_a_moment_later() -> None:
    written = io.StringIO()
    writer = logs.BatchingWriter(written, delay=0.02)
    for number in range(3):
        writer.add(f"line {number}")
    assert written.getvalue() == ""  # one write for all three, on the loop's turn
    await asyncio.sleep(0.1)
    assert written.getvalue() == "line 0\nline 1\nline 2\n"
    writer.add("line 3")
    writer.close()  # what logging does at exit: nothing waits behind
    assert written.getvalue().endswith("line 2\nline 3\n")
