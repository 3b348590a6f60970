"""Closing a client relationship: reach ends for everyone but the admins of the client's
own organisation, nothing more is sent to the client, open follow-ups are cancelled,
page and feed links die, and retention runs for ten years from the day it closed."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.clock import today_in_finland
from service.base.errors import Conflict, Forbidden, InvalidInput
from service.base.identity import Actor
from service.base.reach import require_reach
from service.composers.data_rights import rules
from service.composers.data_rights.sql import queries
from service.composers.data_rights.types import CloseIn, Closure


def may_close(actor: Actor, client_organisation: str, responsible: bool) -> bool:
    """The client's own organisation's admins and its responsible workers close it."""
    own_admin = actor.has_role("admin") and actor.organisation_id == client_organisation
    return own_admin or responsible


async def close_client(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: CloseIn
) -> Closure:
    await require_reach(conn, actor, client_id, "client.close", lock=True)
    facts = await queries.closing_facts(conn, client_id=client_id, viewer=actor.id)
    if not may_close(actor, facts["organisation_id"], facts["responsible"]):
        raise Forbidden("only the client's responsible workers and its organisation's admins")
    if facts["closed"]:
        raise Conflict("the client relationship is closed already")
    if why := rules.closing_day_problem(data.closed_on, facts["created_on"], today_in_finland()):
        raise InvalidInput("closed_on", why)
    row = await queries.close(
        conn,
        client_id=client_id,
        closed_on=data.closed_on,
        reason=data.reason,
        closed_by=actor.id,
        retention_until=rules.retention_until(data.closed_on),
    )
    messages = await queries.cancel_pending_messages(conn, client_id=client_id)
    follow_ups = await queries.cancel_open_follow_ups(conn, client_id=client_id)
    links = await queries.revoke_page_links(conn, client_id=client_id)
    links += await queries.revoke_feeds(conn, client_id=client_id)
    await audit.log_action(
        conn,
        actor,
        "client.close",
        client_id=client_id,
        subject=("client", client_id),
        detail={
            "closed_on": data.closed_on.isoformat(),
            "reason": data.reason,
            "retention_until": row["retention_until"].isoformat(),
            "cancelled_messages": messages,
            "cancelled_follow_ups": follow_ups,
            "revoked_links": links,
        },
    )
    return msgspec.structs.replace(
        msgspec.convert(dict(row), Closure),
        cancelled_messages=messages,
        cancelled_follow_ups=follow_ups,
        revoked_links=links,
    )
