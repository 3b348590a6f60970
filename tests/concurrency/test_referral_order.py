"""A referral's history lists its moves in the order they happened, also when a move
that began first was committed second (D13)."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient

from db.pool import connect
from service.base.identity import Actor
from service.base.settings import Settings
from service.referrals import referrals
from service.referrals.types import StatusIn
from tests.api.referrals import county_and_ngo, move, refer
from tests.factories import Factory


async def test_moves_keep_the_order_they_were_made_in(
    api: AsyncClient, make: Factory, settings: Settings
) -> None:
    setting = await county_and_ngo(api, make)
    made = await refer(api, setting.worker, setting.client_id, programme_id=setting.programme["id"])
    referral_id = made.json()["id"]
    coach = setting.coach
    actor = Actor(coach.id, coach.organisation_id, coach.email, coach.name, frozenset({"coach"}))
    assert settings.app_login_url is not None
    slow = await connect(settings.app_login_url)  # as the API does
    try:
        async with slow.transaction():  # begins now, and commits after the move below
            await asyncio.sleep(0.05)
            assert (await move(api, coach, referral_id, "received")).status_code == 200
            await referrals.change_status(slow, actor, referral_id, StatusIn(status="accepted"))
    finally:
        await slow.close()
    read = await api.get(f"/api/v1/referrals/{referral_id}", headers=setting.worker.headers)
    events = read.json()["events"]
    assert [e["to_status"] for e in events] == ["requested", "received", "accepted"]
    assert events[1]["at"] <= events[2]["at"]
    pathway = await api.get(
        f"/api/v1/clients/{setting.client_id}/pathway", headers=setting.worker.headers
    )
    kinds = [e["kind"] for e in pathway.json()["events"] if e["kind"].startswith("referral.")]
    assert kinds == ["referral.requested", "referral.received", "referral.accepted"]
