"""Exits and answered follow-ups on the client's path."""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.outcomes.sql import queries


async def outcome_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
    events = []
    for row in await queries.pathway(conn, client_id=client_id):
        if row["what"] == "question":
            events.append(
                PathwayEvent(
                    at=row["at"],
                    kind="follow_up.asked",
                    summary="Asked how things are six months on",
                    subject_type="follow_up",
                    subject_id=row["id"],
                    details={"due_on": row["day"]},
                )
            )
            continue
        situation = row["situation"].replace("_", " ")
        if row["what"] == "exit":
            summary = f"Left ({row['day'].isoformat()}): {situation}"
            details = {"situation": row["situation"], "left_on": row["day"]}
        else:
            summary = f"Six months on: {situation} (told by the {row['source']})"
            details = {"situation": row["situation"], "source": row["source"]}
        events.append(
            PathwayEvent(
                at=row["at"],
                kind=f"{row['what']}.recorded",
                summary=summary,
                subject_type=row["what"],
                subject_id=row["id"],
                details=details,
            )
        )
    return events
