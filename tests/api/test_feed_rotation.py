"""A rotated or revoked feed link is dead on every API process: at once on the one that
rotated it, within a second on the others (issue 16, point 5). Both processes have the
old feed in memory when the link changes, and both hear of changes late, as busy ones
would: neither can count on PostgreSQL's word of its own change arriving before its
next request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from service.base.settings import Settings
from tests.api.feeds import (
    HearsLate,
    Process,
    all_heard,
    another_process,
    feed_path,
    status,
    within_a_second,
)
from tests.api.test_calendar import client_in_group
from tests.factories import Factory

ROTATIONS = 3
LINKS = {
    "client": "/api/v1/clients/{client_id}/calendar-feed",
    "staff": "/api/v1/me/calendar-feed",
    "programme": "/api/v1/programmes/{programme_id}/calendar-feed",
}


@pytest.fixture
async def this(settings: Settings) -> AsyncIterator[Process]:
    async with another_process(settings, HearsLate()) as this:
        yield this


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[Process]:
    async with another_process(settings, HearsLate()) as other:
        yield other


async def _kept_everywhere(path: str, *processes: Process) -> None:
    await all_heard()
    for where in processes:
        assert await status(where.api, path) == 200
        assert where.keeps(path)


async def _is_gone(api: AsyncClient, path: str) -> bool:
    return await status(api, path) == 404


@pytest.mark.parametrize("kind", sorted(LINKS))
async def test_a_rotated_link_answers_404_on_every_process(
    this: Process, other: Process, make: Factory, kind: str
) -> None:
    coach, programme, client_id = await client_in_group(this.api, make)
    url = LINKS[kind].format(client_id=client_id, programme_id=programme["id"])
    new = feed_path(await this.api.post(url, headers=coach.headers))
    for _ in range(ROTATIONS):
        old = new
        await _kept_everywhere(old, this, other)

        new = feed_path(await this.api.post(url, headers=coach.headers))

        assert await status(this.api, old) == 404  # at once where it was rotated
        await within_a_second(lambda old=old: _is_gone(other.api, old), f"{old} answers")
        for where in (this, other):
            assert await status(where.api, new) == 200


@pytest.mark.parametrize("kind", sorted(LINKS))
async def test_a_revoked_link_answers_404_on_every_process(
    this: Process, other: Process, make: Factory, kind: str
) -> None:
    coach, programme, client_id = await client_in_group(this.api, make)
    url = LINKS[kind].format(client_id=client_id, programme_id=programme["id"])
    for _ in range(ROTATIONS):
        path = feed_path(await this.api.post(url, headers=coach.headers))
        await _kept_everywhere(path, this, other)

        revoked = await this.api.delete(url, headers=coach.headers)
        assert revoked.status_code == 204, revoked.text

        assert await status(this.api, path) == 404
        await within_a_second(lambda path=path: _is_gone(other.api, path), f"{path} answers")
