"""The service catalogue: adding, editing, searching, and referring to a service."""

from __future__ import annotations

from httpx import AsyncClient

from tests.api.referrals import move, refer
from tests.factories import Factory

SERVICE = {
    "name": "Työhönvalmennus Järvilä",
    "description": "Henkilökohtaista tukea työnhakuun ja työkokeiluun.",
    "categories": ["Työllisyys", "valmennus"],
    "eligibility": "Pitkään työttömänä olleet 18–64-vuotiaat",
    "contact": {"name": "Pekka Ohjaaja", "email": "pekka@ngo.example", "phone": "+358 40 123 4567"},
    "location": {"name": "Ohjaamo", "address": "Kauppakatu 1", "municipality": "Järvilä"},
    "schedule": "ma–to 9–15",
}


async def test_add_find_and_edit_a_service(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    made = await api.post("/api/v1/services", json=SERVICE, headers=coach.headers)
    assert made.status_code == 201, made.text
    service = made.json()
    assert service["organisation_id"] == coach.organisation_id
    assert service["categories"] == ["työllisyys", "valmennus"]
    other = await api.post(
        "/api/v1/services",
        json={"name": "Päihdetyön ryhmä", "categories": ["päihteet"]},
        headers=coach.headers,
    )
    assert other.status_code == 201
    worker = await make.staff("referrer")

    async def names(**params: str) -> list[str]:
        found = await api.get("/api/v1/services", params=params, headers=worker.headers)
        assert found.status_code == 200, found.text
        return [s["name"] for s in found.json()["items"]]

    assert await names(q="työhön") == ["Työhönvalmennus Järvilä"]
    assert await names(q="tukea työkokeiluun") == ["Työhönvalmennus Järvilä"]
    assert await names(q="järvilä") == ["Työhönvalmennus Järvilä"]
    assert await names(category="Päihteet") == ["Päihdetyön ryhmä"]
    assert await names() == ["Päihdetyön ryhmä", "Työhönvalmennus Järvilä"]
    assert await names(q="kuntosali") == []

    url = f"/api/v1/services/{service['id']}"
    refused = await api.patch(url, json={"name": "Muu"}, headers=worker.headers)
    assert refused.status_code == 403
    edited = await api.patch(
        url, json={"status": "inactive", "schedule": None}, headers=coach.headers
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["status"], edited.json()["schedule"]) == ("inactive", None)
    assert edited.json()["name"] == SERVICE["name"]
    assert await names(q="työhön") == []
    assert await names(q="työhön", include_inactive="true") == ["Työhönvalmennus Järvilä"]


async def test_invalid_services_name_the_field(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    for body, field in [
        ({**SERVICE, "name": ""}, "name"),
        ({**SERVICE, "contact": {"email": "not an address"}}, "contact.email"),
        ({**SERVICE, "url": "ftp://x"}, "url"),
        ({**SERVICE, "organisation_id": "nope"}, "organisation_id"),
    ]:
        response = await api.post("/api/v1/services", json=body, headers=coach.headers)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"] == field
    elsewhere = await make.organisation("ngo")
    foreign = await api.post(
        "/api/v1/services", json={**SERVICE, "organisation_id": elsewhere}, headers=coach.headers
    )
    assert foreign.status_code == 403


async def test_referring_to_a_service(api: AsyncClient, make: Factory) -> None:
    provider = await make.organisation("ngo")
    intake = await make.staff("referrer", organisation_id=provider)
    coach = await make.staff("coach", organisation_id=provider)
    service = (await api.post("/api/v1/services", json=SERVICE, headers=coach.headers)).json()
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    await make.consent(client_id, "data_sharing", worker, organisation_ids=[provider])
    made = await refer(api, worker, client_id, service_id=service["id"], needs="Tukea CV:hen")
    assert made.status_code == 201, made.text
    assert made.json()["target"] == {
        "kind": "service",
        "id": service["id"],
        "name": SERVICE["name"],
        "organisation_id": provider,
        "organisation_name": made.json()["target"]["organisation_name"],
    }
    # The service's own staff answer, including its referrers (intake workers).
    assert (await move(api, intake, made.json()["id"], "received")).status_code == 200
    neither = await refer(api, worker, client_id, reason="x")
    assert neither.json()["errors"][0]["field"] == "programme_id"
    both = await refer(api, worker, client_id, service_id=service["id"], programme_id=service["id"])
    assert both.status_code == 422
    unknown = await refer(api, worker, client_id, service_id="00000000-0000-0000-0000-000000000000")
    assert unknown.json()["errors"][0]["field"] == "service_id"
