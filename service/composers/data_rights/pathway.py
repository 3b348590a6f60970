"""Closing and legal holds on the client's path."""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.composers.data_rights.sql import queries

_SAID = {
    "closed": ("client.closed", "The client relationship closed", "client"),
    "hold_placed": ("legal_hold.placed", "A legal hold placed on the record", "legal_hold"),
    "hold_lifted": ("legal_hold.lifted", "The legal hold lifted", "legal_hold"),
}


async def data_rights_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
    events = []
    for row in await queries.pathway(conn, client_id=client_id):
        kind, summary, subject_type = _SAID[row["what"]]
        events.append(
            PathwayEvent(
                at=row["at"],
                kind=kind,
                summary=summary,
                subject_type=subject_type,
                subject_id=row["id"],
                details={"closed_on": row["day"]} if row["day"] is not None else {},
            )
        )
    return events
