"""Carrying out a referral's move to a new status, once lifecycle.py allows it.

The status and its event are recorded and audited; accepting a referral to a group
enrols the client (or puts them on its waiting list), cancelling one gives up a place
not yet used; and the referrer hears of a move someone else made.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from service.base import audit
from service.base.errors import Conflict
from service.base.identity import Actor
from service.notifications import outbox
from service.programmes import enrolment
from service.referrals.lifecycle import Status
from service.referrals.sql import queries


async def apply_move(
    conn: asyncpg.Connection, actor: Actor | None, referral: Any, status: Status, reason: str | None
) -> None:
    """Record and audit the move, enrol on acceptance to a programme, and tell the
    referrer."""
    held_from = referral["status"] if status == "on-hold" else None
    await queries.set_status(
        conn, id=referral["id"], status=status, held_from=held_from, reason=reason
    )
    if status == "accepted" and referral["programme_id"] is not None:
        await _enrol(conn, actor, referral)
    if status == "cancelled" and _place_unused(referral):
        assert actor is not None, "only people cancel referrals"
        await enrolment.give_up_place(
            conn, actor, referral["enrolment_id"], referral["id"], "the referral was cancelled"
        )
    event_id = await queries.insert_event(
        conn,
        referral_id=referral["id"],
        actor_id=actor.id if actor else None,
        from_status=referral["status"],
        to_status=status,
        reason=reason,
    )
    if actor is not None:
        await audit.log_action(
            conn,
            actor,
            "referral.status",
            client_id=referral["client_id"],
            subject=("referral", referral["id"]),
            detail={"from": referral["status"], "to": status},
        )
    if actor is None or actor.id != referral["referred_by"]:
        await queries.insert_notice(conn, staff_id=referral["referred_by"], event_id=event_id)
        await outbox.staff_notice(conn, referral["referred_by"], "referral_event", event_id)


def _place_unused(referral: Any) -> bool:
    """The referral took a place in a group that the client has not started in yet.

    Cancelling it then gives the place up: the next on the waiting list gets it and
    the client's invites stop. Once the client has started (in progress), the
    enrolment stays; leaving the group is a withdrawal of its own."""
    held_at = referral["held_from"] if referral["status"] == "on-hold" else referral["status"]
    return referral["enrolment_id"] is not None and held_at == "accepted"


async def _enrol(conn: asyncpg.Connection, actor: Actor | None, referral: Any) -> None:
    """A place in the group, or the waiting list, in the same transaction as the answer;
    a client already in the group keeps their place."""
    assert actor is not None, "only people accept referrals"
    try:
        enrolled = await enrolment.enrol(
            conn,
            actor,
            referral["programme_id"],
            referral["client_id"],
            referral_id=referral["id"],
            check_permission=False,
        )
        enrolment_id = enrolled.id
    except Conflict as conflict:
        if conflict.existing_id is None:
            raise
        enrolment_id = conflict.existing_id
    await queries.link_enrolment(conn, id=referral["id"], enrolment_id=enrolment_id)
