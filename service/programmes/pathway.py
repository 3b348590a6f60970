"""A client's enrolments, attendance and feedback, as steps on their pathway."""

from __future__ import annotations

import asyncpg

from service.base.pathway import PathwayEvent
from service.programmes.sql import queries


async def programme_events(conn: asyncpg.Connection, client_id: str) -> list[PathwayEvent]:
    events = []
    for row in await queries.enrolment_pathway(conn, client_id=client_id):
        subject = {"subject_type": "enrolment", "subject_id": row["id"]}
        details = {"programme_id": row["programme_id"]}
        title = row["title"]
        if row["enrolled_at"] is None or row["enrolled_at"] > row["created_at"]:
            events.append(
                PathwayEvent(
                    at=row["created_at"],
                    kind="enrolment.waitlisted",
                    summary=f"On the waiting list for {title}",
                    details=details,
                    **subject,
                )
            )
        if row["enrolled_at"] is not None:
            events.append(
                PathwayEvent(
                    at=row["enrolled_at"],
                    kind="enrolment.enrolled",
                    summary=f"Enrolled in {title}",
                    details=details,
                    **subject,
                )
            )
        if row["withdrawn_at"] is not None:
            events.append(
                PathwayEvent(
                    at=row["withdrawn_at"],
                    kind="enrolment.withdrawn",
                    summary=f"Withdrawn from {title}",
                    details={**details, "reason": row["withdrawal_reason"]},
                    **subject,
                )
            )
    for row in await queries.attendance_pathway(conn, client_id=client_id):
        events.append(
            PathwayEvent(
                at=row["starts_at"],
                kind="attendance.recorded",
                summary=f"{row['title']}, session {row['number']}: {row['status']}",
                subject_type="session",
                subject_id=row["session_id"],
                details={"programme_id": row["programme_id"], "status": row["status"]},
            )
        )
    for row in await queries.feedback_pathway(conn, client_id=client_id):
        events.append(
            PathwayEvent(
                at=row["recorded_at"],
                kind="feedback.given",
                summary=f"Feedback on {row['title']}",
                subject_type="enrolment",
                subject_id=row["enrolment_id"],
                details={
                    "programme_id": row["programme_id"],
                    "got_support": row["got_support"],
                    "new_plans": row["new_plans"],
                },
            )
        )
    return events
