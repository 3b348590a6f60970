"""The client's page kept rendered in memory: served from there while nothing on it has
changed, and never once something has: a change committed by this process, one
announced by another (two API processes), a rotated link, the passing of time."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient
from litestar import Litestar

from service.base.settings import Settings
from service.client_page import links
from service.composers.client_page import page, page_cache
from service.composers.client_page.page import read_page as render_page
from tests.api.client_page import in_group, page_client, page_link, read_page
from tests.api.feeds import another_process, within_a_second
from tests.factories import Factory


async def test_a_page_is_served_from_memory_until_something_on_it_changes(
    app: Litestar, api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await page_client(make)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    first = await read_page(api, path)
    cache = app.state.page_cache
    key = page_cache.key(path.removeprefix("/p/"), None)
    assert cache.get(key) is not None, "the page was not kept"
    assert await read_page(api, path) == first
    # Renamed through the API (committed by this process): the next read has it.
    renamed = await api.patch(
        f"/api/v1/clients/{client_id}", json={"first_name": "Annukka"}, headers=worker.headers
    )
    assert renamed.status_code == 200, renamed.text
    assert "Annukka" in await read_page(api, path)


async def test_readers_who_find_the_page_dropped_wait_for_one_rendering_of_it(
    app: Litestar, api: AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many reads of one page just after it was dropped (a change, its minute up) render
    it once: each rendering is several queries and a template, and fifty at once made
    the last reader wait a second (bench/README, run 5)."""
    worker, client_id = await page_client(make)
    await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    renderings = 0

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal renderings
        renderings += 1
        return await render_page(*args, **kwargs)

    monkeypatch.setattr(page, "read_page", counted)
    pages = await asyncio.gather(*(read_page(api, path) for _ in range(10)))
    assert len(set(pages)) == 1
    assert renderings == 1


async def test_a_change_on_another_process_reaches_the_kept_page(
    app: Litestar, api: AsyncClient, make: Factory, settings: Settings
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    async with another_process(settings) as other:
        assert "Kohtaamispaikka" in await read_page(api, path)  # kept here
        moved = await other.api.patch(
            f"/api/v1/programmes/{programme['id']}",
            json={"location": {"name": "Uusi paikka", "address": "Torikatu 2"}},
            headers=worker.headers,
        )
        assert moved.status_code == 200, moved.text

        async def moved_here() -> bool:
            return "Uusi paikka" in await read_page(api, path)

        await within_a_second(moved_here, "the page shows the old place")
        # A link rotated on the other process answers 404 here at once (as it is
        # announced; the digest of the new one is another key).
        rotated = await other.api.post(
            f"/api/v1/clients/{client_id}/page-link", headers=worker.headers
        )
        assert rotated.status_code == 201

        async def dead_here() -> bool:
            return (await api.get(path)).status_code == 404

        await within_a_second(dead_here, "the old link still opens the kept page")


async def test_a_page_is_kept_no_longer_than_until_something_on_it_begins_or_ends(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, settings: Settings
) -> None:
    worker, client_id = await page_client(make)
    programme = await in_group(api, make, worker, client_id)
    path = await page_link(api, worker, client_id)
    link = await links.open_link(db, path.removeprefix("/p/"))
    assert link is not None
    rendering = await render_page(db, settings, path.removeprefix("/p/"), link, None)
    # Kept until the first session begins (its answer form must go then) or the link
    # expires, whichever comes first.
    first_begins = datetime.fromisoformat(programme["sessions"][0]["starts_at"])
    assert rendering.changes_at == min(first_begins, link.expires_at)
    assert page_cache.seconds_until(rendering.changes_at) > page_cache.MAX_AGE_SECONDS
