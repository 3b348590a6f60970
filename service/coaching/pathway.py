"""A client's coaching plans, goal ratings, assessments and continuation plans, as
steps on their pathway."""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.coaching.sql import queries

_KIND = {"goal_coaching": "Goal coaching", "job_coaching": "Job coaching"}


async def coaching_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
    events = [
        PathwayEvent(
            at=row["created_at"],
            kind="plan.created",
            summary=f"{_KIND[row['kind']]} plan from {row['starts_on'].isoformat()}",
            subject_type="plan",
            subject_id=row["id"],
            details={"kind": row["kind"], "starts_on": row["starts_on"]},
        )
        for row in await queries.plan_pathway(conn, client_id=client_id)
    ]
    for row in await queries.rating_pathway(conn, client_id=client_id):
        events.append(
            PathwayEvent(
                at=row["created_at"],
                kind="goal.rated",
                summary=f"Goal “{row['title']}” rated {row['level']:+d}",
                subject_type="goal",
                subject_id=row["goal_id"],
                details={"level": row["level"], "rated_on": row["rated_on"]},
            )
        )
    for row in await queries.assessment_pathway(conn, client_id=client_id):
        events.append(
            PathwayEvent(
                at=row["created_at"],
                kind="assessment.recorded",
                summary=f"Assessment: {row['key'].replace('_', ' ')}",
                subject_type="assessment",
                subject_id=row["id"],
                details={
                    "instrument": row["key"],
                    "version": row["version"],
                    "assessed_on": row["assessed_on"],
                },
            )
        )
    for row in await queries.continuation_pathway(conn, client_id=client_id):
        events.append(
            PathwayEvent(
                at=row["updated_at"],
                kind="continuation.planned",
                summary=f"Next step: {row['next_step'].replace('_', ' ')}",
                subject_type="plan",
                subject_id=row["plan_id"],
                details={"next_step": row["next_step"], "target_date": row["target_date"]},
            )
        )
    return events
