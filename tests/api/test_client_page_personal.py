"""The personal part of the client's page (issue 17, point 4): the one-time code through
the outbox (SMS and e-mail), its expiry and lockout, the cookie it opens and what ends
it, the form tokens, the rate limits, the client's own goal ratings beside the staff's,
assessments asked of the client, "my data" and its audit, in fi, sv and en."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from httpx import AsyncClient, Response

from service.base import clock
from service.base.settings import Settings
from service.client_page import form_tokens
from service.coaching.instruments import shipped
from tests.api.client_page import form_token, page_client, page_link, read_page
from tests.api.coaching import LEVELS, add_goal, create_plan, rate
from tests.api.test_client_page import assert_page_headers
from tests.api.test_page_accessibility import loads_nothing
from tests.chromium import axe
from tests.factories import Factory, Person
from tests.mail import MailServer
from tests.workers.test_messages import run_worker

COOKIE = "polku_page"


@pytest.fixture(autouse=True)
async def _no_cookies_between_tests(api: AsyncClient) -> AsyncIterator[None]:
    """The shared client keeps no cookie: each test hands its own, as a browser would."""
    api.cookies.clear()
    yield
    api.cookies.clear()


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> list[timedelta]:
    """The test clock: append to the list to move clock.now() on."""
    shift: list[timedelta] = []
    real = clock.now
    monkeypatch.setattr(clock, "now", lambda: real() + sum(shift, timedelta()))
    return shift


async def sms_client(make: Factory, **fields: object) -> tuple[Person, str]:
    worker, client_id = await page_client(make, phone="+358 40 555 0101", **fields)
    await make.consent(client_id, "sms_reminders", worker)
    return worker, client_id


async def ask_code(api: AsyncClient, path: str, channel: str = "sms", **extra: str) -> Response:
    token = form_token(await read_page(api, f"{path}/me"))
    data = {"form_token": token, "channel": channel, **extra}
    response = await api.post(f"{path}/code", data=data)
    api.cookies.clear()
    return response


async def give_code(api: AsyncClient, path: str, code: str) -> Response:
    token = form_token(await read_page(api, f"{path}/me"))
    response = await api.post(f"{path}/verify", data={"form_token": token, "code": code})
    api.cookies.clear()
    return response


async def stored_code(db: asyncpg.Connection) -> str:
    """The digits of the newest code, as they wait for the sender."""
    code: str = await db.fetchval(
        "SELECT code_text FROM client_page_codes ORDER BY created_at DESC LIMIT 1"
    )
    return code


def secret_of(response: Response) -> str:
    found = re.search(rf"{COOKIE}=([^;]+)", response.headers["set-cookie"])
    assert found, response.headers.get("set-cookie")
    return found.group(1)


async def opened(api: AsyncClient, db: asyncpg.Connection, path: str) -> dict[str, str]:
    """Ask for a code, give it: the cookie header of the opened personal part."""
    assert (await ask_code(api, path)).status_code == 303
    given = await give_code(api, path, await stored_code(db))
    assert given.status_code == 303, given.text
    return {"Cookie": f"{COOKIE}={secret_of(given)}"}


async def test_the_code_goes_by_sms_through_the_outbox_and_opens_the_part(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    assert f'href="{path}/me"' in await read_page(api, path)
    landing = await api.get(f"{path}/me")
    assert landing.status_code == 200
    assert_page_headers(landing)
    assert "Lähetä koodi puhelimeeni" in landing.text
    assert "sähköpostiini" not in landing.text  # no e-mail consent, no e-mail button

    asked = await ask_code(api, path)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"{path}/me?sent=sms"
    assert "Lähetimme koodin puhelimeesi" in (await api.get(asked.headers["location"])).text
    await run_worker(worker_settings)
    log = Path(str(worker_settings.sms_gateway_url).removeprefix("log:"))
    [line] = [json.loads(text) for text in log.read_text(encoding="utf-8").splitlines()]  # noqa: ASYNC240
    assert line["to"] == "+358 40 555 0101"
    found = re.search(r"\b(\d{6})\b", line["text"])
    assert found and "10 minuuttia" in line["text"]
    # Once sent, the database keeps the code as its digest only.
    assert await db.fetchval("SELECT count(*) FROM client_page_codes WHERE code_text IS NULL") == 1
    status = await db.fetchval("SELECT status FROM messages WHERE subject_type = 'page_code'")
    assert status == "sent"

    given = await give_code(api, path, found.group(1))
    assert given.status_code == 303 and given.headers["location"] == f"{path}/me"
    cookie = given.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/p/" in cookie
    assert "Max-Age=900" in cookie and "Secure" not in cookie
    secret = secret_of(given)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM client_page_sessions WHERE secret_hash = sha256($1::bytea)",
            secret.encode(),
        )
        == 1
    )
    me = await api.get(f"{path}/me", headers={"Cookie": f"{COOKIE}={secret}"})
    assert me.status_code == 200
    assert_page_headers(me)
    assert "Tavoitteesi" in me.text and "Tietosi Polussa" in me.text
    # The same code does not open twice.
    assert (await give_code(api, path, found.group(1))).status_code == 400
    actors = await db.fetch(
        "SELECT action, actor_id, actor_client_id FROM audit_events WHERE client_id = $1 "
        "AND action LIKE 'client_page.%' AND action <> 'client_page.link_create' ORDER BY id",
        client_id,
    )
    assert [a["action"] for a in actors] == [
        "client_page.code_send",
        "client_page.code_verify",
        "client_page.personal_read",
        "client_page.code_verify",
    ]
    assert all(a["actor_id"] is None and str(a["actor_client_id"]) == client_id for a in actors)


async def test_over_https_the_cookie_is_secure(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    assert (await ask_code(api, path)).status_code == 303
    page = await api.get(f"https://polku.test{path}/me")
    given = await api.post(
        f"https://polku.test{path}/verify",
        data={"form_token": form_token(page.text), "code": await stored_code(db)},
    )
    assert given.status_code == 303
    assert "Secure" in given.headers["set-cookie"]


async def test_the_code_goes_by_email_on_that_consent(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    worker, client_id = await page_client(make, email="anna@example.org", language="sv")
    await make.consent(client_id, "email_reminders", worker)
    path = await page_link(api, worker, client_id)
    assert "Skicka koden till min e-post" in await read_page(api, f"{path}/me")
    # Asking for SMS without its consent falls back to the channel the client has.
    assert (await ask_code(api, path, "sms")).headers["location"].endswith("sent=email")
    await run_worker(worker_settings)
    [mail] = mail_server.mailbox.to("anna@example.org")
    assert mail["Subject"] == "Din Polku-kod"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"\b(\d{6})\b", body)
    assert found and "gäller i 10 minuter" in body
    assert (await give_code(api, path, found.group(1))).status_code == 303


async def test_without_a_consented_channel_no_code_goes(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make, phone="+358 40 555 0102")  # no SMS consent
    path = await page_link(api, worker, client_id)
    landing = await read_page(api, f"{path}/me")
    assert "Emme voi lähettää sinulle koodia" in landing and "<form" not in landing
    # As a form from an earlier visit, while the client still had the consent.
    token = form_tokens.form_token(path.removeprefix("/p/"), clock.now())
    refused = await api.post(f"{path}/code", data={"form_token": token, "channel": "sms"})
    assert refused.status_code == 409
    assert "Pyydä apua työntekijältäsi" in refused.text
    assert await db.fetchval("SELECT count(*) FROM client_page_codes") == 0
    assert await db.fetchval("SELECT count(*) FROM messages") == 0


async def test_an_expired_code_says_so(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, later: list[timedelta]
) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    assert (await ask_code(api, path)).status_code == 303
    code = await stored_code(db)
    later.append(timedelta(minutes=10, seconds=1))
    expired = await give_code(api, path, code)
    assert expired.status_code == 410
    assert "Koodi on vanhentunut. Pyydä uusi koodi." in expired.text
    assert "set-cookie" not in expired.headers


async def test_five_wrong_tries_pause_the_link(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, later: list[timedelta]
) -> None:
    worker, client_id = await sms_client(make, language="en")
    path = await page_link(api, worker, client_id)
    assert (await ask_code(api, path)).status_code == 303
    code = await stored_code(db)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        answer = await give_code(api, path, wrong)
        assert answer.status_code == 400
        assert f"You can try {left} more times." in answer.text
    paused = await give_code(api, path, wrong)
    assert paused.status_code == 429
    assert "Too many tries. Wait 15 minutes" in paused.text
    assert int(paused.headers["retry-after"]) > 800
    # The right code no longer opens, nor does a new code come, until the pause ends.
    assert (await give_code(api, path, code)).status_code == 429
    assert (await ask_code(api, path)).status_code == 429
    later.append(timedelta(minutes=15, seconds=1))
    assert (await ask_code(api, path)).status_code == 303
    assert (await give_code(api, path, await stored_code(db))).status_code == 303


async def test_a_wrong_link_is_the_plain_404_everywhere(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    token = form_token(await read_page(api, f"{path}/me"))
    wrong = "/p/pp_" + "x" * 43
    for method, suffix in [
        ("GET", "/me"),
        ("GET", "/me/data"),
        ("GET", "/my-data.json"),
        ("POST", "/code"),
        ("POST", "/verify"),
        ("POST", "/me/rating"),
    ]:
        response = await api.request(
            method, f"{wrong}{suffix}", data={"form_token": token, "code": "123456"}
        )
        assert response.status_code == 404, suffix
        assert "Ask your worker for a new link." in response.text
        assert_page_headers(response)


async def test_the_cookie_ends_with_its_time_and_with_the_link(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, later: list[timedelta]
) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    assert "Tietosi Polussa" in (await api.get(f"{path}/me", headers=cookie)).text
    data = await api.get(f"{path}/my-data.json", headers=cookie)
    assert data.status_code == 200 and data.headers["content-type"] == "application/json"
    # Without the cookie, or with it on another client's link, back to the code.
    assert "Tietosi Polussa" not in (await api.get(f"{path}/me")).text
    other_worker, other_client = await sms_client(make)
    other_path = await page_link(api, other_worker, other_client)
    assert "Tietosi Polussa" not in (await api.get(f"{other_path}/me", headers=cookie)).text
    refused = await api.get(f"{other_path}/my-data.json", headers=cookie)
    assert refused.status_code == 303 and refused.headers["location"] == f"{other_path}/me"

    later.append(timedelta(minutes=15, seconds=1))
    assert "Tietosi Polussa" not in (await api.get(f"{path}/me", headers=cookie)).text
    later.clear()
    assert "Tietosi Polussa" in (await api.get(f"{path}/me", headers=cookie)).text
    rotated = await page_link(api, worker, client_id)
    assert (await api.get(f"{path}/me", headers=cookie)).status_code == 404
    assert "Tietosi Polussa" not in (await api.get(f"{rotated}/me", headers=cookie)).text
    assert (await api.get(f"{rotated}/my-data.json", headers=cookie)).status_code == 303


async def test_every_form_needs_the_pages_form_token(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    plan = await create_plan(api, worker, client_id)
    goal = await add_goal(api, worker, plan["id"])
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    before = await db.fetchval("SELECT count(*) FROM client_page_codes")
    for suffix, data in [
        ("/code", {"channel": "sms"}),
        ("/verify", {"code": "123456"}),
        ("/me/rating", {"goal_id": goal["id"], "level": "1"}),
    ]:
        for token in (None, "nonsense"):
            fields = data if token is None else {**data, "form_token": token}
            refused = await api.post(f"{path}{suffix}", data=fields, headers=cookie)
            assert refused.status_code == 403, suffix
            assert refused.headers["content-type"].startswith("text/html")
            assert "Avaa sivu uudelleen" in refused.text
    assert await db.fetchval("SELECT count(*) FROM client_page_codes") == before
    assert await db.fetchval("SELECT count(*) FROM goal_ratings") == 0


async def test_code_requests_are_rate_limited_per_link(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    path = await page_link(api, worker, client_id)
    for _ in range(5):
        assert (await ask_code(api, path)).status_code == 303
    limited = await ask_code(api, path)
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("text/html")
    assert "Liian monta pyyntöä" in limited.text
    assert int(limited.headers["retry-after"]) >= 1
    assert_page_headers(limited)
    assert await db.fetchval("SELECT count(*) FROM client_page_codes") == 5
    # Another client's link is counted apart.
    other_worker, other_client = await sms_client(make)
    assert (
        await ask_code(api, await page_link(api, other_worker, other_client))
    ).status_code == 303


async def test_the_client_rates_a_goal_beside_the_coach(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    plan = await create_plan(api, worker, client_id)
    goal = await add_goal(api, worker, plan["id"])
    await rate(api, worker, goal["id"], 0)
    before = await api.get(f"/api/v1/plans/{plan['id']}", headers=worker.headers)
    gas_before = (await api.get(f"/api/v1/plans/{plan['id']}/gas", headers=worker.headers)).json()
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    me = (await api.get(f"{path}/me", headers=cookie)).text
    for text in LEVELS.values():
        assert text in me  # the five levels in the words written with the client
    assert "(työntekijän arvio)" in me and "(oma arviosi)" not in me

    token = form_token(me)
    data = {"form_token": token, "goal_id": goal["id"], "level": "2"}
    rated = await api.post(f"{path}/me/rating", data=data, headers=cookie)
    assert rated.status_code == 303 and rated.headers["location"] == f"{path}/me"
    assert "(oma arviosi)" in (await api.get(f"{path}/me", headers=cookie)).text

    after = (await api.get(f"/api/v1/plans/{plan['id']}", headers=worker.headers)).json()
    [shown] = after["goals"]
    [staff_rating] = shown["ratings"]
    assert staff_rating["rated_by"] == worker.id and shown["latest_level"] == 0
    [own] = shown["client_ratings"]
    assert (own["level"], own["rated_by"]) == (2, "client")
    assert after["gas"] == before.json()["gas"]
    gas = (await api.get(f"/api/v1/plans/{plan['id']}/gas", headers=worker.headers)).json()
    assert gas == gas_before and gas["ratings"] == "staff"
    theirs = await api.get(
        f"/api/v1/plans/{plan['id']}/gas", params={"ratings": "client"}, headers=worker.headers
    )
    assert theirs.json()["goals"][0]["latest_level"] == 2
    assert theirs.json()["ratings"] == "client" and theirs.json()["t_score"] > gas["t_score"]
    bad = await api.get(
        f"/api/v1/plans/{plan['id']}/gas", params={"ratings": "anyone"}, headers=worker.headers
    )
    assert bad.status_code == 422 and "ratings" in bad.text

    row = await db.fetchrow(
        "SELECT * FROM audit_events WHERE action = 'goal.rate' AND client_id = $1 ORDER BY id DESC",
        client_id,
    )
    assert row["actor_id"] is None and str(row["actor_client_id"]) == client_id
    assert row["detail"] == {"level": 2, "rated_by": "client"}

    # Someone else's goal, or a level off the scale, is refused and stores nothing.
    other_worker, other_client = await sms_client(make)
    other_goal = await add_goal(
        api, other_worker, (await create_plan(api, other_worker, other_client))["id"]
    )
    for goal_id, level, status in [(other_goal["id"], "1", 404), (goal["id"], "3", 400)]:
        data = {"form_token": token, "goal_id": goal_id, "level": level}
        refused = await api.post(f"{path}/me/rating", data=data, headers=cookie)
        assert refused.status_code == status
    assert await db.fetchval("SELECT count(*) FROM goal_ratings WHERE rater = 'client'") == 1


async def test_an_assessment_asked_of_the_client_is_filled_in_on_the_page(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make, language="en")
    plan = await create_plan(api, worker, client_id)
    url = f"/api/v1/plans/{plan['id']}/assessment-requests"
    unknown = await api.post(url, json={"instrument": "nothing"}, headers=worker.headers)
    assert unknown.status_code == 422 and "instrument" in unknown.text
    profile = await api.post(url, json={"instrument": "ability_profile"}, headers=worker.headers)
    assert profile.status_code == 422 and "self-assessment" in profile.text
    stranger = await make.staff("coach", organisation_id=worker.organisation_id)
    outside = await api.post(url, json={"instrument": "work_ability"}, headers=stranger.headers)
    assert outside.status_code == 404
    asked = await api.post(url, json={"instrument": "work_ability"}, headers=worker.headers)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["instrument"], request["status"], request["client_id"]) == (
        "work_ability",
        "open",
        client_id,
    )

    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    me = (await api.get(f"{path}/me", headers=cookie)).text
    assert "Work and functional ability self-assessment" in me
    form_url = f"{path}/me/assessments/{request['id']}"
    assert f'href="{form_url}"' in me
    form = await api.get(form_url, headers=cookie)
    assert form.status_code == 200
    assert_page_headers(form)
    instrument = next(i for i in shipped() if i.key == "work_ability")
    for item in instrument.items:
        assert f'name="a.{item.key}"' in form.text
        assert item.text.en in form.text
    token = form_token(form.text)
    answers = {f"a.{item.key}": str(item.scale.max) for item in instrument.items}
    partial = dict(list(answers.items())[1:])
    incomplete = await api.post(form_url, data={"form_token": token, **partial}, headers=cookie)
    assert incomplete.status_code == 400 and "Answer every question." in incomplete.text
    done = await api.post(form_url, data={"form_token": token, **answers}, headers=cookie)
    assert done.status_code == 303, done.text
    assert (
        "You have no questionnaires to fill in"
        in (await api.get(f"{path}/me", headers=cookie)).text
    )
    again = await api.post(form_url, data={"form_token": token, **answers}, headers=cookie)
    assert again.status_code == 404
    for wrong in ("not-an-id", "00000000-0000-0000-0000-000000000000"):
        elsewhere = f"{path}/me/assessments/{wrong}"
        assert (await api.get(elsewhere, headers=cookie)).status_code == 404
        posted = await api.post(elsewhere, data={"form_token": token, **answers}, headers=cookie)
        assert posted.status_code == 404 and "not here" in posted.text

    listed = await api.get(f"/api/v1/clients/{client_id}/assessments", headers=worker.headers)
    [assessment] = listed.json()["items"]
    assert assessment["answered_by"] == "client" and assessment["instrument"] == "work_ability"
    row = await db.fetchrow(
        "SELECT * FROM audit_events WHERE action = 'assessment.create' AND client_id = $1",
        client_id,
    )
    assert row["actor_id"] is None and str(row["actor_client_id"]) == client_id


async def test_my_data_shows_who_has_looked_and_reading_it_is_audited(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    await create_plan(api, worker, client_id)
    looked = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    assert looked.status_code == 200
    organisation = await db.fetchval(
        "SELECT name FROM organisations WHERE id = $1", worker.organisation_id
    )
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    page = await api.get(f"{path}/me/data", headers=cookie)
    assert page.status_code == 200
    assert_page_headers(page)
    text = page.text
    assert "Aino Ohjaaja" in text and organisation in text
    assert "katsoi perustietojasi" in text and "Salainen" in text
    assert "Muistutukset tekstiviestillä: voimassa" in text and "Tavoitevalmennus" in text

    download = await api.get(f"{path}/my-data.json", headers=cookie)
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    content = download.json()
    assert content["record"]["last_name"] == "Salainen"
    assert {"purpose": "sms_reminders"}.items() <= content["consents"][-1].items()
    assert [p["kind"] for p in content["plans"]] == ["goal_coaching"]
    viewers = {(v["staff_name"], v["organisation"], v["action"]) for v in content["viewed_by"]}
    assert ("Aino Ohjaaja", organisation, "client.read") in viewers

    reads = await db.fetch(
        "SELECT action, actor_id, actor_client_id FROM audit_events WHERE client_id = $1 "
        "AND action IN ('client_page.my_data_read', 'client_page.my_data_download')",
        client_id,
    )
    assert sorted(r["action"] for r in reads) == [
        "client_page.my_data_download",
        "client_page.my_data_read",
    ]
    assert all(r["actor_id"] is None and str(r["actor_client_id"]) == client_id for r in reads)
    # The client's own reads are not "someone looked at your data".
    again = (await api.get(f"{path}/my-data.json", headers=cookie)).json()
    assert all(v["action"] != "client_page.my_data_read" for v in again["viewed_by"])


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", ["Omat tietosi", "Tavoitteesi", "Missä olet nyt?", "Tietosi Polussa"]),
        ("sv", ["Dina egna uppgifter", "Dina mål", "Var är du nu?", "Dina uppgifter i Polku"]),
        ("en", ["Your own information", "Your goals", "Where are you now?", "Your information"]),
    ],
)
async def test_the_personal_part_speaks_the_language_asked(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, language: str, words: list[str]
) -> None:
    worker, client_id = await sms_client(make)
    plan = await create_plan(api, worker, client_id)
    await add_goal(api, worker, plan["id"])
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    me = await api.get(f"{path}/me", params={"lang": language}, headers=cookie)
    assert f'<html lang="{language}">' in me.text
    for word in words:
        assert word in me.text
    data = await api.get(f"{path}/me/data", params={"lang": language}, headers=cookie)
    assert f'<html lang="{language}">' in data.text and words[3] in data.text


async def test_the_code_landing_in_plain_language(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await sms_client(make, plain_language=True)
    path = await page_link(api, worker, client_id)
    landing = await read_page(api, f"{path}/me")
    assert "<p>Tarvitset koodin.</p>" in landing and "<p>Lähetämme koodin sinulle.</p>" in landing


async def test_the_personal_part_has_no_serious_accessibility_violation(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """Each page of the part in headless Chromium with axe-core (WCAG 2.1 AA) at 320 px:
    the code landing, the goals with their rating forms, an assessment form, my data."""
    worker, client_id = await sms_client(make)
    plan = await create_plan(api, worker, client_id)
    await add_goal(api, worker, plan["id"])
    asked = await api.post(
        f"/api/v1/plans/{plan['id']}/assessment-requests",
        json={"instrument": "work_ability"},
        headers=worker.headers,
    )
    assert asked.status_code == 201
    path = await page_link(api, worker, client_id)
    pages = [await read_page(api, f"{path}/me")]
    cookie = await opened(api, db, path)
    for suffix in ("/me", f"/me/assessments/{asked.json()['id']}", "/me/data"):
        response = await api.get(f"{path}{suffix}", headers=cookie)
        assert response.status_code == 200, suffix
        pages.append(response.text)
    for number, html in enumerate(pages):
        assert loads_nothing(html) == []
        found = axe(html, tmp_path / str(number), width=320)
        serious = [v for v in found["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == [], number
        scroll_width, viewport = found["width"]
        assert scroll_width <= viewport, f"page {number} scrolls sideways at 320 px"
