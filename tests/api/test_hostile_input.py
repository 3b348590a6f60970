"""What a caller makes up (a forged cursor, JSON nested a thousand deep, bytes that are
no UTF-8, NUL in a path id) answers a 4xx naming what is wrong, never 500. Each test
walks every operation of the published OpenAPI document it applies to, so a new one is
covered the day it is added."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from httpx import AsyncClient, Response

from tests.api.coaching import create_plan
from tests.api.programmes import create_programme
from tests.factories import Factory, Person

JSON = {"content-type": "application/json"}
AN_ID = "c0ffee00-0000-0000-0000-000000000000"
_PARAMETER = re.compile(r"\{([^}]+)\}")


def _cursor(json: bytes) -> str:
    return base64.urlsafe_b64encode(json).decode().rstrip("=")


# Refused by every list, whatever its sort key.
FORGED_CURSORS = {
    "text where an id belongs": _cursor(b'["a", "x"]'),
    "NUL in the id": _cursor(b'["a", "' + AN_ID.encode() + b'\\u0000"]'),
    "an integer beyond bigint": _cursor(b"[9223372036854775808]"),
    "no UTF-8": _cursor(b'["\xff", "x"]'),
    "not base64": "!!",
    "no key": _cursor(b"[]"),
    "null": _cursor(b"null"),
}
# Refused where they do not fit the key, and a page where they do (a name may well be
# "99999-01-01"): never a 500.
ODD_CURSORS = {
    "a moment and no id": _cursor(b'["2027-03-11T08:00:00Z", "x"]'),
    "a day and no id": _cursor(b'["2027-03-11", "x"]'),
    "a moment without a zone": _cursor(b'["2027-03-11T08:00:00", "' + AN_ID.encode() + b'"]'),
    "NUL in the text": _cursor(b'["a\\u0000", "' + AN_ID.encode() + b'"]'),
    "NUL in a moment's key": _cursor(b'["2027-03-11T08:00:00Z", "k\\u0000"]'),
    "text, then an integer beyond bigint": _cursor(b'["work_ability", 9223372036854775808]'),
    "a day far out of range": _cursor(b'["99999-01-01", "' + AN_ID.encode() + b'"]'),
    "a moment with no UTC reading": _cursor(b'["0001-01-01T00:00:00+05:00", "x"]'),
    "the first moment there is": _cursor(b'["0001-01-01T00:00:00Z", "' + AN_ID.encode() + b'"]'),
    "the last day there is": _cursor(b'["9999-12-31", "' + AN_ID.encode() + b'"]'),
}


async def _document(api: AsyncClient) -> dict[str, Any]:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any], method: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path, operations[method])
        for path, operations in document["paths"].items()
        if method in operations
    ]


def _fill(path: str, ids: dict[str, str]) -> str:
    return _PARAMETER.sub(lambda match: ids[match.group(1)], path)


def _assert_names(response: Response, field: str, context: str) -> None:
    assert response.status_code == 422, (context, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), context
    assert [error["field"] for error in response.json()["errors"]] == [field], context


@pytest.fixture
async def admin(make: Factory) -> Person:
    """An admin who is also a coach and a referrer, so that every list is theirs to read."""
    return await make.staff("admin", "coach", "referrer")


@pytest.fixture
async def ids(api: AsyncClient, make: Factory, admin: Person) -> dict[str, str]:
    """A real thing in the admin's reach for each id a path names."""
    client_id = await make.client(admin)
    programme = await create_programme(api, admin)
    plan = await create_plan(api, admin, client_id)
    return {
        "client_id": client_id,
        "programme_id": programme["id"],
        "session_id": programme["sessions"][0]["id"],
        "plan_id": plan["id"],
    }


async def test_a_forged_cursor_on_any_list_is_a_422_naming_the_cursor(
    api: AsyncClient, admin: Person, ids: dict[str, str]
) -> None:
    lists = [
        (_fill(path, ids), {})
        for path, operation in _operations(await _document(api), "get")
        if any(parameter["name"] == "cursor" for parameter in operation.get("parameters", []))
    ]
    assert len(lists) >= 15, lists
    # The stalled paths share the referral list's operation but not its sort key.
    lists.append(("/api/v1/referrals", {"stalled": "true"}))
    for url, params in lists:
        first_page = await api.get(url, params=params, headers=admin.headers)
        assert first_page.status_code == 200, (url, first_page.text)
        for forgery, cursor in FORGED_CURSORS.items():
            response = await api.get(
                url, params={**params, "cursor": cursor}, headers=admin.headers
            )
            _assert_names(response, "cursor", f"{url} {params}: {forgery}")
        for oddity, cursor in ODD_CURSORS.items():
            response = await api.get(
                url, params={**params, "cursor": cursor}, headers=admin.headers
            )
            if response.status_code != 200:
                _assert_names(response, "cursor", f"{url} {params}: {oddity}")
