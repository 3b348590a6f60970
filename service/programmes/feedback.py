"""The client's feedback when a group ends: did they get the support they needed, did
they make new study or work plans, and what they want to say. A coach records it with
the client; the outcome reports count it."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict, NotFound
from service.base.identity import Actor
from service.base.ids import require_id
from service.base.reach import require_reach
from service.programmes.access import require_manager
from service.programmes.sql import queries
from service.programmes.types import FeedbackIn, FeedbackOut


async def _enrolment(conn: asyncpg.Connection, actor: Actor, enrolment_id: str, action: str) -> Any:
    missing = NotFound("enrolment not found")
    require_id(enrolment_id, missing)
    target = await queries.feedback_target(conn, enrolment_id=enrolment_id)
    if target is None:
        raise missing
    await require_reach(conn, actor, target["client_id"], action)
    return target


async def record_feedback(
    conn: asyncpg.Connection, actor: Actor, enrolment_id: str, data: FeedbackIn
) -> FeedbackOut:
    """Record or correct the feedback; the programme's facilitators and admins do."""
    target = await _enrolment(conn, actor, enrolment_id, "feedback.write")
    await require_manager(conn, actor, target["programme_id"])
    if target["enrolled_at"] is None:
        raise Conflict("only a client who had a place in the group gives feedback")
    if not target["started"]:
        raise Conflict("feedback is recorded once the group has met")
    row = await queries.save_feedback(
        conn,
        enrolment_id=enrolment_id,
        programme_id=target["programme_id"],
        client_id=target["client_id"],
        got_support=data.got_support,
        new_plans=data.new_plans,
        comment=data.comment,
        recorded_by=actor.id,
    )
    await audit.log_action(
        conn,
        actor,
        "feedback.write",
        client_id=target["client_id"],
        subject=("enrolment", enrolment_id),
    )
    return msgspec.convert(dict(row), FeedbackOut)


async def read_feedback(conn: asyncpg.Connection, actor: Actor, enrolment_id: str) -> FeedbackOut:
    target = await _enrolment(conn, actor, enrolment_id, "feedback.read")
    row = await queries.feedback(conn, enrolment_id=enrolment_id)
    await audit.log_action(
        conn,
        actor,
        "feedback.read",
        client_id=target["client_id"],
        subject=("enrolment", enrolment_id),
    )
    if row is None:
        raise NotFound("no feedback recorded for this enrolment")
    return msgspec.convert(dict(row), FeedbackOut)
