"""A client's path in time order, gathered from every domain that has a say in it."""

from __future__ import annotations

import asyncpg

from service.accounts.auth import Actor
from service.base import audit
from service.base.reach import require_reach
from service.clients.service import queries
from service.clients.types import Pathway, PathwayEvent
from service.coaching.pathway import coaching_events
from service.programmes.pathway import programme_events
from service.referrals.pathway import referral_events


async def _client_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
    created = await queries.client_created(conn, client_id=client_id)
    events = [
        PathwayEvent(
            at=created["created_at"],
            kind="client.created",
            summary=f"Client record created by {created['created_by_name'] or 'the system'}",
            subject_type="client",
            subject_id=client_id,
        )
    ]
    for consent in await queries.consent_pathway(conn, client_id=client_id):
        purpose = consent["purpose"].replace("_", " ")
        events.append(
            PathwayEvent(
                at=consent["given_at"],
                kind="consent.given",
                summary=f"Consent given: {purpose}",
                subject_type="consent",
                subject_id=consent["id"],
                details={"purpose": consent["purpose"], "valid_until": consent["valid_until"]},
            )
        )
        if consent["revoked_at"] is not None:
            events.append(
                PathwayEvent(
                    at=consent["revoked_at"],
                    kind="consent.revoked",
                    summary=f"Consent revoked: {purpose}",
                    subject_type="consent",
                    subject_id=consent["id"],
                    details={"reason": consent["revocation_reason"]},
                )
            )
    return events


SOURCES = [_client_events, programme_events, coaching_events]

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
