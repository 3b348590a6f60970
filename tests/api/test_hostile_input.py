"""What a caller makes up (a forged cursor, JSON nested a thousand deep, bytes that are
no UTF-8, NUL in a path id) answers a 4xx naming what is wrong, never 500. Each test
walks every operation of the published OpenAPI document it applies to, so a new one is
covered the day it is added."""

from __future__ import annotations

import base64
import re
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient, Response

from service.composers.sms_replies.signature import HEADER, signature
from tests.api.coaching import create_plan
from tests.api.programmes import create_programme
from tests.api.sms import SECRET as SMS_SECRET
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


def _nested(depth: int, inner: bytes = b"1") -> bytes:
    return b'{"a":' * depth + inner + b"}" * depth


DEEP_BODIES = {
    "a thousand deep": b"[" * 1000 + b"]" * 1000,
    "a thousand objects deep": _nested(1000),
    "a hundred thousand deep": b"[" * 100_000,
    # msgspec decodes these, and recursion further on (the NUL check, the jsonb
    # encoding of a free-form field) would not.
    "nine hundred deep": _nested(900),
    "nine hundred deep, NUL inside": _nested(900, b'"\\u0000"'),
    "just past the limit": _nested(65),
}
NOT_UTF_8 = {
    "in a value": b'{"email": "\xff\xfe", "password": "x"}',
    "in a key": b'{"\xffemail": "a@b.fi"}',
    "an overlong slash": b'{"email": "\xc0\xaf"}',
    "an encoded surrogate": b'{"email": "\xed\xa0\x80"}',
    "cut off mid-character": b'{"email": "\xc3"}',
}


async def test_a_body_nested_too_deep_or_not_utf_8_is_a_422_naming_the_body(
    api: AsyncClient, sms_api: AsyncClient, admin: Person
) -> None:
    with_body = [
        (method, path)
        for path, operations in (await _document(api))["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    assert ("post", "/api/v1/auth/token") in with_body
    assert len(with_body) >= 30, with_body
    ids = dict.fromkeys(_PARAMETER.findall(" ".join(path for _, path in with_body)), AN_ID)
    for method, path in with_body:
        # The sign-in is public: it must hold without a token too.
        headers = JSON if path == "/api/v1/auth/token" else {**admin.headers, **JSON}
        for case, body in {**DEEP_BODIES, **NOT_UTF_8}.items():
            if path == "/api/v1/sms/inbound":  # signed by the gateway, then read
                signed = {**JSON, HEADER: signature(SMS_SECRET, body)}
                response = await sms_api.post(path, content=body, headers=signed)
            else:
                response = await api.request(
                    method, _fill(path, ids), content=body, headers=headers
                )
            _assert_names(response, "body", f"{method} {path}: {case}")


async def test_nesting_within_the_limit_is_read_as_usual(api: AsyncClient, admin: Person) -> None:
    # 64 levels in all, the outer object included.
    response = await api.post(
        "/api/v1/clients",
        content=b'{"first_name": "A", "last_name": "B", "extra": ' + _nested(63) + b"}",
        headers={**admin.headers, **JSON},
    )
    assert response.json()["errors"] == [
        {"field": "extra", "message": "Object contains unknown field `extra`"}
    ]
    deep = await api.post(
        "/api/v1/clients",
        content=b'{"first_name": "A", "last_name": "B", "extra": ' + _nested(64) + b"}",
        headers={**admin.headers, **JSON},
    )
    assert deep.json()["errors"] == [
        {"field": "body", "message": "is nested deeper than 64 levels"}
    ]


async def test_nul_in_a_path_id_is_not_found_and_a_client_path_audits_it(
    api: AsyncClient, admin: Person, db: asyncpg.Connection
) -> None:
    with_ids = [
        path for path, _ in _operations(await _document(api), "get") if _PARAMETER.search(path)
    ]
    assert len(with_ids) >= 20, with_ids
    client_paths = [path for path in with_ids if path.startswith("/api/v1/clients/{client_id}")]
    values = {"%00": "\\u0000", "a%00b": "a\\u0000b", f"{AN_ID}%00": f"{AN_ID}\\u0000"}
    for path in with_ids:
        for value in [*values, "%ff", "%ed%a0%80"]:
            ids = dict.fromkeys(_PARAMETER.findall(path), value)
            response = await api.get(_fill(path, ids), headers=admin.headers)
            context = (path, value, response.text)
            assert response.status_code in {404, 422}, context
            assert response.headers["content-type"].startswith("application/problem+json")
            if path in client_paths:
                assert response.status_code == 404, context
    refused = await db.fetch(
        "SELECT subject_type, subject_id, outcome FROM audit_events WHERE actor_id = $1",
        admin.id,
    )
    # Every refusal on a client path is evidence, the NUL written out.
    assert len(refused) == 5 * len(client_paths), refused
    assert {(row["subject_type"], row["outcome"]) for row in refused} == {("client", "denied")}
    for kept in values.values():
        assert sum(row["subject_id"] == kept for row in refused) == len(client_paths), kept


async def test_nul_in_a_path_id_of_any_change_is_a_4xx(api: AsyncClient, admin: Person) -> None:
    changes = [
        (method, path)
        for path, operations in (await _document(api))["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and method != "get" and _PARAMETER.search(path)
    ]
    assert len(changes) >= 30, changes
    for method, path in changes:
        ids = dict.fromkeys(_PARAMETER.findall(path), "%00")
        # An empty object: enough for the changes whose fields are all optional to go on
        # to look the id up.
        response = await api.request(
            method, _fill(path, ids), content=b"{}", headers={**admin.headers, **JSON}
        )
        assert 400 <= response.status_code < 500, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
