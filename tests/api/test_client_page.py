"""The client's own page (issue 17): the link (consent, rotation, revocation, expiry,
reach), the page in fi, sv, en and plain language in the client's own zone, the calendar
help, what a forwarded link does not show, and the headers every /p/ page sends."""

from __future__ import annotations

import base64
import hashlib
import re

import asyncpg
import pytest
from httpx import AsyncClient, Response

from tests.api.client_page import THEMES, in_group, page_client, page_link, read_page
from tests.api.coaching import create_plan
from tests.api.feeds import within_a_second
from tests.api.test_meetings import plan_meeting
from tests.factories import Factory

NOT_FOUND_WORDS = [
    "Pyydä työntekijältäsi uusi linkki.",
    "Be din arbetstagare om en ny länk.",
    "Ask your worker for a new link.",
]


def assert_page_headers(response: Response) -> None:
    headers = response.headers
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-robots-tag"] == "noindex"
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "unsafe" not in policy and "script" not in policy and "http" not in policy
    assert "<script" not in response.text
    style = re.search(r"<style>(.*?)</style>", response.text, re.S)
    assert style, "the page's style is inline"
    sha = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{sha}'" in policy
    assert ' style="' not in response.text


async def test_a_link_needs_the_client_page_consent(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker)
    await make.consent(client_id, "calendar_feed", worker)
    response = await api.post(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_outside_reach_the_link_is_404(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    stranger = await make.staff("coach", organisation_id=worker.organisation_id)
    for method in ("POST", "DELETE"):
        response = await api.request(
            method, f"/api/v1/clients/{client_id}/page-link", headers=stranger.headers
        )
        assert response.status_code == 404, method


async def test_asking_again_rotates_and_delete_revokes(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    created = await api.post(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"url", "expires_at"}
    first = body["url"].removeprefix("http://polku.test")
    days = await db.fetchval(
        "SELECT extract(day FROM expires_at - created_at) FROM client_page_links"
    )
    assert days == 90
    assert "Anna" in await read_page(api, first)

    second = await page_link(api, worker, client_id)
    assert (await api.get(first)).status_code == 404
    assert "Anna" in await read_page(api, second)

    revoked = await api.delete(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert revoked.status_code == 204
    assert (await api.get(second)).status_code == 404
    # Only digests are stored.
    token = second.removeprefix("/p/")
    hashes = await db.fetch("SELECT token_hash FROM client_page_links")
    assert hashlib.sha256(token.encode()).digest() in [bytes(r["token_hash"]) for r in hashes]
    assert not await db.fetchval(
        "SELECT count(*) FROM client_page_links WHERE position($1::bytea IN token_hash) > 0",
        token.encode(),
    )


async def test_an_expired_link_is_404(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    await db.execute(
        "UPDATE client_page_links SET created_at = now() - interval '91 days', "
        "expires_at = now() - interval '1 second'"
    )
    response = await api.get(path)
    assert response.status_code == 404
    assert all(words in response.text for words in NOT_FOUND_WORDS)


async def test_revoking_the_consent_kills_the_link(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    consents = await api.get(f"/api/v1/clients/{client_id}/consents", headers=worker.headers)
    (consent,) = [c for c in consents.json()["items"] if c["purpose"] == "client_page"]
    revoked = await api.post(
        f"/api/v1/consents/{consent['id']}/revoke", json={}, headers=worker.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert (await api.get(path)).status_code == 404
    # Consent given again does not bring the old link back: the worker gives a new one.
    given = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "client_page"},
        headers=worker.headers,
    )
    assert given.status_code == 201, given.text
    assert (await api.get(path)).status_code == 404
    assert "Anna" in await read_page(api, await page_link(api, worker, client_id))


async def test_a_consent_past_its_last_day_closes_the_page(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    await db.execute(
        "UPDATE consents SET given_at = now() - interval '10 days', "
        "valid_until = current_date - 2 WHERE client_id = $1",
        client_id,
    )
    assert (await api.get(path)).status_code == 404


async def test_an_unknown_link_says_in_three_languages_what_to_do(api: AsyncClient) -> None:
    for path in ("/p/pp_nothing", "/p/anything", f"/p/pp_{'x' * 300}"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert all(words in response.text for words in NOT_FOUND_WORDS)
        assert_page_headers(response)
    swedish_first = await api.get("/p/pp_nothing", params={"lang": "sv"})
    assert swedish_first.text.index("Be din") < swedish_first.text.index("Pyydä")


@pytest.mark.parametrize(
    ("language", "plain", "expected"),
    [
        ("fi", False, ["to 11.3.2027 klo 10.00–12.00", "Hei Anna!", "Tulen", "En pääse"]),
        ("sv", False, ["tors 11.3.2027 kl. 10.00–12.00", "Hej Anna!", "Jag kommer"]),
        ("en", False, ["Thu 11 March 2027, 10:00–12:00", "Hello Anna!", "I&#39;ll come"]),
        (
            "fi",
            True,
            ["<p>Torstaina 11.3.2027.</p>", "<p>Alkaa kello 10.00.</p>", "Loppuu kello 12.00."],
        ),
        ("sv", True, ["<p>Torsdag 11.3.2027.</p>", "<p>Börjar klockan 10.00.</p>"]),
        ("en", True, ["<p>Thursday 11 March 2027.</p>", "<p>Starts at 10:00.</p>"]),
    ],
)
async def test_the_page_in_the_clients_language(
    api: AsyncClient, make: Factory, language: str, plain: bool, expected: list[str]
) -> None:
    worker, client_id = await page_client(make, language=language, plain_language=plain)
    await in_group(api, make, worker, client_id)
    html = await read_page(api, await page_link(api, worker, client_id))
    assert f'<html lang="{language}">' in html
    for words in expected:
        assert words in html
    assert THEMES[0] in html and "Kohtaamispaikka, Kauppakatu 1, Järvilä" in html
    assert html.count('name="answer" value="coming"') == 8


async def test_lang_switches_the_language(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    html = await read_page(api, path, lang="en")
    assert "Thu 11 March 2027, 10:00–12:00" in html and "Hello Anna!" in html
    assert '<input type="hidden" name="lang" value="en">' in html
    assert "Hei Anna!" in await read_page(api, path, lang="xx")


async def test_times_are_in_the_clients_own_zone(api: AsyncClient, make: Factory) -> None:
    # 10:00 in Helsinki on Thursday is 22:00 on Wednesday in Honolulu.
    worker, client_id = await page_client(make, timezone="Pacific/Honolulu")
    await in_group(api, make, worker, client_id)
    html = await read_page(api, await page_link(api, worker, client_id))
    assert "ke 10.3.2027 klo 22.00–00.00" in html
    assert "Ajat ovat aikavyöhykkeellä Pacific/Honolulu." in html
    assert "to 11.3.2027" not in html


async def test_cancellations_are_said_plainly_and_nothing_else_shows(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    second = programme["sessions"][1]["id"]
    cancelled = await api.post(
        f"/api/v1/sessions/{second}/cancel",
        json={"reason": "Ohjaaja sairastui"},
        headers=worker.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    plan = await create_plan(api, worker, client_id)
    await plan_meeting(
        api, worker, plan["id"], location=None, online_url="https://meet.example.org/anna"
    )
    html = await read_page(api, await page_link(api, worker, client_id))
    assert html.count("Peruttu. Tätä tapaamista ei pidetä.") == 1
    assert "Ohjaaja sairastui" not in html
    assert "Valmennustapaaminen" in html
    assert 'href="https://meet.example.org/anna"' in html
    # Whom to contact: the responsible worker, at work.
    assert "Aino Ohjaaja" in html and 'href="tel:+358401000001"' in html
    # First name only; no other participant, no surname, no ids of others.
    for hidden in ("Salainen", "Toinen", "Osallistuja", client_id):
        assert hidden not in html


async def test_the_calendar_help_with_a_feed_consent(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    assert "webcal://" not in await read_page(api, path)

    # Given directly in the database, as by another API process: announced, and the
    # page kept in memory here is dropped once the announcement arrives.
    await make.consent(client_id, "calendar_feed", worker)

    async def offered() -> bool:
        return "webcal://" in await read_page(api, path)

    await within_a_second(offered, "the kept page does not offer the calendar")
    html = await read_page(api, path)
    webcal = re.search(r'href="(webcal://polku\.test/feeds/pf_[^"]+\.ics)"', html)
    assert webcal, html
    download = webcal.group(1).replace("webcal://polku.test", "")
    assert f'href="http://polku.test{download}" download' in html
    assert "<svg" in html and "<title>" in html
    assert all(phone in html for phone in ("iPhone:", "Android:", "Muut puhelimet:"))
    feed = await api.get(download)
    assert feed.status_code == 200 and b"Tapaaminen 1/8" in feed.content
    assert webcal.group(1) in await read_page(api, path), "the same link on every visit"

    # A worker rotating the feed link ends the page's: the page then offers the next one.
    await api.post(f"/api/v1/clients/{client_id}/calendar-feed", headers=worker.headers)
    assert (await api.get(download)).status_code == 404
    html = await read_page(api, path)
    assert "webcal://" not in html, "the worker's own link is not replaced"
    await api.delete(f"/api/v1/clients/{client_id}/calendar-feed", headers=worker.headers)
    again = re.search(
        r'href="webcal://polku\.test(/feeds/pf_[^"]+\.ics)"', await read_page(api, path)
    )
    assert again and again.group(1) != download
    assert (await api.get(again.group(1))).status_code == 200


async def test_rotating_or_revoking_the_page_link_ends_the_feed_it_gave(
    api: AsyncClient, make: Factory
) -> None:
    worker, client_id = await page_client(make)
    await make.consent(client_id, "calendar_feed", worker)
    await in_group(api, make, worker, client_id)
    feed_of = r'href="webcal://polku\.test(/feeds/pf_[^"]+\.ics)"'

    path = await page_link(api, worker, client_id)
    first = re.search(feed_of, await read_page(api, path))
    assert first and (await api.get(first.group(1))).status_code == 200

    rotated = await page_link(api, worker, client_id)  # a forwarded link, replaced
    assert (await api.get(first.group(1))).status_code == 404
    second = re.search(feed_of, await read_page(api, rotated))
    assert second and second.group(1) != first.group(1), "the new page offers its own"
    assert (await api.get(second.group(1))).status_code == 200

    revoked = await api.delete(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert revoked.status_code == 204
    assert (await api.get(second.group(1))).status_code == 404


async def test_every_page_sends_the_strict_headers(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    await make.consent(client_id, "calendar_feed", worker)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    page = await api.get(path)
    assert page.status_code == 200
    assert_page_headers(page)
    refused = await api.post(f"{path}/rsvp", data={"answer": "coming"})
    assert refused.status_code == 403
    assert_page_headers(refused)
    # Readable on a narrow phone, with nothing from other hosts.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert not re.search(r'(src|href)="https?://(?!polku\.test)', page.text)
