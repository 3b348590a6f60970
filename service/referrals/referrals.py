"""Referring a client to a group or a service: creating, reading and listing referrals,
and asking for a change of status (checked by lifecycle.py, carried out by moves.py).

Every change of status is kept as an event, and the referrer hears of changes made
by others: in their notices (notices.py), and by e-mail through the outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, cast

import asyncpg
import msgspec

from service.base import audit, clock
from service.base.errors import ClientOutOfReach, Conflict, Forbidden, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id, require_id
from service.base.pagination import NEWEST_FIRST, CursorId, decode_cursor, page_of
from service.base.reach import covering_consent, require_reach
from service.clients import disclosure
from service.referrals import lifecycle, moves
from service.referrals.lifecycle import Side, Status
from service.referrals.sql import queries
from service.referrals.types import (
    ReferralClient,
    ReferralEvent,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ReferralSummary,
    StatusIn,
    Target,
    WorkContact,
)

_WITHOUT_SIDE = "referral not found"


def _not_found() -> NotFound:
    return NotFound(_WITHOUT_SIDE)


async def _target(conn: asyncpg.Connection, data: ReferralIn) -> tuple[str, Any]:
    """Which field names the target, and the target (programme or service)."""
    if (data.programme_id is None) == (data.service_id is None):
        raise InvalidInput("programme_id", "refer to exactly one of programme_id or service_id")
    if data.programme_id is not None:
        target = is_id(data.programme_id) and await queries.programme_target(
            conn, id=data.programme_id
        )
        if not target:
            raise InvalidInput("programme_id", "no such programme")
        if target["cancelled_at"] is not None or target["ends_at"] <= clock.now():
            raise InvalidInput("programme_id", "the programme has ended or is cancelled")
        return "programme_id", target
    assert data.service_id is not None
    target = is_id(data.service_id) and await queries.service_target(conn, id=data.service_id)
    if not target:
        raise InvalidInput("service_id", "no such service")
    if target["status"] != "active":
        raise InvalidInput("service_id", "the service is no longer offered")
    return "service_id", target


async def create_referral(conn: asyncpg.Connection, actor: Actor, data: ReferralIn) -> ReferralOut:
    # Reach needs a role that works with clients, and every such role may refer.
    await require_reach(conn, actor, data.client_id, "referral.create", lock=True)
    field, target = await _target(conn, data)
    receiving = target["organisation_id"]
    consent_id = None
    if receiving != actor.organisation_id:
        # Handing a client's data to another organisation rests on their consent.
        if data.consent_id is not None and not is_id(data.consent_id):
            raise InvalidInput("consent_id", "no such consent")
        consent_id = await covering_consent(conn, data.client_id, receiving, data.consent_id)
        if consent_id is None:
            raise InvalidInput(
                "consent_id",
                "a referral to another organisation needs the client's valid data_sharing "
                "consent covering that organisation",
            )
    existing = await queries.open_referral(conn, client_id=data.client_id, target_id=target["id"])
    if existing is not None:
        raise Conflict("the client already has an open referral there", existing_id=existing)
    referral_id = await queries.insert_referral(
        conn,
        client_id=data.client_id,
        programme_id=target["id"] if field == "programme_id" else None,
        service_id=target["id"] if field == "service_id" else None,
        from_organisation_id=actor.organisation_id,
        to_organisation_id=receiving,
        referred_by=actor.id,
        reason=data.reason.strip(),
        needs=data.needs,
        consent_id=consent_id,
    )
    await queries.insert_event(
        conn,
        referral_id=referral_id,
        actor_id=actor.id,
        from_status=None,
        to_status="requested",
        reason=None,
    )
    await audit.log_action(
        conn,
        actor,
        "referral.create",
        client_id=data.client_id,
        subject=("referral", referral_id),
    )
    return await _read(conn, actor, referral_id)


def _target_of(row: Any) -> Target:
    return Target(
        kind=row["target_kind"],
        id=row["target_id"],
        name=row["target_name"],
        organisation_id=row["to_organisation_id"],
        organisation_name=row["to_organisation_name"],
    )


async def _read(conn: asyncpg.Connection, actor: Actor, referral_id: str) -> ReferralOut:
    row = await queries.referral(conn, viewer=actor.id, id=referral_id)
    if row is None:
        raise _not_found()
    sides = cast(frozenset[Side], frozenset(row["sides"]))
    viewer = disclosure.Viewer(actor.organisation_id, actor.roles, row["viewer_is_responsible"])
    contact_through = []
    last_name = row["last_name"]
    if not disclosure.sees_protected(row["non_disclosure"], row["client_organisation_id"], viewer):
        contacts = await queries.contact_workers(conn, client_id=row["client_id"])
        contact_through = [msgspec.convert(dict(c), WorkContact) for c in contacts]
        last_name = None
    return ReferralOut(
        id=row["id"],
        status=row["status"],
        status_reason=row["status_reason"],
        client=ReferralClient(
            id=row["client_id"],
            first_name=row["first_name"],
            last_name=last_name,
            language=row["language"],
            plain_language=row["plain_language"],
            non_disclosure=row["non_disclosure"],
            contact_through=contact_through,
        ),
        target=_target_of(row),
        from_organisation_id=row["from_organisation_id"],
        referred_by=row["referred_by"],
        referred_by_name=row["referred_by_name"],
        reason=row["reason"],
        needs=row["needs"],
        consent_id=row["consent_id"],
        shared=row["shared"],
        enrolment_id=row["enrolment_id"],
        your_sides=sorted(sides),
        allowed_moves=lifecycle.allowed_moves(row["status"], sides, row["held_from"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        events=msgspec.convert(row["events"], list[ReferralEvent]),
    )


async def _client_of(conn: asyncpg.Connection, referral_id: str) -> str | None:
    return await queries.referral_exists(conn, id=referral_id) if is_id(referral_id) else None


async def get_referral(conn: asyncpg.Connection, actor: Actor, referral_id: str) -> ReferralOut:
    client_id = await _client_of(conn, referral_id)
    if client_id is None:
        raise _not_found()
    try:
        referral = await _read(conn, actor, referral_id)
    except NotFound:
        raise ClientOutOfReach(client_id, "referral.read") from None
    await audit.log_action(
        conn, actor, "referral.read", client_id=client_id, subject=("referral", referral_id)
    )
    return referral


async def change_status(
    conn: asyncpg.Connection, actor: Actor, referral_id: str, data: StatusIn
) -> ReferralOut:
    require_id(referral_id, _not_found())
    locked = await queries.lock_referral(conn, viewer=actor.id, id=referral_id)
    if locked is None:
        raise _not_found()
    sides = cast(frozenset[Side], frozenset(locked["sides"]))
    if not sides:
        raise ClientOutOfReach(locked["client_id"], "referral.status")
    reason = data.reason.strip() if data.reason else None
    try:
        lifecycle.check_move(
            locked["status"],
            data.status,
            sides=sides,
            held_from=locked["held_from"],
            reason=reason,
        )
    except lifecycle.IllegalMove as illegal:
        raise Conflict(
            f"a {illegal.current} referral cannot become {illegal.target}",
            allowed=list(illegal.allowed),
        ) from None
    except lifecycle.NotYourMove as refused:
        who = " or ".join(sorted(refused.sides))
        raise Forbidden(f"only the {who} side makes a referral {refused.target}") from None
    except lifecycle.ReasonRequired:
        raise InvalidInput("reason", f"say why the referral is {data.status}") from None
    await moves.apply_move(conn, actor, locked, data.status, reason)
    return await _read(conn, actor, referral_id)


async def clients_started(
    conn: asyncpg.Connection, actor: Actor, programme_id: str, client_ids: list[str]
) -> None:
    """Clients attended the group they were referred to: their referrals are in progress."""
    if not client_ids:
        return
    for referral in await queries.started_referrals(
        conn, programme_id=programme_id, client_ids=client_ids
    ):
        await moves.apply_move(conn, actor, referral, "in-progress", "attended the group")


async def list_referrals(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    status: Status | None,
    client_id: str | None,
    direction: Literal["incoming", "outgoing"] | None,
    limit: int,
    cursor: str | None,
    mine: bool = False,
) -> ReferralPage:
    if client_id is not None and not is_id(client_id):
        return ReferralPage(items=[], next_cursor=None)
    after_created_at, after_id = decode_cursor(
        cursor, tuple[datetime, CursorId], first=NEWEST_FIRST
    )
    rows = await queries.list_referrals(
        conn,
        viewer=actor.id,
        mine=mine,
        status=status,
        client_id=client_id,
        direction=direction,
        after_created_at=after_created_at,
        after_id=after_id,
        limit=limit + 1,
    )
    summaries = [
        ReferralSummary(
            id=row["id"],
            status=row["status"],
            client_id=row["client_id"],
            referred_by=row["referred_by"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            target=_target_of(row),
        )
        for row in rows
    ]
    page = page_of(summaries, limit, lambda r: (r.created_at, r.id))
    await audit.log_for_clients(conn, actor, "referral.list", [r.client_id for r in page.items])
    return ReferralPage(items=page.items, next_cursor=page.next_cursor)
