"""The published OpenAPI document says what the API answers: the 422 for an id too long
to be one, and report figures that a JSON Schema validator accepts."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
from httpx import AsyncClient

from tests.api.programmes import create_programme
from tests.factories import Factory

_PARAMETER = re.compile(r"\{([^}]+)\}")


async def _document(api: AsyncClient) -> dict[str, Any]:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_every_operation_with_an_id_in_its_path_documents_and_answers_422(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin", "coach", "referrer")
    checked = 0
    for path, operations in (await _document(api))["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            limits = {
                parameter["name"]: parameter["schema"]["maxLength"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path" and "maxLength" in parameter["schema"]
            }
            if not limits:
                continue
            assert "422" in operation["responses"], (method, path)
            too_long = {name: "a" * (limit + 1) for name, limit in limits.items()}
            url = _PARAMETER.sub(lambda match, ids=too_long: ids[match.group(1)], path)
            response = await api.request(method, url, headers=admin.headers)
            assert response.status_code == 422, (method, path, response.text)
            named = {error["field"] for error in response.json()["errors"]}
            assert set(limits) <= named, (method, path, named)
            checked += 1
    assert checked >= 50, checked


async def test_report_figures_match_their_schema_and_counts_stay_integers(
    api: AsyncClient, make: Factory
) -> None:
    document = await _document(api)
    admin = await make.staff("admin", "coach")
    programme = await create_programme(api, admin)
    path = "/api/v1/reports/programmes/{programme_id}"
    response = await api.get(path.format(programme_id=programme["id"]), headers=admin.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    declared = document["paths"][path]["get"]["responses"]["200"]["content"]
    schema = {**declared["application/json"]["schema"], "components": document["components"]}
    # With `int | float` an integer matched two branches of a oneOf: "valid under more
    # than one of the schemas", said every validator, for every count in every report.
    errors = [
        error.message for error in jsonschema_rs.Draft202012Validator(schema).iter_errors(report)
    ]
    assert errors == []
    figure = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/Figure", "components": document["components"]}
    )
    assert all(figure.is_valid({"value": value}) for value in [0, 7, 0.25, None])
    participants = report["enrolment"]["participants"]["value"]
    assert type(participants) is int
    assert '"participants":{"value":0,' in response.text


async def test_every_operation_declares_the_503_of_a_server_out_of_reach(
    api: AsyncClient,
) -> None:
    operations = [
        (method, path, operation)
        for path, operations in (await _document(api))["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and not path.startswith(("/health", "/metrics"))
    ]
    assert len(operations) >= 80, len(operations)
    for method, path, operation in operations:
        declared = operation["responses"].get("503", {}).get("content", {})
        assert "application/problem+json" in declared, (method, path)
