"""A client's referrals and every change of their status, as steps on their pathway.

Only the referrals the viewer is on a side of (`referral_sides`): the referrer and
their organisation's staff who reach the client, and the receiving side while the
client's consent shares it.
"""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.referrals.sql import queries


async def referral_events(
    conn: asyncpg.Connection, viewer: str, client_id: str
) -> list[PathwayEvent]:
    events = []
    for row in await queries.referral_pathway(conn, viewer=viewer, client_id=client_id):
        status = row["to_status"]
        summary = (
            f"Referred to {row['target_name']}"
            if row["from_status"] is None
            else f"Referral to {row['target_name']}: {status.replace('-', ' ')}"
        )
        events.append(
            PathwayEvent(
                at=row["at"],
                kind=f"referral.{status}",
                summary=summary,
                subject_type="referral",
                subject_id=row["referral_id"],
                details={
                    "from_status": row["from_status"],
                    "to_status": status,
                    "reason": row["reason"],
                    "by": row["actor_name"],
                },
            )
        )
    return events
