"""Every error is RFC 9457 problem+json; 422 names the field."""

from __future__ import annotations

from httpx import AsyncClient

from tests.factories import Factory


async def test_unknown_field_is_refused_by_name(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    response = await api.post(
        "/api/v1/clients",
        json={"first_name": "A", "last_name": "B", "diagnosis": "secret"},
        headers=worker.headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert body["errors"] == [
        {"field": "diagnosis", "message": "Object contains unknown field `diagnosis`"}
    ]
    assert {"type", "title", "status", "detail"} <= body.keys()


async def test_missing_and_mistyped_fields_are_named(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    missing = await api.post("/api/v1/clients", json={"first_name": "A"}, headers=worker.headers)
    assert missing.json()["errors"][0]["field"] == "last_name"
    mistyped = await api.post(
        "/api/v1/clients",
        json={"first_name": "A", "last_name": "B", "plain_language": "yes"},
        headers=worker.headers,
    )
    assert mistyped.status_code == 422
    assert mistyped.json()["errors"][0]["field"] == "plain_language"


async def test_query_parameter_limits_are_422(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    for limit in ["0", "201", "many"]:
        response = await api.get("/api/v1/clients", params={"limit": limit}, headers=worker.headers)
        assert response.status_code == 422, limit
        assert response.json()["errors"][0]["field"] == "limit"


async def test_a_body_that_is_not_json_is_a_422_naming_the_body(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    headers = {**worker.headers, "content-type": "application/json"}
    for body, said in [
        (b"garbage", "JSON is malformed: invalid character (byte 0)"),
        (b'{"first_name": ', "Input data was truncated"),
    ]:
        response = await api.post("/api/v1/clients", content=body, headers=headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["type"] == "urn:polku:problem:validation"
        assert problem["errors"] == [{"field": "body", "message": f"is not valid JSON: {said}"}]
    wrong_type = await api.post("/api/v1/clients", content=b"[1]", headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"] == [
        {"field": "body", "message": "Expected `object`, got `array`"}
    ]


async def test_a_missing_body_is_named(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    for headers in [worker.headers, {**worker.headers, "content-type": "application/json"}]:
        response = await api.post("/api/v1/clients", headers=headers)
        assert response.status_code == 422
        problem = response.json()
        assert problem["errors"] == [{"field": "body", "message": "a JSON body is required"}]
        assert problem["detail"] == "body: a JSON body is required"


async def test_a_value_in_the_wrong_form_is_explained_in_words(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    response = await api.post(
        "/api/v1/clients",
        json={"first_name": "A", "last_name": "B", "email": "notanemail"},
        headers=worker.headers,
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [
        {"field": "email", "message": "must be an e-mail address such as name@example.fi"}
    ]
    assert "regex" not in response.text
    phone = await api.post(
        "/api/v1/clients",
        json={"first_name": "A", "last_name": "B", "phone": "call me"},
        headers=worker.headers,
    )
    assert phone.json()["errors"] == [
        {"field": "phone", "message": "must be a phone number such as +358 40 123 4567"}
    ]
    blank = await api.post(
        "/api/v1/clients", json={"first_name": " ", "last_name": "B"}, headers=worker.headers
    )
    assert blank.json()["errors"] == [
        {
            "field": "first_name",
            "message": "must be one line of text, not blank, without control characters",
        }
    ]


async def test_sign_in_is_settled_before_the_body_is_read(api: AsyncClient) -> None:
    for headers in [{}, {"Authorization": "Bearer nope"}]:
        response = await api.post(
            "/api/v1/clients",
            content=b"garbage",
            headers={**headers, "content-type": "application/json"},
        )
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["type"] == "urn:polku:problem:unauthorized"
    # What a path may be asked for stays open to anyone (a CORS preflight, say).
    options = await api.options("/api/v1/clients")
    assert options.status_code == 204
    assert "POST" in options.headers["allow"]


async def test_unknown_route_and_method_are_problems(api: AsyncClient) -> None:
    missing = await api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong_method = await api.put("/api/v1/me")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == 405


async def test_request_id_is_echoed_or_made(api: AsyncClient) -> None:
    given = await api.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await api.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"
    assert len(made.headers["x-request-id"]) == 32


async def test_health_answers_when_database_and_redis_answer(api: AsyncClient) -> None:
    response = await api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_the_nul_character_is_refused_by_field(api: AsyncClient, make: Factory) -> None:
    # PostgreSQL cannot store it; without this check it surfaced as a 500.
    worker = await make.staff("referrer")
    login = await api.post("/api/v1/auth/token", json={"email": "a\u0000b", "password": "x"})
    assert login.status_code == 422
    assert login.json()["errors"][0]["field"] == "email"
    nested = await api.post(
        "/api/v1/clients",
        json={"first_name": "A", "last_name": "B", "extra": [{"deep": "x\u0000"}]},
        headers=worker.headers,
    )
    assert nested.json()["errors"][0]["field"] == "extra[0].deep"
    search = await api.get("/api/v1/clients", params={"q": "Vir\u0000"}, headers=worker.headers)
    assert search.status_code == 422
    assert search.json()["errors"][0]["field"] == "q"
    feed = await api.get("/feeds/pf_%00.ics")
    assert feed.status_code == 404
    # An escaped backslash before u0000 is ordinary text, not a NUL.
    fine = await api.post(
        "/api/v1/clients",
        json={"first_name": "A\\u0000", "last_name": "B"},
        headers=worker.headers,
    )
    assert fine.status_code == 201, fine.text
