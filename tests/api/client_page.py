"""Helpers for tests of the client's own page."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient, Response

from tests.api.programmes import create_programme, enrol
from tests.factories import Factory, Person

# Thursday 11 March 2027, 10:00 in Helsinki (08:00 UTC): eight weekly sessions.
FIRST_SESSION = "2027-03-11"
THEMES = ["Tutustuminen", "Arki ja hyvinvointi"]


async def page_client(make: Factory, **fields: Any) -> tuple[Person, str]:
    """A worker (with a work phone) and their client, who consents to a page."""
    worker = await make.staff("coach", name="Aino Ohjaaja", phone="+358 40 100 0001")
    values = {"first_name": "Anna", "last_name": "Salainen", **fields}
    client_id = await make.client(worker, **values)
    await make.consent(client_id, "client_page", worker)
    return worker, client_id


async def in_group(api: AsyncClient, make: Factory, worker: Person, client_id: str) -> dict:
    """The client and another in the worker's eight-week group from FIRST_SESSION."""
    programme = await create_programme(
        api,
        worker,
        title="Arjen taidot",
        first_session_date=FIRST_SESSION,
        skip_public_holidays=False,
        session_themes=THEMES,
    )
    other = await make.client(worker, first_name="Toinen", last_name="Osallistuja")
    for someone in (client_id, other):
        enrolled = await enrol(api, worker, programme["id"], someone)
        assert enrolled.status_code == 201, enrolled.text
    return programme


async def page_link(api: AsyncClient, worker: Person, client_id: str) -> str:
    """A new page link's path (/p/…)."""
    response = await api.post(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert response.status_code == 201, response.text
    path: str = response.json()["url"].removeprefix("http://polku.test")
    assert path.startswith("/p/pp_")
    return path


async def read_page(api: AsyncClient, path: str, **params: str) -> str:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the page has no answer form"
    return found.group(1)


async def answer(
    api: AsyncClient, path: str, answer: str, *, token: str | None = None, **item: str
) -> Response:
    """Answer on the page at `path` as the client's browser would (`item`: session_id=…
    or meeting_id=…); `token` instead of the page's own form token."""
    if token is None:
        token = form_token(await read_page(api, path))
    return await api.post(f"{path}/rsvp", data={"answer": answer, "form_token": token, **item})
