"""Consent per purpose, with validity and revocation."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from service.base.clock import today_in_finland
from tests.factories import Factory


async def test_data_sharing_consent_names_known_organisations(
    api: AsyncClient, make: Factory
) -> None:
    worker = await make.staff("referrer")
    partner = await make.organisation("ngo")
    client_id = await make.client(worker)
    url = f"/api/v1/clients/{client_id}/consents"

    missing = await api.post(url, json={"purpose": "data_sharing"}, headers=worker.headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "organisation_ids"

    unknown = await api.post(
        url,
        json={
            "purpose": "data_sharing",
            "organisation_ids": ["00000000-0000-0000-0000-000000000001"],
        },
        headers=worker.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "organisation_ids"

    given = await api.post(
        url,
        json={"purpose": "data_sharing", "organisation_ids": [partner, partner]},
        headers=worker.headers,
    )
    assert given.status_code == 201, given.text
    assert given.json()["organisation_ids"] == [partner]
    assert given.json()["valid"] is True


async def test_only_data_sharing_names_organisations(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    response = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "sms_reminders", "organisation_ids": [worker.organisation_id]},
        headers=worker.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_ids"


async def test_valid_until_in_the_past_is_refused(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    response = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders", "valid_until": "2020-01-01"},
        headers=worker.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "valid_until"


async def test_expired_consent_is_listed_as_not_valid(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    await make.consent(
        client_id, "email_reminders", worker, valid_until=today_in_finland() - timedelta(days=2)
    )
    await make.consent(
        client_id, "sms_reminders", worker, valid_until=today_in_finland() + timedelta(days=2)
    )
    listed = await api.get(f"/api/v1/clients/{client_id}/consents", headers=worker.headers)
    validity = {c["purpose"]: c["valid"] for c in listed.json()["items"]}
    assert validity == {"email_reminders": False, "sms_reminders": True}


async def test_revoke_once_then_conflict(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    consent_id = await make.consent(client_id, "calendar_feed", worker)
    url = f"/api/v1/consents/{consent_id}/revoke"
    revoked = await api.post(url, json={"reason": "no longer wanted"}, headers=worker.headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["valid"] is False
    assert revoked.json()["revocation_reason"] == "no longer wanted"
    again = await api.post(url, headers=worker.headers)
    assert again.status_code == 409


async def test_consents_of_a_client_outside_reach_are_404(api: AsyncClient, make: Factory) -> None:
    owner = await make.staff("referrer")
    stranger = await make.staff("referrer")
    client_id = await make.client(owner)
    consent_id = await make.consent(client_id, "calendar_feed", owner)
    listed = await api.get(f"/api/v1/clients/{client_id}/consents", headers=stranger.headers)
    assert listed.status_code == 404
    revoke = await api.post(f"/api/v1/consents/{consent_id}/revoke", headers=stranger.headers)
    assert revoke.status_code == 404
    given = await api.post(
        f"/api/v1/clients/{client_id}/consents",
        json={"purpose": "email_reminders"},
        headers=stranger.headers,
    )
    assert given.status_code == 404


async def test_consent_list_pages(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker)
    for purpose in ["email_reminders", "sms_reminders", "calendar_feed"]:
        await make.consent(client_id, purpose, worker)
    first = await api.get(
        f"/api/v1/clients/{client_id}/consents", params={"limit": 2}, headers=worker.headers
    )
    body = first.json()
    assert len(body["items"]) == 2
    second = await api.get(
        f"/api/v1/clients/{client_id}/consents",
        params={"limit": 2, "cursor": body["next_cursor"]},
        headers=worker.headers,
    )
    assert len(second.json()["items"]) == 1
    assert second.json()["next_cursor"] is None
    ids = {c["id"] for c in body["items"]} | {c["id"] for c in second.json()["items"]}
    assert len(ids) == 3
