"""How often the client's page answers: per address (where unknown links count harder)
and per link, counted in the real Redis; over a limit a polite 429 page with Retry-After,
in the client's language when the link is theirs."""

from __future__ import annotations

import asyncio
import hashlib
from time import monotonic

import httpx
import pytest
from httpx import AsyncClient
from litestar import Litestar
from redis.asyncio import Redis

from service.base.rate_limit import Limit
from service.composers.client_page import limits
from service.composers.client_page.kept_reads import BATCH
from tests.api.client_page import answer, form_token, in_group, page_client, page_link, read_page
from tests.factories import Factory

UNKNOWN = "/p/pp_" + "x" * 43


def from_address(app: Litestar, address: str) -> AsyncClient:
    """Another browser, at another address (the app already runs under `api`)."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return AsyncClient(transport=transport, base_url="http://polku.test")


async def test_a_shared_phone_reads_and_answers_freely(api: AsyncClient, make: Factory) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    html = await read_page(api, path)
    token = form_token(html)
    for number in range(60):
        await read_page(api, path)
        if number % 3 == 0:
            given = "coming" if number % 2 else "not_coming"
            item = programme["sessions"][number % 8]["id"]
            answered = await answer(api, path, given, token=token, session_id=item)
            assert answered.status_code == 303, answered.text


async def test_unknown_links_from_one_address_are_stopped_after_about_twenty(
    api: AsyncClient, make: Factory, app: Litestar
) -> None:
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    for _ in range(20):
        assert (await api.get(UNKNOWN)).status_code == 404
    refused = await api.get(path, params={"lang": "sv"})
    assert refused.status_code == 429, refused.text
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= limits.PER_ADDRESS.window_seconds
    assert refused.headers["content-type"].startswith("text/html")
    assert "script-src" not in refused.headers["content-security-policy"]
    assert refused.headers["cache-control"] == "no-store"
    # We cannot tell whose link it is without opening it: all three languages, asked first.
    text = refused.text
    assert text.index("Vänta en stund") < text.index("Odota hetki") < text.index("Please wait")
    assert "Vänta 10 min" in text
    # Only that address: the client on their own phone reads on.
    async with from_address(app, "10.1.2.3") as phone:
        assert (await phone.get(path)).status_code == 200


async def test_one_link_read_too_often_waits_in_the_clients_language(
    api: AsyncClient, make: Factory, app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "PER_LINK", Limit("client-page:link", limit=3, window_seconds=60))
    worker, client_id = await page_client(make, language="en")
    programme = await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    token = form_token(await read_page(api, path))
    await read_page(api, path)
    answered = await answer(api, path, "coming", token=token, session_id=programme["id"])
    assert answered.status_code == 404  # not a session: the third request all the same
    async with from_address(app, "10.9.9.9") as elsewhere:  # the link, not the address
        refused = await elsewhere.get(path)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert '<html lang="en">' in refused.text
    assert "Please wait a moment" in refused.text and "Odota" not in refused.text
    posted = await answer(
        api, path, "coming", token=token, session_id=programme["sessions"][0]["id"]
    )
    assert posted.status_code == 429
    # Another client's link is counted apart.
    other_worker, other = await page_client(make)
    assert (await api.get(await page_link(api, other_worker, other))).status_code == 200


async def test_reads_of_a_kept_page_count_as_exactly_as_any(
    api: AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept pages count on this process and reach Redis in batches, yet the limit falls
    on the same read: near it, every read asks Redis again."""
    monkeypatch.setattr(limits, "PER_LINK", Limit("client-page:link", limit=25, window_seconds=60))
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    for number in range(1, 26):
        read = await api.get(path)
        assert read.status_code == 200, (number, read.status_code)
    refused = await api.get(path)
    assert refused.status_code == 429


async def test_a_read_that_fills_a_batch_far_from_the_limits_does_not_wait_for_redis(
    api: AsyncClient, make: Factory, redis: Redis
) -> None:
    """The read that fills a batch of a kept page is answered at once, the batch handed
    to Redis behind it, once Redis has said both limits are far; nothing goes uncounted."""
    worker, client_id = await page_client(make)
    path = await page_link(api, worker, client_id)
    # The first read waits for Redis (nothing is known of the room yet); the 11th fills
    # a batch and goes behind; the 12th to the 20th are held; the 21st fills a batch.
    for _ in range(2 * BATCH):
        assert (await api.get(path)).status_code == 200
    await _handed_over()
    # Redis holds every write (a rate-limit script is one) until unpaused.
    await redis.execute_command("CLIENT", "PAUSE", "5000", "WRITE")
    try:
        started = monotonic()
        read = await asyncio.wait_for(api.get(path), 3)
        assert read.status_code == 200
        assert monotonic() - started < 2
    finally:
        await redis.execute_command("CLIENT", "UNPAUSE")
    token = path.removeprefix("/p/")
    key = f"polku:rate:client-page:link:{hashlib.sha256(token.encode()).hexdigest()[:32]}"
    await _handed_over()
    assert int(await redis.get(key)) == 2 * BATCH + 1


async def _handed_over() -> None:
    """Until no batch is on its way to Redis (a second at most)."""
    for _ in range(100):
        if not limits._handing_over:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a batch of reads never reached Redis")
