"""Consent per purpose: given, listed, revoked, and what a revocation stops."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.pagination import NEWEST_FIRST, CursorId, Page, decode_cursor, page_of
from service.base.reach import require_reach
from service.calendar import links as calendar_links
from service.clients.sql import queries
from service.clients.types import (
    ConsentIn,
    ConsentOut,
    RevokeIn,
)
from service.notifications import outbox


async def give_consent(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: ConsentIn
) -> ConsentOut:
    await require_reach(conn, actor, client_id, "consent.create", lock=True)
    organisation_ids = sorted(set(data.organisation_ids))
    if data.purpose == "data_sharing":
        if not organisation_ids:
            raise InvalidInput("organisation_ids", "data sharing names the organisations it covers")
        all_ids = all(is_id(i) for i in organisation_ids)
        known = all_ids and await queries.count_known_organisations(conn, ids=organisation_ids)
        if known != len(organisation_ids):
            raise InvalidInput("organisation_ids", "names an unknown organisation")
    elif organisation_ids:
        raise InvalidInput("organisation_ids", "only data sharing consent names organisations")
    if data.valid_until is not None and data.valid_until < today_in_finland():
        raise InvalidInput("valid_until", "is in the past")
    row = await queries.insert_consent(
        conn,
        client_id=client_id,
        purpose=data.purpose,
        organisation_ids=organisation_ids,
        valid_until=data.valid_until,
        recorded_by=actor.id,
    )
    consent = msgspec.convert(dict(row), ConsentOut)
    if data.purpose in {"email_reminders", "sms_reminders"}:
        await outbox.client_reach_changed(
            conn, client_id, calendar_anew=data.purpose == "email_reminders"
        )
    await audit.log_action(
        conn,
        actor,
        "consent.create",
        client_id=client_id,
        subject=("consent", consent.id),
        detail={"purpose": data.purpose},
    )
    return consent


async def list_consents(
    conn: asyncpg.Connection, actor: Actor, client_id: str, *, limit: int, cursor: str | None
) -> Page[ConsentOut]:
    await require_reach(conn, actor, client_id, "consent.read")
    after_given_at, after_id = decode_cursor(cursor, tuple[datetime, CursorId], first=NEWEST_FIRST)
    rows = await queries.list_consents(
        conn,
        client_id=client_id,
        after_given_at=after_given_at,
        after_id=after_id,
        limit=limit + 1,
    )
    await audit.log_action(conn, actor, "consent.read", client_id=client_id)
    items = [msgspec.convert(dict(row), ConsentOut) for row in rows]
    return page_of(items, limit, lambda consent: (consent.given_at, consent.id))


async def revoke_consent(
    conn: asyncpg.Connection, actor: Actor, consent_id: str, data: RevokeIn
) -> ConsentOut:
    client_id = await queries.consent_client(conn, id=consent_id) if is_id(consent_id) else None
    if client_id is None:
        raise NotFound("consent not found")
    await require_reach(conn, actor, client_id, "consent.revoke", lock=True)
    row = await queries.revoke_consent(conn, id=consent_id, revoked_by=actor.id, reason=data.reason)
    if row is None:
        raise Conflict("this consent is already revoked")
    if not await queries.still_consented(conn, client_id=client_id, purpose=row["purpose"]):
        await outbox.consent_revoked(conn, client_id, row["purpose"])
        if row["purpose"] == "calendar_feed":
            await calendar_links.revoke_client_feeds(conn, client_id)
    await audit.log_action(
        conn, actor, "consent.revoke", client_id=client_id, subject=("consent", consent_id)
    )
    return msgspec.convert(dict(row), ConsentOut)


async def revoke_by_client(
    conn: asyncpg.Connection, client_id: str, purpose: str, reason: str, request_id: str | None
) -> bool:
    """The client ended a purpose themselves (STOP by SMS): every live consent for it is
    revoked, and what a staff member's revocation stops, stops. Whether one was live."""
    revoked = await queries.revoke_purpose_by_client(
        conn, client_id=client_id, purpose=purpose, reason=reason, request_id=request_id
    )
    if revoked:
        await outbox.consent_revoked(conn, client_id, purpose)
    return bool(revoked)
