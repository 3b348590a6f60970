"""The client record's own steps on the client's path: created, consents given and revoked."""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.clients.sql import queries


async def client_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
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
