"""Enrolment: a place while there is one, the waiting list after that, and a freed place
going to the first in line. The programme row lock serialises all of it."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach
from service.notifications import outbox
from service.programmes.access import lock_programme
from service.programmes.sql import queries
from service.programmes.types import EnrolmentListItem, EnrolmentOut


async def _may_enrol(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    """The programme's managers, and the municipal workers linked to it as contacts."""
    if await queries.manages_programme(conn, viewer=actor.id, programme_id=programme_id):
        return
    if not await queries.is_programme_contact(conn, viewer=actor.id, programme_id=programme_id):
        raise Forbidden("only the programme's facilitators, contacts and admins enrol clients")


async def _require_referral_to(
    conn: asyncpg.Connection, referral_id: str, client_id: str, programme_id: str
) -> None:
    is_theirs = is_id(referral_id) and await queries.is_referral_to(
        conn, id=referral_id, client_id=client_id, programme_id=programme_id
    )
    if not is_theirs:
        raise InvalidInput("referral_id", "not a referral of this client to this programme")


async def enrol(
    conn: asyncpg.Connection,
    actor: Actor,
    programme_id: str,
    client_id: str,
    *,
    referral_id: str | None = None,
    check_permission: bool = True,
) -> EnrolmentOut:
    """A place if one is free, otherwise the next position on the waiting list.

    `check_permission=False` is for callers that have decided already: accepting a
    referral to the programme, whose receiving side need not reach the client yet.
    """
    programme = await lock_programme(conn, programme_id)
    if check_permission:
        await require_reach(conn, actor, client_id, "enrolment.create")
        await _may_enrol(conn, actor, programme_id)
        if referral_id is not None:
            await _require_referral_to(conn, referral_id, client_id, programme_id)
    if programme["cancelled_at"] is not None:
        raise Conflict("the programme is cancelled")
    if programme["ends_at"] <= clock.now():
        raise Conflict("the programme has ended")
    existing = await queries.live_enrolment(conn, programme_id=programme_id, client_id=client_id)
    if existing is not None:
        raise Conflict("the client is already enrolled or waiting", existing_id=existing)
    counts = await queries.enrolment_counts(conn, programme_id=programme_id)
    has_place = counts["enrolled"] < programme["capacity"]
    row = await queries.insert_enrolment(
        conn,
        programme_id=programme_id,
        client_id=client_id,
        referral_id=referral_id,
        status="enrolled" if has_place else "waitlisted",
        waitlist_position=None if has_place else counts["last_position"] + 1,
        created_by=actor.id,
    )
    enrolment = msgspec.convert(dict(row), EnrolmentOut)
    if enrolment.status == "enrolled":
        await outbox.client_joined(conn, programme_id, client_id)
    await audit.log_action(
        conn,
        actor,
        "enrolment.create",
        client_id=client_id,
        subject=("enrolment", enrolment.id),
        detail={"programme_id": programme_id, "status": enrolment.status},
    )
    return enrolment


async def withdraw(
    conn: asyncpg.Connection, actor: Actor, enrolment_id: str, reason: str
) -> EnrolmentOut:
    """Withdraw a client; a freed place goes to the first on the waiting list."""
    require_id(enrolment_id, NotFound("enrolment not found"))
    current = await queries.enrolment(conn, id=enrolment_id)
    if current is None:
        raise NotFound("enrolment not found")
    await lock_programme(conn, current["programme_id"])
    current = await queries.enrolment(conn, id=enrolment_id)  # as it is under the lock
    await require_reach(conn, actor, current["client_id"], "enrolment.withdraw")
    if current["status"] == "withdrawn":
        raise Conflict("the enrolment is already withdrawn")
    if current["status"] == "enrolled":
        await outbox.client_left(conn, current["programme_id"], current["client_id"])
    row = await queries.withdraw_enrolment(
        conn, id=enrolment_id, withdrawn_by=actor.id, reason=reason
    )
    if current["status"] == "waitlisted":
        await queries.close_waitlist_gap(
            conn, programme_id=current["programme_id"], position=current["waitlist_position"]
        )
    await audit.log_action(
        conn,
        actor,
        "enrolment.withdraw",
        client_id=current["client_id"],
        subject=("enrolment", enrolment_id),
        detail={"reason": reason},
    )
    await fill_free_places(conn, actor, current["programme_id"])
    return msgspec.convert(dict(row), EnrolmentOut)


async def give_up_place(
    conn: asyncpg.Connection, actor: Actor, enrolment_id: str, referral_id: str, reason: str
) -> None:
    """Withdraw the enrolment a referral made, if it is still live; one that the client
    had before the referral (or that is gone already) stays as it is."""
    current = await queries.enrolment(conn, id=enrolment_id)
    if current is None or current["referral_id"] != referral_id:
        return
    if current["status"] != "withdrawn":
        await withdraw(conn, actor, enrolment_id, reason)


async def fill_free_places(conn: asyncpg.Connection, actor: Actor, programme_id: str) -> None:
    """Move people from the waiting list into free places, first in line first.
    The caller holds the programme lock."""
    programme = await queries.lock_programme(conn, id=programme_id)
    if programme["cancelled_at"] is not None or programme["ends_at"] <= clock.now():
        return  # no group to join any more: nobody is invited to it
    counts = await queries.enrolment_counts(conn, programme_id=programme_id)
    for _ in range(programme["capacity"] - counts["enrolled"]):
        promoted = await queries.promote_first_waitlisted(conn, programme_id=programme_id)
        if promoted is None:
            return
        await queries.close_waitlist_gap(conn, programme_id=programme_id, position=1)
        await outbox.client_joined(conn, programme_id, promoted["client_id"])
        await audit.log_action(
            conn,
            actor,
            "enrolment.promote",
            client_id=promoted["client_id"],
            subject=("enrolment", promoted["id"]),
            detail={"programme_id": programme_id},
        )


async def list_enrolments(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, *, limit: int, cursor: str | None
) -> Page[EnrolmentListItem]:
    """The group's clients in the caller's reach (for its facilitators, everyone enrolled
    or waiting whom their organisation may see)."""
    require_id(programme_id, NotFound("programme not found"))
    if await queries.programme(conn, id=programme_id) is None:
        raise NotFound("programme not found")
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    rows = await queries.list_enrolments(
        conn,
        programme_id=programme_id,
        viewer=actor.id,
        after_name=after_name,
        after_id=after_id,
        limit=limit + 1,
    )
    sort_names = {row["id"]: row["sort_name"] for row in rows}
    page = page_of(
        [msgspec.convert(dict(row), EnrolmentListItem) for row in rows],
        limit,
        lambda e: (sort_names[e.id], e.id),
    )
    await audit.log_for_clients(conn, actor, "enrolment.list", [e.client_id for e in page.items])
    return page
