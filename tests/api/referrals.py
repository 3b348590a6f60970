"""Helpers for tests that need referrals: a municipal worker with a client, and an NGO
running a group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response

from tests.api.programmes import create_programme
from tests.factories import Factory, Person


@dataclass
class Setting:
    worker: Person  # the municipal worker, responsible for the client
    coach: Person  # facilitates the NGO's group
    client_id: str
    programme: dict[str, Any]
    consent_id: str


async def county_and_ngo(
    api: AsyncClient, make: Factory, *, consent: bool = True, **programme: Any
) -> Setting:
    county = await make.organisation("wellbeing_county", name=None)
    ngo = await make.organisation("ngo")
    worker = await make.staff("referrer", organisation_id=county)
    coach = await make.staff("coach", organisation_id=ngo)
    client_id = await make.client(worker, email="anna@example.org")
    consent_id = ""
    if consent:
        consent_id = await make.consent(client_id, "data_sharing", worker, organisation_ids=[ngo])
    group = await create_programme(api, coach, **programme)
    return Setting(worker, coach, client_id, group, consent_id)


async def refer(api: AsyncClient, by: Person, client_id: str, **fields: Any) -> Response:
    body = {"client_id": client_id, "reason": "Arjen rytmi ja vertaistuki", **fields}
    return await api.post("/api/v1/referrals", json=body, headers=by.headers)


async def move(
    api: AsyncClient, by: Person, referral_id: str, status: str, reason: str | None = None
) -> Response:
    body: dict[str, Any] = {"status": status}
    if reason is not None:
        body["reason"] = reason
    return await api.post(f"/api/v1/referrals/{referral_id}/status", json=body, headers=by.headers)
