"""A client's path in time order, gathered from every domain that has a say in it."""

from __future__ import annotations

import asyncpg

from service.base import audit
from service.base.identity import Actor
from service.base.pathway import PathwayEvent
from service.base.reach import require_reach
from service.clients.pathway import client_events
from service.clients.types import Pathway
from service.coaching.pathway import coaching_events
from service.composers.data_rights.pathway import data_rights_events
from service.outcomes.pathway import outcome_events
from service.programmes.pathway import programme_events
from service.referrals.pathway import referral_events

SOURCES = [client_events, programme_events, coaching_events, outcome_events, data_rights_events]

# Events recorded at the same moment (one transaction) in the order they happen.
_STEP = {
    kind: rank
    for rank, kind in enumerate(
        [
            "client",
            "consent",
            "referral",
            "enrolment",
            "plan",
            "goal",
            "assessment",
            "attendance",
            "feedback",
            "continuation",
        ]
    )
}


async def client_pathway(conn: asyncpg.Connection, actor: Actor, client_id: str) -> Pathway:
    await require_reach(conn, actor, client_id, "pathway.read")
    events: list[PathwayEvent] = []
    for source in SOURCES:
        events.extend(await source(conn, client_id))
    # Reaching the client is not enough to see their referrals: only their sides do.
    events.extend(await referral_events(conn, actor.id, client_id))
    events.sort(key=lambda event: (event.at, _STEP.get(event.kind.split(".")[0], 99), event.kind))
    await audit.log_action(conn, actor, "pathway.read", client_id=client_id)
    return Pathway(client_id=client_id, events=events)
